using System.Buffers.Binary;
using System.Text;
using MemoryPack;
using Rtcr.Capabilities;
using Rtcr.Checkpoint;
using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Fuzz;
using Rtcr.Image;
using Rtcr.Quotas;
using Rtcr.Restore;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// Regression tests for what the image fuzzer found (docs/fuzzing.md): each crafted image (checksums
/// valid) was read or restored with an untyped exception, a hang, an allocation the file did not
/// justify, or into a child that failed at its first step. Each is now refused with an
/// <see cref="ImageFormatException"/> or a <see cref="RestoreException"/> naming the problem.
/// </summary>
public sealed class HostileImageTests
{
    private static readonly Lazy<SeedImage> s_sheep = new(() => SeedImage.Create("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 3, ImageCompression.None));
    private static readonly Lazy<SeedImage> s_writer = new(() => SeedImage.Create("memory_writer", "<config working_set=\"16K\" pattern=\"hotspot\" rate=\"5000\" interval_ms=\"20\" seed=\"7\"/>", 2, ImageCompression.None));

    [Fact]
    public void A_creation_time_outside_the_range_of_dates_is_a_format_error()
    {
        var bytes = (byte[])s_sheep.Value.Bytes.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), long.MaxValue);
        var ex = Assert.Throws<ImageFormatException>(() => ImageReader.ReadHeader(new MemoryStream(ImageBytes.Reseal(bytes)), "crafted"));
        Assert.Contains("creation time", ex.Message);
    }

    [Fact]
    public void A_capability_space_of_two_billion_slots_is_refused_before_anything_is_allocated()
    {
        var ex = Assert.Throws<ImageFormatException>(() => Read(Craft(s_sheep.Value, m => m with { CapabilitySlots = int.MaxValue })));
        Assert.Contains("capability space", ex.Message);
    }

    [Fact]
    public void A_clock_near_the_end_of_time_is_refused()
    {
        var ex = Assert.Throws<ImageFormatException>(() => Read(Craft(s_sheep.Value, m => m with { ClockMicroseconds = 1L << 61 })));
        Assert.Contains("clock", ex.Message);
    }

    [Fact]
    public void A_clock_an_hour_past_the_pending_timeout_is_refused_instead_of_catching_up_for_ever()
    {
        // 1 000 hours past a 250 ms periodic timeout: 14.4 million periods to catch up.
        var image = Read(Craft(s_sheep.Value, m => m with { ClockMicroseconds = m.ClockMicroseconds + 1000 * 3_600_000_000L }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("overdue", ex.Message);
    }

    [Fact]
    public void A_child_whose_timer_lagged_far_behind_on_a_starved_host_restores_and_catches_up_exactly()
    {
        // The soak test at load 48: a genuine image whose periodic timeout was 13.6 s overdue (the host had
        // not run the child's timers) was refused by a fixed 10 s limit. Here the child's timers are held
        // while a sibling runs 20 s of virtual time, then it is checkpointed 80 periods behind.
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), "<config start=\"7\" interval_ms=\"250\"/>");
        var sibling = source.Start(new SheepCounter(), "<config start=\"1\" interval_ms=\"250\"/>");
        source.RunTicks(child, 2);
        source.Kernel.Timers.Hold(child.Env.Domain);
        source.RunTicks(sibling, source.Ticks(sibling) + 80);
        var image = source.Checkpoint(child);
        source.Kernel.Timers.Release(child.Env.Domain);

        using var target = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = target.Restore(Read(Images.Bytes(image)), SampleCatalog.Create);
        // Both catch up the 80 missed periods and run on: the same state at the same tick.
        source.RunTicks(child, source.Ticks(child) + 100);
        target.RunTicks(restored, target.Ticks(restored) + 100);
        Assert.Equal(ChildState.Dump(source, child).Split('\n').Skip(1), ChildState.Dump(target, restored).Split('\n').Skip(1));
    }

