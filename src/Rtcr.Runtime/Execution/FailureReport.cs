namespace Rtcr.Execution;

/// <summary>An entrypoint or thread that a kernel stopped because its handler or step threw (see <see cref="Kernel.ContainFailures"/>).</summary>
/// <param name="Entrypoint">Name of the failed entrypoint (the component's label), or null for a thread.</param>
/// <param name="Thread">Name of the failed thread, or null for an entrypoint.</param>
/// <param name="Exception">What the handler or step threw.</param>
public sealed record FailureReport(string? Entrypoint, string? Thread, Exception Exception)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(Entrypoint is not null ? $"entrypoint '{Entrypoint}'" : $"thread '{Thread}'")} stopped: {Exception.GetType().Name}: {Exception.Message}";
}
