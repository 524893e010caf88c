namespace Rtcr;

/// <summary>How a kernel runs entrypoints, threads and time.</summary>
public enum ExecutionMode
{
    /// <summary>
    /// Virtual clock; entrypoints and threads run only when the host advances time or calls
    /// <see cref="Kernel.RunUntilIdle"/>, in a fixed order: every run with the same inputs is identical.
    /// </summary>
    Deterministic,
    /// <summary>Monotonic real clock; each entrypoint and thread has its own OS thread.</summary>
    Threaded,
}
