using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SessionFunctions.Functions;

// The Functions host hands each HTTP request to its function whole, in the invocation (FunctionHttp); options are
// validated at start-up.
var builder = FunctionsApplication.CreateBuilder(args);
builder.AddSessionWorker();
builder.Build().Run();
