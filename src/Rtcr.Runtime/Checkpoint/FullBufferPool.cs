using System.Runtime.CompilerServices;
using Rtcr.Memory;

namespace Rtcr.Checkpoint;

/// <summary>
/// The copy targets of full checkpoints, one kept buffer per dataspace (so per child): pinned and
/// backed once, lent to a checkpoint and given back by <see cref="CheckpointImage.ReleaseBuffers"/>
/// once the image is written or sent. Without it every full checkpoint took a fresh, pre-faulted
/// array of the whole working set and old copies lingered until a full GC, so the parent's memory
/// climbed by a working set per checkpoint. A buffer still lent (an image held by its caller) is
/// never handed out again: the next checkpoint gets a fresh one, which becomes the kept one.
/// </summary>
internal static class FullBufferPool
{
    private sealed class Slot
    {
        public byte[]? Kept;
        public bool Lent;
    }

    // Keyed weakly by the dataspace: the kept buffer goes away with the dataspace (child destroyed).
    private static readonly ConditionalWeakTable<DataspaceMemory, Slot> s_slots = new();

    /// <summary>A backed buffer of exactly <paramref name="size"/> bytes for a full copy of <paramref name="memory"/>.</summary>
    public static byte[] Lend(DataspaceMemory memory, int size) => Lend(memory, size, out _);

    /// <summary>As <see cref="Lend(DataspaceMemory, int)"/>; <paramref name="fresh"/> tells whether the buffer was just allocated (never written).</summary>
    public static byte[] Lend(DataspaceMemory memory, int size, out bool fresh)
    {
        fresh = false;
        var slot = s_slots.GetValue(memory, _ => new Slot());
        lock (slot)
        {
            if (slot.Kept is { } kept && !slot.Lent && kept.Length == size)
            {
                slot.Lent = true;
                return kept;
            }
        }
        var created = RamDataspace.BackedArray(size); // outside the lock: backing takes a while
        lock (slot)
        {
            if (!slot.Lent)
            {
                slot.Kept = created;
                slot.Lent = true;
            }
        }
        fresh = true;
        return created;
    }

    /// <summary>Takes back a buffer from <see cref="Lend(DataspaceMemory, int)"/> once nothing refers to it any more.</summary>
    public static void Return(DataspaceMemory memory, byte[] buffer)
    {
        if (!s_slots.TryGetValue(memory, out var slot)) return;
        lock (slot)
            if (ReferenceEquals(slot.Kept, buffer)) slot.Lent = false;
    }
}
