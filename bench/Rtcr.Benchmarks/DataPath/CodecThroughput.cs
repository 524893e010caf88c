using System.Diagnostics;
using Rtcr.Benchmarks.Support;
using Rtcr.Image;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// Compression and decompression throughput of each codec on memory_writer data (a working set the
/// writer filled sequentially, as checkpointed: word i holds i), on zero memory and on random bytes of
/// the same size, slice by slice as the image writer does it, against a memcpy of the same slices into a
/// resident buffer in the same run. Goal: ≥ 1 GB/s compression for the default codec on memory_writer
/// data. Median of <c>iterations</c> passes over the whole working set. A byte-shuffle + LZ4 row (Blosc's
/// filter; not in the image format) is measured beside the word-delta codec for comparison.
/// </summary>
public static unsafe class CodecThroughput
{
    private const string Shuffle = "Lz4 + byte shuffle (scalar 8×8 transpose; comparison only)";

    /// <summary>Runs the measurement and prints a Markdown table per kind of data.</summary>
    /// <param name="sizeMiB">Bytes of data per kind, in MiB.</param>
    /// <param name="iterations">Timed passes (median).</param>
    /// <param name="codecs">Codecs to measure (null: Lz4Delta, Lz4, Zstd, Deflate).</param>
    /// <param name="kinds">Kinds of data (null: writer, zero, random).</param>
    public static void Run(int sizeMiB, int iterations, IReadOnlyList<ImageCompression>? codecs = null, IReadOnlyList<string>? kinds = null)
    {
        codecs ??= [ImageCompression.Lz4Delta, ImageCompression.Lz4, ImageCompression.Zstd, ImageCompression.Deflate];
        kinds ??= ["writer", "zero", "random"];
        int slice = ImageLayout.SliceSize;
        var copy = GC.AllocateUninitializedArray<byte>(slice, pinned: true);
        Array.Fill(copy, (byte)1);
        int width = SliceCompressor.DefaultWidth;
        Console.WriteLine($"{sizeMiB} MiB per kind of data in {slice >> 20} MiB slices; median of {iterations}. Serial: one slice after the other on one thread. " +
            $"Writer: as ImageWriter does it, {width} slices at a time in parallel (SliceCompressor; slice copy included). " +
            "Slices: how many slices were stored filtered (id 4) / plain LZ4 (2) / other codec / raw (0).\n");
        var data = kinds.ToDictionary(k => k, k => Data(k, sizeMiB));
        WarmUp(codecs, data.Values);
        foreach (var kind in kinds)
        {
            var content = data[kind];
            double memcpy = Median(iterations, () =>
            {
                fixed (byte* src = content, dst = copy)
                    for (int at = 0; at < content.Length; at += slice) Buffer.MemoryCopy(src + at, dst, slice, Math.Min(slice, content.Length - at));
            });
            double gb(double ms) => content.Length / ms / 1e6;
            Console.WriteLine($"**{kind}** ({Kind(kind)}), uptime before: {Uptime()}\n");
            Console.WriteLine("| codec | compress serial | serial GB/s | × memcpy time | compress as the writer | writer GB/s | writer × memcpy | decompress GB/s | stored/raw | slices 4/2/other/0 |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            Console.WriteLine($"| memcpy (baseline) | {Fmt.N(memcpy)} ms | {Fmt.N(gb(memcpy))} | 1.00 | | | | — | 1.0000 | |");
            foreach (var codec in codecs)
            {
                byte[]? scratch = null;
                long stored = 0;
                var packed = new List<(uint Codec, byte[] Bytes, int Raw)>();
                for (int at = 0; at < content.Length; at += slice)
                {
                    var raw = content.AsMemory(at, Math.Min(slice, content.Length - at));
                    var (id, bytes) = ChunkCodec.Compress(codec, raw, ref scratch);
                    packed.Add((id, bytes.ToArray(), raw.Length));
                    stored += bytes.Length;
                }
                for (int i = 0; i < packed.Count; i++)
                {
                    var (id, bytes, raw) = packed[i];
                    if (id != 0 && (!ChunkCodec.TryDecompress(id, bytes, copy.AsSpan(0, raw)) || !copy.AsSpan(0, raw).SequenceEqual(content.AsSpan(i * slice, raw))))
                        throw new InvalidOperationException($"{codec}: round trip failed");
                }
                double compress = Median(iterations, () =>
                {
                    for (int at = 0; at < content.Length; at += slice) ChunkCodec.Compress(codec, content.AsMemory(at, Math.Min(slice, content.Length - at)), ref scratch);
                });
                var compressor = new SliceCompressor(codec, width);
                double parallel = Median(iterations, () =>
                {
                    for (int at = 0; at < content.Length; at += slice)
                    {
                        if (compressor.Full) compressor.Drain(static (_, _, _) => { });
                        compressor.Add(0, at, content.AsSpan(at, Math.Min(slice, content.Length - at)));
                    }
                    compressor.Drain(static (_, _, _) => { });
                });
                double decompress = Median(iterations, () =>
                {
                    foreach (var (id, bytes, raw) in packed)
                        if (id == 0) bytes.AsSpan().CopyTo(copy);
                        else if (!ChunkCodec.TryDecompress(id, bytes, copy.AsSpan(0, raw))) throw new InvalidOperationException("round trip failed");
                });
                int filtered = packed.Count(p => p.Codec == 4), plain = packed.Count(p => p.Codec == 2), rawCount = packed.Count(p => p.Codec == 0);
                Console.WriteLine($"| {codec} | {Fmt.N(compress)} ms | {Fmt.N(gb(compress))} | {Fmt.N(compress / memcpy)} | {Fmt.N(parallel)} ms | {Fmt.N(gb(parallel))} | {Fmt.N(parallel / memcpy)} | {Fmt.N(gb(decompress))} | {Fmt.N((double)stored / content.Length, 4)} | {filtered}/{plain}/{packed.Count - filtered - plain - rawCount}/{rawCount} |");
            }
            ShuffleRow(content, slice, iterations, memcpy, gb);
            Console.WriteLine($"\nuptime after: {Uptime()}\n");
        }
    }

    // Every codec's code at its final JIT tier before anything is timed: more than the 30 calls tiering
    // counts, on small chunks of every kind, then a pause for the background compiler. Without it the
    // first codec measured ran partly at tier 0 (the same LZ4 encoder 40× slower on zero data than a row later).
    private static void WarmUp(IReadOnlyList<ImageCompression> codecs, IEnumerable<byte[]> contents)
    {
        const int chunk = 64 * 1024;
        var back = new byte[chunk];
        var shuffled = new byte[chunk];
        var output = new byte[K4os.Compression.LZ4.LZ4Codec.MaximumOutputSize(chunk)];
        foreach (var content in contents)
            for (int round = 0; round < 50; round++)
            {
                var raw = content.AsMemory(round % (content.Length / chunk) * chunk, chunk);
                byte[]? scratch = null;
                foreach (var codec in codecs)
                {
                    var (id, stored) = ChunkCodec.Compress(codec, raw, ref scratch);
                    if (id != 0 && !ChunkCodec.TryDecompress(id, stored.Span, back)) throw new InvalidOperationException($"{codec}: warm-up round trip failed");
                }
                int length = ByteShuffle.Compress(raw.Span, shuffled, output);
                K4os.Compression.LZ4.LZ4Codec.Decode(output.AsSpan(0, length), shuffled);
                ByteShuffle.Decode(shuffled, back);
            }
        Thread.Sleep(1000);
    }

    // Byte shuffle + LZ4 per slice, serial only (shuffle time included); checked to round-trip.
    private static void ShuffleRow(byte[] content, int slice, int iterations, double memcpy, Func<double, double> gb)
    {
        var shuffled = new byte[slice];
        var output = new byte[K4os.Compression.LZ4.LZ4Codec.MaximumOutputSize(slice)];
        var back = new byte[slice];
        long stored = 0;
        var packed = new List<(byte[] Bytes, int Raw)>();
        for (int at = 0; at < content.Length; at += slice)
        {
            int raw = Math.Min(slice, content.Length - at);
            int length = ByteShuffle.Compress(content.AsSpan(at, raw), shuffled.AsSpan(0, raw), output);
            packed.Add((output.AsSpan(0, length).ToArray(), raw));
            stored += Math.Min(length, raw);
            if (K4os.Compression.LZ4.LZ4Codec.Decode(packed[^1].Bytes, shuffled.AsSpan(0, raw)) != raw) throw new InvalidOperationException("shuffle: LZ4 round trip failed");
            ByteShuffle.Decode(shuffled.AsSpan(0, raw), back.AsSpan(0, raw));
            if (!back.AsSpan(0, raw).SequenceEqual(content.AsSpan(at, raw))) throw new InvalidOperationException("shuffle: round trip failed");
        }
        double compress = Median(iterations, () =>
        {
            for (int at = 0; at < content.Length; at += slice)
            {
                int raw = Math.Min(slice, content.Length - at);
                ByteShuffle.Compress(content.AsSpan(at, raw), shuffled.AsSpan(0, raw), output);
            }
        });
        double decompress = Median(iterations, () =>
        {
            foreach (var (bytes, raw) in packed)
            {
                K4os.Compression.LZ4.LZ4Codec.Decode(bytes, shuffled.AsSpan(0, raw));
                ByteShuffle.Decode(shuffled.AsSpan(0, raw), back.AsSpan(0, raw));
            }
        });
        // LZ4 alone on the shuffled slices: what a shuffle as fast as a memcpy would leave.
        var shuffledContent = new byte[content.Length];
        for (int at = 0; at < content.Length; at += slice)
            ByteShuffle.Encode(content.AsSpan(at, Math.Min(slice, content.Length - at)), shuffledContent.AsSpan(at, Math.Min(slice, content.Length - at)));
        double lz4Only = Median(iterations, () =>
        {
            for (int at = 0; at < content.Length; at += slice)
                K4os.Compression.LZ4.LZ4Codec.Encode(shuffledContent.AsSpan(at, Math.Min(slice, content.Length - at)), output, K4os.Compression.LZ4.LZ4Level.L00_FAST);
        });
        Console.WriteLine($"| {Shuffle} | {Fmt.N(compress)} ms | {Fmt.N(gb(compress))} | {Fmt.N(compress / memcpy)} | | | | {Fmt.N(gb(decompress))} | {Fmt.N((double)stored / content.Length, 4)} | |");
        Console.WriteLine($"| its LZ4 alone (shuffle excluded) | {Fmt.N(lz4Only)} ms | {Fmt.N(gb(lz4Only))} | {Fmt.N(lz4Only / memcpy)} | | | | | | |");
    }

    private static string Kind(string kind) => kind switch
    {
        "writer" => "memory_writer's working set after one sequential pass: word i holds i",
        "zero" => "a zero working set",
        "random" => "random bytes, seed 1",
        _ => kind,
    };

    private static byte[] Data(string kind, int sizeMiB)
    {
        long size = (long)sizeMiB << 20;
        switch (kind)
        {
            case "writer":
                using (var writer = WriterFixture.Start(size, fill: true))
                {
                    var image = writer.Host.Checkpoint(writer.Child);
                    var content = image.Contents[image.Manifest.Dataspaces.Single(d => d.Size == size).Badge].ToArray();
                    image.ReleaseBuffers();
                    return content;
                }
            case "zero":
                return new byte[size];
            case "random":
                var bytes = new byte[size];
                new Random(1).NextBytes(bytes);
                return bytes;
            default:
                throw new ArgumentException($"unknown kind of data '{kind}' (writer, zero, random)", nameof(kind));
        }
    }

    private static string Uptime() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static double Median(int iterations, Action pass)
    {
        pass(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            pass();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
