using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Cli;
using SessionFunctions.Cli.Import;

// dotnet run --project src/SessionFunctions.Cli -- import organizations FILE
// dotnet run --project src/SessionFunctions.Cli -- import members FILE [--organization ID] [--dry-run] [--format csv|jsonl|auth0]
var root = ImportCommands.Root(() => CliServices.Build(), Console.Out, Console.Error, terminal: !Console.IsOutputRedirected);
return await root.Parse(args).InvokeAsync();
