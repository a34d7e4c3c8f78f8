using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Attest;

/// <summary>What a signed token costs once its provider's keys are cached: migrate's table calls and signature, and nothing else.</summary>
internal static class AttestCosts
{
    /// <summary>0 UserInfo calls, 0 key fetches, 1 signature, and no more table calls than migrate makes (4 in 3 round trips).</summary>
    public static void AssertNoCallAndOneSignature(ApiCall call)
    {
        Assert.Equal(0, call.Cost("userinfo"));
        Assert.Equal(0, call.Cost("keys"));
        Assert.Equal(1, call.Cost("signatures"));
        Assert.InRange(call.Cost("tables"), 1, 4);
    }
}
