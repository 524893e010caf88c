// A service for the recorder race tests: its real object keeps what it was last told and the order in
// which its keys were first set, so a test can compare the recorder's record with the object's state.
using System.Collections.Concurrent;
using System.Threading;
using Rtcr;

namespace Rtcr.TestServices;

[RtcrSession("Race")]
public interface IRaceSession
{
    [Sets("value")] void Set(long value);
    [Sets("value")] void SetPair(long value, long check);
    [Sets("entry", KeyArg = "slot")] void Put(int slot, long value);
    [Sets("a")] void A(long value);
    [Sets("b")] void B(long value);
}

public sealed class RaceSession : IRaceSession
{
    private long _value;
    private long _entry;
    private readonly ConcurrentQueue<string> _firstSet = new();
    private int _aSet, _bSet;

    public long Value => Volatile.Read(ref _value);

    public long Entry => Volatile.Read(ref _entry);

    /// <summary>The keys in the order the object first saw them set.</summary>
    public string[] FirstSetOrder => _firstSet.ToArray();

    // Each method takes a moment after changing the state, as a real session's bookkeeping does: that is
    // the window in which a recorder that forwards and records in two steps lets the other thread overtake.
    private static void Work() => Thread.SpinWait(100);

    public void Set(long value)
    {
        Volatile.Write(ref _value, value);
        Work();
    }

    public void SetPair(long value, long check)
    {
        Volatile.Write(ref _value, value);
        Work();
    }

    public void Put(int slot, long value)
    {
        Volatile.Write(ref _entry, value);
        Work();
    }

    public void A(long value)
    {
        if (Interlocked.Exchange(ref _aSet, 1) == 0) _firstSet.Enqueue("a");
        Work();
    }

    public void B(long value)
    {
        if (Interlocked.Exchange(ref _bSet, 1) == 0) _firstSet.Enqueue("b");
        Work();
    }
}

/// <summary>
/// Two threads released together, calling the recorder until both have made at least <c>calls</c> calls and
/// the stop flag is seen: both are mid-loop when they stop, so the last calls really race.
/// </summary>
public static class Race
{
    public static void Run(IRaceSession session, int calls, string what)
    {
        using var start = new Barrier(2);
        var done = new long[2];
        bool stop = false;
        var threads = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            int index = t;
            long offset = t * 1_000_000_000L;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (long i = 1; !Volatile.Read(ref stop) || i <= calls; i++)
                {
                    switch (what)
                    {
                        case "set": session.Set(offset + i); break;
                        case "mixed": if ((i & 1) == 0) session.Set(offset + i); else session.SetPair(offset + i, -i); break;
                        case "put": session.Put(7, offset + i); break;
                        // Both threads set "a" for the first time at once, then one sets "b": "a" was first set before "b".
                        case "first": session.A(i); if (index == 0) session.B(i); break;
                    }
                    Volatile.Write(ref done[index], i);
                    if (what == "first") break;
                }
            });
            threads[t].Start();
        }
        var wait = new SpinWait();
        while (what != "first" && (Volatile.Read(ref done[0]) < calls || Volatile.Read(ref done[1]) < calls)) wait.SpinOnce();
        Volatile.Write(ref stop, true);
        foreach (var thread in threads) thread.Join();
    }
}
