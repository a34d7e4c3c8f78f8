using Microsoft.Extensions.Options;
using SessionFunctions.Server;

try
{
    await SessionServer.Build(args).RunAsync();
}
catch (Exception e) when (StartupErrors.Settings(e) is { Count: > 0 } failures)
{
    // A missing or malformed setting stops the process with a message that names the setting.
    Console.Error.WriteLine("SessionFunctions.Server cannot start: " + string.Join(" ", failures));
    return 1;
}
return 0;
