// The baseline for bench/load: per request, only the unavoidable work of each SessionFunctions endpoint, written
// as plainly as ASP.NET Core allows (CreateSlimBuilder, minimal APIs, the same Azure.Data.Tables client with default
// options, one RSA-2048 key in memory). What it deliberately leaves out: Basic auth, Stytch's full response objects,
// validation, logging, retries on conflicts, request-cost counting.
//
//   POST /migrate            {"session_token": legacy}  GET UserInfo (Bearer) -> point read member by email hash ->
//                            upsert expiry row -> RS256 sign -> one transaction (add session + replace member row
//                            if-match its ETag)                               = 1 UserInfo call, 3 table round trips, 1 sign
//   POST /authenticate       {"session_token": t}       point read by token hash -> RS256 sign -> replace if-match
//                                                                             = 2 table round trips, 1 sign
//   POST /authenticate-jwt   {"session_jwt": j}         RS256 verify -> point read -> RS256 sign -> replace if-match
//                                                                             = 2 table round trips, 1 verify, 1 sign
//   GET  /jwks                                          a cached JSON string
//   POST /seed               {"emails": [...], "sessions": n}  writes member rows and n sessions; answers their tokens and JWTs
//   DELETE /tables                                      drops the baseline's tables (and those in BASE_ALSO_DROP)
//
// Settings (environment): BASE_STORAGE (connection string), BASE_PREFIX (table prefix), BASE_USERINFO (URL); --urls.
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
var app = builder.Build();

var storage = Environment.GetEnvironmentVariable("BASE_STORAGE") ?? "UseDevelopmentStorage=true";
var prefix = Environment.GetEnvironmentVariable("BASE_PREFIX") ?? "base";
var userInfoUrl = Environment.GetEnvironmentVariable("BASE_USERINFO") ?? "http://127.0.0.1:7070/userinfo";
var service = new TableServiceClient(storage);
var rows = service.GetTableClient(prefix + "Rows");
var expiry = service.GetTableClient(prefix + "Expiry");
await rows.CreateIfNotExistsAsync();
await expiry.CreateIfNotExistsAsync();
var http = new HttpClient();
var rsa = RSA.Create(2048);
var publicKey = rsa.ExportParameters(false);
var jwks = JsonSerializer.Serialize(new
{
    keys = new[] { new { alg = "RS256", kid = "jwk-test-baseline", kty = "RSA", use = "sig", n = Base64Url.EncodeToString(publicKey.Modulus), e = Base64Url.EncodeToString(publicKey.Exponent) } },
    request_id = "request-id-test-baseline", status_code = 200,
});
const string Partition = "organization-test-baseline";
// Stored payloads of about the size SessionFunctions stores (a member's JSON, a session's factors and member JSON).
var memberPayload = new string('m', 700);
var sessionPayload = new string('s', 1100);

app.MapGet("/jwks", () => Results.Text(jwks, "application/json"));

app.MapPost("/migrate", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var legacy = body.RootElement.GetProperty("session_token").GetString()!;
    using var userInfo = new HttpRequestMessage(HttpMethod.Get, userInfoUrl);
    userInfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", legacy);
    using var answer = await http.SendAsync(userInfo, ct);
    if (!answer.IsSuccessStatusCode) return Results.StatusCode(400);
    using var claims = JsonDocument.Parse(await answer.Content.ReadAsByteArrayAsync(ct));
    var email = claims.RootElement.GetProperty("email").GetString()!.Trim().ToLowerInvariant();

    var member = await rows.GetEntityIfExistsAsync<TableEntity>(Partition, "email|" + Hex(email), cancellationToken: ct);
    if (!member.HasValue) return Results.StatusCode(404);
    var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(64));
    var rowKey = "session|" + Hex(token);
    var expiresAt = DateTimeOffset.UtcNow.AddHours(1);
    await expiry.UpsertEntityAsync(new TableEntity(expiresAt.ToString("yyyyMMddHHmm"), Partition + "|" + rowKey), TableUpdateMode.Replace, ct);
    var jwt = Jwt(rowKey);
    var guard = member.Value!;
    await rows.SubmitTransactionAsync(
    [
        new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Partition, rowKey) { ["ExpiresAt"] = expiresAt, ["Payload"] = sessionPayload }),
        new TableTransactionAction(TableTransactionActionType.UpdateReplace, guard, guard.ETag),
    ], ct);
    return Results.Json(new { session_token = token, session_jwt = jwt, member_id = guard.RowKey, status_code = 200 });
});

app.MapPost("/authenticate", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var token = body.RootElement.GetProperty("session_token").GetString()!;
    return await Refresh("session|" + Hex(token), token, ct);
});

app.MapPost("/authenticate-jwt", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var jwt = body.RootElement.GetProperty("session_jwt").GetString()!;
    var parts = jwt.Split('.');
    if (parts.Length != 3 || !rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        return Results.StatusCode(404);
    using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
    return await Refresh(payload.RootElement.GetProperty("sid").GetString()!, "", ct);
});

app.MapPost("/seed", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var emails = body.RootElement.GetProperty("emails").EnumerateArray().Select(e => e.GetString()!.Trim().ToLowerInvariant()).ToList();
    var count = body.RootElement.GetProperty("sessions").GetInt32();
    foreach (var chunk in emails.Chunk(100))
        await rows.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(Partition, "email|" + Hex(e)) { ["Payload"] = memberPayload })), ct);
    var tokens = Enumerable.Range(0, count).Select(_ => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(64))).ToList();
    foreach (var chunk in tokens.Chunk(100))
        await rows.SubmitTransactionAsync(chunk.Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(Partition, "session|" + Hex(t)) { ["ExpiresAt"] = DateTimeOffset.UtcNow.AddDays(1), ["Payload"] = sessionPayload })), ct);
    return Results.Json(new { tokens, jwts = tokens.Select(t => Jwt("session|" + Hex(t))).ToList() });
});

// Also drops the tables named in BASE_ALSO_DROP (comma-separated): run.sh passes the Server's, to clean up after itself.
app.MapDelete("/tables", async (CancellationToken ct) =>
{
    var names = (Environment.GetEnvironmentVariable("BASE_ALSO_DROP") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
    foreach (var table in new[] { rows, expiry }.Concat(names.Select(service.GetTableClient)))
        await table.DeleteAsync(ct);
    return Results.Ok();
});

app.Run();

// One point read, one RS256 signature, one conditional replace (If-Match: the ETag read).
async Task<IResult> Refresh(string rowKey, string token, CancellationToken ct)
{
    var row = await rows.GetEntityIfExistsAsync<TableEntity>(Partition, rowKey, cancellationToken: ct);
    if (!row.HasValue) return Results.StatusCode(404);
    var session = row.Value!;
    session["LastAccessedAt"] = DateTimeOffset.UtcNow;
    var jwt = Jwt(rowKey);
    await rows.UpdateEntityAsync(session, session.ETag, TableUpdateMode.Replace, ct);
    return Results.Json(new { session_token = token, session_jwt = jwt, status_code = 200 });
}

// An RS256 JWT of about the size of a session JWT (~1 KB), naming the session row.
string Jwt(string rowKey)
{
    var header = Base64Url.EncodeToString("""{"alg":"RS256","kid":"jwk-test-baseline","typ":"JWT"}"""u8);
    var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new
    {
        sid = rowKey, aud = "project-test-baseline", iss = "stytch.com/project-test-baseline",
        iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        pad = new string('p', 400),
    }));
    var input = header + "." + payload;
    return input + "." + Base64Url.EncodeToString(rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
}

static string Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
