using Microsoft.Extensions.Options;

namespace SessionFunctions.Api;

/// <summary>Settings under <c>Api</c>: limits and diagnostics of the HTTP surface.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest accepted request body. Default 64 KiB (custom claims and metadata are capped at 4 KB each).</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Adds <c>X-Request-Cost: tables=…;userinfo=…;signatures=…</c> to every answer (tests and benchmarks).</summary>
    public bool ExposeRequestCosts { get; set; }
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions o) =>
        o.MaxRequestBodyBytes is >= 1024 and <= 16 * 1024 * 1024
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Api__MaxRequestBodyBytes must be between 1024 and 16777216.");
}