    [Fact]
    public void A_capability_slot_pointing_at_another_session_is_refused()
    {
        var log = s_sheep.Value.Image.Manifest.Sessions.Single(s => s.Service == "LOG");
        var rm = s_sheep.Value.Image.Manifest.Sessions.Single(s => s.Service == "RM");
        var image = Read(Craft(s_sheep.Value, m => m with
        {
            Capabilities = m.Capabilities.Select(c => c.Badge == log.Badge ? c with { Badge = rm.Badge } : c).ToList(),
        }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("capability slot", ex.Message);
    }

    [Fact]
    public void A_capability_index_outside_the_space_is_refused()
    {
        var image = Read(Craft(s_sheep.Value, m => m with
        {
            Capabilities = [.. m.Capabilities.SkipLast(1), m.Capabilities[^1] with { Index = m.CapabilitySlots }],
        }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("outside the capability space", ex.Message);
    }

    [Fact]
    public void An_unreadable_session_state_is_a_format_error()
    {
        var image = Read(Craft(s_sheep.Value, m => m with
        {
            Sessions = m.Sessions.Select((s, i) => i == 0 ? s with { State = s.State[..(s.State.Length / 2)] } : s).ToList(),
        }));
        var ex = Assert.Throws<ImageFormatException>(() => Restore(image));
        Assert.Contains("cannot be read", ex.Message);
    }

    [Fact]
    public void An_unknown_program_is_refused()
    {
        var image = Read(Craft(s_sheep.Value, m => m with { Metadata = new(m.Metadata) { ["program"] = "sheep_countes" } }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("sheep_countes", ex.Message);
    }

    [Fact]
    public void A_rom_module_that_is_not_base64_is_refused()
    {
        var image = Read(Craft(s_sheep.Value, m => m with { Metadata = new(m.Metadata) { ["rom:config"] = "%%" } }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("base64", ex.Message);
    }

    [Fact]
    public void An_environment_capability_naming_the_wrong_slot_is_refused()
    {
        var image = Read(Craft(s_sheep.Value, m => m with { Metadata = new(m.Metadata) { ["env.pd"] = m.Metadata["env.ram"] } }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("env.pd", ex.Message);
    }

    [Fact]
    public void A_signal_context_naming_a_handler_the_code_lacks_is_refused()
    {
        var image = Read(Craft(s_sheep.Value, m => m with { Sessions = m.Sessions.Select(s => s.Service == "PD" ? s with { State = Replace(s.State, "tick", "tock") } : s).ToList() }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("'tock'", ex.Message);
    }

    [Fact]
    public void A_pd_quota_limit_raised_to_a_terabyte_is_refused_and_nothing_stays_behind()
    {
        // The PD quota hook's state holds (RAM limit, used, cap limit, used): the limit as checkpointed is the seed's grant.
        var seed = s_sheep.Value;
        var image = Read(Craft(seed, m => m with
        {
            Sessions = m.Sessions.Select(s => s.Service == "PD" ? s with { State = ReplaceLong(s.State, PdRamLimit(seed), 1L << 40) } : s).ToList(),
        }));
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        int objects = host.Kernel.Objects.Count;
        var ex = Assert.Throws<RestoreException>(() => host.Restore(image, SampleCatalog.Create));
        Assert.Contains("exceeds what the restoring parent granted", ex.InnerException?.Message ?? ex.Message);
        Assert.Equal(objects, host.Kernel.Objects.Count);
    }

    [Fact]
    public void An_initial_quota_beyond_the_hosts_maximum_is_refused_unless_the_host_grants_it()
    {
        var image = Read(Craft(s_sheep.Value, m => m with { InitialRamQuota = 1L << 40 }));
        using (var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds))
        {
            var ex = Assert.Throws<RestoreException>(() => host.Restore(image, SampleCatalog.Create));
            Assert.Contains("grants at most", ex.Message);
        }
        using (var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds) { MaxRestoreGrant = new ChildOptions { RamQuota = 1L << 41 } })
        {
            // A host that does grant that much restores it; the PD's limit is then bounded by the image's own grant.
            var child = host.Restore(image, SampleCatalog.Create);
            Assert.True(child.Env.Domain.Quota.Snapshot().RamLimit <= 1L << 40);
        }
        using (var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds))
        {
            // An explicit grant lowers the image's quota by the difference: the terabyte never reaches the child.
            var ex = Assert.Throws<RestoreException>(() => host.Restore(image, SampleCatalog.Create, grant: new ChildOptions { RamQuota = 32L << 20 }));
            Assert.Contains("grant", ex.Message);
        }
    }

    [Fact]
    public void A_writer_thread_with_an_instruction_pointer_its_program_lacks_is_refused()
    {
        // The CPU thread hook's state starts with (ip, sp, r0 ... r7); the writer runs at ip 1 with sp at its state page.
        var seed = s_writer.Value;
        var image = Read(Craft(seed, m => m with
        {
            Sessions = m.Sessions.Select(s => s.Service == "CPU" ? s with { State = ReplaceRegisterIp(s.State, 1, 7) } : s).ToList(),
        }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("invalid instruction pointer 7", ex.Message);
    }

    [Fact]
    public void A_writer_thread_whose_working_set_lies_outside_its_memory_is_refused()
    {
        var seed = s_writer.Value;
        var image = Read(Craft(seed, m => m with
        {
            Sessions = m.Sessions.Select(s => s.Service == "CPU" ? s with { State = ReplaceLong(s.State, MemoryWriter.WorkingSetAddress, 0x7000_0000) } : s).ToList(),
        }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("working set", ex.Message);
    }

    [Fact]
    public void A_recorded_allocation_larger_than_its_dataspace_in_the_table_is_refused_before_it_is_allocated()
    {
        var seed = s_writer.Value;
        var image = Read(Craft(seed, m => m with
        {
            Sessions = m.Sessions.Select(s => s.Service == "RAM" ? s with { State = ReplaceLong(s.State, 16 * 1024, 128L << 20, first: true) } : s).ToList(),
        }));
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var ex = Assert.Throws<RestoreException>(() => host.Restore(image, SampleCatalog.Create));
        Assert.Contains("refused before anything was created", ex.Message);
        Assert.Contains("allocated with 134217728 bytes", ex.Message);
    }

    [Fact]
    public void A_recorded_capability_argument_naming_no_object_is_refused_naming_the_call()
    {
        // The validator checks capability arguments from badges it collected, without keeping the records;
        // only a failing check builds them again to name the call.
        var seed = s_sheep.Value;
        var plan = ManifestValidator.Validate(seed.Image, SessionRecorders.CreateRegistry());
        var pd = plan.Sessions.Single(p => p.Image.Service == "PD");
        string argument = pd.State.ToRecord().Objects.SelectMany(o => o.Creation.Arguments).Last(a => a.StartsWith("cap:", StringComparison.Ordinal));
        long badge = long.Parse(argument["cap:".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var image = Read(Craft(seed, m => m with
        {
            Sessions = m.Sessions.Select(s => s.Service == "PD" ? s with { State = ReplaceLong(s.State, badge, 987_654_321) } : s).ToList(),
        }));

        var ex = Assert.Throws<RestoreException>(() => Restore(image));

        Assert.Contains("refused before anything was created", ex.Message);
        Assert.Contains("names object 987654321; no session or created object of the image has that badge", ex.Message);
        Assert.Contains("session 'PD'", ex.Message);
    }

    [Fact]
    public void A_recorded_periodic_timeout_that_would_overflow_the_clock_is_refused()
    {
        // Found by the long run (seed 1, case 57690): TriggerPeriodic(~2^63) replayed made the due time overflow and the child hang.
        var image = Read(Craft(s_sheep.Value, m => m with
        {
            Sessions = m.Sessions.Select(s => s.Service == "Timer" ? s with { State = ReplaceLong(s.State, 250_000, long.MaxValue - (1L << 32), first: true) } : s).ToList(),
        }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("microseconds", ex.Message);
    }

    [Fact]
    public void A_writer_whose_working_set_is_attached_read_only_is_refused()
    {
        // Found by the long run (seed 1, case 64387): the attachment's writable flag cleared, the writer faulted at its first write.
        // State format 2: the address, then the writable argument as its type tag and its value.
        var pattern = new byte[10];
        BinaryPrimitives.WriteInt64LittleEndian(pattern, MemoryWriter.WorkingSetAddress);
        pattern[8] = (byte)Rtcr.Recording.WireType.Boolean;
        pattern[9] = 1;
        var image = Read(Craft(s_writer.Value, m => m with
        {
            Sessions = m.Sessions.Select(s =>
            {
                if (s.Service != "PD") return s;
                var state = (byte[])s.State.Clone();
                int at = state.AsSpan().IndexOf(pattern);
                Assert.True(at >= 0, "the working set's attachment is not in the PD state");
                state[at + 9] = 0;
                return s with { State = state };
            }).ToList(),
        }));
        var ex = Assert.Throws<RestoreException>(() => Restore(image));
        Assert.Contains("not attached writable memory", ex.Message);
    }

    [Fact]
    public void A_sheep_counter_whose_memory_names_a_slot_without_its_log_session_is_refused()
    {
        var seed = s_sheep.Value;
        // Its state page: counter (8 bytes), then the LOG capability index.
        var ds = seed.Image.Manifest.Dataspaces.Single(d => d.Size == 4096 && BinaryPrimitives.ReadInt64LittleEndian(seed.Image.Stored(d)) == 7 + 3);
        var bytes = (byte[])seed.Bytes.Clone();
        int at = bytes.AsSpan().IndexOf(seed.Image.Stored(ds)[..16]);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at + 8), 4000);
        var ex = Assert.Throws<RestoreException>(() => Restore(Read(ImageBytes.Reseal(bytes))));
        Assert.Contains("LOG capability index 4000", ex.Message);
    }

    [Fact]
    public void A_session_upgrade_whose_refund_overflows_is_refused_and_the_host_disposes_cleanly()
    {
        // Found by the long run (seed 2, case 59180): a LOG session upgraded by 2^63 - 1 restored, and
        // disposing the host then threw from the refund (quota + upgrade overflowed), killing the fuzzer.
        const long upgrade = 3 * 4096 + 17;
        var (image, bytes) = CheckpointWithUpgradedLog(upgrade);

        // The upgraded image as checkpointed restores, and its host disposes cleanly.
        using (var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds))
            host.Restore(Read(bytes), SampleCatalog.Create);

        var crafted = Read(ImageBytes.WithManifest(bytes, MemoryPackSerializer.Serialize(image.Manifest with
        {
            Sessions = image.Manifest.Sessions.Select(s => s.Label.EndsWith("probe", StringComparison.Ordinal) ? s with { State = ReplaceLong(s.State, upgrade, long.MaxValue) } : s).ToList(),
        })));
        using (var host = new ComponentHost(startMicroseconds: crafted.Manifest.ClockMicroseconds))
        {
            int objects = host.Kernel.Objects.Count;
            var ex = Assert.Throws<RestoreException>(() => host.Restore(crafted, SampleCatalog.Create));
            Assert.Contains("64-bit", ex.Message);
            Assert.Equal(objects, host.Kernel.Objects.Count);
        }
    }

    [Theory]
    [InlineData(1L << 62, true, "never paid")]
    [InlineData(1L << 30, true, "never paid")]
    [InlineData(1L << 62, false, "never paid")] // an older image (no paid amount): the recorded upgrade is taken
    [InlineData(-1L, true, "says its client paid")] // paid more than the recorded upgrade
    public void A_session_upgrade_the_child_never_paid_for_is_refused_and_leaves_nothing_behind(long crafted, bool withPaid, string expected)
    {
        // Fits in 64 bits, so the overflow check passes; but every upgrade a client pays is withdrawn from its
        // PD account, so the account's recorded use must cover all sessions' quotas plus paid upgrades. Before
        // this check such an image restored and the child's own close of the session failed on the refund.
        const long upgrade = 2 * 4096 + 5;
        var (image, bytes) = CheckpointWithUpgradedLog(upgrade);
        var probeImage = image.Manifest.Sessions.Single(s => s.Label.EndsWith("probe", StringComparison.Ordinal));
        Assert.Equal(upgrade, probeImage.PaidRam);

        // The image as checkpointed restores, and closing the upgraded session refunds what was paid.
        using (var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds))
        {
            var restored = host.Restore(Read(bytes), SampleCatalog.Create);
            long used = restored.Env.Domain.Quota.Used(QuotaKind.Ram);
            var probe = restored.Env.Parent.SessionsOf(restored.Env.Domain).Single(s => s.Args.Label.EndsWith("probe", StringComparison.Ordinal));
            restored.Env.Parent.Close(restored.Env.Domain, Cap<ILogSession>.FromIndex(probe.CapIndex));
            Assert.Equal(used - probe.Args.RamQuota - upgrade, restored.Env.Domain.Quota.Used(QuotaKind.Ram));
        }

        var forged = Read(ImageBytes.WithManifest(bytes, MemoryPackSerializer.Serialize(image.Manifest with
        {
            Sessions = image.Manifest.Sessions.Select(s => s != probeImage ? s
                : crafted < 0 ? s with { PaidRam = upgrade + 1 }
                : s with { State = ReplaceLong(s.State, upgrade, crafted), PaidRam = withPaid ? crafted : null, PaidCaps = withPaid ? s.PaidCaps : null }).ToList(),
        })));
        using (var host = new ComponentHost(startMicroseconds: forged.Manifest.ClockMicroseconds))
        {
            int objects = host.Kernel.Objects.Count;
            var ex = Assert.Throws<RestoreException>(() => host.Restore(forged, SampleCatalog.Create));
            Assert.Contains(expected, ex.Message);
            Assert.Equal(objects, host.Kernel.Objects.Count);
            Assert.Empty(host.Parent.Sessions);
        }
    }

    [Fact]
    public void Quota_transferred_into_a_session_is_not_refunded_to_the_client_after_a_restore()
    {
        // transfer_quota is recorded as an upgrade of the receiving session, but the client's PD account never
        // lent it: closing that session returns only its own quota, before and after a restore alike.
        using var source = new ComponentHost();
        var child = source.Start(new QuotaShuffler(), "<config/>");
        source.RunTicks(child, 3);
        var image = source.Checkpoint(child);
        var second = image.Manifest.Sessions.Single(s => s.Service == "RAM" && s.Label.EndsWith("second", StringComparison.Ordinal));
        Assert.Equal(0, second.PaidRam);

        long Refund(ComponentHost host, Child c)
        {
            var entry = c.Env.Parent.SessionsOf(c.Env.Domain).Single(s => s.Service == "RAM" && s.Args.Label.EndsWith("second", StringComparison.Ordinal));
            long before = c.Env.Domain.Quota.Used(QuotaKind.Ram);
            c.Env.Parent.Close(c.Env.Domain, Cap<IRamSession>.FromIndex(entry.CapIndex));
            return before - c.Env.Domain.Quota.Used(QuotaKind.Ram);
        }

        using var target = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var restored = target.Restore(Read(Images.Bytes(image)), _ => new QuotaShuffler());
        long afterRestore = Refund(target, restored);
        Assert.Equal(Refund(source, child), afterRestore);
        Assert.Equal(second.RamQuota, afterRestore);
    }

    // A sheep_counter with an extra LOG session "probe" that it upgraded by <paramref name="upgrade"/> bytes, checkpointed.
    private static (CheckpointImage Image, byte[] Bytes) CheckpointWithUpgradedLog(long upgrade)
    {
        using var source = new ComponentHost();
        var child = source.Start(new SheepCounter(), "<config start=\"7\" interval_ms=\"250\"/>");
        source.RunTicks(child, 2);
        var log = child.Env.Session<ILogSession>("LOG", "probe");
        child.Env.Upgrade(log, upgrade, 0, (s, ram, caps) => s.Upgrade(ram, caps));
        var image = source.Checkpoint(child);
        return (image, Images.Bytes(image));
    }

    private static long PdRamLimit(SeedImage seed) => seed.Image.Manifest.InitialRamQuota;

    private static byte[] Craft(SeedImage seed, Func<ImageManifest, ImageManifest> change) =>
        ImageBytes.WithManifest(seed.Bytes, MemoryPackSerializer.Serialize(change(seed.Image.Manifest)));

    private static CheckpointImage Read(byte[] bytes) => ImageReader.Read(new MemoryStream(bytes), "crafted", SessionRecorders.Schema);

    private static void Restore(CheckpointImage image)
    {
        using var host = new ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        host.Restore(image, SampleCatalog.Create);
    }

    private static byte[] Replace(byte[] state, string from, string to)
    {
        var bytes = (byte[])state.Clone();
        int at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(from));
        Assert.True(at >= 0, $"'{from}' is not in the state");
        Encoding.UTF8.GetBytes(to).CopyTo(bytes, at);
        return bytes;
    }

    private static byte[] ReplaceLong(byte[] state, long from, long to, bool first = false)
    {
        var bytes = (byte[])state.Clone();
        var pattern = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(pattern, from);
        int at = first ? bytes.AsSpan().IndexOf(pattern) : bytes.AsSpan().LastIndexOf(pattern);
        Assert.True(at >= 0, $"{from} is not in the state");
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), to);
        return bytes;
    }

    // The registers (ip, then sp = the writer's state page) are the hook state's first longs.
    private static byte[] ReplaceRegisterIp(byte[] state, long ip, long to)
    {
        var bytes = (byte[])state.Clone();
        var pattern = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(pattern, ip);
        BinaryPrimitives.WriteInt64LittleEndian(pattern.AsSpan(8), MemoryWriter.StateAddress);
        int at = bytes.AsSpan().LastIndexOf(pattern);
        Assert.True(at >= 0, "the registers are not in the state");
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), to);
        return bytes;
    }
}
