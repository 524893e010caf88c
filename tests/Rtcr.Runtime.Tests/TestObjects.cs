namespace Rtcr.Runtime.Tests;

/// <summary>An RPC interface used as a capability type in tests.</summary>
public interface IEcho
{
    string Echo(string text);
}

/// <summary>Another RPC interface, implemented by nothing that implements <see cref="IEcho"/>.</summary>
public interface ICounter
{
    int Increment();
}

public sealed class EchoObject : IEcho
{
    public string Echo(string text) => text;
}

public sealed class CounterObject : ICounter
{
    private int _value;

    public int Increment() => ++_value;
}
