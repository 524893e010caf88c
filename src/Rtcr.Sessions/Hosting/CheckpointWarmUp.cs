using Rtcr.Image;
using Rtcr.Tracking;

namespace Rtcr.Sessions;

/// <summary>
/// Runs the checkpoint, image and restore paths once on a throwaway kernel, so that their first-use
/// work (JIT of the recorders, state models, checkpointer and image code; MemoryPack's formatter
/// setup) happens here and not inside the first pause of a real child. Once per process.
/// </summary>
public static class CheckpointWarmUp
{
    private static readonly Lazy<TimeSpan> s_done = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Warms up (the first call does the work, later calls return at once); returns how long the work took.</summary>
    public static TimeSpan Ensure() => s_done.Value;

    private static TimeSpan Run()
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Two children, so the capture code meets both shapes the samples have: with a thread and
        // without one (an empty list in the CPU session's state is its own code path).
        foreach (var tracking in new TrackingOptions?[] { null, new TrackingOptions { Granularity = 4096 } })
        {
            Checkpoint.CheckpointImage image;
            using (var host = new ComponentHost())
            {
                var child = host.Start(new WarmUpProgram(withThread: tracking is null), Config, new ChildOptions { RamQuota = 1024 * 1024, Tracking = tracking });
                host.Kernel.Advance(3_000);
                host.Checkpoint(child, incremental: true);
                host.Kernel.Advance(3_000);
                image = host.Checkpoint(child, incremental: true);
                image = host.Checkpoint(child);
            }
            var stream = new MemoryStream();
            ImageWriter.Write(image, stream, ImageCompression.Lz4Delta); // rtcr run's --compress default
            image.ReleaseBuffers(); // as rtcr run does once the image is written
            stream.Position = 0;
            image = ImageReader.Read(stream, "warm-up", SessionRecorders.Schema);
            using var again = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
            again.Restore(image, _ => new WarmUpProgram(withThread: tracking is null), tracking);
        }
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    // As long as a real config: the ROM module's base64 in the image metadata takes the vectorised
    // path from a few dozen bytes on, which a short string never reaches.
    private const string Config = "<config warm_up=\"yes\" start=\"1\" interval_ms=\"1000\" working_set=\"64K\" pattern=\"sequential\" seed=\"1\"/>";

    // Touches every core service the samples use: memory (two dataspaces: the state sorts them), a
    // thread or none, a timer, LOG and ROM.
    private sealed class WarmUpProgram(bool withThread) : IComponentProgram
    {
        public string Name => "rtcr-warm-up";

        public void Register(Env env)
        {
            env.Domain.Programs["spin"] = new SpinProgram();
            env.Entrypoint.Register("tick", _ => env.Memory.Write(0x1000_0000, env.Memory.Read<long>(0x1000_0000) + 1));
        }

        public void Construct(Env env)
        {
            _ = env.ReadRom(env.Session<IRomSession>("ROM", "config"));
            env.AllocAndAttach(4096, 0x0800_0000);
            env.AllocAndAttach(64 * 1024, 0x1000_0000);
            var log = env.Invoke(env.Session<ILogSession>("LOG"));
            log.Write("warm-up");
            var timer = env.Invoke(env.Session<ITimerSession>("Timer"));
            timer.Sigh(env.Pd.AllocContext(env.Pd.AllocSignalSource(), "tick"));
            timer.TriggerPeriodic(1_000);
            if (!withThread) return;
            var thread = env.Cpu.CreateThread(env.Caps.Pd, "spin", 0, 1);
            env.Invoke(thread).Start(0, 0x1000_0000);
        }
    }

    private sealed class SpinProgram : Execution.IThreadProgram
    {
        public Execution.StepResult Step(ref Execution.ThreadRegisters r, Memory.AddressSpace memory, long now)
        {
            memory.Write(r.Sp + 8 + (r.R0++ % 1000) * 8, now);
            return Execution.StepResult.SleepUntil(now + 500);
        }
    }
}
