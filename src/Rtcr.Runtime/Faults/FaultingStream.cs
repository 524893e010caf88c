namespace Rtcr.Faults;

/// <summary>
/// Passes reads and writes through to a stream and asks an injector at <see cref="FaultPoint.ImageWrite"/>
/// before each write and at <see cref="FaultPoint.ImageRead"/> after each read. Only put in front of a
/// stream when an injector is set, so the common path has no extra layer.
/// </summary>
internal sealed class FaultingStream(Stream inner, IFaultInjector faults) : Stream
{
    private long _written;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var copy = new byte[buffer.Length];
        int n = inner.Read(copy);
        faults.Reach(FaultPoint.ImageRead, copy.AsMemory(0, n));
        copy.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => inner.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        faults.Reach(FaultPoint.ImageWrite, _written);
        inner.Write(buffer);
        _written += buffer.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
