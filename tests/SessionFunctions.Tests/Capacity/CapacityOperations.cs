using System.Net.Http.Json;
using SessionFunctions.Tests.Infrastructure;
using SessionFunctions.Tests.KeyVault;

namespace SessionFunctions.Tests.Capacity;

/// <summary>One measured request: its answer, the sessions its member held when it ran, and the vault's signs it caused.</summary>
public sealed record Measured(ApiCall Call, int Sessions, int VaultSigns, bool ByName = false)
{
    public int Cost(string name) => name == "entities" && !Call.Headers.GetValues("X-Request-Cost").Single().Contains("entities=") ? 0 : Call.Cost(name);
}

/// <summary>
/// Every operation of the capacity model (bench/capacity/costs.json), each run once over HTTP on a member that holds
/// one session (except where the operation itself makes the member or its first session), with typical rows: a member
/// with a name, a role and a little trusted metadata, sessions from migrate.
/// </summary>
public static class CapacityOperations
{
    public static async Task<Dictionary<string, Measured>> RunAsync(CapacityServer s)
    {
        var ops = new Dictionary<string, Measured>();
        var signs = () => s.Vault?.Count(FakeKeyVault.Operation.Sign) ?? 0;
        async Task<Measured> MeasureAsync(int sessions, Func<Task<ApiCall>> call, bool byName = false)
        {
            s.BeforeEachRequest();
            var before = signs();
            var answer = (await call()).AssertOk();
            return new Measured(answer, sessions, signs() - before, byName);
        }

        var (org, slug) = await OrganizationAsync(s);
        var signedOrg = await OrganizationAsync(s, new { legacy_provider = "signed" });

        // Each member below holds exactly one session when its operation runs (k = 1), except where noted.
        var (email, _, session) = await MemberWithSessionAsync(s, org);
        ops["migrate"] = await MeasureAsync(1, () => s.MigrateAsync(org, email));
        (email, _, _) = await MemberWithSessionAsync(s, org);
        ops["migrateByName"] = await MeasureAsync(1, () => s.MigrateAsync(slug, email), byName: true);

        (_, _, session) = await MemberWithSessionAsync(s, org);
        ops["authenticate"] = await MeasureAsync(1, () => s.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") }));
        (_, _, session) = await MemberWithSessionAsync(s, org);
        ops["authenticateJwt"] = await MeasureAsync(1, () => s.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = session.Str("session_jwt") }));

        email = await MemberAsync(s, org); // no session yet: the keyed migrate makes the first, the replay finds it (k = 1)
        var key = Guid.NewGuid().ToString();
        var token = s.UserInfo.IssueToken(email);
        ops["migrateIdempotencyKey"] = await MeasureAsync(0, () => MigrateWithKeyAsync(s, key, new { session_token = token, organization_id = org }));
        ops["migrateIdempotencyReplay"] = await MeasureAsync(1, () => MigrateWithKeyAsync(s, key, new { session_token = token, organization_id = org }));

        email = await MemberAsync(s, signedOrg.Id);
        (await Attest(s, signedOrg.Id, email)).AssertOk(); // the member's one session (and the provider's keys fetched once)
        ops["migrateSignedToken"] = await MeasureAsync(1, () => s.PostAsync("/v1/b2b/sessions/migrate",
            new { session_token = s.Signed.Token(email, DateTimeOffset.UtcNow), organization_id = signedOrg.Id }));
        email = await MemberAsync(s, signedOrg.Id);
        (await Attest(s, signedOrg.Id, email)).AssertOk();
        ops["attest"] = await MeasureAsync(1, () => Attest(s, signedOrg.Id, email));

        var (target, _) = await OrganizationAsync(s);
        (email, _, session) = await MemberWithSessionAsync(s, org);
        await MemberAsync(s, target, email);
        (await s.MigrateAsync(target, email)).AssertOk(); // the target member holds one session too
        ops["exchange"] = await MeasureAsync(1, () => s.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = target, session_token = session.Str("session_token") }));

        var (restricted, _) = await OrganizationAsync(s);
        (await s.PutAsync("/v1/b2b/organizations/" + restricted, new { email_jit_provisioning = "RESTRICTED", email_allowed_domains = new[] { "corp.example" } })).AssertOk();
        var newcomer = $"new-{Guid.NewGuid():N}@corp.example";
        s.RememberEmail(newcomer);
        ops["firstSight"] = await MeasureAsync(0, () => s.PostAsync("/v1/b2b/sessions/migrate", new { session_token = s.UserInfo.IssueToken(newcomer), organization_id = restricted }));

        string memberId;
        (_, memberId, _) = await MemberWithSessionAsync(s, org);
        ops["list"] = await MeasureAsync(1, () => s.GetAsync($"/v1/b2b/sessions?organization_id={org}&member_id={memberId}"));
        (_, memberId, _) = await MemberWithSessionAsync(s, org);
        ops["revokeAll"] = await MeasureAsync(1, () => s.PostAsync("/v1/b2b/sessions/revoke", new { member_id = memberId }));
        return ops;
    }

    /// <summary>A new organization (its settings from <paramref name="trustedMetadata"/>), read once by id and by slug so a warm server holds it.</summary>
    public static async Task<(string Id, string Slug)> OrganizationAsync(CapacityServer s, object? trustedMetadata = null)
    {
        var slug = "cap-" + Guid.NewGuid().ToString("N")[..12];
        var body = new Dictionary<string, object> { ["organization_name"] = "Capacity " + slug, ["organization_slug"] = slug };
        if (trustedMetadata is not null) body["trusted_metadata"] = trustedMetadata;
        var id = (await s.PostAsync("/v1/b2b/organizations", body)).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        s.Remember(id, slug);
        (await s.GetAsync("/v1/b2b/organizations/" + id)).AssertOk();
        (await s.GetAsync("/v1/b2b/organizations/" + slug)).AssertOk();
        return (id, slug);
    }

    /// <summary>A typical member: a name, a role and a little trusted metadata. Returns its email.</summary>
    public static async Task<string> MemberAsync(CapacityServer s, string organizationId, string? email = null)
    {
        email ??= $"ada.lovelace+{Guid.NewGuid().ToString("N")[..8]}@example.com";
        s.RememberEmail(email);
        (await s.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new
        {
            email_address = email, name = "Ada Lovelace", roles = new[] { "editor" },
            trusted_metadata = new { department = "engineering", employee_id = "E-12345" },
        })).AssertOk();
        return email;
    }

    public static async Task<(string Email, string MemberId, ApiCall Session)> MemberWithSessionAsync(CapacityServer s, string organizationId)
    {
        var email = await MemberAsync(s, organizationId);
        var session = (await s.MigrateAsync(organizationId, email)).AssertOk();
        return (email, session.Str("member_id"), session);
    }

    private static Task<ApiCall> Attest(CapacityServer s, string organizationId, string email) =>
        s.PostAsync("/v1/b2b/sessions/attest", new { profile_id = "signed", token = s.Signed.Token(email, DateTimeOffset.UtcNow), organization_id = organizationId });

    private static async Task<ApiCall> MigrateWithKeyAsync(CapacityServer s, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/b2b/sessions/migrate") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await ApiCall.ReadAsync(await s.Client.SendAsync(request));
    }
}
