using System.Security.Cryptography;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// An RSA private key in a PEM file (PKCS#8 or PKCS#1): read, or created as a 2048-bit key with owner-only permissions
/// on first run. Several processes starting at once agree on one file: the first to move its key into place wins.
/// Used for <c>Signing__LocalKeyPath</c> and for <c>Signing__WrappingKeyPath</c>; errors name the setting.
/// </summary>
internal static class PemKeyFile
{
    public static RSA LoadOrCreate(string path, string setting)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            try
            {
                rsa.ImportFromPem(File.ReadAllText(path));
                rsa.ExportParameters(includePrivateParameters: true); // a PEM with only a public key fails here
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                rsa.Dispose();
                throw new InvalidOperationException($"{setting} '{path}' holds no readable PEM RSA private key.", e);
            }
            if (rsa.KeySize < 2048) throw new InvalidOperationException($"{setting} '{path}' holds a {rsa.KeySize}-bit key; at least 2048 bits are required.");
            return rsa;
        }
        rsa.KeySize = 2048;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, fileOptions))
        using (var writer = new StreamWriter(stream))
            writer.Write(rsa.ExportPkcs8PrivateKeyPem());
        try
        {
            File.Move(temporary, path); // no overwrite: if another process created the key first, use theirs
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            rsa.Dispose();
            return LoadOrCreate(path, setting);
        }
        return rsa;
    }
}
