using System.Buffers.Binary;
using Rtcr.Checkpoint;
using Rtcr.Fuzz;
using Rtcr.Image;
using Rtcr.Restore;
using Rtcr.Sessions;

namespace Rtcr.EndToEnd.Tests;

/// <summary>
/// <see cref="ManifestValidator"/>'s semantic checks one at a time, on a manifest of a real sheep_counter
/// changed in exactly one place: each inconsistency is refused with a <see cref="RestoreException"/> naming
/// it, and a value just inside each limit is accepted. Written for the mutants Stryker.NET left alive in
/// <c>Restore/ManifestValidator</c> (a check dropped or inverted, a comparison moved by one), which the
/// fuzzer's crafted images reached only by chance.
/// </summary>
public sealed class ManifestConsistencyTests
{
    // The seed (see the capability table in SeedImage's sheep_counter): PD 1 creates the region map 7, the signal
    // source 11 and the context 12; RAM 2 the dataspace 8; ROM 5 the dataspace 6; LOG 9 and Timer 10 in slots 8 and 9.
    private static readonly Lazy<SeedImage> s_sheep = new(() => SeedImage.Create("sheep_counter", "<config start=\"7\" interval_ms=\"250\"/>", 3, ImageCompression.None));

    private static ImageManifest Seed => s_sheep.Value.Image.Manifest;

    private static SessionImage Session(string service) => Seed.Sessions.Single(s => s.Service == service);

    private static long SessionRam => Seed.Sessions.Sum(s => s.RamQuota);

    [Fact]
    public void The_untouched_manifest_is_accepted_with_each_session_in_manifest_order()
    {
        var plan = Validate(Seed);
        Assert.Equal(Seed.Sessions.Select(s => s.Service), plan.Sessions.Select(p => p.Image.Service));
        Assert.All(plan.Sessions, p => Assert.Equal(p.Image.Service, p.State.Service));
        Assert.Equal(0, Seed.Capabilities[0].Index); // slot 0 is a valid slot
    }

    [Fact]
    public void A_capability_index_below_zero_is_refused()
    {
        Refused("capability slot -1 lies outside the capability space of", Seed with { Capabilities = [Seed.Capabilities[0] with { Index = -1 }, .. Seed.Capabilities.Skip(1)] });
    }

    [Fact]
    public void Capability_indices_listed_twice_or_out_of_order_are_refused()
    {
        var caps = Seed.Capabilities;
        Refused("capability slot 0 is listed twice or out of order", Seed with { Capabilities = [caps[0], caps[1] with { Index = 0 }, .. caps.Skip(2)] });
        Refused("capability slot 0 is listed twice or out of order", Seed with { Capabilities = [caps[1], caps[0], .. caps.Skip(2)] });
    }

    [Fact]
    public void A_capability_of_badge_zero_is_refused()
    {
        var caps = Seed.Capabilities;
        Refused($"capability slot {caps[^1].Index} names badge 0", Seed with { Capabilities = [.. caps.SkipLast(1), caps[^1] with { Badge = 0 }] });
    }

    [Fact]
    public void A_session_of_badge_zero_is_refused()
    {
        Refused("session 'Timer' (sheep_counter) has badge 0, which is zero or used twice", WithSession("Timer", s => s with { Badge = 0 }));
    }

    [Fact]
    public void A_negative_session_quota_is_refused()
    {
        Refused("session 'LOG' (sheep_counter) has a negative quota", WithSession("LOG", s => s with { RamQuota = -1 }));
        Refused("session 'LOG' (sheep_counter) has a negative quota", WithSession("LOG", s => s with { CapQuota = -1 }));
    }

    [Fact]
    public void A_session_entry_whose_arguments_differ_from_its_recorded_state_is_refused()
    {
        Refused("the recorded state belongs to a session 'LOG'", WithSession("LOG", s => s with { Label = "sheep_counter -> other" }));
        Refused("the recorded state belongs to a session 'LOG'", WithSession("LOG", s => s with { RamQuota = s.RamQuota + 1 }));
        Refused("the recorded state belongs to a session 'LOG'", WithSession("LOG", s => s with { CapQuota = s.CapQuota + 1 }));
        Refused("the recorded state belongs to a session 'LOG'", WithSession("LOG", s => s with { Extra = new(s.Extra) { ["label"] = "x" } }));
    }

    [Fact]
    public void A_badge_used_by_a_session_and_by_an_object_another_session_created_is_refused()
    {
        // ROM comes after RAM, which created dataspace 8: the badge is found on both sides.
        Refused("badge 8 names both a session and a created object", WithSession("ROM", s => s with { Badge = 8 }));
        // PD comes first: RAM's dataspace 8 then reuses a badge already taken.
        Refused("created object IDataspace with badge 8, which is zero or used twice", WithSession("PD", s => s with { Badge = 8 }));
    }

    [Fact]
    public void A_capability_naming_no_object_or_the_wrong_type_is_refused()
    {
        var log = Seed.Capabilities.Single(c => c.Type == "ILogSession");
        Refused($"capability slot {log.Index} (ILogSession) names badge 99, which no session or created object has", WithCapability(log with { Badge = 99 }));
        Refused($"capability slot {log.Index} is said to hold a ITimerSession, but badge {log.Badge} is a ILogSession", WithCapability(log with { Type = "ITimerSession" }));
    }

    [Fact]
    public void A_session_in_no_capability_slot_is_refused()
    {
        Refused("session 'LOG' (sheep_counter) is in no capability slot", Seed with { Capabilities = Seed.Capabilities.Where(c => c.Type != "ILogSession").ToList() });
    }

