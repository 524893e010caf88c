using System.Globalization;
using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Recording;
using Rtcr.Services;

namespace Rtcr.Restore;

/// <summary>
/// Checks that an image's manifest is consistent before a single object is created from it: a
/// crafted or damaged image that passes the checksums must be refused here, naming what is wrong,
/// rather than restored into a child that dies at its first step. Checked: the structure
/// (<see cref="ImageLayout"/>'s limits, no missing fields), capability indices inside the space and
/// in order, badges non-zero and unique (sessions, every created object, dataspaces), every
/// capability, recorded capability argument, dataspace and pending signal naming an object a
/// session created, every session state readable and recorded with the arguments the session
/// entry names, and quotas that add up (no negative amount, no sum that overflows, no more
/// dataspace memory than the RAM quota the child was granted plus its upgrades).
/// </summary>
public static class ManifestValidator
{
    private const string CapPrefix = "cap:";

    /// <summary>Validates <paramref name="image"/> against the session replayers of <paramref name="registry"/>.</summary>
    /// <returns>The validated plan: each session with its replayer and decoded state, in manifest order.</returns>
    /// <exception cref="ImageFormatException">The manifest is structurally damaged or a session state cannot be decoded.</exception>
    /// <exception cref="RestoreException">The manifest is readable but inconsistent, or names a service this build lacks.</exception>
    public static RestorePlan Validate(CheckpointImage image, RecorderRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(registry);
        var m = image.Manifest;
        string label = m.Label ?? "";
        if (ImageValidation.ManifestProblem(m) is { } problem) throw new ImageFormatException(ImageError.Corrupted, label, problem);

        int previous = -1;
        foreach (var cap in m.Capabilities)
        {
            if (cap.Index < 0 || cap.Index >= m.CapabilitySlots)
                throw Refuse(m, $"capability slot {cap.Index} lies outside the capability space of {m.CapabilitySlots} slots");
            if (cap.Index <= previous)
                throw Refuse(m, $"capability slot {cap.Index} is listed twice or out of order");
            if (cap.Badge == 0) throw Refuse(m, $"capability slot {cap.Index} names badge 0");
            previous = cap.Index;
        }

        var plan = new List<(SessionImage Image, ISessionReplayer Replayer, ISessionState State)>(m.Sessions.Count);
        // The capability arguments of every recorded call, as badges: checked once every object is known. The
        // records they come from are not kept (they were the largest thing a validation held on to, long enough
        // for the collector to promote a copy of the whole state); only a failing check builds them again.
        var capArguments = new List<long>(m.Capabilities.Count);
        bool unreadableArgument = false;
        // Sized from the capability table (nearly every object is in a slot): no rehashing per object.
        var sessions = new HashSet<long>(m.Sessions.Count);
        var objects = new HashSet<long>(m.Capabilities.Count);
        var types = new Dictionary<long, string>(m.Capabilities.Count + m.Sessions.Count);
        long sessionRam = 0, upgradedRam = 0, donatedRam = 0, donatedCaps = 0;
        try
        {
            checked
            {
                foreach (var s in m.Sessions)
                {
                    string where = $"session '{s.Service}' ({s.Label})";
                    ISessionReplayer replayer;
                    try
                    {
                        replayer = registry.GetReplayer(s.Service);
                    }
                    catch (KeyNotFoundException ex)
                    {
                        throw new RestoreException($"cannot restore {where}: {ex.Message}", ex);
                    }
                    ISessionState state;
                    try
                    {
                        var reader = new StateReader(s.State);
                        state = replayer.Read(ref reader);
                    }
                    catch (StateFormatException ex)
                    {
                        throw new ImageFormatException(ImageError.Corrupted, label, $"the state of {where} cannot be read: {ex.Message}");
                    }
                    if (s.Badge == 0 || !sessions.Add(s.Badge)) throw Refuse(m, $"{where} has badge {s.Badge}, which is zero or used twice");
                    if (s.RamQuota < 0 || s.CapQuota < 0) throw Refuse(m, $"{where} has a negative quota");
                    var args = new SessionArgs(s.Label, s.RamQuota, s.CapQuota) { Extra = new SortedDictionary<string, string>(s.Extra, StringComparer.Ordinal) };
                    if (state.Service != s.Service || !state.Args.Equals(args))
                        throw Refuse(m, $"{where}: the recorded state belongs to a session '{state.Service}' created with ({state.Args}), the entry says ({args})");
                    var record = state.ToRecord();
                    if (record.UpgradedRam < 0 || record.UpgradedCaps < 0) throw Refuse(m, $"{where} records a negative upgrade");
                    if (s.PaidRam is < 0 || s.PaidRam > record.UpgradedRam || s.PaidCaps is < 0 || s.PaidCaps > record.UpgradedCaps)
                        throw Refuse(m, $"{where} says its client paid ({s.PaidRam}, {s.PaidCaps}) for upgrades, outside 0 and the recorded upgrades ({record.UpgradedRam}, {record.UpgradedCaps})");
                    sessionRam += s.RamQuota;
                    upgradedRam += record.UpgradedRam;
                    // Closing a session refunds its quota plus its upgrades (fuzz seed 2, case 59180: a LOG
                    // session upgraded by 2^63 - 1 restored, and its refund overflowed when the host was disposed).
                    donatedRam += s.RamQuota + record.UpgradedRam;
                    donatedCaps += s.CapQuota + record.UpgradedCaps;
                    types[s.Badge] = replayer.SessionInterface.Name;
                    foreach (var obj in record.Objects) CollectObject(m, where, obj, objects, types);
                    foreach (var call in record.Settings) CollectArguments(call, capArguments, ref unreadableArgument);
                    foreach (var obj in record.Objects) CollectArguments(obj, capArguments, ref unreadableArgument);
                    plan.Add((s, replayer, state));
                }
            }
        }
        catch (OverflowException)
        {
            throw Refuse(m, "the sessions' quotas add up to more than a 64-bit count");
        }

        foreach (long badge in sessions)
            if (objects.Contains(badge)) throw Refuse(m, $"badge {badge} names both a session and a created object");
        foreach (var cap in m.Capabilities)
        {
            if (!types.TryGetValue(cap.Badge, out var type))
                throw Refuse(m, $"capability slot {cap.Index} ({cap.Type}) names badge {cap.Badge}, which no session or created object has");
            if (type != cap.Type)
                throw Refuse(m, $"capability slot {cap.Index} is said to hold a {cap.Type}, but badge {cap.Badge} is a {type}");
        }
        var referenced = new HashSet<long>(m.Capabilities.Count);
        foreach (var cap in m.Capabilities) referenced.Add(cap.Badge);
        foreach (var s in m.Sessions)
            if (!referenced.Contains(s.Badge))
                throw Refuse(m, $"session '{s.Service}' ({s.Label}) is in no capability slot: the child could never have used it");
        bool argumentsKnown = !unreadableArgument;
        foreach (long badge in capArguments)
            if (!types.ContainsKey(badge)) argumentsKnown = false;
        if (!argumentsKnown)
        {
            // Rare (a damaged or crafted image): the records again, to name the first offending call.
            for (int i = 0; i < plan.Count; i++)
            {
                string where = $"session '{plan[i].Image.Service}' ({plan[i].Image.Label})";
                var record = plan[i].State.ToRecord();
                foreach (var call in record.Settings) CheckArguments(m, where, call, types);
                foreach (var obj in record.Objects) CheckObject(m, where, obj, types);
            }
        }

        var dataspaces = new HashSet<long>();
        long memory = 0;
        foreach (var ds in m.Dataspaces)
        {
            if (!objects.Contains(ds.Badge)) throw Refuse(m, $"dataspace {ds.Badge} was not created by any session");
            if (!dataspaces.Add(ds.Badge)) throw Refuse(m, $"dataspace {ds.Badge} is listed twice");
            if (ImageValidation.RangesProblem(ds) is { } rangeProblem) throw new ImageFormatException(ImageError.Corrupted, label, rangeProblem);
            memory += ds.Size; // at most 2^20 entries of at most 2^31 bytes: no overflow
        }
        long ramGranted = SaturatingAdd(m.InitialRamQuota, upgradedRam);
        if (memory > ramGranted)
            throw Refuse(m, $"its dataspaces hold {memory} bytes, more than the RAM quota granted to the child ({m.InitialRamQuota}) and its upgrades ({upgradedRam}) allow");
        if (sessionRam > ramGranted)
            throw Refuse(m, $"its sessions were donated {sessionRam} bytes of RAM quota, more than the child was granted ({m.InitialRamQuota}) and its upgrades ({upgradedRam})");
        foreach (var signal in m.PendingSignals)
            if (!objects.Contains(signal.ContextBadge))
                throw Refuse(m, $"a pending signal targets badge {signal.ContextBadge}, which no session created");
        return new RestorePlan(image, registry, plan);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static void CollectObject(ImageManifest m, string where, ObjectRecord obj, HashSet<long> objects, Dictionary<long, string> types)
    {
        if (obj.Badge == 0 || !objects.Add(obj.Badge) || !types.TryAdd(obj.Badge, obj.Interface))
            throw Refuse(m, $"{where} created object {obj.Interface} with badge {obj.Badge}, which is zero or used twice");
        foreach (var nested in obj.Objects) CollectObject(m, where, nested, objects, types);
    }

    private static void CollectArguments(ObjectRecord obj, List<long> badges, ref bool unreadable)
    {
        CollectArguments(obj.Creation, badges, ref unreadable);
        foreach (var call in obj.Settings) CollectArguments(call, badges, ref unreadable);
        foreach (var nested in obj.Objects) CollectArguments(nested, badges, ref unreadable);
    }

    // What CheckArguments checks, without the message: the capability arguments' badges, and whether one is unreadable.
    private static void CollectArguments(RecordedCall call, List<long> badges, ref bool unreadable)
    {
        var arguments = call.Arguments;
        for (int i = 0; i < arguments.Count; i++) // by index: a foreach over the interface boxes an enumerator per call
        {
            if (CapabilityBadge(arguments[i]) is not { } badge) unreadable = true;
            else if (badge != 0) badges.Add(badge);
        }
    }

    // The badge a recorded argument names ("cap:<badge>"): 0 for a plain argument (or the invalid
    // capability), null when the badge does not parse.
    private static long? CapabilityBadge(string argument)
    {
        if (!argument.StartsWith(CapPrefix, StringComparison.Ordinal)) return 0;
        return long.TryParse(argument.AsSpan(CapPrefix.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long badge) ? badge : null;
    }

    private static void CheckObject(ImageManifest m, string where, ObjectRecord obj, Dictionary<long, string> known)
    {
        CheckArguments(m, where, obj.Creation, known);
        foreach (var call in obj.Settings) CheckArguments(m, $"{where}, object {obj.Interface} {obj.Badge}", call, known);
        foreach (var nested in obj.Objects) CheckObject(m, where, nested, known);
    }

    private static void CheckArguments(ImageManifest m, string where, RecordedCall call, Dictionary<long, string> known)
    {
        var arguments = call.Arguments;
        for (int i = 0; i < arguments.Count; i++) // by index: a foreach over the interface boxes an enumerator per call
        {
            if (CapabilityBadge(arguments[i]) is not { } badge)
                throw Refuse(m, $"{where} recorded {call} with an unreadable capability argument");
            if (badge != 0 && !known.ContainsKey(badge))
                throw Refuse(m, $"{where} recorded {call}, which names object {badge}; no session or created object of the image has that badge");
        }
    }

    private static RestoreException Refuse(ImageManifest m, string problem) =>
        new($"image of '{m.Label}' refused before anything was created: {problem}");
}
