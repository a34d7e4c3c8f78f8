using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using BenchmarkDotNet.Attributes;
using SessionFunctions.Api.Endpoints;
using SessionFunctions.Api.Http;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Benchmarks;

/// <summary>
/// Everything migrate and authenticate do in process, without their I/O: the same calls, in the same order, as
/// MigrateSession.RunAsync / AuthenticateSession.RunAsync and the API layer around them, with the storage reads
/// replaced by the rows they would return. The I/O itself (tables, UserInfo) is measured by bench/load.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private Samples.Signing _signing = null!;
    private Organization _organization = null!;
    private Member _member = null!;
    private MemberEntity _memberRow = null!, _emailRow = null!;
    private SessionEntity _sessionRow = null!;
    private byte[] _userInfoBody = [], _migrateBody = [], _authenticateBody = [];
    private MigrateResponse _migrateResponse = null!;
    private string _token = "";

    [GlobalSetup]
    public void Setup()
    {
        _signing = new Samples.Signing();
        _organization = Samples.Organization();
        _member = Samples.Member();
        (_memberRow, _emailRow) = MemberStore.Rows(_member, "email-test-5c0c4b1e-0000-4000-8000-000000000001");
        _emailRow.ETag = new ETag("W/\"datetime'2025-06-01T12%3A00%3A00.0000000Z'\"");
        _userInfoBody = Encoding.UTF8.GetBytes("""{"sub":"dev|0123456789abcdef01234567","email":"Ada.Lovelace@example.com","email_verified":true}""");
        _migrateBody = Encoding.UTF8.GetBytes("""{"session_token":"X3kW9q0m1c2Yb8JrTq3u5v6w7x8y9z0A1B2C3D4E5F6","organization_id":"acme","session_duration_minutes":120}""");
        var sessionKey = Guid.NewGuid();
        _token = SessionToken.Create(Samples.OrganizationKey, Samples.Ids.MemberKey(_member.MemberId), sessionKey);
        _authenticateBody = Encoding.UTF8.GetBytes($$"""{"session_token":"{{_token}}"}""");
        var memberKey = Samples.Ids.MemberKey(_member.MemberId);
        var session = Samples.Session(_member, _organization, []) with { MemberSessionId = Samples.Ids.Session(Samples.OrganizationKey, memberKey, sessionKey) };
        _sessionRow = SessionRecords.ToEntity(session, SessionToken.Hash(_token), MemberStore.PartitionOf(_member), Keys.MemberSession(memberKey, sessionKey), "default");
        var jwt = _signing.Issuer.IssueAsync(session, Samples.Now, CancellationToken.None).GetAwaiter().GetResult();
        _migrateResponse = new MigrateResponse(Samples.Ids.NewRequestId(), _member.MemberId, _token, jwt, _member, _organization, session);
    }

    [GlobalCleanup]
    public void Cleanup() => _signing.Dispose();

    // ---- the parts -------------------------------------------------------------------------------------------

    [Benchmark(Description = "parts: read MigrateBody JSON")]
    public MigrateBody? ReadMigrateBody() => JsonSerializer.Deserialize<MigrateBody>(_migrateBody, SessionJson.Options);

    [Benchmark(Description = "parts: UserInfoClient.Parse")]
    public UserInfoResult ParseUserInfo() => UserInfoClient.Parse(_userInfoBody);

    [Benchmark(Description = "parts: StoredMember.From (member row -> Member)")]
    public StoredMember ReadMemberRow() => StoredMember.From(_emailRow);

    [Benchmark(Description = "parts: SessionRecords.ToEntity (hash + 2 JSON columns)")]
    public object ToEntity() => SessionRecords.ToEntity(_migrateResponse.MemberSession, SessionToken.Hash(_token), _sessionRow.PartitionKey, _sessionRow.RowKey, "default");

    [Benchmark(Description = "parts: MemberStore.Rows (activation rows)")]
    public object GuardRows() => MemberStore.Rows(_member, _emailRow.EmailId).EmailRow;

    [Benchmark(Description = "parts: serialize MigrateResponse")]
    public async Task<long> SerializeMigrateResponse()
    {
        var stream = new CountingStream();
        await JsonSerializer.SerializeAsync(stream, _migrateResponse, typeof(MigrateResponse), SessionJson.Options);
        return stream.Length;
    }

    // ---- the whole in-process part of a request ----------------------------------------------------------------

    /// <summary>Migrate minus its UserInfo call and 3 table round trips (organization from cache, so no lookup).</summary>
    [Benchmark(Description = "migrate, in-process total (no I/O)")]
    public async Task<long> MigrateInProcess()
    {
        var body = JsonSerializer.Deserialize<MigrateBody>(_migrateBody, SessionJson.Options)!;
        var duration = SessionDuration.Validate(body.SessionDurationMinutes ?? SessionDuration.Default);
        var claims = CustomClaims.Merge([], body.SessionCustomClaims);
        var email = EmailAddress.Normalize(UserInfoClient.Parse(_userInfoBody).Email);
        Samples.Ids.TryParseOrganization(_organization.OrganizationId, out var organizationKey);
        var sessionKey = Guid.NewGuid();
        var now = SessionRecords.Truncate(DateTimeOffset.UtcNow);
        _ = Keys.Email(email); // the point read's row key
        var stored = StoredMember.From(_emailRow);
        var member = stored.Member;
        var memberKey = Samples.Ids.MemberKey(member.MemberId);
        var partition = MemberPartition.Of(member.OrganizationId, memberKey);
        var rowKey = Keys.MemberSession(memberKey, sessionKey);
        var sessionId = Samples.Ids.Session(organizationKey, memberKey, sessionKey);
        var session = new MemberSession
        {
            MemberSessionId = sessionId, MemberId = member.MemberId, StartedAt = now, LastAccessedAt = now, ExpiresAt = now + duration,
            AuthenticationFactors = [AuthenticationFactor.Imported(now, stored.EmailId, member.EmailAddress)],
            OrganizationId = _organization.OrganizationId, OrganizationSlug = _organization.OrganizationSlug,
            Roles = member.RoleIds(), CustomClaims = claims,
        };
        var jwt = await _signing.Issuer.IssueAsync(session, now, CancellationToken.None);
        var token = SessionToken.Create(organizationKey, memberKey, sessionKey);
        _ = SessionRecords.ToEntity(session, SessionToken.Hash(token), partition, rowKey, "default");
        _ = SessionStore.ExpiryRow(_organization.OrganizationId, partition, rowKey, session.ExpiresAt);
        var response = new MigrateResponse(Samples.Ids.NewRequestId(), member.MemberId, token, jwt, member, _organization, session);
        var stream = new CountingStream();
        await JsonSerializer.SerializeAsync(stream, response, typeof(MigrateResponse), SessionJson.Options);
        return stream.Length;
    }

    /// <summary>Authenticate by token minus its point read and conditional write.</summary>
    [Benchmark(Description = "authenticate by token, in-process total (no I/O)")]
    public async Task<long> AuthenticateInProcess()
    {
        var body = JsonSerializer.Deserialize<AuthenticateBody>(_authenticateBody, SessionJson.Options)!;
        CustomClaims.Merge([], body.SessionCustomClaims);
        if (!SessionToken.TryParse(body.SessionToken, out var selector)) throw new InvalidOperationException();
        var memberSessionId = Samples.Ids.Session(selector.Organization, selector.Member!.Value, selector.Session);
        _ = MemberPartition.Of(Samples.Ids.Organization(selector.Organization), selector.Member.Value);
        _ = Keys.MemberSession(selector.Member.Value, selector.Session);
        _ = Keys.Member(selector.Member.Value);
        var row = _sessionRow;
        if (!SessionToken.Matches(body.SessionToken!, row.TokenHash)) throw new InvalidOperationException();
        var now = SessionRecords.Truncate(DateTimeOffset.UtcNow);
        row.LastAccessedAt = now;
        row.CustomClaims = CustomClaims.Serialize(CustomClaims.Merge(CustomClaims.Parse(row.CustomClaims), body.SessionCustomClaims));
        var member = StoredMember.From(_memberRow).Member; // read beside the session row
        var session = SessionRecords.ToMemberSession(row, memberSessionId, _organization, member);
        var jwt = await _signing.Issuer.IssueAsync(session, now, CancellationToken.None);
        var response = new AuthenticateResponse(Samples.Ids.NewRequestId(), session, body.SessionToken!, jwt, member, _organization);
        var stream = new CountingStream();
        await JsonSerializer.SerializeAsync(stream, response, typeof(AuthenticateResponse), SessionJson.Options);
        return stream.Length;
    }

    /// <summary>A write-only stream that only counts, standing in for the response body.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { _length += buffer.Length; return ValueTask.CompletedTask; }
    }
}
