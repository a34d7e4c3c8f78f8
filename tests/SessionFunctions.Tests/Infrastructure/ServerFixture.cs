using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SessionFunctions.Core.Storage;
using SessionFunctions.Server;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>
/// The real Server on Kestrel (loopback, a free port), on Azurite with tables of its own, signing with a fresh local
/// key, and calling a <see cref="FakeUserInfoProvider"/>. Tests talk to it over real HTTP.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    public FakeUserInfoProvider UserInfo { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;
    public LogCapture Logs { get; } = new();
    public virtual string ProjectId { get; } = "project-test-" + Guid.NewGuid();
    public virtual string Secret { get; } = "secret-test-" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=');
    /// <summary>This server's tables; two servers given the same prefix share them (two instances of one deployment).</summary>
    public string TablePrefix { get; init; } = TestStorage.NewTablePrefix();
    public FakeTimeProvider? Clock { get; private set; }
    protected string WorkDirectory => _keyDirectory;
    private readonly string _keyDirectory = Path.Combine(Path.GetTempPath(), "sessionfunctions-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The storage this server uses: the shared Azurite unless a fixture brings its own.</summary>
    protected virtual string StorageConnectionString => TestStorage.ConnectionString;

    /// <summary>Use a fake clock (starting now) that tests move forward by hand.</summary>
    protected virtual bool UseFakeClock => false;

    /// <summary>Serve HTTPS with a certificate from a throwaway authority (the Stytch SDKs accept only https base URLs).</summary>
    protected virtual bool UseHttps => false;

    public LoopbackCertificates? Certificates { get; private set; }

    /// <summary>Extra or changed settings for this fixture.</summary>
    protected virtual void Configure(IDictionary<string, string?> settings) { }

    /// <summary>Extra or replaced services for this fixture.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>The example RBAC policy in the repository, which every test server loads.</summary>
    public static string ExamplePolicyPath => Path.Combine(Repository.Root, "examples", "rbac-policy.json");

    public async Task InitializeAsync()
    {
        UserInfo = await FakeUserInfoProvider.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Sessions:ProjectId"] = ProjectId,
            ["Sessions:ProjectSecret"] = Secret,
            ["Sessions:UserInfoUrl"] = UserInfo.UserInfoUrl,
            ["Sessions:UserInfoTimeout"] = "00:00:02",
            ["Storage:ConnectionString"] = StorageConnectionString,
            ["Storage:TablePrefix"] = TablePrefix,
            ["Signing:LocalKeyPath"] = Path.Combine(_keyDirectory, "signing-key.pem"),
            ["Api:ExposeRequestCosts"] = "true",
            ["Sweep:Schedule"] = "0 0 0 1 1 *", // tests run the sweep themselves
            ["Rbac:PolicyPath"] = ExamplePolicyPath, // the example policy of the README (roles editor, viewer, billing)
        };
        Configure(settings);
        if (UseFakeClock) Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        if (UseHttps) Certificates = new LoopbackCertificates();

        App = SessionServer.Build([], builder =>
        {
            if (Certificates is { } certificates)
                builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.UseHttps(certificates.Server)));
            else
                builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            // A rule for the capture itself outranks appsettings.json's per-category levels: it sees every category at Trace.
            builder.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Trace).AddFilter<LogCapture>(null, LogLevel.Trace);
            if (Clock is not null) builder.Services.AddSingleton<TimeProvider>(Clock);
            ConfigureServices(builder.Services);
        });
        try
        {
            await App.StartAsync();
        }
        catch (Exception e) when (e is Azure.RequestFailedException or AggregateException)
        {
            throw new InvalidOperationException($"The test server could not reach Table Storage ({StorageConnectionString.Split(';')[0]}…). " +
                "Run the tests with 'bash scripts/test.sh', which starts Azurite, or start it yourself on 127.0.0.1:10002.", e);
        }
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Anonymous = new HttpClient(Certificates?.TrustingHandler() ?? new HttpClientHandler()) { BaseAddress = new Uri(address) };
        Client = new HttpClient(Certificates?.TrustingHandler() ?? new HttpClientHandler()) { BaseAddress = new Uri(address) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ProjectId}:{Secret}")));
    }

    /// <summary>Session tokens and JWTs this fixture has seen in answers.</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _issued = [];

    /// <summary>Members' email addresses this fixture has sent or seen in answers.</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _emails = [];

    /// <summary>
    /// Every secret this server has handled: the project secret, the legacy tokens, and the session tokens and JWTs it
    /// issued. None may appear in its logs, which are captured at Trace level for the whole life of the fixture.
    /// </summary>
    public IEnumerable<string> Secrets => _issued.Concat(UserInfo.IssuedTokens).Concat(MoreSecrets).Append(Secret).Where(s => s.Length >= 16);

    /// <summary>Secrets a fixture hands out beyond these (other providers' tokens).</summary>
    protected virtual IEnumerable<string> MoreSecrets => [];

    /// <summary>
    /// Every form in which a secret could leak: the value itself, the Basic header's base64, each segment of a JWT,
    /// and SHA-256 of a token (how tokens are stored) in hex and base64.
    /// </summary>
    public IEnumerable<string> SecretForms =>
        Secrets.SelectMany(Forms).Append(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ProjectId}:{Secret}"))).Distinct();

    public static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        if (secret.Count(c => c == '.') == 2)
            foreach (var segment in secret.Split('.').Where(s => s.Length >= 16)) yield return segment;
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        yield return Convert.ToHexString(hash);
        yield return Convert.ToHexStringLower(hash);
        yield return Convert.ToBase64String(hash).TrimEnd('=');
        yield return System.Buffers.Text.Base64Url.EncodeToString(hash);
    }

    /// <summary>Members' emails as they could appear in a log: as written, or escaped in a query string (any case).</summary>
    public IEnumerable<string> EmailForms => _emails.Distinct(StringComparer.OrdinalIgnoreCase)
        .SelectMany(e => new[] { e, Uri.EscapeDataString(e), System.Net.WebUtility.UrlEncode(e) }).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Remembers an email address that must never be logged (for calls made without this fixture's helpers).</summary>
    public void RememberEmail(string email) => _emails.Add(email);

    public void AssertNoSecretInLogs()
    {
        var lines = Logs.Lines.ToList();
        var leaked = SecretForms.Where(secret => lines.Any(l => l.Contains(secret, StringComparison.Ordinal)))
            .Concat(EmailForms.Where(email => lines.Any(l => l.Contains(email, StringComparison.OrdinalIgnoreCase)))).ToList();
        Assert.True(leaked.Count == 0, $"{leaked.Count} secret(s) or email(s) appear in the server log, e.g. in: " +
            lines.FirstOrDefault(l => leaked.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase))));
    }

    private ApiCall Remember(ApiCall call)
    {
        if (call.Json.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var name in new[] { "session_token", "session_jwt" })
                if (call.Json.TryGetProperty(name, out var v) && v.GetString() is { Length: > 0 } s) _issued.Add(s);
            if (call.Json.TryGetProperty("member", out var member) && member.ValueKind == System.Text.Json.JsonValueKind.Object
                && member.TryGetProperty("email_address", out var email) && email.GetString() is { Length: > 0 } address)
                _emails.Add(address);
        }
        return call;
    }

    public async Task DisposeAsync()
    {
        AssertNoSecretInLogs();
        try { await Service<SessionTables>().DeleteAsync(CancellationToken.None); } catch { /* best effort */ }
        await App.StopAsync();
        await App.DisposeAsync();
        await UserInfo.DisposeAsync();
        Client.Dispose();
        Anonymous.Dispose();
        Certificates?.Dispose();
        try { Directory.Delete(_keyDirectory, recursive: true); } catch (IOException) { }
    }

    // ---- calls -------------------------------------------------------------------------------------------------

    public async Task<ApiCall> PostAsync(string path, object body, HttpClient? client = null) =>
        Remember(await ApiCall.ReadAsync(await (client ?? Client).PostAsJsonAsync(path, body)));

    public async Task<ApiCall> PostRawAsync(string path, string body, string contentType = "application/json", HttpClient? client = null) =>
        Remember(await ApiCall.ReadAsync(await (client ?? Client).PostAsync(path, new StringContent(body, Encoding.UTF8, contentType))));

    public async Task<ApiCall> GetAsync(string path, HttpClient? client = null) =>
        Remember(await ApiCall.ReadAsync(await (client ?? Client).GetAsync(path)));

    public async Task<ApiCall> PutAsync(string path, object body) => await ApiCall.ReadAsync(await Client.PutAsJsonAsync(path, body));

    public async Task<ApiCall> PutRawAsync(string path, string body) =>
        await ApiCall.ReadAsync(await Client.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json")));

    public async Task<ApiCall> DeleteAsync(string path) => await ApiCall.ReadAsync(await Client.DeleteAsync(path));

    /// <summary>A new organization with a unique slug; returns its organization_id.</summary>
    public async Task<string> NewOrganizationAsync(string? slug = null, string? externalId = null)
    {
        var call = (await PostAsync("/v1/b2b/organizations", new Dictionary<string, object?>
        {
            ["organization_name"] = "Org " + Guid.NewGuid().ToString("N")[..6],
            ["organization_slug"] = slug ?? "org-" + Guid.NewGuid().ToString("N")[..12],
            ["organization_external_id"] = externalId,
        }.Where(p => p.Value is not null).ToDictionary())).AssertOk();
        return call.Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
    }

    /// <summary>A new member; returns its member_id.</summary>
    public async Task<string> NewMemberAsync(string organizationId, string email, bool pending = false, string? externalId = null, string[]? roles = null)
    {
        RememberEmail(email);
        var body = new Dictionary<string, object?> { ["email_address"] = email, ["create_member_as_pending"] = pending, ["external_id"] = externalId, ["roles"] = roles };
        var call = (await PostAsync($"/v1/b2b/organizations/{organizationId}/members", body.Where(p => p.Value is not null).ToDictionary())).AssertOk();
        return call.Str("member_id");
    }

    /// <summary>Migrates a fresh legacy token for <paramref name="email"/> into <paramref name="organizationId"/>.</summary>
    public async Task<ApiCall> MigrateAsync(string organizationId, string email, int? durationMinutes = null, object? customClaims = null)
    {
        RememberEmail(email);
        var body = new Dictionary<string, object?>
        {
            ["session_token"] = UserInfo.IssueToken(email),
            ["organization_id"] = organizationId,
            ["session_duration_minutes"] = durationMinutes,
            ["session_custom_claims"] = customClaims,
        };
        return await PostAsync("/v1/b2b/sessions/migrate", body.Where(p => p.Value is not null).ToDictionary());
    }

    /// <summary>An organization, a member and a migrated session: (organization_id, member_id, migrate answer).</summary>
    public async Task<(string OrganizationId, string MemberId, ApiCall Session)> NewSessionAsync(int? durationMinutes = null, object? customClaims = null)
    {
        var organizationId = await NewOrganizationAsync();
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var memberId = await NewMemberAsync(organizationId, email);
        var session = (await MigrateAsync(organizationId, email, durationMinutes, customClaims)).AssertOk();
        return (organizationId, memberId, session);
    }

    /// <summary>Every row in this fixture's tables, as (table, partition, row) — to prove a request wrote nothing.</summary>
    public async Task<List<string>> AllRowsAsync()
    {
        var service = new TableServiceClient(StorageConnectionString);
        var rows = new List<string>();
        foreach (var name in new[] { "Organizations", "Members", "SessionExpiry" })
            await foreach (var e in service.GetTableClient(TablePrefix + name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
                rows.Add($"{name}/{e.PartitionKey}/{e.RowKey}");
        return rows;
    }
}

/// <summary>A server whose clock only moves when a test says so.</summary>
public sealed class FakeClockServerFixture : ServerFixture
{
    protected override bool UseFakeClock => true;
}
