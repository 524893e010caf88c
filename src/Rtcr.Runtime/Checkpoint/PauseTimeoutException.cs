using System.Globalization;

namespace Rtcr.Checkpoint;

/// <summary>
/// A child did not reach a handler/step boundary within the pause timeout (a thread spinning inside one
/// step, a handler that does not return). The pause was undone: the child and every other child run on
/// as before, and no image was taken.
/// </summary>
public sealed class PauseTimeoutException : CheckpointException
{
    /// <summary>Creates the report.</summary>
    /// <param name="child">Label of the child that did not stop.</param>
    /// <param name="timeout">The pause timeout that passed.</param>
    /// <param name="threads">Names of the threads still inside a step.</param>
    /// <param name="entrypoint">Name of the child's entrypoint, if it has one.</param>
    /// <param name="handler">The handler its entrypoint was still running, or null when the entrypoint stopped.</param>
    public PauseTimeoutException(string child, TimeSpan timeout, IReadOnlyList<string> threads, string? entrypoint, string? handler)
        : base(Describe(child, timeout, threads, entrypoint, handler))
    {
        Child = child;
        Timeout = timeout;
        Threads = threads;
        Entrypoint = entrypoint;
        Handler = handler;
    }

    /// <summary>Label of the child that did not stop.</summary>
    public string Child { get; }

    /// <summary>The pause timeout that passed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Names of the threads that were still inside a step.</summary>
    public IReadOnlyList<string> Threads { get; }

    /// <summary>Name of the child's entrypoint (null when it has none).</summary>
    public string? Entrypoint { get; }

    /// <summary>The handler the entrypoint was still running, or null when the entrypoint stopped in time.</summary>
    public string? Handler { get; }

    private static string Describe(string child, TimeSpan timeout, IReadOnlyList<string> threads, string? entrypoint, string? handler)
    {
        var what = new List<string>();
        if (threads.Count > 0) what.Add($"thread{(threads.Count == 1 ? "" : "s")} {string.Join(", ", threads.Select(t => $"'{t}'"))} did not reach a step boundary");
        if (handler is not null) what.Add($"entrypoint '{entrypoint}' is still in handler '{handler}'");
        return string.Create(CultureInfo.InvariantCulture,
            $"'{child}' did not pause within {timeout.TotalMilliseconds:0.###} ms: {string.Join("; ", what)}. The checkpoint was abandoned; '{child}' and the other children run on.");
    }
}
