using System.IO.Pipes;
using System.Text;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Host;

namespace Rtcr.EndToEnd.Tests;

/// <summary>The control pipe under hostile or careless clients: each is contained, the others are served.</summary>
public sealed class ControlServerTests
{
    private static string NewName() => "rtcr-ctl-" + Guid.NewGuid().ToString("N")[..8];

    private static NamedPipeClientStream Connect(string name)
    {
        var client = new NamedPipeClientStream(".", name, PipeDirection.InOut, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        client.Connect(TimeSpan.FromSeconds(10));
        return client;
    }

    private static string Ask(string name, string request)
    {
        using var client = Connect(name);
        client.Write(Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(client);
        return reader.ReadLine() ?? "(closed)";
    }

    [Fact]
    public void A_checkpoint_request_is_answered_with_the_path()
    {
        string name = NewName();
        using var server = new ControlServer(name, path => $"written {path}");
        Assert.Equal("ok written /tmp/x.rtcr", Ask(name, "checkpoint /tmp/x.rtcr\n"));
    }

    [Fact]
    public void A_name_already_taken_is_refused_at_once()
    {
        string name = NewName();
        using var first = new ControlServer(name, _ => "first");

        var ex = Assert.Throws<InvalidOperationException>(() => new ControlServer(name, _ => "second"));

        Assert.Contains($"control pipe '{name}' is already taken", ex.Message);
        Assert.Equal("ok first", Ask(name, "checkpoint \n"));
    }

    [Fact]
    public void A_silent_client_does_not_block_another_and_is_dropped_at_its_deadline()
    {
        string name = NewName();
        using var server = new ControlServer(name, _ => "done", clientTimeout: TimeSpan.FromSeconds(2));
        using var silent = Connect(name); // connects and never sends a byte

        Assert.Equal("ok done", Ask(name, "checkpoint \n"));
        // The silent one gets nothing and its connection is closed once its deadline passed.
        Assert.Equal(0, silent.Read(new byte[16]));
    }

    [Fact]
    public void A_flood_without_newline_gets_an_error_and_the_server_goes_on()
    {
        string name = NewName();
        using var server = new ControlServer(name, _ => "done");
        string reply;
        using (var flooder = Connect(name))
        {
            flooder.Write(new byte[ControlServer.MaxRequestBytes * 4]); // no newline anywhere
            reply = new StreamReader(flooder).ReadLine() ?? "(closed)";
        }

        Assert.Contains($"longer than {ControlServer.MaxRequestBytes} bytes", reply);
        Assert.Equal("ok done", Ask(name, "checkpoint \n"));
    }

    [Fact]
    public void A_client_that_vanishes_before_the_reply_does_not_stop_the_server()
    {
        string name = NewName();
        using var release = new ManualResetEventSlim();
        int calls = 0;
        using var server = new ControlServer(name, _ =>
        {
            if (Interlocked.Increment(ref calls) == 1) release.Wait(TimeSpan.FromSeconds(10));
            return "done";
        });
        using (var vanishing = Connect(name)) vanishing.Write("checkpoint \n"u8);
        release.Set(); // the reply goes to a closed pipe

        Assert.Equal("ok done", Ask(name, "checkpoint \n"));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void An_unknown_request_is_an_error_naming_the_expected_one()
    {
        string name = NewName();
        using var server = new ControlServer(name, _ => "done");
        Assert.Equal("error unknown request 'rm -rf /' (expected: checkpoint <path>)", Ask(name, "rm -rf /\n"));
    }

    [Fact]
    public void Rtcr_checkpoint_reports_success_only_for_an_image_that_exists_and_reads()
    {
        string name = NewName();
        string never = Path.Combine(Path.GetTempPath(), "rtcr-never-" + Guid.NewGuid().ToString("N") + ".rtcr");
        using var impostor = new ControlServer(name, _ => never); // answers "ok" without writing anything

        var r = Cli.Run("checkpoint", name, "--timeout", "20");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not a readable image", (r.Stdout + r.Stderr).Replace("\n", ""));
        Assert.DoesNotContain("checkpoint written", r.Stdout);
    }
}
