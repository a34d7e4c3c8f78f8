// The baseline for bench/load: per request, only the unavoidable work of each SessionFunctions endpoint, written
// as plainly as ASP.NET Core allows (CreateSlimBuilder, minimal APIs, the same Azure.Data.Tables client with default
// options, one RSA-2048 key in memory), on the same storage layout: each member's rows and its sessions in one of 32
// partitions (chosen by the email), sessions next to their member (member|{m}|session|{s}). What it deliberately
// leaves out: Basic auth, Stytch's full response objects, validation, logging, retries on conflicts, request-cost
// counting, the cap's evictions.
//
//   POST /migrate            {"session_token": legacy}  GET UserInfo (Bearer) -> point read member by email hash ->
//                            range read of the member's sessions (narrow $select) beside the expiry row upsert ->
//                            RS256 sign -> one transaction (add the session)
//                                                                             = 1 UserInfo call, 4 table calls in 3 round trips, 1 sign
//   POST /authenticate       {"session_token": t}       one range read (member row, then its sessions up to this one)
//                                                       -> RS256 sign -> replace if-match
//                                                                             = 2 table round trips, 1 sign
//   POST /authenticate-jwt   {"session_jwt": j}         RS256 verify -> the same range read -> RS256 sign -> replace if-match
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
const string Organization = "organization-test-baseline";
const int Shards = 32;
// Stored payloads of about the size SessionFunctions stores (a member's JSON, a session's factors and claims).
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

    var partition = PartitionOf(email);
    var member = await rows.GetEntityIfExistsAsync<TableEntity>(partition, "email|" + Hex(email), cancellationToken: ct);
    if (!member.HasValue) return Results.StatusCode(404);
    var memberKey = member.Value!.GetString("MemberKey");
    var (token, rowKey) = NewSession(memberKey);
    var expiresAt = DateTimeOffset.UtcNow.AddHours(1);
    var indexing = expiry.UpsertEntityAsync(new TableEntity(expiresAt.ToString("yyyyMMddHHmm") + "-" + rowKey[^1], Organization + "|" + rowKey)
        { ["SessionPartition"] = partition }, TableUpdateMode.Replace, ct);
    var existing = 0;
    await foreach (var _ in rows.QueryAsync<TableEntity>(
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {"member|" + memberKey + "|session|"} and RowKey lt {"member|" + memberKey + "|session}"}"),
        select: ["RowKey", "StartedAt"], cancellationToken: ct))
        existing++;
    await indexing;
    var jwt = Jwt(rowKey, partition);
    await rows.AddEntityAsync(new TableEntity(partition, rowKey) { ["ExpiresAt"] = expiresAt, ["StartedAt"] = DateTimeOffset.UtcNow, ["Payload"] = sessionPayload }, ct);
    return Results.Json(new { session_token = token, session_jwt = jwt, member_id = memberKey, sessions = existing + 1, status_code = 200 });
});

app.MapPost("/authenticate", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var token = body.RootElement.GetProperty("session_token").GetString()!;
    var raw = Base64Url.DecodeFromChars(token);
    var (partition, rowKey) = (Encoding.ASCII.GetString(raw, 0, raw[0] + 1)[1..], Encoding.ASCII.GetString(raw, raw[0] + 1, 7 + 32 + 9 + 32));
    return await Refresh(partition, rowKey, token, ct);
});

app.MapPost("/authenticate-jwt", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var jwt = body.RootElement.GetProperty("session_jwt").GetString()!;
    var parts = jwt.Split('.');
    if (parts.Length != 3 || !rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        return Results.StatusCode(404);
    using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
    return await Refresh(payload.RootElement.GetProperty("part").GetString()!, payload.RootElement.GetProperty("sid").GetString()!, "", ct);
});

