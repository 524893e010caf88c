using System.IO.Hashing;
using Rtcr.Node.Protos;

namespace Rtcr.Node.Transport;

/// <summary>
/// Puts one image back together from its chunks, checking each chunk's checksum, that chunks arrive in
/// order without gaps, and at the end the length and checksum of the whole image.
/// </summary>
public sealed class ImageAssembler
{
    private byte[]? _buffer;
    private long _received;
    private readonly XxHash64 _whole = new();

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
    public void Add(ImageChunk chunk)
    {
        if (Complete) throw new ImageTransferException($"image {Sequence} of migration {MigrationId}: chunk after the last one");
        if (_buffer is null)
        {
            if (string.IsNullOrEmpty(chunk.MigrationId)) throw new ImageTransferException("chunk without a migration id");
            if (chunk.TotalBytes <= 0 || chunk.TotalBytes > Array.MaxLength) throw new ImageTransferException($"image size {chunk.TotalBytes} is out of range");
            MigrationId = chunk.MigrationId;
            Sequence = chunk.ImageSeq;
            First = chunk;
            _buffer = new byte[chunk.TotalBytes];
        }
        else if (chunk.MigrationId != MigrationId || chunk.ImageSeq != Sequence || chunk.TotalBytes != _buffer.Length)
            throw new ImageTransferException($"chunk of image {chunk.ImageSeq} of migration {chunk.MigrationId} in the stream of image {Sequence} of {MigrationId}");
        if (chunk.Offset != _received) throw new ImageTransferException($"image {Sequence}: chunk at offset {chunk.Offset}, expected {_received}");
        var data = chunk.Data.Span;
        if (_received + data.Length > _buffer.Length) throw new ImageTransferException($"image {Sequence}: chunks exceed the announced {_buffer.Length} bytes");
        ulong sum = XxHash64.HashToUInt64(data);
        if (sum != chunk.Checksum)
            throw new ImageTransferException($"image {Sequence}: checksum mismatch in the chunk at offset {chunk.Offset} ({data.Length} bytes): got {sum:x16}, sent {chunk.Checksum:x16}");
        data.CopyTo(_buffer.AsSpan((int)_received));
        _whole.Append(data);
        _received += data.Length;
        if (!chunk.Last) return;
        if (_received != _buffer.Length) throw new ImageTransferException($"image {Sequence}: last chunk after {_received} of {_buffer.Length} bytes");
        ulong whole = _whole.GetCurrentHashAsUInt64();
        if (whole != chunk.ImageChecksum) throw new ImageTransferException($"image {Sequence}: checksum of the whole image mismatch: got {whole:x16}, sent {chunk.ImageChecksum:x16}");
        Complete = true;
    }

    /// <summary>The assembled image.</summary>
    /// <exception cref="ImageTransferException">The stream ended before the last chunk.</exception>
    public byte[] Result()
    {
        if (!Complete || _buffer is null) throw new ImageTransferException($"image {Sequence} of migration {MigrationId} ended after {_received} bytes, before its last chunk");
        return _buffer;
    }
}
