using System.Collections.Concurrent;
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

    [Theory]
    [InlineData(20)]    // fewer visiting calls than VisitsBeforeSharing: the owner keeps its plain-store path throughout
    [InlineData(500)]   // the bias is dropped midway: the switch to tickets for everyone must not let two in at once
    public void Owner_and_visitors_exclude_each_other_before_and_after_the_bias_is_dropped(int perThread)
    {
        for (int round = 0; round < 200; round++)
        {
            var guarded = new Guarded();
            using (guarded.Gate.Enter()) guarded.Count++;   // this thread becomes the owner
            using var start = new Barrier(2);
            var visitor = new Thread(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                for (int i = 0; i < perThread; i++)
                    using (guarded.Gate.Enter()) guarded.Count++;
            });
            visitor.Start();
            start.SignalAndWait(TestContext.Current.CancellationToken);
            for (int i = 0; i < perThread; i++)
                using (guarded.Gate.Enter()) guarded.Count++;
            visitor.Join();

            using (guarded.Gate.EnterToCapture()) Assert.Equal(1 + 2L * perThread, guarded.Count);
        }
    }

    [Theory]
    [InlineData(true)]    // the owner's plain-store path
    [InlineData(false)]   // a visitor's ticket
    public void A_call_that_throws_inside_the_gate_leaves_it_to_the_other_threads(bool ownerThrows)
    {
        var guarded = new Guarded();
        void EnterOnce()
        {
            using (guarded.Gate.Enter()) guarded.Count++;
        }
        void ThrowInside()
        {
            using (guarded.Gate.Enter()) throw new InvalidDataException("the forwarded call failed");
        }
        // Every entry runs on another thread and is waited for with a bound: a gate left held makes it spin forever.
        using var ownerWork = new BlockingCollection<Action>();
        new Thread(() => { foreach (var action in ownerWork.GetConsumingEnumerable()) action(); }) { IsBackground = true }.Start();
        bool OnOwner(Action action)
        {
            using var done = new ManualResetEventSlim();
            ownerWork.Add(() => { action(); done.Set(); });
            return done.Wait(TimeSpan.FromSeconds(30));
        }
        bool OnVisitor(Action action)
        {
            var visitor = new Thread(() => action()) { IsBackground = true };
            visitor.Start();
            return visitor.Join(TimeSpan.FromSeconds(30));
        }

        Assert.True(OnOwner(EnterOnce));   // the first thread to enter becomes the owner
        Exception? thrown = null;
        Assert.True(ownerThrows ? OnOwner(() => thrown = Record.Exception(ThrowInside)) : OnVisitor(() => thrown = Record.Exception(ThrowInside)));
        Assert.IsType<InvalidDataException>(thrown);
        Assert.True(OnVisitor(EnterOnce), "a visitor still waits for the gate");
        Assert.True(OnOwner(EnterOnce), "the owner still waits for the gate");
        ownerWork.CompleteAdding();

        Assert.Equal(3, guarded.Count);
    }
}
