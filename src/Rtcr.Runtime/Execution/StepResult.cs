namespace Rtcr.Execution;

/// <summary>What a thread does after one step of its program.</summary>
public readonly record struct StepResult
{
    private StepResult(StepKind kind, long wakeAt)
    {
        Kind = kind;
        WakeAtMicroseconds = wakeAt;
    }

    /// <summary>The kind of continuation.</summary>
    public StepKind Kind { get; }

    /// <summary>For <see cref="StepKind.Sleep"/>: when to run again.</summary>
    public long WakeAtMicroseconds { get; }

    /// <summary>Run the next step as soon as possible.</summary>
    public static StepResult Continue => new(StepKind.Continue, 0);

    /// <summary>Run the next step once the clock reaches <paramref name="microseconds"/>.</summary>
    public static StepResult SleepUntil(long microseconds) => new(StepKind.Sleep, microseconds);

    /// <summary>The program has ended.</summary>
    public static StepResult Halt => new(StepKind.Halt, 0);
}

/// <summary>Kinds of <see cref="StepResult"/>.</summary>
public enum StepKind
{
    /// <summary>Run again.</summary>
    Continue,
    /// <summary>Run again at a given time.</summary>
    Sleep,
    /// <summary>Stop.</summary>
    Halt,
}
