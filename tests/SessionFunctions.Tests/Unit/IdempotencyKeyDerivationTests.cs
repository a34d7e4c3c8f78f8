using System.Security.Cryptography;
using System.Text;
using SessionFunctions.Core.Features;

namespace SessionFunctions.Tests.Unit;

/// <summary>
/// What an Idempotency-Key record is stored under depends on a server secret as well as on the caller's key, so a
/// reader of the table who guesses a weak key still cannot find its row or open its sealed answer.
/// </summary>
public sealed class IdempotencyKeyDerivationTests
{
    private const string WeakKey = "order-0000000123";

    [Fact]
    public void The_row_and_the_seal_depend_on_the_server_secret()
    {
        var ours = IdempotencyKey.Parse(WeakKey, IdempotencyKey.Salt("project-secret-one-" + Guid.NewGuid()));
        var guess = IdempotencyKey.Parse(WeakKey, IdempotencyKey.Salt("project-secret-two-" + Guid.NewGuid()));
        var sealedAnswer = ours.Seal(Encoding.UTF8.GetBytes("""{"session_token":"secret"}"""));

        Assert.NotEqual(ours.RowKey, guess.RowKey);
        Assert.Null(guess.Open(sealedAnswer));
        Assert.NotNull(ours.Open(sealedAnswer));
    }

    [Fact]
    public void Without_the_server_secret_the_row_key_is_not_a_function_of_the_key_alone()
    {
        var unsalted = "idem|" + Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.ASCII.GetBytes(WeakKey), 32,
            "SessionFunctions Idempotency-Key v1"u8.ToArray(), "row"u8.ToArray()));

        Assert.NotEqual(unsalted, IdempotencyKey.Parse(WeakKey, IdempotencyKey.Salt("any-project-secret-0123456789")).RowKey);
    }
}
