using Rtcr.Sessions;

namespace Rtcr.Sessions.Tests;

/// <summary>A component whose code is given by the test.</summary>
public sealed class TestProgram(string name = "test", Action<Env>? register = null, Action<Env>? construct = null) : IComponentProgram
{
    public string Name { get; } = name;

    public void Register(Env env) => register?.Invoke(env);

    public void Construct(Env env) => construct?.Invoke(env);
}

/// <summary>A deterministic host with one test child whose environment sessions exist.</summary>
public sealed class Harness : IDisposable
{
    public Harness(ChildOptions? options = null, Action<Env>? register = null, string label = "app")
    {
        Host = TestHosts.New();
        Child = ChildLauncher.Start(Host.Parent, new TestProgram(label, register), options);
    }

    public ComponentHost Host { get; }

    public Child Child { get; }

    public Env Env => Child.Env;

    public Kernel Kernel => Host.Kernel;

    public CollectingLogSink Log => (CollectingLogSink)Host.Log;

    /// <summary>Allocates a signal context of the child that calls <paramref name="handler"/>, registering it first.</summary>
    public Capabilities.Cap<ISignalContext> Context(string handler, Action<int> action)
    {
        Env.Entrypoint.Register(handler, action);
        var source = Env.Pd.AllocSignalSource();
        return Env.Pd.AllocContext(source, handler);
    }

    public void Dispose() => Host.Dispose();
}

public static class TestHosts
{
    /// <summary>
    /// A deterministic host without session recording: these tests exercise the core session
    /// components and samples and must not depend on generated recorders.
    /// </summary>
    public static ComponentHost New() => new(recorders: ComponentHost.NoRecording);
}
