using Microsoft.Extensions.Options;

namespace SessionFunctions.Server;

/// <summary>Finds the settings problems in a start-up failure (one section fails alone; several fail as an AggregateException).</summary>
public static class StartupErrors
{
    public static IReadOnlyList<string> Settings(Exception e) => e switch
    {
        OptionsValidationException o => [.. o.Failures],
        AggregateException a when a.InnerExceptions.All(i => i is OptionsValidationException) => [.. a.InnerExceptions.SelectMany(Settings)],
        _ => [],
    };
}
