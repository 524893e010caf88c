namespace Rtcr.Faults;

/// <summary>Injects no fault: the default everywhere.</summary>
public sealed class FaultInjector : IFaultInjector
{
    private FaultInjector()
    {
    }

    /// <summary>The injector that never fails.</summary>
    public static IFaultInjector None { get; } = new FaultInjector();

    /// <inheritdoc />
    public void Reach(FaultPoint point, object? subject)
    {
    }
}
