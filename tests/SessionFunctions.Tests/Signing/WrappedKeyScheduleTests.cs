using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Tests.Signing;

/// <summary>When Wrapped keys are made, sign, and leave the JWKS — with intervals of seconds, as tests use.</summary>
public sealed class WrappedKeyScheduleTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000); // a multiple of 30 s
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30), Lead = TimeSpan.FromSeconds(10), Overlap = TimeSpan.FromSeconds(15);

    private static SigningKeyEntity Key(string name, DateTimeOffset signFrom) => new() { KeyId = name, SignFrom = signFrom, RowKey = WrappedKeySchedule.RowKey(signFrom) };

    private static string[] Published(DateTimeOffset now, params SigningKeyEntity[] keys) =>
        [.. WrappedKeySchedule.Select(keys, now, Overlap).Select(k => k.KeyId)];

    [Fact]
    public void Periods_are_counted_from_the_epoch_so_every_instance_names_them_alike()
    {
        Assert.Equal(T0, WrappedKeySchedule.PeriodStart(T0 + TimeSpan.FromSeconds(29.9), Interval));
        Assert.Equal(T0 + Interval, WrappedKeySchedule.PeriodStart(T0 + Interval, Interval));
        Assert.Equal("key|2027-01-15T08:00:00.0000000Z", WrappedKeySchedule.RowKey(T0));
    }

    [Fact]
    public void The_next_periods_key_is_due_only_within_the_lead()
    {
        Assert.Equal([T0], WrappedKeySchedule.Due(T0 + TimeSpan.FromSeconds(19), Interval, Lead));
        Assert.Equal([T0, T0 + Interval], WrappedKeySchedule.Due(T0 + TimeSpan.FromSeconds(20), Interval, Lead));
    }

    [Fact]
    public void A_key_signs_from_its_period_or_one_lead_after_it_was_made_late_and_the_first_key_at_once()
    {
        Assert.Equal(T0 + Interval, WrappedKeySchedule.SignFrom(T0 + Interval, T0 + TimeSpan.FromSeconds(20), Lead, firstKey: false));
        Assert.Equal(T0 + TimeSpan.FromSeconds(15), WrappedKeySchedule.SignFrom(T0, T0 + TimeSpan.FromSeconds(5), Lead, firstKey: false));
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), WrappedKeySchedule.SignFrom(T0, T0 + TimeSpan.FromSeconds(5), Lead, firstKey: true));
    }

    [Fact]
    public void The_newest_due_key_signs_a_coming_key_is_published_and_an_old_key_stays_for_the_overlap()
    {
        var old = Key("old", T0);
        var current = Key("current", T0 + Interval);
        var next = Key("next", T0 + 2 * Interval);

        Assert.Equal(["old"], Published(T0 + TimeSpan.FromSeconds(5), old));
        Assert.Equal(["old", "current"], Published(T0 + TimeSpan.FromSeconds(25), old, current));        // published in the lead, not signing
        Assert.Equal(["current", "old"], Published(T0 + Interval, old, current));                        // signing; the old one stays
        Assert.Equal(["current", "next", "old"], Published(T0 + Interval + TimeSpan.FromSeconds(14), old, current, next));
        Assert.Equal(["current", "next"], Published(T0 + Interval + Overlap, old, current, next));        // overlap over: old leaves
        Assert.Equal(["next", "current"], Published(T0 + 2 * Interval, old, current, next));
        Assert.Empty(Published(T0));
    }
}
