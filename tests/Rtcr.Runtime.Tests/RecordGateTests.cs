using Rtcr.Recording;

namespace Rtcr.Runtime.Tests;

/// <summary>The recorders' gate excludes other threads and refuses re-entry instead of spinning forever.</summary>
public sealed class RecordGateTests
{
    private sealed class Guarded
    {
        public RecordGate Gate;
        public long Count;
    }

    [Fact]
    public void Re_entering_the_gate_on_one_thread_throws_instead_of_deadlocking()
    {
        var guarded = new Guarded();
        using (guarded.Gate.Enter())
        {
            var error = Assert.Throws<InvalidOperationException>(() => { using (guarded.Gate.Enter()) { } });
            Assert.Contains("re-entered", error.Message);
        }
        // The failed re-entry left the gate as it was: once left, it can be entered again.
        using (guarded.Gate.Enter()) guarded.Count++;
        Assert.Equal(1, guarded.Count);
    }

    [Fact]
    public void Gate_excludes_other_threads()
    {
        var guarded = new Guarded();
        const int PerThread = 200_000;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < PerThread; i++)
                using (guarded.Gate.Enter()) guarded.Count++;   // a plain increment: lost updates unless excluded
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(4L * PerThread, guarded.Count);
    }
}
