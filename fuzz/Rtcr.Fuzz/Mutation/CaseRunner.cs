using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Restore;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Fuzz;

/// <summary>
/// Runs one case: read the bytes, restore them into a fresh host, let the child run its first ticks.
/// Only two outcomes are allowed: a typed refusal, or a restored child that runs (and equals the
/// seed's restore when the image says nothing the seed does not).
/// </summary>
internal static class CaseRunner
{
    /// <summary>Ticks the restored child must complete (or events it must survive when it does not tick).</summary>
    public const int Ticks = 3;
    private const int MaxEvents = 64;

    /// <summary>Runs the case on its own thread; no result within <paramref name="timeout"/> is a hang (the thread is abandoned).</summary>
    public static CaseResult Run(byte[] bytes, SeedImage? seed, TimeSpan timeout)
    {
        CaseResult? result = null;
        var worker = new Thread(() => result = RunInline(bytes, seed), 16 * 1024 * 1024) { IsBackground = true, Name = "fuzz case" };
        worker.Start();
        if (!worker.Join(timeout)) return new CaseResult(CaseOutcome.Hung, $"no result after {timeout.TotalSeconds:0.#} s");
        return result!;
    }

    /// <summary>Runs the case on the calling thread (the SharpFuzz entry point, where the fuzzer watches for hangs).</summary>
    public static CaseResult RunInline(byte[] bytes, SeedImage? seed)
    {
        CheckpointImage image;
        try
        {
            image = ImageReader.Read(new MemoryStream(bytes, writable: false), "fuzz", SessionRecorders.Schema);
        }
        catch (ImageFormatException ex)
        {
            return new CaseResult(CaseOutcome.Refused, "read: " + ex.Message);
        }
        catch (Exception ex)
        {
            return Failure("read", ex);
        }

        ComponentHost? host = null;
        CaseResult result;
        try
        {
            result = RestoreAndRun(image, seed, ref host);
        }
        catch (Exception ex)
        {
            result = Failure("restore or first ticks", ex);
        }
        // Disposing the host closes the child's sessions and returns their quota: a failure there
        // (it once threw for a crafted upgrade) is a finding too, never an exception out of the case.
        try
        {
            host?.Dispose();
        }
        catch (Exception ex)
        {
            return Failure("host dispose", ex);
        }
        return result;
    }

    private static CaseResult RestoreAndRun(CheckpointImage image, SeedImage? seed, ref ComponentHost? host)
    {
        host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        Child child;
        try
        {
            child = host.Restore(image, SampleCatalog.Create);
        }
        catch (Exception ex) when (ex is ImageFormatException or RestoreException)
        {
            return new CaseResult(CaseOutcome.Refused, "restore: " + ex.Message);
        }
        if (seed is not null && SaysNothingNew(image, seed.Image))
        {
            string dump = ChildState.Dump(host, child);
            if (dump != seed.ExpectedDump) return new CaseResult(CaseOutcome.Failed, "an image equal to the seed restored into another state:\n" + dump);
        }
        // Consistent with the image: checkpointed again at once, the child has the image's
        // capability layout, sessions, memory and pending signals (badges aside).
        string expected = Canonical(image), restored = Canonical(host.Checkpoint(child));
        if (expected != restored) return new CaseResult(CaseOutcome.Failed, $"the restored child differs from its image:\n{expected}\n--- restored ---\n{restored}");
        for (int events = 0; events < MaxEvents && host.Ticks(child) < Ticks; events++)
        {
            if (!host.Kernel.AdvanceToNextEvent()) break;
            if (child.Env.Entrypoint.Failure is { } failure) return Failure("first ticks (entrypoint)", failure);
            foreach (var thread in child.Env.Domain.Threads)
                if (thread.Failure is { } threadFailure) return Failure($"first ticks (thread {thread.Name})", threadFailure);
        }
        return new CaseResult(CaseOutcome.Restored, $"{host.Ticks(child)} ticks");
    }

    private static CaseResult Failure(string stage, Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is { } next && inner is InvalidOperationException) inner = next;
        string frame = inner.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
        return new CaseResult(CaseOutcome.Failed, $"{stage}: {ex.GetType().Name}{(inner != ex ? " <- " + inner.GetType().Name : "")}: {inner.Message} {frame}");
    }

    // What a restore must reproduce, without badges (a restore hands out new ones).
    private static string Canonical(CheckpointImage image)
    {
        var m = image.Manifest;
        var sb = new System.Text.StringBuilder();
        sb.Append("clock ").Append(m.ClockMicroseconds).Append(" slots ").Append(m.CapabilitySlots).Append('\n');
        foreach (var c in m.Capabilities) sb.Append("cap ").Append(c.Index).Append(' ').Append(c.Type).Append('\n');
        foreach (var s in m.Sessions.OrderBy(s => s.Service, StringComparer.Ordinal).ThenBy(s => s.Label, StringComparer.Ordinal))
            sb.Append("session ").Append(s.Service).Append(" '").Append(s.Label).Append("' ").Append(s.RamQuota).Append(' ').Append(s.CapQuota).Append('\n');
        foreach (var d in m.Dataspaces.Select(d => $"dataspace {d.Size} {System.IO.Hashing.XxHash3.HashToUInt64(image.Stored(d)):x16}").Order(StringComparer.Ordinal))
            sb.Append(d).Append('\n');
        sb.Append("pending signals ").Append(m.PendingSignals.Sum(p => (long)p.Count)).Append('\n');
        return sb.ToString();
    }

    // Same manifest bytes and contents: the restore must be the seed's, exactly.
    private static bool SaysNothingNew(CheckpointImage image, CheckpointImage seed)
    {
        if (!image.ManifestBytes.AsSpan().SequenceEqual(seed.ManifestBytes)) return false;
        foreach (var ds in seed.Manifest.Dataspaces)
            if (!image.Contents.ContainsKey(ds.Badge) || !image.Stored(ds).SequenceEqual(seed.Stored(ds))) return false;
        return true;
    }
}
