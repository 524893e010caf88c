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

    public void Set(long value) => Volatile.Write(ref _value, value);

    public void SetPair(long value, long check) => Volatile.Write(ref _value, value);

    public void Put(int slot, long value) => Volatile.Write(ref _entry, value);

    public void A(long value)
    {
        if (Interlocked.Exchange(ref _aSet, 1) == 0) _firstSet.Enqueue("a");
    }

    public void B(long value)
    {
        if (Interlocked.Exchange(ref _bSet, 1) == 0) _firstSet.Enqueue("b");
    }
}

/// <summary>Two threads released together, each calling the recorder many times.</summary>
public static class Race
{
    public static void Run(IRaceSession session, int calls, string what)
    {
        using var start = new Barrier(2);
        var threads = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            long offset = t * 1_000_000_000L;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (long i = 1; i <= calls; i++)
                {
                    switch (what)
                    {
                        case "set": session.Set(offset + i); break;
                        case "mixed": if ((i & 1) == 0) session.Set(offset + i); else session.SetPair(offset + i, -i); break;
                        case "put": session.Put(7, offset + i); break;
                        case "first": if (offset == 0) session.A(i); else session.B(i); break;
                    }
                }
            });
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();
    }
}