app.MapPost("/seed", async (HttpRequest request, CancellationToken ct) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
    var emails = body.RootElement.GetProperty("emails").EnumerateArray().Select(e => e.GetString()!.Trim().ToLowerInvariant()).ToList();
    var count = body.RootElement.GetProperty("sessions").GetInt32();
    foreach (var shard in emails.GroupBy(PartitionOf))
        foreach (var chunk in shard.Chunk(50))
            await rows.SubmitTransactionAsync(chunk.SelectMany(e => new[] { "email|" + Hex(e), "member|" + MemberKey(e) }.Select(r =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity(shard.Key, r) { ["MemberKey"] = MemberKey(e), ["Payload"] = memberPayload }))), ct);
    // Sessions go round the members, as a load of logins would spread them.
    var sessions = Enumerable.Range(0, count).Select(i => (Email: emails[i % emails.Count], Session: NewSession(MemberKey(emails[i % emails.Count])))).ToList();
    foreach (var shard in sessions.GroupBy(s => PartitionOf(s.Email)))
        foreach (var chunk in shard.Chunk(100))
            await rows.SubmitTransactionAsync(chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(shard.Key, s.Session.RowKey) { ["ExpiresAt"] = DateTimeOffset.UtcNow.AddDays(1), ["StartedAt"] = DateTimeOffset.UtcNow, ["Payload"] = sessionPayload })), ct);
    return Results.Json(new { tokens = sessions.Select(s => s.Session.Token).ToList(), jwts = sessions.Select(s => Jwt(s.Session.RowKey, PartitionOf(s.Email))).ToList() });
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

// One range read (the member row, then its sessions up to this one), one RS256 signature, one conditional replace.
async Task<IResult> Refresh(string partition, string rowKey, string token, CancellationToken ct)
{
    var memberRow = rowKey[..(rowKey.IndexOf("|session|", StringComparison.Ordinal))];
    TableEntity? member = null, session = null;
    await foreach (var row in rows.QueryAsync<TableEntity>(
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {memberRow} and RowKey le {rowKey}"), cancellationToken: ct))
    {
        if (row.RowKey == memberRow) member = row;
        else if (row.RowKey == rowKey) session = row;
    }
    if (member is null || session is null) return Results.StatusCode(404);
    session["LastAccessedAt"] = DateTimeOffset.UtcNow;
    var jwt = Jwt(rowKey, partition);
    await rows.UpdateEntityAsync(session, session.ETag, TableUpdateMode.Replace, ct);
    return Results.Json(new { session_token = token, session_jwt = jwt, status_code = 200 });
}

// A member's partition: one of 32 shards of the organization, by a hash of the email; its key, from the email too.
static string PartitionOf(string email) => PartitionOfKey(MemberKey(email));
static string PartitionOfKey(string memberKey) => Organization + "|" + (Convert.ToByte(memberKey[..2], 16) % Shards).ToString("x2");
static string MemberKey(string email) => Hex(email)[..32];

// The token: the partition's length and name, the row key, then 32 random bytes (base64url).
static string Token(string partition, string rowKey)
{
    var selector = Encoding.ASCII.GetBytes((char)partition.Length + partition + rowKey);
    return Base64Url.EncodeToString([.. selector, .. RandomNumberGenerator.GetBytes(32)]);
}

// A session next to its member; its token carries the partition and row (so a read needs no lookup) and 32 random bytes.
(string Token, string RowKey) NewSession(string memberKey)
{
    var rowKey = "member|" + memberKey + "|session|" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    return (Token(PartitionOfKey(memberKey), rowKey), rowKey);
}

// An RS256 JWT of about the size of a session JWT (~1 KB), naming the session row.
string Jwt(string rowKey, string partition)
{
    var header = Base64Url.EncodeToString("""{"alg":"RS256","kid":"jwk-test-baseline","typ":"JWT"}"""u8);
    var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new
    {
        sid = rowKey, part = partition, aud = "project-test-baseline", iss = "stytch.com/project-test-baseline",
        iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        pad = new string('p', 400),
    }));
    var input = header + "." + payload;
    return input + "." + Base64Url.EncodeToString(rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
}

static string Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
