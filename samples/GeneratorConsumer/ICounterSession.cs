using Rtcr.Capabilities;

namespace GeneratorConsumer;

/// <summary>A new service, declared outside Rtcr.Sessions: the packaged generator records it.</summary>
[Rtcr.RtcrSession("Counter")]
public interface ICounterSession
{
    /// <summary>Sets the counter's step.</summary>
    [Rtcr.Sets("step")] void Step(int step);

    /// <summary>Reads the step.</summary>
    [Rtcr.Query] int CurrentStep();

    /// <summary>Adds donated quota.</summary>
    [Rtcr.Upgrade] void Upgrade(long ramQuota, long capQuota);
}

/// <summary>The server side of the counter session.</summary>
public sealed class CounterSession : ICounterSession
{
    private int _step = 1;

    /// <inheritdoc />
    public void Step(int step) => _step = step;

    /// <inheritdoc />
    public int CurrentStep() => _step;

    /// <inheritdoc />
    public void Upgrade(long ramQuota, long capQuota) { }
}
