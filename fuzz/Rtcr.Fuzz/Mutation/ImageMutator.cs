using System.Buffers.Binary;

namespace Rtcr.Fuzz;

/// <summary>
/// Makes mutated images from seeds: raw damage (bit flips, truncations, splices, overwritten runs,
/// length fields, chunk reordering), the same damage with every checksum recomputed (a crafted
/// image), and semantic manifest mutations (<see cref="ManifestMutator"/>), re-encoded and resealed.
/// Everything is drawn from the <see cref="Random"/> given, so a seed reproduces a run.
/// </summary>
internal sealed class ImageMutator(IReadOnlyList<SeedImage> seeds, Random random)
{
    private readonly ManifestMutator _manifests = new(random);

    /// <summary>The next mutant: a third raw, a third raw and resealed, a third semantic.</summary>
    public Mutant Next()
    {
        var seed = seeds[random.Next(seeds.Count)];
        int family = random.Next(3);
        if (family == 2)
        {
            var (bytes, what) = _manifests.Mutate(seed);
            return new Mutant(bytes, seed, "manifest " + what);
        }
        var (raw, description) = Raw(seed.Bytes);
        return family == 1 ? new Mutant(ImageBytes.Reseal(raw), seed, "resealed " + description) : new Mutant(raw, seed, "raw " + description);
    }

    private (byte[] Bytes, string Description) Raw(byte[] original)
    {
        var bytes = (byte[])original.Clone();
        var chunks = ImageBytes.Chunks(bytes);
        switch (random.Next(9))
        {
            case 0:
            {
                int flips = random.Next(1, 5);
                for (int i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            }
            case 1:
            {
                // Flips inside the manifest: resealed, they reach MemoryPack and the semantic checks.
                var m = chunks[0];
                int flips = random.Next(1, 4);
                for (int i = 0; i < flips && m.StoredLength > 0; i++) bytes[m.DataAt + random.Next(m.StoredLength)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips in the manifest");
            }
            case 2:
            {
                int at = random.Next(bytes.Length);
                return (bytes[..at], $"truncated at {at}");
            }
            case 3:
            {
                int at = random.Next(bytes.Length), from = random.Next(bytes.Length), length = random.Next(1, Math.Min(4096, bytes.Length - from) + 1);
                return ([.. bytes[..at], .. bytes.AsSpan(from, length), .. bytes[at..]], $"spliced {length} bytes from {from} in at {at}");
            }
            case 4:
            {
                int at = random.Next(bytes.Length);
                var run = bytes.AsSpan(at, Math.Min(bytes.Length - at, random.Next(1, 256)));
                random.NextBytes(run);
                return (bytes, $"{run.Length} random bytes at {at}");
            }
            case 5:
            {
                var c = chunks[random.Next(chunks.Count)];
                int field = random.Next(4);
                long value = Interesting.Long(random, c.StoredLength);
                int offset = field switch { 0 => c.At + 8, 1 => c.At + 16, 2 => 32, _ => c.DataAt };
                if (field == 2) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)value);
                else if (offset + 8 <= bytes.Length) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), value);
                string[] names = ["raw length", "stored length", "header chunk count", "slice badge or manifest head"];
                return (bytes, $"{names[field]} of chunk at {c.At} := {value}");
            }
            case 6:
            {
                // Chunk order: swap two chunks, copy one over another, or drop one.
                var body = chunks.Where(c => c.Kind != ImageBytes.KindEnd).ToList();
                if (body.Count < 2) return (bytes[..^1], "dropped the last byte");
                int i = random.Next(body.Count), j = random.Next(body.Count);
                var parts = body.Select(c => bytes.AsSpan(c.At, c.End - c.At).ToArray()).ToList();
                string what;
                switch (random.Next(3))
                {
                    case 0: (parts[i], parts[j]) = (parts[j], parts[i]); what = $"swapped chunks {i} and {j}"; break;
                    case 1: parts[j] = parts[i]; what = $"chunk {i} copied over chunk {j}"; break;
                    default: parts.RemoveAt(i); what = $"chunk {i} dropped"; break;
                }
                int tail = body[^1].End;
                return ([.. bytes[..ImageBytes.HeaderLength], .. parts.SelectMany(p => p), .. bytes[tail..]], what);
            }
            case 7:
            {
                // Header fields: version, flags, created time, chunk count.
                int[] offsets = [8, 10, 24, 32];
                int offset = offsets[random.Next(offsets.Length)];
                long value = Interesting.Long(random, 0);
                if (offset == 24) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), value);
                else if (offset == 32) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)value);
                else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), (ushort)value);
                return (bytes, $"header field at {offset} := {value}");
            }
            default:
            {
                // A slice's header (badge, offset in the dataspace).
                var slices = chunks.Skip(1).Where(c => c.Kind != ImageBytes.KindEnd && c.Codec == 0 && c.StoredLength >= ImageBytes.SliceHeaderLength).ToList();
                if (slices.Count == 0) return (bytes[..^1], "dropped the last byte");
                var s = slices[random.Next(slices.Count)];
                int offset = s.DataAt + (random.Next(2) * 8);
                long value = Interesting.Long(random, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(offset)));
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), value);
                return (bytes, $"slice header at {offset} := {value}");
            }
        }
    }
}
