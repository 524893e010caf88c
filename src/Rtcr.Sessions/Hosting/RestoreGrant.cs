using Rtcr.Checkpoint;
using Rtcr.Quotas;
using Rtcr.Restore;
using Rtcr.Services;

namespace Rtcr.Sessions;

/// <summary>
/// The quota grant rule for restored children, and the host-side facts of an image that are checked
/// before anything is created: an image's quotas are never trusted beyond what the restoring host
/// grants, its program must be known, its ROM modules must decode.
/// </summary>
internal static class RestoreGrant
{
    /// <summary>What a host grants at most by default: 4 GiB of RAM quota, 100 000 capabilities, 65 536 capability slots.</summary>
    public static ChildOptions DefaultMaximum { get; } = new() { RamQuota = 4L << 30, CapQuota = 100_000, CapSlots = 1 << 16 };

    /// <summary>
    /// Refuses an image whose capability space exceeds <paramref name="maximum"/>, and, when the host
    /// gives no explicit <paramref name="grant"/>, one whose initial quota does.
    /// </summary>
    public static void Check(ImageManifest m, ChildOptions? grant, ChildOptions maximum)
    {
        if (m.CapabilitySlots > maximum.CapSlots)
            throw new RestoreException($"image of '{m.Label}' asks for {m.CapabilitySlots} capability slots; this host grants at most {maximum.CapSlots}");
        if (grant is null && (m.InitialRamQuota > maximum.RamQuota || m.InitialCapQuota > maximum.CapQuota))
            throw new RestoreException($"image of '{m.Label}' asks for {m.InitialRamQuota} bytes of RAM quota and {m.InitialCapQuota} capabilities; " +
                $"this host grants at most {maximum.RamQuota} and {maximum.CapQuota} unless the restore passes an explicit grant");
    }

    /// <summary>The program the image names, or a <see cref="RestoreException"/> when the catalog does not know it.</summary>
    public static IComponentProgram Program(ImageManifest m, Func<string, IComponentProgram> programs, string name)
    {
        try
        {
            return programs(name);
        }
        catch (KeyNotFoundException ex)
        {
            throw new RestoreException($"image of '{m.Label}' names program '{name}', which this host does not have: {ex.Message}", ex);
        }
    }

    /// <summary>A ROM module's content from the image's metadata.</summary>
    public static byte[] Rom(ImageManifest m, string key, string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException ex)
        {
            throw new RestoreException($"image of '{m.Label}': ROM module '{key[4..]}' is not valid base64: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Refuses a restored child whose PD account has less quota in use than its sessions were donated
    /// (their quotas plus the upgrades the image says it paid): an image claiming an upgrade the child never paid for.
    /// Closing such a session would refund quota the account never lent.
    /// </summary>
    /// <exception cref="RestoreException">The donations exceed the account's use.</exception>
    public static void CheckDonations(ProtectionDomain pd, Parent parent)
    {
        var (ram, caps) = parent.Donated(pd);
        long ramUsed = pd.Quota.Used(QuotaKind.Ram), capsUsed = pd.Quota.Used(QuotaKind.Caps);
        if (ram > ramUsed || caps > capsUsed)
            throw new RestoreException($"image of '{pd.Label}': its sessions hold {ram} bytes of RAM quota and {caps} capabilities (quotas plus paid upgrades), " +
                $"but its PD account has only {ramUsed} bytes and {capsUsed} capabilities in use: the image records an upgrade the child never paid for");
    }

    /// <summary>
    /// Refuses a restored child with a signal context whose handler its code lacks, whose program finds its restored state unusable, or whose running
    /// threads' stack pointers lie outside the memory its region map attaches or whose registers
    /// their program refuses: such a child would fail at its first step.
    /// </summary>
    public static void CheckRestoredState(ProtectionDomain pd, IComponentProgram program, Env env, IReadOnlyDictionary<long, long> badges)
    {
        // A signal context names its handler; the code check covered the handlers the image lists, this covers the ones its contexts use.
        foreach (long badge in badges.Values)
            if (pd.Kernel.Objects.TryGet(badge, out var obj) && SessionInspector.Instance.SignalContextOf(obj) is { } context && !context.Entrypoint.HasHandler(context.Handler))
                throw new RestoreException($"image of '{pd.Label}': a signal context names handler '{context.Handler}', which the code does not register");
        if (program.RestoredStateProblem(env) is { } state)
            throw new RestoreException($"image of '{pd.Label}': {program.Name} cannot run from the restored state: {state}");
        foreach (var thread in pd.Threads)
        {
            if (!thread.IsStarted || thread.IsFinished) continue;
            long sp = thread.GetState().Sp;
            if (!thread.Memory.Root.Attachments.Any(a => sp >= a.Start && sp < a.End))
                throw new RestoreException($"image of '{pd.Label}': thread '{thread.Name}' has its stack pointer at 0x{sp:x}, outside every region the child has attached");
            if (thread.Program.RegisterProblem(thread.GetState(), thread.Memory, pd.Kernel.Clock.NowMicroseconds) is { } problem)
                throw new RestoreException($"image of '{pd.Label}': thread '{thread.Name}' cannot run from its restored registers: {problem}");
        }
    }
}
