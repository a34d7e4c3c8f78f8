using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Tests.Unit;

public sealed class MemberPartitionTests
{
    private static readonly IdFormat Ids = new("project-test-" + Guid.NewGuid());
    private const string OrganizationId = "organization-test-11111111-2222-4333-8444-555555555555";

    private static Organization Org(int shards) => new()
    {
        OrganizationId = OrganizationId, OrganizationName = "Acme", OrganizationSlug = "acme", CreatedAt = default, UpdatedAt = default, MemberShards = shards,
    };

    [Fact]
    public void A_sharded_key_is_a_uuid_v8_of_the_rfc_variant_that_carries_its_shard_and_is_otherwise_random()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => MemberPartition.NewShardedKey(0x1f)).ToList();

        Assert.All(keys, k =>
        {
            Assert.Equal(8, k.Version);
            Assert.Equal('8', k.ToString("N")[12]);
            Assert.Contains(k.ToString("N")[16], "89ab");
            Assert.StartsWith("1f", k.ToString("N"));
            Assert.True(MemberPartition.TryGetShard(k, out var shard));
            Assert.Equal(0x1f, shard);
        });
        Assert.Equal(200, keys.Select(k => k.ToString("N")[2..]).Distinct().Count());
    }

    [Fact]
    public void A_random_v4_key_is_not_sharded_and_lives_in_the_organizations_own_partition()
    {
        var key = Guid.NewGuid();

        Assert.False(MemberPartition.TryGetShard(key, out _));
        Assert.Equal(OrganizationId, MemberPartition.Of(OrganizationId, key));
    }

    [Fact]
    public void A_member_of_a_sharded_organization_lives_in_the_shard_of_its_email_so_its_email_row_is_found_from_the_email_alone()
    {
        var organization = Org(32);
        foreach (var email in Enumerable.Range(0, 100).Select(i => $"user{i}@example.com"))
        {
            var key = MemberPartition.NewMemberKey(organization, email);
            var partition = MemberPartition.Of(OrganizationId, key);

            Assert.Equal(MemberPartition.OfEmail(organization, email), partition);
            Assert.Matches($"^{OrganizationId}\\|[0-1][0-9a-f]$", partition);
            Assert.Equal(OrganizationId, MemberPartition.OrganizationOf(partition));
        }
        Assert.InRange(Enumerable.Range(0, 1000).Select(i => MemberPartition.OfEmail(organization, $"u{i}@example.com")).Distinct().Count(), 30, 32);
    }

    [Fact]
    public void A_legacy_organization_gives_new_members_v4_keys_in_its_own_partition()
    {
        var organization = Org(0);
        var key = MemberPartition.NewMemberKey(organization, "ada@example.com");

        Assert.Equal(4, key.Version);
        Assert.Equal(OrganizationId, MemberPartition.OfEmail(organization, "ada@example.com"));
        Assert.Equal(OrganizationId, MemberPartition.Of(OrganizationId, key));
    }

    [Fact]
    public void A_session_id_of_the_current_layout_carries_organization_member_and_session_keys_and_one_of_the_first_layout_still_parses()
    {
        var (organization, member, session) = (Guid.NewGuid(), MemberPartition.NewShardedKey(3), Guid.NewGuid());
        var id = Ids.Session(organization, member, session);

        Assert.Equal("member-session-test-" + organization.ToString("N") + member.ToString("N") + session.ToString("N"), id);
        Assert.True(Ids.TryParseSession(id, out var o, out Guid? m, out var s));
        Assert.Equal((organization, member, session), (o, m!.Value, s));

        Assert.True(Ids.TryParseSession(Ids.Session(organization, session), out o, out m, out s));
        Assert.Null(m);
        Assert.Equal((organization, session), (o, s));

        Assert.False(Ids.TryParseSession(id.ToUpperInvariant(), out _, out m, out _));
        Assert.False(Ids.TryParseSession(id[..^1], out _, out _, out _));
        Assert.False(Ids.TryParseSession(id + "0", out _, out _, out _));
        Assert.False(Ids.TryParseSession(id[..^1] + "g", out _, out _, out _));
    }

    [Fact]
    public void Rows_of_a_member_sort_the_member_first_then_its_sessions_and_nothing_of_another_member_between()
    {
        var member = Guid.NewGuid();
        var sessions = Enumerable.Range(0, 20).Select(_ => Keys.MemberSession(member, Guid.NewGuid())).ToList();
        var others = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).SelectMany(o => new[] { Keys.Member(o), Keys.MemberSession(o, Guid.NewGuid()) }).ToList();
        var upTo = sessions.Max(StringComparer.Ordinal)!;

        Assert.All(sessions, s => Assert.True(string.CompareOrdinal(Keys.Member(member), s) < 0));
        Assert.DoesNotContain(others, o => string.CompareOrdinal(o, Keys.Member(member)) >= 0 && string.CompareOrdinal(o, upTo) <= 0);
        Assert.DoesNotContain(others.Append(Keys.Email("a@b.c")).Append("extid|00"),
            o => string.CompareOrdinal(o, Keys.MemberSessionsStart(member)) > 0 && string.CompareOrdinal(o, Keys.MemberSessionsEnd(member)) < 0);
    }
}
