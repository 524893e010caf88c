using Rtcr.Execution;

namespace Rtcr.Runtime.Tests;

public sealed class SignalAndEntrypointTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    [Fact]
    public void Signals_submitted_before_dispatch_coalesce_into_one_handler_call_with_the_count()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        var calls = new List<int>();
        ep.Register("tick", n => calls.Add(n));
        var context = new SignalContext(ep, "tick");

        context.Submit();
        context.Submit();
        context.Submit();

        Assert.Equal(3, context.PendingCount);
        var pending = Assert.Single(ep.PendingSignals());
        Assert.Same(context, pending.Context);
        Assert.Equal(3, pending.Count);

        kernel.RunUntilIdle();

        Assert.Equal([3], calls);
        Assert.Equal(0, context.PendingCount);
        Assert.Empty(ep.PendingSignals());
        Assert.Equal(1, ep.Dispatched);
    }

    [Fact]
    public void Submit_with_a_count_adds_that_many_signals()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        var calls = new List<int>();
        ep.Register("h", n => calls.Add(n));
        var context = new SignalContext(ep, "h");

        context.Submit(5);
        context.Submit(2);
        kernel.RunUntilIdle();
        context.Submit();
        kernel.RunUntilIdle();

        Assert.Equal([7, 1], calls);
        Assert.Throws<ArgumentOutOfRangeException>(() => context.Submit(0));
    }

    [Fact]
    public void Contexts_are_delivered_in_the_order_they_were_first_submitted()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        var order = new List<string>();
        ep.Register("a", n => order.Add($"a{n}"));
        ep.Register("b", n => order.Add($"b{n}"));
        var a = new SignalContext(ep, "a");
        var b = new SignalContext(ep, "b");

        b.Submit();
        a.Submit();
        b.Submit();
        kernel.RunUntilIdle();

        Assert.Equal(["b2", "a1"], order);
    }

    [Fact]
    public void Signal_submitted_by_a_handler_is_delivered_in_the_same_run()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        var order = new List<string>();
        SignalContext? second = null;
        ep.Register("first", _ => { order.Add("first"); second!.Submit(); });
        ep.Register("second", _ => order.Add("second"));
        var first = new SignalContext(ep, "first");
        second = new SignalContext(ep, "second");

        first.Submit();
        long work = kernel.RunUntilIdle();

        Assert.Equal(["first", "second"], order);
        Assert.Equal(2, work);
    }

    [Fact]
    public void Paused_entrypoint_does_not_dispatch_until_resumed()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        var calls = new List<int>();
        ep.Register("h", n => calls.Add(n));
        var context = new SignalContext(ep, "h");

        ep.Pause();
        context.Submit();
        context.Submit();
        Assert.Equal(0, kernel.RunUntilIdle());
        Assert.False(ep.DispatchOne());

        Assert.True(ep.IsPaused);
        Assert.Empty(calls);
        Assert.Equal(2, context.PendingCount);

        ep.Resume();
        kernel.RunUntilIdle();

        Assert.False(ep.IsPaused);
        Assert.Equal([2], calls);
    }

    [Fact]
    public void Handlers_are_registered_under_unique_names()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        ep.Register("tick", _ => { });

        var ex = Assert.Throws<InvalidOperationException>(() => ep.Register("tick", _ => { }));

        Assert.Contains("'tick'", ex.Message);
        Assert.True(ep.HasHandler("tick"));
        Assert.False(ep.HasHandler("tock"));
        Assert.Equal(["tick"], ep.HandlerNames);
    }

    [Fact]
    public void Signal_for_an_unregistered_handler_fails_with_the_registered_names()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        ep.Register("known", _ => { });
        new SignalContext(ep, "unknown").Submit();

        var ex = Assert.Throws<InvalidOperationException>(() => kernel.RunUntilIdle());

        Assert.Contains("'unknown'", ex.Message);
        Assert.Contains("known", ex.Message);
    }

    [Fact]
    public void HandlerCompleted_is_raised_after_each_handler_with_its_context_and_count()
    {
        using var kernel = new Kernel();
        var ep = kernel.CreateEntrypoint("app");
        var events = new List<(string, int, long)>();
        ep.Register("h", _ => { });
        ep.HandlerCompleted += (ctx, n) => events.Add((ctx.Handler, n, ep.Dispatched));
        var context = new SignalContext(ep, "h");

        context.Submit(4);
        kernel.RunUntilIdle();

        Assert.Equal([("h", 4, 1L)], events);
    }

    [Fact]
    public void Threaded_entrypoint_runs_handlers_on_its_own_thread()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var ep = kernel.CreateEntrypoint("app");
        int handlerThread = -1;
        int count = 0;
        ep.Register("h", n => { handlerThread = Environment.CurrentManagedThreadId; count += n; });

        new SignalContext(ep, "h").Submit(2);

        Assert.True(ep.WaitIdle(HangGuard));
        Assert.Equal(2, count);
        Assert.NotEqual(Environment.CurrentManagedThreadId, handlerThread);
        Assert.Throws<InvalidOperationException>(() => ep.DispatchOne());
    }

    [Fact]
    public async Task Pausing_a_threaded_entrypoint_waits_for_the_running_handler_and_holds_further_signals()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var ep = kernel.CreateEntrypoint("app");
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int completed = 0;
        ep.Register("slow", _ =>
        {
            entered.Set();
            release.Wait(TestContext.Current.CancellationToken);
            Interlocked.Increment(ref completed);
        });
        var context = new SignalContext(ep, "slow");
        context.Submit();
        Assert.True(entered.Wait(HangGuard, TestContext.Current.CancellationToken));

        var pause = Task.Run(ep.Pause, TestContext.Current.CancellationToken);
        Assert.True(SpinWait.SpinUntil(() => ep.IsPaused, HangGuard));
        Assert.False(pause.IsCompleted); // the handler is still running
        release.Set();
        await pause.WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        Assert.Equal(1, Volatile.Read(ref completed)); // Pause returned at a handler boundary

        context.Submit();
        Assert.True(ep.WaitIdle(HangGuard)); // idle while paused: the signal waits
        Assert.Equal(1, Volatile.Read(ref completed));
        Assert.Equal(1, context.PendingCount);

        ep.Resume();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref completed) == 2, HangGuard));
        Assert.True(ep.WaitIdle(HangGuard));
        Assert.Equal(2, ep.Dispatched);
    }

    [Fact]
    public void Crashing_handler_stops_a_threaded_entrypoint_and_reports_the_failure()
    {
        using var kernel = new Kernel(ExecutionMode.Threaded);
        var ep = kernel.CreateEntrypoint("app");
        ep.Register("boom", _ => throw new InvalidOperationException("boom"));

        new SignalContext(ep, "boom").Submit();

        Assert.True(SpinWait.SpinUntil(() => ep.Failure is not null, HangGuard));
        Assert.Equal("boom", ep.Failure!.Message);
        // A signal for a stopped entrypoint is never handled, so it never becomes idle again.
        new SignalContext(ep, "boom").Submit();
        Assert.False(ep.WaitIdle(HangGuard));
    }

    [Fact]
    public void Protection_domain_Freeze_stops_entrypoint_and_threads_and_Thaw_resumes_them()
    {
        using var kernel = new Kernel();
        var pd = kernel.CreateProtectionDomain("app");
        pd.Entrypoint = kernel.CreateEntrypoint("app");
        int calls = 0;
        pd.Entrypoint.Register("h", _ => calls++);
        var wakes = new List<long>();
        var lateWakes = new List<long>();
        var thread = kernel.CreateThread("t", new PeriodicProgram(wakes), TestMemory.Empty());
        thread.SetState(new ThreadRegisters { R1 = 100 });
        pd.AddThread(thread);
        thread.Start(0, 0);
        kernel.RunUntilIdle();
        Assert.Equal([0L], wakes);

        pd.Freeze();
        var late = kernel.CreateThread("late", new PeriodicProgram(lateWakes), TestMemory.Empty());
        late.SetState(new ThreadRegisters { R1 = 1000 });
        pd.AddThread(late);
        late.Start(0, 0);
        new SignalContext(pd.Entrypoint, "h").Submit();
        kernel.AdvanceTo(500);

        Assert.True(pd.IsFrozen);
        Assert.True(thread.IsFrozen);
        Assert.True(late.IsFrozen); // a thread created while frozen starts frozen
        Assert.Equal([0L], wakes);
        Assert.Empty(lateWakes);
        Assert.Equal(0, calls);

        pd.Thaw();
        kernel.RunUntilIdle();

        Assert.False(thread.IsFrozen);
        Assert.Equal(1, calls);
        // Both threads continue at the current time; the periodic one catches up on the periods it missed.
        Assert.Equal([0L, 500, 500, 500, 500, 500], wakes);
        Assert.Equal([500L], lateWakes);
        Assert.Equal(2, pd.Threads.Count);
    }
}
