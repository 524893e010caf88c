using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rtcr.Node.Transport;

/// <summary>
/// How a client (the CLI, or an agent calling another agent) decides to trust an agent's TLS
/// certificate: issued by a given CA (or being that self-signed certificate itself), with the agent's
/// host name or IP address in it; or, pinned, being exactly the certificate with a given SHA-256
/// fingerprint (whatever its names and issuer). Without either the system's trust store decides.
/// </summary>
public sealed record ClientTls
{
    /// <summary>PEM file of the certificate(s) to trust as roots (a private CA, or the agent's self-signed certificate).</summary>
    public string? CaFile { get; init; }

    /// <summary>SHA-256 fingerprint (hex, colons allowed) of the one certificate to accept.</summary>
    public string? Pin { get; init; }

    /// <summary>Whether the system's trust store decides (neither a CA file nor a pin).</summary>
    public bool UsesSystemTrust => CaFile is null && Pin is null;

    /// <summary>The SHA-256 fingerprint of <paramref name="certificate"/> as <see cref="Pin"/> expects it.</summary>
    public static string Fingerprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>The validation callback for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    /// <exception cref="FileNotFoundException">The CA file does not exist.</exception>
    /// <exception cref="ArgumentException">The pin is not a SHA-256 fingerprint.</exception>
    public RemoteCertificateValidationCallback? Validator()
    {
        if (Pin is { } pin)
        {
            string expected = pin.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
            if (expected.Length != 64 || !expected.All(Uri.IsHexDigit)) throw new ArgumentException($"--tls-pin '{pin}' is not a SHA-256 fingerprint (64 hex digits)");
            return (_, certificate, _, _) => certificate is not null && Fingerprint(new X509Certificate2(certificate)) == expected;
        }
        if (CaFile is { } file)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"TLS CA file '{file}' not found", file);
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(file);
            return (_, certificate, _, errors) =>
            {
                // The name must match; only the chain is judged against our own roots instead of the system's.
                if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return null;
    }
}
