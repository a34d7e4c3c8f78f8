using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Wrapped mode: RS256 keys the service makes itself (2048-bit), stored in the <c>SigningKeys</c> table with the private
/// half only as an envelope (<see cref="KeyEnvelope"/>) whose data key only the wrapping key can unwrap
/// (<see cref="IKeyWrapper"/>: Key Vault, or a local PEM in development). A key is unwrapped once per instance and then
/// signs in process, so Key Vault is called per instance and rotation, never per JWT. Rotation follows
/// <see cref="WrappedKeySchedule"/>; a period's key is made by one instance (conditional insert on the period's row; an
/// instance that loses the race adopts the winner's key and throws its own away).
/// If a key cannot be unwrapped (Key Vault down or refusing), the public keys are still served and every signature
/// answers 503 <c>server_unavailable</c>; another unwrap is tried at most once per <see cref="UnwrapRetryCooldown"/>,
/// so the instance recovers by itself when the vault does. It never signs with a key that is not the stored one.
/// </summary>
public sealed class WrappedKeyStore(SessionTables tables, IKeyWrapper wrapper, IOptions<SigningOptions> options, IdFormat ids, TimeProvider time, ILogger<WrappedKeyStore> log)
    : ISigningKeyStore, IDisposable
{
    public static readonly TimeSpan UnwrapRetryCooldown = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, RSA> _privateKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SigningKeyEntity> _rows = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _unwrapGate = new(1, 1);
    private DateTimeOffset _lastUnwrapFailure = DateTimeOffset.MinValue;

    public string Kind => "wrapped";

    public async Task<IReadOnlyList<PublicSigningKey>> GetPublicKeysAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var overlap = TimeSpan.FromDays(o.RotationOverlapDays);
        var verifyFor = SigningKeyRetention.VerifyFor(o);
        var rows = await ReadRowsAsync(now - (overlap > verifyFor ? overlap : verifyFor) - 2 * o.RotationInterval, ct);
        foreach (var period in WrappedKeySchedule.Due(now, o.RotationInterval, o.RotationLead))
        {
            if (rows.Exists(r => r.RowKey == WrappedKeySchedule.RowKey(period))) continue;
            try
            {
                rows.Add(await CreateAsync(period, firstKey: rows.Count == 0, now, ct));
            }
            catch (SessionException e) when (rows.Count > 0)
            {
                log.LogWarning(e, "Could not make the signing key of the period starting {Period}; serving the keys there are and trying again at the next refresh.", period);
            }
        }
        var published = WrappedKeySchedule.Select(rows, now, overlap);
        var retired = SigningKeyRetention.Retired(published, WrappedKeySchedule.Select(rows, now, verifyFor));
        foreach (var row in published) _rows[row.KeyId] = row;
        try
        {
            await PrivateKeyAsync(published[0].KeyId, ct); // unwrap the signing key now rather than on the first request
        }
        catch (SessionException)
        {
            // Logged where it failed. The public keys are served; signatures answer 503 until an unwrap succeeds.
        }
        return [.. published.Select(r => PublicKey(r, published: true)), .. retired.Select(r => PublicKey(r, published: false))];
    }

    private static PublicSigningKey PublicKey(SigningKeyEntity row, bool published) =>
        new(row.KeyId, new RSAParameters { Modulus = row.Modulus, Exponent = row.Exponent }, published ? row.Certificate : [], published);

    public async Task<byte[]> SignDigestAsync(string keyId, byte[] digest, CancellationToken ct)
    {
        if (digest.Length != SHA256.HashSizeInBytes) throw new ArgumentException("RS256 signs a 32-byte SHA-256 digest.", nameof(digest));
        var rsa = await PrivateKeyAsync(keyId, ct);
        return rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private async Task<List<SigningKeyEntity>> ReadRowsAsync(DateTimeOffset since, CancellationToken ct)
    {
        var from = WrappedKeySchedule.RowKey(WrappedKeySchedule.PeriodStart(since, options.Value.RotationInterval));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {WrappedKeySchedule.Partition} and RowKey ge {from}");
        var rows = new List<SigningKeyEntity>();
        await foreach (var row in tables.SigningKeys.QueryAsync<SigningKeyEntity>(filter, cancellationToken: ct))
            rows.Add(row);
        return rows;
    }

    /// <summary>Makes, wraps and inserts the key of <paramref name="period"/>; the row already there if another instance won.</summary>
    private async Task<SigningKeyEntity> CreateAsync(DateTimeOffset period, bool firstKey, DateTimeOffset now, CancellationToken ct)
    {
        var rsa = RSA.Create(2048);
        var dataKey = RandomNumberGenerator.GetBytes(KeyEnvelope.DataKeySize);
        var pkcs8 = rsa.ExportPkcs8PrivateKey();
        try
        {
            var publicKey = SigningCertificate.Describe(rsa, ids);
            var (wrapped, wrappingKeyId) = await wrapper.WrapAsync(dataKey, ct);
            var rowKey = WrappedKeySchedule.RowKey(period);
            var envelope = KeyEnvelope.Seal(pkcs8, dataKey, AssociatedData(rowKey, publicKey.KeyId));
            var row = new SigningKeyEntity
            {
                PartitionKey = WrappedKeySchedule.Partition,
                RowKey = rowKey,
                KeyId = publicKey.KeyId,
                CreatedAt = now,
                SignFrom = WrappedKeySchedule.SignFrom(period, now, options.Value.RotationLead, firstKey),
                Modulus = publicKey.Parameters.Modulus!,
                Exponent = publicKey.Parameters.Exponent!,
                Certificate = publicKey.Certificate,
                WrappingKeyId = wrappingKeyId,
                WrappedDataKey = wrapped,
                Nonce = envelope.Nonce,
                EncryptedPrivateKey = envelope.Ciphertext,
                Tag = envelope.Tag,
            };
            try
            {
                await tables.SigningKeys.AddEntityAsync(row, ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                log.LogInformation("Another instance made the signing key of the period starting {Period}; using it.", period);
                return (await tables.SigningKeys.GetEntityAsync<SigningKeyEntity>(WrappedKeySchedule.Partition, rowKey, cancellationToken: ct)).Value;
            }
            _privateKeys[publicKey.KeyId] = rsa;
            rsa = null; // kept: this instance signs with it without unwrapping
            log.LogInformation("Made signing key {Kid} for the period starting {Period}; it signs from {SignFrom}.", publicKey.KeyId, period, row.SignFrom);
            return row;
        }
        finally
        {
            rsa?.Dispose();
            CryptographicOperations.ZeroMemory(pkcs8);
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>The private key of <paramref name="keyId"/>, unwrapped on first use: one unwrap per key per instance.</summary>
    private async Task<RSA> PrivateKeyAsync(string keyId, CancellationToken ct)
    {
        if (_privateKeys.TryGetValue(keyId, out var rsa)) return rsa;
        if (!_rows.TryGetValue(keyId, out var row)) throw new InvalidOperationException($"Unknown signing key '{keyId}'.");
        await _unwrapGate.WaitAsync(ct);
        try
        {
            if (_privateKeys.TryGetValue(keyId, out rsa)) return rsa;
            if (time.GetUtcNow() - _lastUnwrapFailure < UnwrapRetryCooldown)
                throw new SessionException(ErrorTypes.ServerUnavailable, "Session signing is unavailable: the signing key could not be unwrapped a moment ago. Please retry.");
            try
            {
                rsa = await UnwrapAsync(row, ct);
            }
            catch (Exception e) when (e is SessionException or CryptographicException)
            {
                _lastUnwrapFailure = time.GetUtcNow();
                log.LogWarning(e, "Could not unwrap signing key {Kid} (wrapped by {WrappingKey}); signing answers 503 until it can.", keyId, row.WrappingKeyId);
                throw e as SessionException ?? new SessionException(ErrorTypes.ServerUnavailable, "Session signing is unavailable: the stored signing key could not be opened. Please retry.", e);
            }
            _privateKeys[keyId] = rsa;
            log.LogInformation("Unwrapped signing key {Kid}.", keyId);
            return rsa;
        }
        finally
        {
            _unwrapGate.Release();
        }
    }

    private async Task<RSA> UnwrapAsync(SigningKeyEntity row, CancellationToken ct)
    {
        var dataKey = await wrapper.UnwrapAsync(row.WrappedDataKey, row.WrappingKeyId, ct);
        byte[] pkcs8 = [];
        var rsa = RSA.Create();
        try
        {
            pkcs8 = KeyEnvelope.Open(new KeyEnvelope.Sealed(row.Nonce, row.EncryptedPrivateKey, row.Tag), dataKey, AssociatedData(row.RowKey, row.KeyId));
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            // The public half published for this kid must be this key's, or the JWKS would not verify what we sign.
            var parameters = rsa.ExportParameters(includePrivateParameters: false);
            if (!parameters.Modulus.AsSpan().SequenceEqual(row.Modulus) || !parameters.Exponent.AsSpan().SequenceEqual(row.Exponent))
                throw new CryptographicException("The stored public key does not belong to the stored private key.");
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    internal static byte[] AssociatedData(string rowKey, string keyId) => Encoding.UTF8.GetBytes($"{WrappedKeySchedule.Partition}/{rowKey}/{keyId}");

    public void Dispose()
    {
        foreach (var rsa in _privateKeys.Values) rsa.Dispose();
        _unwrapGate.Dispose();
    }
}
