using Rtcr.Node.Transport;

namespace Rtcr.Node.Tests.Harness;

/// <summary>A shared token file and the node processes of one test; disposing kills every node.</summary>
internal sealed class Cluster : IDisposable
{
    private readonly List<NodeProcess> _nodes = new();

    public Cluster()
    {
        Directory.CreateDirectory(Dir);
        File.WriteAllText(TokenFile, Token.Value + "\n");
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "rtcr-node-tests", Guid.NewGuid().ToString("N"));

    public NodeToken Token { get; } = new(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    public string TokenFile => Path.Combine(Dir, "cluster.token");

    public NodeProcess Start(string name, params string[] extra)
    {
        var node = NodeProcess.Start(name, TokenFile, "127.0.0.1:0", extra);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Starts <paramref name="old"/> (which must have exited) again: same name, port and image directory.</summary>
    public NodeProcess Restart(NodeProcess old, params string[] extra)
    {
        Assert.True(old.WaitForExit(NodeProcess.Patience), $"node {old.Name} should have exited before its restart");
        var node = NodeProcess.Start(old.Name, TokenFile, "127.0.0.1:" + old.Port, extra);
        _nodes.Add(node);
        return node;
    }

    public void Dispose()
    {
        foreach (var n in _nodes) n.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
