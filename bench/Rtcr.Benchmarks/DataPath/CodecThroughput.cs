using System.Diagnostics;
using Rtcr.Benchmarks.Support;
using Rtcr.Image;

namespace Rtcr.Benchmarks.DataPath;

/// <summary>
/// Compression and decompression throughput of each codec on memory_writer data (a working set the
/// writer filled sequentially, as checkpointed), slice by slice as the image writer does it, against
/// a memcpy of the same slices into a resident buffer in the same run. Goal: ≥ 1 GB/s compression
/// for the default codec. Median of <c>iterations</c> passes over the whole working set.
/// </summary>
public static unsafe class CodecThroughput
{
    /// <summary>Runs the measurement and prints a Markdown table.</summary>
    public static void Run(int sizeMiB, int iterations)
    {
        byte[] content;
        using (var writer = WriterFixture.Start((long)sizeMiB << 20, fill: true))
        {
            var image = writer.Host.Checkpoint(writer.Child);
            content = image.Contents[image.Manifest.Dataspaces.Single(d => d.Size == (long)sizeMiB << 20).Badge].ToArray();
            image.ReleaseBuffers();
        }
        int slice = ImageLayout.SliceSize;
        var copy = GC.AllocateUninitializedArray<byte>(slice, pinned: true);
        Array.Fill(copy, (byte)1);
        double memcpy = Median(iterations, () =>
        {
            fixed (byte* src = content, dst = copy)
                for (int at = 0; at < content.Length; at += slice) Buffer.MemoryCopy(src + at, dst, slice, Math.Min(slice, content.Length - at));
        });
        double gb(double ms) => content.Length / ms / 1e6;
        Console.WriteLine($"memory_writer data, {sizeMiB} MiB in {slice >> 20} MiB slices; median of {iterations}.\n");
        int width = SliceCompressor.DefaultWidth;
        Console.WriteLine($"Serial: one slice after the other on one thread. Writer: as ImageWriter does it, {width} slices at a time in parallel (SliceCompressor; slice copy included).\n");
        Console.WriteLine("| codec | compress serial | serial GB/s | × memcpy time | compress as the writer | writer GB/s | decompress GB/s | stored/raw |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| memcpy (baseline) | {Fmt.N(memcpy)} ms | {Fmt.N(gb(memcpy))} | 1.00 | | | — | 1.0000 |");
        foreach (var codec in new[] { ImageCompression.Lz4, ImageCompression.Zstd, ImageCompression.Deflate })
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
            Console.WriteLine($"| {codec} | {Fmt.N(compress)} ms | {Fmt.N(gb(compress))} | {Fmt.N(compress / memcpy)} | {Fmt.N(parallel)} ms | {Fmt.N(gb(parallel))} | {Fmt.N(gb(decompress))} | {Fmt.N((double)stored / content.Length, 4)} |");
        }
    }

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
