namespace Rtcr.Recording;

/// <summary>
/// Hand-written capture and restore of state that call recording cannot see (dataspace content,
/// thread registers). Named by <see cref="CapturedByAttribute"/>; the generated code calls it.
/// </summary>
/// <typeparam name="T">The session or RPC object interface.</typeparam>
public interface IStateHook<in T> where T : class
{
    /// <summary>Writes the hidden state of <paramref name="target"/> (called while the child is paused).</summary>
    void Capture(T target, StateWriter writer);

    /// <summary>Restores what <see cref="Capture"/> wrote into the recreated <paramref name="target"/>.</summary>
    void Restore(T target, ref StateReader reader, IReplayContext context);
}