    [Fact]
    public void A_recorded_call_naming_an_object_the_image_lacks_is_refused()
    {
        // The timer session's recorded Sigh(cap:12) names the signal context 12.
        var timer = Session("Timer");
        var state = (byte[])timer.State.Clone();
        var twelve = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(twelve, 12);
        int at = state.AsSpan().IndexOf(twelve);
        Assert.True(at >= 0, "the context's badge is not in the timer's state");
        BinaryPrimitives.WriteInt64LittleEndian(state.AsSpan(at), 99);
        Refused("session 'Timer' (sheep_counter) recorded [sigh] Sigh(cap:99), which names object 99; no session or created object of the image has that badge", WithSession("Timer", s => s with { State = state }));
    }

    [Fact]
    public void Arguments_of_a_created_objects_creation_and_settings_naming_missing_objects_are_refused()
    {
        // PD's AllocContext(cap:11) creates the context 12; its region map 7 recorded Attach(cap:8, ...).
        Refused("session 'PD' (sheep_counter) recorded [creates] AllocContext(cap:99", WithSession("PD", s => s with { State = ReplaceBadge(s.State, 11, 99, last: true) }));
        Refused("session 'PD' (sheep_counter), object IRegionMap 7 recorded [region:268435456] Attach(cap:99", WithSession("PD", s => s with { State = ReplaceBadge(s.State, 8, 99, last: true) }));
    }

    [Fact]
    public void A_capability_index_equal_to_the_number_of_slots_is_refused()
    {
        var caps = Seed.Capabilities;
        Refused($"capability slot {Seed.CapabilitySlots} lies outside the capability space of {Seed.CapabilitySlots} slots", Seed with { Capabilities = [.. caps.SkipLast(1), caps[^1] with { Index = Seed.CapabilitySlots }] });
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        var registry = SessionRecorders.CreateRegistry();
        Assert.Equal("image", Assert.Throws<ArgumentNullException>(() => ManifestValidator.Validate(null!, registry)).ParamName);
        Assert.Equal("registry", Assert.Throws<ArgumentNullException>(() => ManifestValidator.Validate(s_sheep.Value.Image, null!)).ParamName);
    }

    [Fact]
    public void A_structural_problem_names_the_images_child()
    {
        var ex = Assert.Throws<ImageFormatException>(() => Validate(Seed with { Dataspaces = [null!] }));
        Assert.Equal("sheep_counter", ex.ImageSource);
        Assert.Equal("", Assert.Throws<ImageFormatException>(() => Validate(Seed with { Label = null! })).ImageSource);
    }

    [Fact]
    public void A_dataspace_no_session_created_is_refused()
    {
        Refused("dataspace 99 was not created by any session", Seed with { Dataspaces = Seed.Dataspaces.Select(d => d.Badge == 8 ? d with { Badge = 99 } : d).ToList() });
    }

    [Fact]
    public void Dataspace_memory_may_fill_the_ram_quota_exactly_and_not_a_byte_more()
    {
        long others = Seed.Dataspaces.Where(d => d.Badge != 8).Sum(d => d.Size);
        ImageManifest Filled(long bytes) => Seed with { Dataspaces = Seed.Dataspaces.Select(d => d.Badge == 8 ? d with { Size = bytes - others } : d).ToList() };
        Assert.NotNull(Validate(Filled(Seed.InitialRamQuota)));
        Refused($"its dataspaces hold {Seed.InitialRamQuota + 1} bytes, more than the RAM quota granted to the child ({Seed.InitialRamQuota})", Filled(Seed.InitialRamQuota + 1));
    }

    [Fact]
    public void Session_quotas_may_add_up_to_the_ram_quota_exactly_and_not_a_byte_more()
    {
        Assert.NotNull(Validate(Seed with { InitialRamQuota = SessionRam }));
        Refused($"its sessions were donated {SessionRam} bytes of RAM quota, more than the child was granted ({SessionRam - 1})", Seed with { InitialRamQuota = SessionRam - 1 });
    }

    [Fact]
    public void A_ram_quota_near_the_largest_count_does_not_overflow_the_sum()
    {
        Assert.NotNull(Validate(Seed with { InitialRamQuota = long.MaxValue }));
    }

    [Fact]
    public void A_pending_signal_must_target_a_created_object()
    {
        Assert.Single(Validate(Seed with { PendingSignals = [new PendingSignalImage(12, 3)] }).Image.Manifest.PendingSignals);
        Refused("a pending signal targets badge 1, which no session created", Seed with { PendingSignals = [new PendingSignalImage(1, 3)] });
    }

    // The state with the first (or last) 8-byte occurrence of badge `from` replaced by `to`: an object's own badge comes before the arguments that name it.
    private static byte[] ReplaceBadge(byte[] state, long from, long to, bool last)
    {
        var bytes = (byte[])state.Clone();
        var pattern = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(pattern, from);
        int at = last ? bytes.AsSpan().LastIndexOf(pattern) : bytes.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, $"badge {from} is not in the state");
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), to);
        return bytes;
    }

    private static ImageManifest WithSession(string service, Func<SessionImage, SessionImage> change) =>
        Seed with { Sessions = Seed.Sessions.Select(s => s.Service == service ? change(s) : s).ToList() };

    private static ImageManifest WithCapability(CapabilityImage changed) =>
        Seed with { Capabilities = Seed.Capabilities.Select(c => c.Index == changed.Index ? changed : c).ToList() };

    private static RestorePlan Validate(ImageManifest manifest) =>
        ManifestValidator.Validate(new CheckpointImage(manifest, new Dictionary<long, byte[]>()), SessionRecorders.CreateRegistry());

    private static void Refused(string expected, ImageManifest manifest)
    {
        var ex = Assert.Throws<RestoreException>(() => Validate(manifest));
        Assert.Contains("refused before anything was created", ex.Message);
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in: {ex.Message}");
    }
}
