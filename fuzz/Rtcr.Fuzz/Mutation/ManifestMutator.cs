using System.Buffers.Binary;
using MemoryPack;
using Rtcr.Checkpoint;

namespace Rtcr.Fuzz;

/// <summary>
/// Semantic mutations of a seed's manifest: decoded, one field changed the way a crafter would
/// (capability indices and badges, quotas, session states including registers, attachment
/// addresses and quota hooks, dataspaces, pending signals, metadata), re-encoded and resealed.
/// </summary>
internal sealed class ManifestMutator(Random random)
{
    /// <summary>Mutates the manifest of <paramref name="seed"/>; returns the sealed image and what changed.</summary>
    public (byte[] Bytes, string Description) Mutate(SeedImage seed)
    {
        var original = seed.Image.Manifest;
        var m = original with
        {
            Metadata = new Dictionary<string, string>(original.Metadata),
            Capabilities = [.. original.Capabilities],
            Sessions = [.. original.Sessions],
            Dataspaces = [.. original.Dataspaces],
            PendingSignals = [.. original.PendingSignals],
        };
        var badges = m.Sessions.Select(s => s.Badge).Concat(m.Capabilities.Select(c => c.Badge)).Concat(m.Dataspaces.Select(d => d.Badge)).Distinct().ToArray();
        long Badge() => random.Next(4) == 0 ? Interesting.Long(random, badges[0]) : badges[random.Next(badges.Length)];
        string what;
        switch (random.Next(16))
        {
            case 0:
            {
                int i = random.Next(m.Capabilities.Count);
                int index = random.Next(3) == 0 ? m.Capabilities[random.Next(m.Capabilities.Count)].Index : Interesting.Int(random, m.Capabilities[i].Index);
                m.Capabilities[i] = m.Capabilities[i] with { Index = index };
                what = $"capability {i} index := {index}";
                break;
            }
            case 1:
            {
                int i = random.Next(m.Capabilities.Count);
                long badge = Badge();
                m.Capabilities[i] = m.Capabilities[i] with { Badge = badge };
                what = $"capability {i} badge := {badge}";
                break;
            }
            case 2:
            {
                int i = random.Next(m.Capabilities.Count);
                if (random.Next(2) == 0) m.Capabilities.RemoveAt(i);
                else m.Capabilities.Insert(i, m.Capabilities[i]);
                what = $"capability {i} removed or repeated";
                break;
            }
            case 3:
                m = m with { CapabilitySlots = Interesting.Int(random, m.CapabilitySlots) };
                what = $"capability slots := {m.CapabilitySlots}";
                break;
            case 4:
                m = random.Next(2) == 0 ? m with { InitialRamQuota = Interesting.Long(random, m.InitialRamQuota) } : m with { InitialCapQuota = Interesting.Long(random, m.InitialCapQuota) };
                what = $"initial quota := {m.InitialRamQuota} RAM, {m.InitialCapQuota} caps";
                break;
            case 5:
            {
                int i = random.Next(m.Sessions.Count);
                long badge = Badge();
                m.Sessions[i] = m.Sessions[i] with { Badge = badge };
                what = $"session {i} badge := {badge}";
                break;
            }
            case 6:
            {
                int i = random.Next(m.Sessions.Count);
                m.Sessions[i] = random.Next(2) == 0
                    ? m.Sessions[i] with { RamQuota = Interesting.Long(random, m.Sessions[i].RamQuota) }
                    : m.Sessions[i] with { CapQuota = Interesting.Long(random, m.Sessions[i].CapQuota) };
                what = $"session {i} quota := {m.Sessions[i].RamQuota} RAM, {m.Sessions[i].CapQuota} caps";
                break;
            }
            case 7:
            {
                int i = random.Next(m.Sessions.Count), j = random.Next(m.Sessions.Count);
                switch (random.Next(4))
                {
                    case 0: m.Sessions[i] = m.Sessions[i] with { Service = m.Sessions[j].Service }; break;
                    case 1: m.Sessions[i] = m.Sessions[i] with { Label = m.Sessions[j].Label }; break;
                    case 2: (m.Sessions[i], m.Sessions[j]) = (m.Sessions[j], m.Sessions[i]); break;
                    default: m.Sessions.RemoveAt(i); break;
                }
                what = $"sessions {i}/{j} service, label, order or presence changed";
                break;
            }
            case 8:
            case 9:
            case 10:
            {
                // Inside a session state: an aligned long from the end (hooks: registers, quota
                // limits, wake times) or from the start (counts, badges, addresses), or an int.
                int i = random.Next(m.Sessions.Count);
                var state = (byte[])m.Sessions[i].State.Clone();
                if (state.Length < 8) { what = "a session state too short to change"; break; }
                int at = random.Next(2) == 0 ? state.Length - 8 * random.Next(1, Math.Min(state.Length / 8, 16) + 1) - random.Next(3) : random.Next(state.Length - 7);
                at = Math.Clamp(at, 0, state.Length - 8);
                if (random.Next(3) == 0) BinaryPrimitives.WriteInt32LittleEndian(state.AsSpan(at), Interesting.Int(random, BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(at))));
                else BinaryPrimitives.WriteInt64LittleEndian(state.AsSpan(at), Interesting.Long(random, BinaryPrimitives.ReadInt64LittleEndian(state.AsSpan(at))));
                m.Sessions[i] = m.Sessions[i] with { State = state };
                what = $"session {i} ({m.Sessions[i].Service}) state at {at} of {state.Length}";
                break;
            }
            case 11:
            {
                int i = random.Next(m.Sessions.Count);
                var s = m.Sessions[i];
                var extra = new Dictionary<string, string>(s.Extra);
                if (extra.Count > 0 && random.Next(2) == 0) extra.Remove(extra.Keys.First());
                else extra["x" + random.Next(3)] = "1";
                m.Sessions[i] = s with { Extra = extra };
                what = $"session {i} arguments changed";
                break;
            }
            case 12:
            {
                if (m.Dataspaces.Count == 0) goto default;
                int i = random.Next(m.Dataspaces.Count);
                var d = m.Dataspaces[i];
                switch (random.Next(4))
                {
                    case 0: m.Dataspaces[i] = d with { Size = Interesting.Long(random, d.Size) }; break;
                    case 1: m.Dataspaces[i] = d with { Badge = Badge() }; break;
                    case 2: m.Dataspaces.RemoveAt(i); break;
                    default: m.Dataspaces[i] = d with { Ranges = [new Memory.MemoryRange(0, Math.Max(1, d.Size / 2))], BaseBadge = d.Badge }; break;
                }
                what = $"dataspace {i} size, badge, presence or ranges changed";
                break;
            }
            case 13:
                m.PendingSignals.Add(new PendingSignalImage(Badge(), Interesting.Int(random, 1)));
                what = $"pending signal for {m.PendingSignals[^1].ContextBadge} x{m.PendingSignals[^1].Count}";
                break;
            case 14:
            {
                string[] keys = ["env.pd", "env.ram", "env.cpu", "env.rm", "program", "program.version", "code.handlers", "rom:config"];
                string key = keys[random.Next(keys.Length)];
                string value = random.Next(3) switch
                {
                    0 => Interesting.Int(random, 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    1 => m.Metadata.GetValueOrDefault(m.Metadata.Keys.ElementAt(random.Next(m.Metadata.Count)), ""),
                    _ => "%%not base64%%",
                };
                if (random.Next(5) == 0) m.Metadata.Remove(key);
                else m.Metadata[key] = value;
                what = $"metadata '{key}' := '{value}'";
                break;
            }
            default:
                m = m with { ClockMicroseconds = Interesting.Long(random, m.ClockMicroseconds) };
                what = $"clock := {m.ClockMicroseconds}";
                break;
        }
        return (ImageBytes.WithManifest(seed.Bytes, MemoryPackSerializer.Serialize(m)), what);
    }
}
