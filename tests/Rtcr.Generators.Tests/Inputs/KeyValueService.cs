// A service that exists only for the generator tests: it exercises every recording attribute,
// every recordable value kind, nested created objects and a state hook.
using System;
using System.Collections.Generic;
using System.Linq;
using Rtcr;
using Rtcr.Capabilities;
using Rtcr.Recording;

namespace Rtcr.TestServices;

public enum Mode { Off, Fast, Safe }

[RtcrSession("KV", RestoreOrder = 5)]
public interface IKvSession
{
    [Creates] Cap<IBucket> CreateBucket(string name, int capacity);
    [Destroys] void DropBucket(Cap<IBucket> bucket);
    [Creates] Cap<ITag> Tag(string? label);
    [Sets("mode")] void SetMode(Mode mode);
    [Sets("limit")] void SetLimit(long bytes, bool hard);
    [Sets("limit")] void ClearLimit();
    [Sets("primary")] void Primary(Cap<IBucket> bucket);
    [Unsets("primary")] void NoPrimary();
    [Query] int BucketCount();
    [Upgrade] void Upgrade(long ramQuota, long capQuota);
}

[RtcrRpcObject]
[CapturedBy(typeof(BucketHook))]
public interface IBucket
{
    [Sets("entry", KeyArg = "key")] void Put(string key, long value);
    [Unsets("entry", KeyArg = "key")] void Remove(string key);
    [Sets("slot", KeyFromResult = true)] int Pin(double weight, [ReplayWithResult] int slot);
    [Creates] Cap<ICursor> Cursor(byte page);
    [Query] long Get(string key);
    [Captures] void Touch();
    [Query] int Touches();
}

[RtcrRpcObject]
public interface ICursor
{
    [Sets("position")] void Seek(ulong position, uint stride, short direction);
    [Query] ulong Position();
}

/// <summary>An object that records nothing: it is not wrapped.</summary>
[RtcrRpcObject]
public interface ITag
{
    [Query] string? Label();
}

public sealed class KvSession(ProtectionDomain client) : IKvSession
{
    private readonly List<Cap<IBucket>> _buckets = new();
    public Mode Mode { get; private set; }

    public Cap<IBucket> CreateBucket(string name, int capacity)
    {
        var cap = client.Install<IBucket>(new Bucket(client, name, capacity));
        _buckets.Add(cap);
        return cap;
    }

    public void DropBucket(Cap<IBucket> bucket)
    {
        if (!_buckets.Remove(bucket)) throw new InvalidOperationException("not a bucket of this session");
        client.Kernel.Objects.Remove(client.Free(bucket));
    }

    public Cap<ITag> Tag(string? label) => client.Install<ITag>(new TagObject(label));
    public void SetMode(Mode mode) => Mode = mode;
    public void SetLimit(long bytes, bool hard) { }
    public void ClearLimit() { }
    public void Primary(Cap<IBucket> bucket) => client.Invoke(bucket);
    public void NoPrimary() { }
    public int BucketCount() => _buckets.Count;
    public void Upgrade(long ramQuota, long capQuota)
    {
        if (ramQuota < 0) throw new ArgumentOutOfRangeException(nameof(ramQuota), "quota cannot shrink");
    }
}

public sealed class Bucket(ProtectionDomain client, string name, int capacity) : IBucket
{
    private readonly Dictionary<string, long> _entries = new();
    private readonly HashSet<int> _slots = new();
    public string Name { get; } = name;
    public int Capacity { get; } = capacity;
    public int TouchCount { get; set; }

    public void Put(string key, long value) => _entries[key] = value;
    public void Remove(string key) => _entries.Remove(key);
    public int Pin(double weight, int slot)
    {
        if (slot < 0) slot = _slots.Count == 0 ? 100 : _slots.Max() + 1;
        _slots.Add(slot);
        return slot;
    }
    public Cap<ICursor> Cursor(byte page) => client.Install<ICursor>(new CursorObject());
    public long Get(string key) => _entries[key];
    public void Touch() => TouchCount++;
    public int Touches() => TouchCount;
}

public sealed class CursorObject : ICursor
{
    private ulong _position;
    public void Seek(ulong position, uint stride, short direction) => _position = position;
    public ulong Position() => _position;
}

public sealed class TagObject(string? label) : ITag
{
    public string? Label() => label;
}

public sealed class BucketHook : IStateHook<IBucket>
{
    public void Capture(IBucket target, StateWriter writer) => writer.WriteInt32(((Bucket)target).TouchCount);

    public void Restore(IBucket target, ref StateReader reader, IReplayContext context) => ((Bucket)target).TouchCount = reader.ReadInt32();
}

/// <summary>The call sequence the tests record: creations, overwritten and removed keys, a destroy, upgrades.</summary>
public static class Scenario
{
    public static object CreateCore(ProtectionDomain client) => new KvSession(client);

    public static void Drive(object session, ProtectionDomain client)
    {
        var kv = (IKvSession)session;
        var a = kv.CreateBucket("a", 10);
        var b = kv.CreateBucket("b", 20);
        kv.Tag("blue");
        kv.Tag(null);
        var bucketA = client.Invoke(a);
        bucketA.Put("x", 1);
        bucketA.Put("y", 2);
        bucketA.Put("x", 3);
        bucketA.Remove("y");
        bucketA.Put("z", -4);
        bucketA.Pin(0.5, -1);
        bucketA.Pin(1.25, -1);
        var cursor = bucketA.Cursor(7);
        client.Invoke(cursor).Seek(ulong.MaxValue, 3, -1);
        client.Invoke(cursor).Seek(42, 4, 1);
        bucketA.Touch();
        bucketA.Touch();
        var bucketB = client.Invoke(b);
        bucketB.Put("only-b", 9);
        kv.SetMode(Mode.Fast);
        kv.SetLimit(100, false);
        kv.SetMode(Mode.Safe);
        kv.ClearLimit();
        kv.Primary(b);
        kv.Primary(a);
        kv.DropBucket(b);
        kv.Upgrade(100, 2);
        kv.Upgrade(50, 1);
        try { kv.Upgrade(-1, 0); } catch (ArgumentOutOfRangeException) { /* a failing call records nothing */ }
        _ = kv.BucketCount();
    }

    public static int TouchesOfFirstBucket(ProtectionDomain client, long badge) =>
        ((Bucket)(client.Kernel.Objects.TryGet(badge, out var o) ? o is IBucket bucket ? Unwrap(bucket) : o : throw new InvalidOperationException())).TouchCount;

    private static object Unwrap(IBucket bucket) => bucket.GetType().GetProperty("Inner")?.GetValue(bucket) ?? bucket;
}
