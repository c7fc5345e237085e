using System.Security.Cryptography;

namespace CaseGrains.Server.Auth;

/// <summary>
/// The HS256 key: the configured one, or a random key created on first start and kept beside the
/// embedded database. No fixed key ever ships with the service.
/// </summary>
internal static class SigningKeys
{
    public static byte[]? TryDecode(string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length >= AuthOptions.MinimumKeyBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The key to sign and check self-issued tokens with, or null when an OIDC authority is used.</summary>
    public static byte[]? Resolve(AuthOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return TryDecode(options.SigningKey) ?? throw new InvalidOperationException("Auth:SigningKey is not valid base64 of 32 bytes or more.");
        }
        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            return null;
        }
        return LoadOrCreate(options.KeyFile);
    }

    /// <summary>
    /// The key that signs the dashboard's session tickets: the deployment's key, or with an OIDC authority and no
    /// <c>Auth:SigningKey</c>, this node's own key file (then a ticket is good only on the node that issued it).
    /// </summary>
    public static byte[] ForTickets(AuthOptions options) => Resolve(options) ?? LoadOrCreate(options.KeyFile);

    private static byte[] LoadOrCreate(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return TryDecode(File.ReadAllText(full)) ?? throw new InvalidOperationException($"The key file {full} does not hold a valid key.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var key = RandomNumberGenerator.GetBytes(AuthOptions.MinimumKeyBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using var writer = new StreamWriter(full, System.Text.Encoding.ASCII, options);
            writer.Write(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(full))
        {
            // Another process created it first: use theirs.
            return LoadOrCreate(path);
        }
        return key;
    }
}
