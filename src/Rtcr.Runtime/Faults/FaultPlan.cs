using System.Globalization;

namespace Rtcr.Faults;

/// <summary>
/// A scripted <see cref="IFaultInjector"/>: each armed point fails on its N-th hit, by default with an
/// <see cref="InjectedFaultException"/>, or runs an action (free a dataspace, use up a quota, flip a byte
/// read). Thread-safe; counts every hit so a test can see a point was reached.
/// </summary>
public sealed class FaultPlan : IFaultInjector
{
    private readonly Lock _lock = new();
    private readonly Dictionary<FaultPoint, (int Hit, Action<object?> Action)> _armed = new();
    private readonly Dictionary<FaultPoint, int> _hits = new();

    /// <summary>Fails <paramref name="point"/> on its <paramref name="hit"/>-th reach (1 = the first) with an <see cref="InjectedFaultException"/> saying <paramref name="message"/>.</summary>
    /// <returns>This plan, for chaining.</returns>
    public FaultPlan Fail(FaultPoint point, int hit = 1, string message = "No space left on device") =>
        At(point, hit, _ => throw new InjectedFaultException(point, message));

    /// <summary>Runs <paramref name="action"/> with the point's subject on its <paramref name="hit"/>-th reach (the action may throw).</summary>
    /// <returns>This plan, for chaining.</returns>
    public FaultPlan At(FaultPoint point, int hit, Action<object?> action)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hit);
        ArgumentNullException.ThrowIfNull(action);
        lock (_lock) _armed[point] = (hit, action);
        return this;
    }

    /// <summary>How often <paramref name="point"/> was reached.</summary>
    public int Hits(FaultPoint point)
    {
        lock (_lock) return _hits.GetValueOrDefault(point);
    }

    /// <inheritdoc />
    public void Reach(FaultPoint point, object? subject)
    {
        Action<object?>? action = null;
        lock (_lock)
        {
            int n = _hits[point] = _hits.GetValueOrDefault(point) + 1;
            if (_armed.TryGetValue(point, out var armed) && armed.Hit == n) action = armed.Action;
        }
        action?.Invoke(subject);
    }

    /// <summary>
    /// Parses a plan such as <c>ImageWrite@3,ImageRename@1</c> (point, then the hit that fails; the CLI
    /// reads it from <c>RTCR_INJECT_FAULTS</c> so that tests can fail a child process's I/O).
    /// </summary>
    /// <exception cref="FormatException">An entry is not <c>Point@N</c> with a known point and N ≥ 1.</exception>
    public static FaultPlan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plan = new FaultPlan();
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('@');
            if (parts.Length != 2 || !Enum.TryParse<FaultPoint>(parts[0], ignoreCase: false, out var point) || !Enum.IsDefined(point)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int hit) || hit < 1)
                throw new FormatException($"fault '{entry}' is not POINT@N with a point of {string.Join(", ", Enum.GetNames<FaultPoint>())} and N >= 1");
            plan.Fail(point, hit);
        }
        return plan;
    }
}
