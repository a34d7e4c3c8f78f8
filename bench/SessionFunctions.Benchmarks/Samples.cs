using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Benchmarks;

/// <summary>Typical objects, shaped as the service makes them (one factor, the default role, a small claim set).</summary>
public static class Samples
{
    public const string ProjectId = "project-test-00000000-0000-4000-8000-00000000be0c";
    public static readonly IdFormat Ids = new(ProjectId);
    public static readonly Guid OrganizationKey = Guid.Parse("6f1c2a9e-3a4b-4c5d-8e9f-0a1b2c3d4e5f");
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static Organization Organization() => new()
    {
        OrganizationId = Ids.Organization(OrganizationKey),
        OrganizationName = "Acme Corporation",
        OrganizationSlug = "acme",
        CreatedAt = Now.AddDays(-30),
        UpdatedAt = Now.AddDays(-30),
    };

    public static Member Member() => new()
    {
        OrganizationId = Ids.Organization(OrganizationKey),
        MemberId = Ids.Member(OrganizationKey, Guid.Parse("11111111-2222-4333-8444-555555555555")),
        EmailAddress = "ada.lovelace@example.com",
        Status = MemberStatus.Active,
        Name = "Ada Lovelace",
        Roles = [new MemberRole(Roles.Member, [new MemberRoleSource("direct_assignment")])],
        CreatedAt = Now.AddDays(-10),
        UpdatedAt = Now.AddDays(-10),
    };

    /// <summary>A claim set a customer might attach: a few scalars, a nested object and an array (about 200 bytes).</summary>
    public static JsonObject TypicalClaims() => new()
    {
        ["tenant"] = "acme",
        ["plan"] = "enterprise",
        ["user_id"] = 123456,
        ["features"] = new JsonObject { ["sso"] = true, ["audit_log"] = false, ["seats"] = 250 },
        ["groups"] = new JsonArray("engineering", "admins", "on-call"),
    };

    public static MemberSession Session(Member member, Organization organization, JsonObject claims) => new()
    {
        MemberSessionId = Ids.Session(OrganizationKey, Guid.Parse("99999999-8888-4777-8666-555555555555")),
        MemberId = member.MemberId,
        StartedAt = Now,
        LastAccessedAt = Now,
        ExpiresAt = Now.AddMinutes(60),
        AuthenticationFactors = [AuthenticationFactor.Imported(Now, "email-test-5c0c4b1e-0000-4000-8000-000000000001", member.EmailAddress)],
        OrganizationId = organization.OrganizationId,
        OrganizationSlug = organization.OrganizationSlug,
        Roles = member.RoleIds(),
        CustomClaims = claims,
    };

    /// <summary>The local signer exactly as the service wires it: LocalPemKeyStore (a fresh 2048-bit key) + SigningKeyRing.</summary>
    public sealed class Signing : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "sessionfunctions-bench-" + Guid.NewGuid().ToString("N"));
        public LocalPemKeyStore Store { get; }
        public SigningKeyRing Ring { get; }
        public SessionJwtIssuer Issuer { get; }
        public SessionJwtReader Reader { get; }
        public IOptions<SessionsOptions> SessionsOptions { get; } = Options.Create(new SessionsOptions
        {
            ProjectId = ProjectId, ProjectSecret = "secret-bench-0123456789", UserInfoUrl = "http://127.0.0.1:1/userinfo",
        });

        public Signing()
        {
            var signing = Options.Create(new SigningOptions { LocalKeyPath = Path.Combine(_directory, "signing-key.pem") });
            Store = new LocalPemKeyStore(signing, Ids);
            Ring = new SigningKeyRing(Store, signing, TimeProvider.System, NullLogger<SigningKeyRing>.Instance);
            Ring.RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
            Issuer = new SessionJwtIssuer(Ring, Store, SessionsOptions);
            Reader = new SessionJwtReader(Ring, SessionsOptions);
        }

        public void Dispose()
        {
            Store.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }
}
