using Microsoft.Extensions.Options;
using SessionFunctions.Server;

try
{
    await SessionServer.Build(args).RunAsync();
}
catch (OptionsValidationException e)
{
    // A missing or malformed setting stops the process with a message that names the setting.
    Console.Error.WriteLine("SessionFunctions.Server cannot start: " + string.Join(" ", e.Failures));
    return 1;
}
return 0;
