using Rtcr.Execution;
using Rtcr.Recording;

namespace Rtcr.Sessions;

/// <summary>Captures a thread's register file, sleep deadline and run state (started, paused, halted); restores them into the recreated thread.</summary>
public sealed class CpuThreadStateHook : IStateHook<ICpuThread>
{
    /// <inheritdoc />
    public void Capture(ICpuThread target, StateWriter writer)
    {
        var thread = target.Thread();
        var r = thread.GetState();
        foreach (long v in (ReadOnlySpan<long>)[r.Ip, r.Sp, r.R0, r.R1, r.R2, r.R3, r.R4, r.R5, r.R6, r.R7]) writer.WriteInt64(v);
        writer.WriteInt64(thread.WakeAtMicroseconds);
        writer.WriteBoolean(thread.IsPaused);
        writer.WriteBoolean(thread.IsStarted);
        writer.WriteBoolean(thread.IsFinished); // appended: images written before it lack it
    }

    /// <inheritdoc />
    public void Restore(ICpuThread target, ref StateReader reader, IReplayContext context)
    {
        var r = new ThreadRegisters
        {
            Ip = reader.ReadInt64(), Sp = reader.ReadInt64(),
            R0 = reader.ReadInt64(), R1 = reader.ReadInt64(), R2 = reader.ReadInt64(), R3 = reader.ReadInt64(),
            R4 = reader.ReadInt64(), R5 = reader.ReadInt64(), R6 = reader.ReadInt64(), R7 = reader.ReadInt64(),
        };
        long wake = reader.ReadInt64();
        bool paused = reader.ReadBoolean();
        bool started = reader.ReadBoolean();
        bool halted = reader.Remaining > 0 && reader.ReadBoolean();
        if (started && !halted) RestoredTime.CheckWake(wake);
        target.Thread().Revive(r, wake, paused, started, halted);
    }
}
