using System.ComponentModel;
using Rtcr.Node.Agent;
using Rtcr.Node.Transport;
using Rtcr.Samples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rtcr.Host.Commands.Nodes;

/// <summary><c>rtcr node</c>: runs a node agent until it is interrupted.</summary>
internal sealed class NodeCommand : AsyncCommand<NodeCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--listen <HOST:PORT>")]
        [Description("Address to bind (an IP address or localhost; port 0 picks a free port, printed at start).")]
        public string Listen { get; init; } = "127.0.0.1:0";

        [CommandOption("--name <NAME>")]
        [Description("The node's name in listings and LOG lines (default: node-<port>).")]
        public string? Name { get; init; }

        [CommandOption("--images <DIR>")]
        [Description("Where checkpoint images go (default: images).")]
        public string Images { get; init; } = "images";

        [CommandOption("--token-file <FILE>")]
        [Description("File holding the shared token; calls without it are refused. Required.")]
        public string? TokenFile { get; init; }

        [CommandOption("--lease <DURATION>")]
        [Description("How long a restored component waits for the source's decision before asking for it (default 10s).")]
        public string Lease { get; init; } = "10s";

        [CommandOption("--fault <SPEC>")]
        [Description("Inject failures, for tests only: kill-after-chunks:N, corrupt-chunk:N, drop-commit, delay-images-ms:N, kill-on-commit, kill-before-decision, kill-after-decision, delay-commit-ms:N.")]
        public string? Fault { get; init; }

        [CommandOption("--tls-cert <FILE>")]
        [Description("Serve TLS with this PEM certificate (needs --tls-key). Without it the agent speaks cleartext HTTP/2.")]
        public string? TlsCert { get; init; }

        [CommandOption("--tls-key <FILE>")]
        [Description("The PEM private key of --tls-cert.")]
        public string? TlsKey { get; init; }

        [CommandOption("--tls-ca <FILE>")]
        [Description("When calling other agents (migration): trust certificates issued by the CA(s) in this PEM file.")]
        public string? TlsCa { get; init; }

        [CommandOption("--tls-pin <SHA256>")]
        [Description("When calling other agents (migration): accept exactly the certificate with this SHA-256 fingerprint.")]
        public string? TlsPin { get; init; }

        [CommandOption("--plain")]
        [Description("No colour markup.")]
        public bool Plain { get; init; }

        public override ValidationResult Validate()
        {
            if (TokenFile is null) return ValidationResult.Error("--token-file is required: an agent never runs without the shared token");
            if ((TlsCert is null) != (TlsKey is null)) return ValidationResult.Error("--tls-cert and --tls-key go together");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var token = NodeToken.FromFile(settings.TokenFile!);
        string name = settings.Name ?? "";
        var options = new NodeOptions
        {
            Name = name,
            Programs = SampleCatalog.Create,
            DefaultConfig = SampleCatalog.DefaultConfig,
            Verify = child => StampCheck.Verify(child)?.ToString(),
            ImagesDirectory = settings.Images,
            Lease = TimeSpan.FromMicroseconds(Duration.ParseMicroseconds(settings.Lease, "--lease")),
            Faults = FaultPlan.Parse(settings.Fault),
            Certificate = settings.TlsCert is null ? null : LoadCertificate(settings.TlsCert, settings.TlsKey!),
            Tls = settings.TlsCa is null && settings.TlsPin is null ? null : new ClientTls { CaFile = settings.TlsCa, Pin = settings.TlsPin },
            Token = token,
            OnLog = (component, text) => Print(settings.Plain, name, component, text),
        };
        if (name.Length == 0) options = options with { Name = name = "node-" + NodeServer.ParseEndpoint(settings.Listen).Port };
        await using var server = await NodeServer.StartAsync(settings.Listen, token, options);
        if (name == "node-0")
        {
            // Port 0: name the node after the port it got.
            name = "node-" + new Uri(server.Address).Port;
            server.Node.Name = name;
        }
        Console.WriteLine($"node {name} listening on {server.Address}");
        if (options.Certificate is { } certificate) Console.WriteLine($"node {name} TLS certificate {certificate.Subject}, sha256 {ClientTls.Fingerprint(certificate)}");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.WriteLine($"node {name} stopping");
        }
        return 0;
    }

    // Kestrel needs the key in a form it can use for the handshake; a PEM-loaded key is ephemeral, so
    // round-trip it through PKCS#12 (needed on Windows, harmless elsewhere).
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string cert, string key)
    {
        if (!File.Exists(cert)) throw new FileNotFoundException($"--tls-cert '{cert}' not found", cert);
        if (!File.Exists(key)) throw new FileNotFoundException($"--tls-key '{key}' not found", key);
        using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key);
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
    }

    private static void Print(bool plain, string node, string component, string text)
    {
        if (plain) Console.WriteLine($"[{node}] [{component}] {text}");
        else AnsiConsole.MarkupLineInterpolated($"[blue][[{node}]][/] [grey][[{component}]][/] {text}");
    }
}
