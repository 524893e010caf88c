using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Rtcr.Node.Protos;
using Rtcr.Node.Tests.Harness;
using Rtcr.Node.Transport;

namespace Rtcr.Node.Tests;

/// <summary>Agents serving TLS with a certificate made here (a test CA and a node certificate for 127.0.0.1).</summary>
public sealed class TlsTests
{
    private sealed record Pki(string CaFile, string CertFile, string KeyFile, string Fingerprint);

    private static Pki CreatePki(string dir)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=rtcr test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=rtcr test node", nodeKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-4), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));

        var pki = new Pki(Path.Combine(dir, "ca.pem"), Path.Combine(dir, "node.pem"), Path.Combine(dir, "node.key"), ClientTls.Fingerprint(cert));
        File.WriteAllText(pki.CaFile, ca.ExportCertificatePem());
        File.WriteAllText(pki.CertFile, cert.ExportCertificatePem());
        File.WriteAllText(pki.KeyFile, nodeKey.ExportPkcs8PrivateKeyPem());
        return pki;
    }

    // The call failed in the TLS handshake, because the client did not accept the agent's certificate.
    private static void AssertCertificateRefused(RpcException ex)
    {
        var causes = new List<Exception>();
        for (Exception? e = ex.Status.DebugException; e is not null; e = e.InnerException) causes.Add(e);
        Assert.True(causes.Any(e => e is System.Security.Authentication.AuthenticationException), $"expected a refused certificate, got {ex.Status}");
    }

    [Fact]
    public async Task Agents_with_tls_migrate_over_it_and_refuse_clients_that_do_not_trust_their_certificate()
    {
        using var cluster = new Cluster();
        var pki = CreatePki(cluster.Dir);
        string[] tls = ["--tls-cert", pki.CertFile, "--tls-key", pki.KeyFile, "--tls-ca", pki.CaFile];
        var a = cluster.Start("a", tls);
        var b = cluster.Start("b", tls);
        Assert.StartsWith("https://127.0.0.1:", a.Address);
        Assert.Contains(a.Lines, l => l.Contains("sha256 " + pki.Fingerprint, StringComparison.Ordinal));

        using var ca = a.Connect(cluster.Token, new ClientTls { CaFile = pki.CaFile });
        await Migrations.StartSheepAsync(ca, a, 3);

        // The system trust store does not know the test CA; a wrong pin; cleartext to a TLS port: all refused.
        using (var untrusting = a.Connect(cluster.Token))
            AssertCertificateRefused(await Assert.ThrowsAsync<RpcException>(() => Migrations.ListAsync(untrusting)));
        using (var wrongPin = a.Connect(cluster.Token, new ClientTls { Pin = new string('0', 64) }))
            AssertCertificateRefused(await Assert.ThrowsAsync<RpcException>(() => Migrations.ListAsync(wrongPin)));
        using (var cleartext = new NodeConnection(a.Address.Replace("https://", "http://", StringComparison.Ordinal), cluster.Token))
            await Assert.ThrowsAsync<RpcException>(() => Migrations.ListAsync(cleartext));
        using (var pinned = a.Connect(cluster.Token, new ClientTls { Pin = pki.Fingerprint }))
            Assert.Equal("running", Assert.Single(await Migrations.ListAsync(pinned)).State);

        // Migration through the CLI, the agents calling each other over TLS too.
        var migrate = Cli.Run("migrate", "sheep_counter", "--from", a.Address, "--to", b.Address, "--token-file", cluster.TokenFile, "--tls-ca", pki.CaFile, "--plain");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("memory=match", migrate.Stdout);
        NodeProcess.WaitUntil(() => b.Sheep().Count >= 3, "3 sheep on b");
        var all = a.Sheep().Concat(b.Sheep()).ToArray();
        Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
    }
}
