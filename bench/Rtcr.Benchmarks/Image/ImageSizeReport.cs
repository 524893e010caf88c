using System.Diagnostics;
using Rtcr.Benchmarks.Support;
using Rtcr.Image;

namespace Rtcr.Benchmarks.Image;

/// <summary>
/// Size of a written image against the memory it holds, raw and with each codec (Deflate, LZ4, Zstandard), for a working set
/// that is all zeros (allocated, never written) and one that memory_writer has written once
/// sequentially (word i holds i: regular but not constant), plus the write throughput into a stream
/// that discards the bytes (so the disk is not measured).
/// </summary>
public static class ImageSizeReport
{
    /// <summary>Runs the measurement for each size (MiB) and prints a Markdown table.</summary>
    public static void Run(IReadOnlyList<int> sizesMiB, int iterations)
    {
        Console.WriteLine($"Image size vs memory size, written to a counting null stream, write time median of {iterations}");
        Console.WriteLine($"Processors: {Environment.ProcessorCount}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        Console.WriteLine();
        var table = new TextTable("memory", "content", "compression", "image", "image/memory", "write", "write MB/s");
        foreach (int mib in sizesMiB)
        {
            long bytes = (long)mib << 20;
            foreach (bool written in new[] { false, true })
            {
                Rtcr.Checkpoint.CheckpointImage image;
                using (var writer = WriterFixture.Start(bytes, fill: written))
                    image = writer.Host.Checkpoint(writer.Child);
                foreach (var compression in new[] { ImageCompression.None, ImageCompression.Deflate, ImageCompression.Lz4, ImageCompression.Zstd })
                {
                    long size = 0;
                    var times = new List<double>();
                    for (int i = 0; i < iterations + 1; i++)
                    {
                        var sink = new CountingStream();
                        long t0 = Stopwatch.GetTimestamp();
                        ImageWriter.Write(image, sink, compression);
                        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                        size = sink.Length;
                        if (i > 0) times.Add(ms);
                    }
                    double median = Percentiles.Median(times);
                    table.Add(Fmt.Size(bytes), written ? "memory_writer" : "zero", compression.ToString(), $"{Fmt.MiB(size)} MiB",
                        Fmt.N((double)size / bytes, 4), $"{Fmt.N(median)} ms", Fmt.N(image.MemoryBytes / median / 1e3, 0));
                }
                image = null!;
                GC.Collect();
            }
        }
        Console.WriteLine(table);
    }

    /// <summary>A write-only stream that only counts bytes.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
