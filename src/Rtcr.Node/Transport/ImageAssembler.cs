using System.IO.Hashing;
using Rtcr.Image;
using Rtcr.Node.Protos;

namespace Rtcr.Node.Transport;

/// <summary>
/// Puts one image back together from its chunks, checking each chunk's checksum, that chunks arrive in
/// order without gaps, and at the end the length and checksum of the whole image (hashed incrementally as
/// the chunks arrive). The bytes go either into one array (<see cref="Result"/>) or, with a destination
/// file, straight into that file as each chunk checks out (<see cref="CompletedFile"/>), so that no copy of
/// the whole image is held in memory.
/// </summary>
public sealed class ImageAssembler : IDisposable
{
    private readonly Func<ImageChunk, AtomicFileWriter>? _open;
    private byte[]? _buffer;
    private AtomicFileWriter? _file;
    private long _total = -1;
    private long _received;
    private readonly XxHash64 _whole = new();

    /// <summary>Assembles the image in memory (<see cref="Result"/>).</summary>
    public ImageAssembler()
    {
    }

    /// <summary>
    /// Writes the image into the file <paramref name="open"/> returns for the first chunk (after that chunk's
    /// header was checked), appending each chunk as it checks out (<see cref="CompletedFile"/>).
    /// </summary>
    public ImageAssembler(Func<ImageChunk, AtomicFileWriter> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        _open = open;
    }

    /// <summary>The migration the image belongs to (from the first chunk).</summary>
    public string MigrationId { get; private set; } = "";

    /// <summary>The image's place in its migration.</summary>
    public int Sequence { get; private set; } = -1;

    /// <summary>The first chunk (component and source fields).</summary>
    public ImageChunk? First { get; private set; }

    /// <summary>Bytes received so far.</summary>
    public long Received => _received;

    /// <summary>The last chunk arrived and the whole image checked out.</summary>
    public bool Complete { get; private set; }

    /// <summary>Takes the next chunk.</summary>
    /// <exception cref="ImageTransferException">The chunk does not fit or its checksum is wrong.</exception>
    /// <exception cref="IOException">Writing the chunk to the destination file failed.</exception>
    public void Add(ImageChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (Complete) throw new ImageTransferException($"image {Sequence} of migration {MigrationId}: chunk after the last one");
        if (_total < 0)
        {
            if (string.IsNullOrEmpty(chunk.MigrationId)) throw new ImageTransferException("chunk without a migration id");
            if (chunk.TotalBytes <= 0 || (_open is null && chunk.TotalBytes > Array.MaxLength)) throw new ImageTransferException($"image size {chunk.TotalBytes} is out of range");
            MigrationId = chunk.MigrationId;
            Sequence = chunk.ImageSeq;
            First = chunk;
            _total = chunk.TotalBytes;
            if (_open is null) _buffer = new byte[chunk.TotalBytes];
        }
        else if (chunk.MigrationId != MigrationId || chunk.ImageSeq != Sequence || chunk.TotalBytes != _total)
            throw new ImageTransferException($"chunk of image {chunk.ImageSeq} of migration {chunk.MigrationId} in the stream of image {Sequence} of {MigrationId}");
        if (chunk.Offset != _received) throw new ImageTransferException($"image {Sequence}: chunk at offset {chunk.Offset}, expected {_received}");
        var data = chunk.Data.Span;
        if (_received + data.Length > _total) throw new ImageTransferException($"image {Sequence}: chunks exceed the announced {_total} bytes");
        ulong sum = XxHash64.HashToUInt64(data);
        if (sum != chunk.Checksum)
            throw new ImageTransferException($"image {Sequence}: checksum mismatch in the chunk at offset {chunk.Offset} ({data.Length} bytes): got {sum:x16}, sent {chunk.Checksum:x16}");
        if (_buffer is not null) data.CopyTo(_buffer.AsSpan((int)_received));
        else (_file ??= _open!(chunk)).Append(data);
        _whole.Append(data);
        _received += data.Length;
        if (!chunk.Last) return;
        if (_received != _total) throw new ImageTransferException($"image {Sequence}: last chunk after {_received} of {_total} bytes");
        ulong whole = _whole.GetCurrentHashAsUInt64();
        if (whole != chunk.ImageChecksum) throw new ImageTransferException($"image {Sequence}: checksum of the whole image mismatch: got {whole:x16}, sent {chunk.ImageChecksum:x16}");
        Complete = true;
    }

    /// <summary>The assembled image (in-memory assembly).</summary>
    /// <exception cref="ImageTransferException">The stream ended before the last chunk.</exception>
    /// <exception cref="InvalidOperationException">The image was written to a file.</exception>
    public byte[] Result()
    {
        if (_open is not null) throw new InvalidOperationException("the image was written to a file: use CompletedFile");
        if (!Complete || _buffer is null) throw Incomplete();
        return _buffer;
    }

    /// <summary>The file holding the whole, checked image, not yet committed (assembly into a file).</summary>
    /// <exception cref="ImageTransferException">The stream ended before the last chunk.</exception>
    /// <exception cref="InvalidOperationException">The image was assembled in memory.</exception>
    public AtomicFileWriter CompletedFile()
    {
        if (_open is null) throw new InvalidOperationException("the image was assembled in memory: use Result");
        if (!Complete || _file is null) throw Incomplete();
        return _file;
    }

    /// <summary>Closes the destination file; an image not committed by then is deleted.</summary>
    public void Dispose() => _file?.Dispose();

    private ImageTransferException Incomplete() => new($"image {Sequence} of migration {MigrationId} ended after {_received} bytes, before its last chunk");
}
