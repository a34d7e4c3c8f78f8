using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SessionFunctions.Functions;

// The Functions host forwards each HTTP request to this worker's ASP.NET Core pipeline; options are validated at start-up.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddSessionWorker();
builder.Build().Run();
