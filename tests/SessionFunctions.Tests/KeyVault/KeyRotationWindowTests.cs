using SessionFunctions.Core.Signing;

namespace SessionFunctions.Tests.KeyVault;

public sealed class KeyRotationWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Overlap = TimeSpan.FromDays(30);

    private static KeyVaultKeyVersion V(string name, double daysAgo, bool enabled = true) => new(name, enabled, Now.AddDays(-daysAgo));

    private static IEnumerable<string> Select(IEnumerable<KeyVaultKeyVersion> versions, string? pinned = null, TimeSpan? overlap = null) =>
        KeyRotationWindow.Select(versions, pinned, Now, overlap ?? Overlap).Select(v => v.Version);

    [Fact]
    public void The_newest_version_signs_and_comes_first_whatever_order_the_vault_lists_them_in() =>
        Assert.Equal(["new", "mid", "old"], Select([V("mid", 5), V("old", 10), V("new", 1)]));

    [Fact]
    public void An_older_version_is_published_until_its_successor_is_as_old_as_the_overlap()
    {
        Assert.Equal(["new", "old"], Select([V("old", 100), new KeyVaultKeyVersion("new", true, Now - Overlap + TimeSpan.FromSeconds(1))]));
        Assert.Equal(["new"], Select([V("old", 100), new KeyVaultKeyVersion("new", true, Now - Overlap)]));
    }

    [Fact]
    public void Once_one_version_drops_out_all_older_ones_do()
    {
        Assert.Equal(["v4", "v3"], Select([V("v1", 200), V("v2", 100), V("v3", 40), V("v4", 10)]));
    }

    [Fact]
    public void With_no_overlap_only_the_newest_version_is_published() =>
        Assert.Equal(["new"], Select([V("old", 100), V("new", 0.001)], overlap: TimeSpan.Zero));

    [Fact]
    public void A_disabled_version_neither_signs_nor_replaces_the_one_before_it() =>
        Assert.Equal(["old"], Select([V("old", 100), V("rolled-back", 1, enabled: false)]));

    [Fact]
    public void Versions_outside_their_nbf_exp_window_are_skipped() =>
        Assert.Equal(["ok"], Select([
            V("ok", 50),
            new KeyVaultKeyVersion("future", true, Now.AddDays(-1), NotBefore: Now.AddMinutes(1)),
            new KeyVaultKeyVersion("expired", true, Now.AddDays(-2), Expires: Now),
        ]));

    [Fact]
    public void A_pinned_version_signs_first_and_the_window_is_still_published() =>
        Assert.Equal(["old", "new"], Select([V("old", 100), V("new", 1)], pinned: "old"));

    [Fact]
    public void A_pinned_version_that_is_not_usable_is_an_error() =>
        Assert.Throws<InvalidOperationException>(() => Select([V("old", 100, enabled: false), V("new", 1)], pinned: "old").ToList());

    [Fact]
    public void No_usable_version_publishes_nothing() =>
        Assert.Empty(Select([V("off", 1, enabled: false)]));
}
