using System.Diagnostics;
using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Node.Migration;
using Rtcr.Node.Protos;
using Rtcr.Sessions;

namespace Rtcr.Node.Agent;

/// <summary>
/// What a node agent holds: its components (each under its own Rtcr parent), the outcomes of the
/// migrations it was the source of, and the migrations it is receiving. The gRPC service is a thin layer
/// over this.
/// </summary>
public sealed class LocalNode : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HostedComponent> _components = new(StringComparer.Ordinal);
    private readonly Stopwatch _uptime = Stopwatch.StartNew();

    /// <summary>Creates a node.</summary>
    public LocalNode(NodeOptions options)
    {
        Options = options;
        Name = options.Name;
        Directory.CreateDirectory(options.ImagesDirectory);
        Outcomes = new MigrationOutcomes(Path.Combine(options.ImagesDirectory, "migrations.journal"));
        Incoming = new IncomingMigrations(this);
    }

    /// <summary>How the node runs.</summary>
    public NodeOptions Options { get; }

    /// <summary>The node's name (an agent bound to port 0 may name itself after the port it got).</summary>
    public string Name { get; set; }

    /// <summary>The address the node listens on (set once it is bound).</summary>
    public string Address { get; set; } = "";

    /// <summary>LOG lines of every component.</summary>
    public LogHub Logs { get; } = new();

    /// <summary>Decisions of migrations this node was the source of (journaled in the image directory).</summary>
    public MigrationOutcomes Outcomes { get; }

    /// <summary>Migrations this node is the target of.</summary>
    public IncomingMigrations Incoming { get; }

    private long _chunksSent;

    /// <summary>Counts a chunk this node sent as a migration source; returns the count (fault injection counts node-wide).</summary>
    internal long CountChunkSent() => Interlocked.Increment(ref _chunksSent);

    /// <summary>Milliseconds since the node started.</summary>
    public long UptimeMs => _uptime.ElapsedMilliseconds;

    /// <summary>Creates a host whose LOG lines are labelled with this node and <paramref name="component"/>.</summary>
    internal ComponentHost CreateHost(string component, long startMicroseconds) =>
        new(ExecutionMode.Threaded, startMicroseconds: startMicroseconds, log: new CollectingLogSink((_, text) =>
        {
            Options.OnLog?.Invoke(component, text);
            Logs.Publish(new LogLine { Node = Name, Component = component, Text = text });
        }))
        {
            // Live migration keeps taking deltas until it converges: never fall back to a full image.
            IncrementalPolicy = new IncrementalPolicy { MaxChainLength = int.MaxValue, MaxDeltaShare = double.MaxValue },
        };

    /// <summary>Starts a component.</summary>
    /// <exception cref="ArgumentException">The name is taken or empty.</exception>
    /// <param name="program">The program's name.</param>
    /// <param name="name">Instance name; the program's name when null or empty.</param>
    /// <param name="config">ROM "config"; the program's default when null or empty.</param>
    /// <param name="tracked">Track its RAM (live migration needs it).</param>
    /// <param name="ramQuota">RAM quota in bytes; 0 for the default.</param>
    public HostedComponent Start(string program, string? name, string? config, bool tracked, long ramQuota = 0)
    {
        name = string.IsNullOrEmpty(name) ? program : name;
        var code = Options.Programs(program);
        return Create(name, 0, tracked, host => host.Start(code, string.IsNullOrEmpty(config) ? Options.DefaultConfig(program) : config,
            new ChildOptions { Tracking = tracked ? Options.Tracking : null, RamQuota = ramQuota > 0 ? ramQuota : new ChildOptions().RamQuota }));
    }

    // Reserves the name, creates the component in a host of its own and registers it running.
    private HostedComponent Create(string name, long clockMicroseconds, bool tracked, Func<ComponentHost, Child> make)
    {
        lock (_lock)
        {
            if (_components.ContainsKey(name)) throw new ArgumentException($"node '{Name}' already has a component named '{name}'");
            // Reserve the name while the component is constructed.
            _components[name] = null!;
        }
        ComponentHost? host = null;
        try
        {
            host = CreateHost(name, clockMicroseconds);
            var component = new HostedComponent(name, host, make(host), tracked, ComponentState.Running);
            lock (_lock) _components[name] = component;
            return component;
        }
        catch
        {
            host?.Dispose();
            lock (_lock) _components.Remove(name);
            throw;
        }
    }

    /// <summary>
    /// Restores a pushed image (received whole, checked chunk by chunk) as a new running component, tracked.
    /// </summary>
    /// <exception cref="Transport.ImageTransferException">A chunk is corrupt or missing.</exception>
    /// <exception cref="ImageFormatException">Not a valid image of this schema.</exception>
    /// <exception cref="ArgumentException">The name is taken, or the image is a delta.</exception>
    public async Task<HostedComponent> RestorePushedAsync(Grpc.Core.IAsyncStreamReader<ImageChunk> chunks, CancellationToken cancel)
    {
        var assembler = new Transport.ImageAssembler();
        while (await chunks.MoveNext(cancel)) assembler.Add(chunks.Current);
        if (assembler.First is null) throw new ArgumentException("no image was pushed (the stream was empty)");
        var bytes = assembler.Result();
        var image = ImageReader.Read(new MemoryStream(bytes, writable: false), $"image pushed as '{assembler.First.Component}'", SessionRecorders.Schema);
        if (image.IsDelta) throw new ArgumentException($"image {image.Manifest.ImageId} is a delta; push its chain folded into a full image (rtcr push does that)");
        string name = assembler.First.Component.Length > 0 ? assembler.First.Component : image.Manifest.Metadata.GetValueOrDefault("program", image.Manifest.Label);
        return Create(name, image.Manifest.ClockMicroseconds, tracked: true, host => host.Restore(image, Options.Programs, Options.Tracking));
    }

    /// <summary>Adds a component restored from a migration (frozen, state <see cref="ComponentState.Prepared"/>).</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    internal void Add(HostedComponent component)
    {
        lock (_lock)
        {
            if (_components.ContainsKey(component.Name)) throw new ArgumentException($"node '{Name}' already has a component named '{component.Name}'");
            _components[component.Name] = component;
        }
    }

    /// <summary>The component named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such component.</exception>
    public HostedComponent Get(string name)
    {
        lock (_lock)
            return _components.TryGetValue(name, out var c) && c is not null ? c : throw new KeyNotFoundException($"node '{Name}' has no component named '{name}'");
    }

    /// <summary>The components, by name.</summary>
    public IReadOnlyList<HostedComponent> Components
    {
        get
        {
            lock (_lock) return _components.Values.Where(c => c is not null).OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>Describes a component for listings.</summary>
    public ComponentInfo Describe(HostedComponent c) => new()
    {
        Name = c.Name,
        Program = c.Child.Program.Name,
        State = c.State.ToString().ToLowerInvariant(),
        MemoryBytes = ChildMemory.Bytes(c.Child),
        Ticks = c.Host.Ticks(c.Child),
        LastCheckpoint = c.LastCheckpoint?.Path ?? "",
        LastCheckpointUnixMs = c.LastCheckpoint?.At.ToUnixTimeMilliseconds() ?? 0,
        Tracked = c.Tracked,
        Node = Name,
    };

    /// <summary>Checkpoints a component into the image directory (atomically); it keeps running.</summary>
    public async Task<(string Path, CheckpointImage Image, TimeSpan Pause)> CheckpointAsync(string name, CancellationToken cancel)
    {
        var c = Get(name);
        await c.Busy.WaitAsync(cancel);
        try
        {
            RequireRunning(c);
            var image = c.Host.Checkpoint(c.Child);
            var pause = c.Host.LastPauseTime;
            Directory.CreateDirectory(Options.ImagesDirectory);
            string path = Path.GetFullPath(Path.Combine(Options.ImagesDirectory, $"{c.Name}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss-fff}.rtcr"));
            try
            {
                ImageWriter.WriteFile(image, path);
            }
            finally
            {
                image.ReleaseBuffers(); // written (or lost): the next checkpoint reuses its buffers
            }
            c.LastCheckpoint = (path, DateTimeOffset.UtcNow);
            return (path, image, pause);
        }
        finally
        {
            c.Busy.Release();
        }
    }

    /// <summary>Checkpoints a component and serializes the full image; it keeps running.</summary>
    public async Task<byte[]> SerializeAsync(string name, CancellationToken cancel)
    {
        var c = Get(name);
        await c.Busy.WaitAsync(cancel);
        try
        {
            RequireRunning(c);
            var image = c.Host.Checkpoint(c.Child);
            try
            {
                return Serialize(image);
            }
            finally
            {
                image.ReleaseBuffers();
            }
        }
        finally
        {
            c.Busy.Release();
        }
    }

    /// <summary>Serializes an image into memory.</summary>
    public static byte[] Serialize(CheckpointImage image)
    {
        using var stream = new MemoryStream();
        ImageWriter.Write(image, stream);
        return stream.ToArray();
    }

    /// <summary>Stops a component and frees it; false when there is none by that name.</summary>
    /// <exception cref="InvalidOperationException">It is being migrated or waits for a migration's outcome.</exception>
    public bool Stop(string name)
    {
        HostedComponent? c;
        lock (_lock)
        {
            if (!_components.TryGetValue(name, out c) || c is null) return false;
            if (c.State != ComponentState.Running) throw new InvalidOperationException($"'{name}' on node '{Name}' is {c.State.ToString().ToLowerInvariant()}: a migration decides its fate");
            _components.Remove(name);
        }
        c.Dispose();
        return true;
    }

    /// <summary>Removes a component whatever its state (a migration moved it away or discarded it).</summary>
    internal void Remove(HostedComponent component)
    {
        lock (_lock)
            if (_components.TryGetValue(component.Name, out var c) && ReferenceEquals(c, component)) _components.Remove(component.Name);
        component.Dispose();
    }

    /// <summary>Moves a component from one state to another, atomically; false when it was not in <paramref name="from"/>.</summary>
    internal bool TryMove(HostedComponent c, ComponentState from, ComponentState to)
    {
        lock (_lock)
        {
            if (c.State != from) return false;
            c.State = to;
            return true;
        }
    }

    private void RequireRunning(HostedComponent c)
    {
        if (c.State != ComponentState.Running) throw new InvalidOperationException($"'{c.Name}' on node '{Name}' is {c.State.ToString().ToLowerInvariant()}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Incoming.Dispose();
        foreach (var c in Components) c.Dispose();
        lock (_lock) _components.Clear();
    }
}
