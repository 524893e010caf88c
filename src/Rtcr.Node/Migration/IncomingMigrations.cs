using System.Diagnostics;
using Grpc.Core;
using Rtcr.Checkpoint;
using Rtcr.Image;
using Rtcr.Restore;
using Rtcr.Node.Agent;
using Rtcr.Node.Protos;
using Rtcr.Node.Transport;
using Rtcr.Sessions;

namespace Rtcr.Node.Migration;

/// <summary>
/// The target side of migrations: images arrive (each checked chunk by chunk and parsed as soon as it is
/// complete), are folded and restored into a frozen component when the source asks, and that component
/// is resumed only on the source's commit, or discarded on its abort. A prepared component that hears
/// nothing within the lease asks the source for its decision. Every image is written to the node's image
/// directory (<see cref="IncomingStore"/>) before it is acknowledged, and every stage before it is
/// reported, so that a target agent that restarts picks up where it stopped (<see cref="Recover"/>).
/// </summary>
public sealed class IncomingMigrations(LocalNode node) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Staged> _staged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _committed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IncomingStore _store = new(node.Options.ImagesDirectory);
    private long _chunks;

    private sealed record Stage(ComponentHost Host, StagedRestore Restore);

    private sealed class Staged(string id, string component, string sourceNode, string sourceAddress)
    {
        public string Id { get; } = id;
        public string Component { get; } = component;
        public string SourceNode { get; } = sourceNode;
        public string SourceAddress { get; } = sourceAddress;
        public PrepareReply? Reply { get; set; }
        // The images restored as they arrive (live migration): the full image into a frozen child, each
        // delta applied to it in place; null once it fell back or was used.
        public Task<Stage?>? Staging { get; set; }
        public SortedDictionary<int, CheckpointImage> Images { get; } = new();
        public HostedComponent? Prepared { get; set; }
        public bool Preparing { get; set; }
        public bool SourceAnswered { get; set; }
        public long LastActivity { get; set; } = Stopwatch.GetTimestamp();
    }

    /// <summary>Migrations in progress (received images or a prepared component).</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _staged.Count;
        }
    }

    /// <summary>
    /// Receives one image of a migration; returns its size. Each chunk is checked and appended to the image's
    /// file as it arrives; after the last one the file is flushed to disk while the image is verified (read
    /// back by <see cref="ImageReader.ReadFile(string, ulong?, IProgress{ValueTuple{long, long}}?)"/>, which
    /// leaves its contents in the file), then it takes its name: the source hears of it only once it is on disk.
    /// </summary>
    /// <exception cref="ImageTransferException">A chunk is corrupt or missing.</exception>
    /// <exception cref="ImageFormatException">The image is not a valid image of this schema.</exception>
    public async Task<long> ReceiveAsync(IAsyncStreamReader<ImageChunk> chunks, CancellationToken cancel)
    {
        var assembler = new ImageAssembler(OpenImage);
        Staged? staged = null;
        Task<Stage?>? staging = null;
        var watch = Stopwatch.StartNew();
        try
        {
            while (await chunks.MoveNext(cancel))
            {
                assembler.Add(chunks.Current);
                Touch(assembler.MigrationId);
                if (node.Options.Faults.KillAfterChunks > 0 && Interlocked.Increment(ref _chunks) >= node.Options.Faults.KillAfterChunks)
                {
                    Console.Error.WriteLine($"fault injected: node '{node.Name}' kills itself after {_chunks} chunks");
                    // SIGKILL, like a crashed machine: no shutdown code runs, connections just break.
                    Process.GetCurrentProcess().Kill();
                }
            }
            var file = assembler.CompletedFile();
            var first = assembler.First!;
            var received = watch.Elapsed;
            // The flush (the disk's work) runs while the image is verified (the CPU's): both must be done
            // before the source hears that the image arrived.
            var flush = Task.Run(() =>
            {
                file.Flush();
                return watch.Elapsed;
            }, CancellationToken.None);
            CheckpointImage image;
            try
            {
                image = ImageReader.ReadFile(file.TempPath, SessionRecorders.Schema);
            }
            catch
            {
                await ((Task)flush).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
            var verified = watch.Elapsed;
            var flushed = await flush;
            lock (_lock)
            {
                if (!_staged.TryGetValue(assembler.MigrationId, out staged))
                {
                    if (assembler.Sequence != 0) throw new ImageTransferException($"migration {assembler.MigrationId}: image {assembler.Sequence} arrived before image 0");
                    _staged[assembler.MigrationId] = staged = new Staged(assembler.MigrationId, first.Component, first.SourceNode, first.SourceAddress);
                    _ = WatchAsync(staged);
                }
                if (staged.Prepared is not null) throw new InvalidOperationException($"migration {staged.Id} is already restored");
            }
            // On disk under its name (after the state file, for image 0) before the source hears that it
            // arrived: a target that restarts still has it.
            _store.SaveImage(staged.Id, assembler.Sequence, file, staged.Component, staged.SourceNode, staged.SourceAddress);
            lock (_lock)
            {
                if (!_staged.TryGetValue(staged.Id, out var current) || !ReferenceEquals(current, staged))
                {
                    // Aborted (or dropped) while the image was written: nothing may stay on disk for it.
                    _store.Delete(staged.Id);
                    throw new InvalidOperationException($"migration {staged.Id} was aborted while its image {assembler.Sequence} arrived");
                }
                staged.Images[assembler.Sequence] = image;
                staged.LastActivity = Stopwatch.GetTimestamp();
                // Restored while the source goes on with its next round, one image after the other.
                staged.Staging = assembler.Sequence == 0 ? Task.Run(() => BeginStage(staged, image))
                    : staged.Staging?.ContinueWith(t => ApplyStage(staged, t.Result, image), TaskScheduler.Default);
                staging = assembler.Sequence == 0 ? null : staged.Staging;
            }
            // Where the time after the last chunk goes (docs/benchmarks.md §9c).
            Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"migration {staged.Id}: image {assembler.Sequence} ({assembler.Received} bytes) received in {received.TotalMilliseconds:F0} ms, flushed at +{(flushed - received).TotalMilliseconds:F0} ms, verified at +{(verified - received).TotalMilliseconds:F0} ms, stored at +{(watch.Elapsed - received).TotalMilliseconds:F0} ms"));
            // A delta is acknowledged once the staged child caught up with it: the source's pre-copy rounds
            // then include the target's restore work, so the source does not freeze the component while the
            // target is still restoring image 0 (which the downtime would then wait for). Image 0 itself is
            // acknowledged at once: its restore overlaps the next round.
            if (staging is not null) await staging;
            return assembler.Received;
        }
        finally
        {
            // An image that did not arrive whole leaves no file; a migration whose first image did not
            // arrive leaves no directory.
            assembler.Dispose();
            if (staged is null && IncomingStore.IsValidId(assembler.MigrationId) && !Known(assembler.MigrationId))
                _store.DeleteIfEmpty(assembler.MigrationId);
        }
    }

    // The file the chunks of an image go to, once its first chunk says which image it is.
    private AtomicFileWriter OpenImage(ImageChunk first)
    {
        if (!IncomingStore.IsValidId(first.MigrationId)) throw new ImageTransferException($"'{first.MigrationId}' is not a migration id");
        lock (_lock)
        {
            if (_staged.TryGetValue(first.MigrationId, out var staged))
            {
                if (staged.Prepared is not null) throw new InvalidOperationException($"migration {staged.Id} is already restored");
            }
            else if (first.ImageSeq != 0) throw new ImageTransferException($"migration {first.MigrationId}: image {first.ImageSeq} arrived before image 0");
            else if (string.IsNullOrEmpty(first.Component)) throw new ImageTransferException($"migration {first.MigrationId}: image 0 names no component");
        }
        if (first.ImageSeq < 0) throw new ImageTransferException($"migration {first.MigrationId}: image {first.ImageSeq} has no place");
        return _store.CreateImage(first.MigrationId, first.ImageSeq);
    }

    private bool Known(string id)
    {
        lock (_lock) return _staged.ContainsKey(id) || _committed.Contains(id);
    }

    // The staging is an optimisation: when it fails or a delta changes the child's structure, Prepare
    // restores the folded chain as a whole, which reports its own errors. So failures here are logged and
    // end the staging, never the migration.
    private Stage? BeginStage(Staged staged, CheckpointImage full)
    {
        var host = node.CreateHost(staged.Component, full.Manifest.ClockMicroseconds);
        try
        {
            return new Stage(host, StagedRestore.Begin(host, full, node.Options.Programs, node.Options.Tracking));
        }
        catch (Exception ex)
        {
            host.Dispose();
            Console.Error.WriteLine($"migration {staged.Id}: restoring image 0 ahead failed, the chain will be restored at the end: {ex.Message}");
            return null;
        }
    }

    private static Stage? ApplyStage(Staged staged, Stage? stage, CheckpointImage delta)
    {
        if (stage is null) return null;
        string reason;
        try
        {
            if (stage.Restore.TryApply(delta, out reason)) return stage;
        }
        catch (Exception ex)
        {
            reason = ex.Message;
        }
        stage.Host.Dispose();
        Console.Error.WriteLine($"migration {staged.Id}: delta {delta.Manifest.ChainDepth} not applied in place ({reason}); the chain will be restored at the end");
        return null;
    }

    // Frees a staged child nobody will use (after the staging finished).
    private static void DiscardStage(Staged staged)
    {
        var staging = staged.Staging;
        staged.Staging = null;
        staging?.ContinueWith(t => t.Result?.Host.Dispose(), TaskScheduler.Default);
    }

    // A migration whose images are still arriving is making progress.
    private void Touch(string id)
    {
        lock (_lock)
            if (_staged.TryGetValue(id, out var staged)) staged.LastActivity = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Folds the received images and restores the component, frozen. Asked again once it is restored, it
    /// answers as the first time (a source that restarted asks again before it decides).
    /// </summary>
    /// <exception cref="KeyNotFoundException">Nothing was received for the migration.</exception>
    /// <exception cref="ImageTransferException">Images are missing.</exception>
    public PrepareReply Prepare(string id, int images)
    {
        Staged staged;
        CheckpointImage[] chain;
        Task<Stage?>? staging;
        lock (_lock)
        {
            if (!_staged.TryGetValue(id, out staged!)) throw new KeyNotFoundException($"node '{node.Name}' received nothing of migration {id}");
            if (staged.Reply is { } done) return done;
            if (staged.Prepared is not null || staged.Preparing) throw new InvalidOperationException($"migration {id} is already being restored");
            if (staged.Images.Count != images || staged.Images.Keys.Last() != images - 1)
                throw new ImageTransferException($"migration {id}: {images} images sent, {staged.Images.Count} received");
            chain = staged.Images.Values.ToArray();
            staging = staged.Staging;
            staged.Staging = null;
            // The watcher leaves a migration alone while its restore runs.
            staged.Preparing = true;
        }
        var watch = Stopwatch.StartNew();
        HostedComponent component;
        string stamp;
        ulong digest;
        try
        {
            // The staged child has every image applied, or the chain is restored now.
            var stage = staging?.Result;
            if (stage is not null && stage.Restore.Applied != chain.Length - 1)
            {
                stage.Host.Dispose();
                stage = null;
            }
            (component, digest, stamp) = stage is null ? Restore(staged, chain) : Register(staged, stage.Host, stage.Restore.Child, stage.Restore.ClockMicroseconds);
            try
            {
                // On disk before the source hears of it: from the source's decision on, a restart of this
                // node must bring the component back.
                _store.SetStage(id, staged.Component, staged.SourceNode, staged.SourceAddress, IncomingStore.Stage.Prepared);
            }
            catch
            {
                node.Remove(component);
                throw;
            }
            if (node.Options.Faults.KillInPrepare)
            {
                Console.Error.WriteLine($"fault injected: node '{node.Name}' kills itself in PrepareRestore of migration {id}, before answering");
                Process.GetCurrentProcess().Kill();
            }
            if (node.Options.Faults.DelayPrepareMs > 0)
            {
                Console.Error.WriteLine($"fault injected: node '{node.Name}' holds its PrepareRestore answer of migration {id} for {node.Options.Faults.DelayPrepareMs} ms");
                Thread.Sleep(node.Options.Faults.DelayPrepareMs);
            }
        }
        catch
        {
            lock (_lock)
            {
                staged.Preparing = false;
                staged.LastActivity = Stopwatch.GetTimestamp();
            }
            throw;
        }
        bool aborted;
        lock (_lock)
        {
            // An abort that came in during the restore removed the migration: its component must not stay.
            aborted = !_staged.TryGetValue(id, out var current) || !ReferenceEquals(current, staged);
            staged.Preparing = false;
            if (!aborted)
            {
                staged.Prepared = component;
                staged.Reply = new PrepareReply { Digest = digest, StampCheck = stamp, RestoreMs = watch.Elapsed.TotalMilliseconds };
                staged.Images.Clear();
                staged.LastActivity = Stopwatch.GetTimestamp();
            }
        }
        if (aborted)
        {
            node.Remove(component);
            _store.Delete(id);
            throw new InvalidOperationException($"migration {id} was aborted while its component was restored");
        }
        return staged.Reply!;
    }

    // Restores the folded chain into a new host, frozen, and registers it on the node as prepared.
    private (HostedComponent Component, ulong Digest, string Stamp) Restore(Staged staged, CheckpointImage[] chain)
    {
        var image = ImageChain.Fold(chain);
        var host = node.CreateHost(staged.Component, image.Manifest.ClockMicroseconds);
        Child child;
        try
        {
            child = host.Restore(image, node.Options.Programs, node.Options.Tracking, leaveStopped: true);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return Register(staged, host, child, image.Manifest.ClockMicroseconds);
    }

    // Checks a restored, frozen child and registers it on the node as prepared.
    private (HostedComponent Component, ulong Digest, string Stamp) Register(Staged staged, ComponentHost host, Child child, long clockMicroseconds)
    {
        var component = new HostedComponent(staged.Component, host, child, tracked: true, ComponentState.Prepared) { ResumeAtMicroseconds = clockMicroseconds };
        try
        {
            ulong digest = ChildMemory.Digest(component.Child);
            string stamp = node.Options.Verify?.Invoke(component.Child) ?? "";
            node.Add(component);
            return (component, digest, stamp);
        }
        catch
        {
            component.Dispose();
            throw;
        }
    }

    /// <summary>Resumes the prepared component: the source has stopped its copy. Repeating it is harmless.</summary>
    /// <exception cref="KeyNotFoundException">The migration is unknown or was never prepared.</exception>
    public void Commit(string id)
    {
        HostedComponent? prepared;
        Staged? staged;
        lock (_lock)
        {
            if (_committed.Contains(id)) return;
            if (!_staged.TryGetValue(id, out staged) || staged.Prepared is null) throw new KeyNotFoundException($"node '{node.Name}' has no prepared component of migration {id}");
            prepared = staged.Prepared;
            _staged.Remove(id);
            _committed.Add(id);
        }
        if (node.Options.Faults.KillOnCommit)
        {
            Console.Error.WriteLine($"fault injected: node '{node.Name}' kills itself as the commit of migration {id} arrives");
            Process.GetCurrentProcess().Kill();
        }
        // Committed on disk before it runs: a crash from here on restores and runs it on restart.
        _store.SetStage(id, staged.Component, staged.SourceNode, staged.SourceAddress, IncomingStore.Stage.Committed);
        if (!node.TryMove(prepared, ComponentState.Prepared, ComponentState.Running)) throw new InvalidOperationException($"'{prepared.Name}' is not prepared any more");
        // Thaws it and releases the timers held since the restore, its clock going on from the source's freeze.
        prepared.Host.Resume(prepared.Child, prepared.ResumeAtMicroseconds);
        // Running now: from here it is an ordinary component of this node (see docs/migration.md for the
        // window between the resume and this delete).
        _store.Delete(id);
        Console.Error.WriteLine($"migration {id}: '{prepared.Name}' resumed on node '{node.Name}'");
    }

    /// <summary>Discards what was received or restored for a migration; false when there was nothing.</summary>
    /// <exception cref="InvalidOperationException">The migration was committed already.</exception>
    public bool Abort(string id)
    {
        Staged? staged;
        lock (_lock)
        {
            if (_committed.Contains(id)) throw new InvalidOperationException($"migration {id} was committed: its component runs on node '{node.Name}'");
            if (!_staged.Remove(id, out staged)) return false;
        }
        if (staged.Prepared is { } prepared) node.Remove(prepared);
        DiscardStage(staged);
        _store.Delete(id);
        Console.Error.WriteLine($"migration {id}: discarded on node '{node.Name}'");
        return true;
    }

    // Drops received images of a migration that stalled, and resolves a prepared component whose source
    // went quiet by asking the source for its decision (never deciding on its own while the source might
    // still run its copy).
    private async Task WatchAsync(Staged staged, bool askNow = false)
    {
        var lease = node.Options.Lease;
        try
        {
            while (true)
            {
                // A migration picked up after a restart asks at once: it has waited long enough.
                if (!askNow) await Task.Delay(lease, _stopping.Token);
                askNow = false;
                HostedComponent? prepared;
                lock (_lock)
                {
                    if (!_staged.TryGetValue(staged.Id, out var current) || !ReferenceEquals(current, staged)) return;
                    if (staged.Preparing) continue;
                    if (staged.LastActivity != 0 && Stopwatch.GetElapsedTime(staged.LastActivity) < lease) continue;
                    prepared = staged.Prepared;
                }
                var outcome = await AskSourceAsync(staged);
                if (prepared is null)
                {
                    // Nothing restored yet: while the source is still at it (a long pre-copy round), keep
                    // the images; once it says aborted (or does not know the migration) nothing can use them,
                    // since the source cannot commit without a successful restore here.
                    // An unreachable source may have died after its last image and roll forward when it
                    // restarts (SourceRecovery): the images are kept for it.
                    if (outcome == MigrationOutcome.Pending)
                    {
                        Console.Error.WriteLine(staged.SourceAnswered
                            ? $"migration {staged.Id}: no chunk for {lease.TotalSeconds:F1} s, the source says pending: received images kept"
                            : $"migration {staged.Id}: no chunk for {lease.TotalSeconds:F1} s and the source is unreachable: received images kept");
                        continue;
                    }
                    bool dropped;
                    lock (_lock)
                    {
                        // A restore may have started while the source was asked: then it decides.
                        dropped = !staged.Preparing && staged.Prepared is null && _staged.Remove(staged.Id);
                    }
                    if (!dropped) continue;
                    DiscardStage(staged);
                    _store.Delete(staged.Id);
                    Console.Error.WriteLine($"migration {staged.Id}: no progress for {lease.TotalSeconds:F1} s and the source says {outcome.ToString().ToLowerInvariant()}: received images dropped");
                    return;
                }
                Console.Error.WriteLine($"migration {staged.Id}: waited {lease.TotalSeconds:F1} s for the source's decision, source says {outcome.ToString().ToLowerInvariant()}");
                switch (outcome)
                {
                    // Unknown: the source agent restarted, and the source copy died with the old process.
                    case MigrationOutcome.Committed or MigrationOutcome.Unknown:
                        Commit(staged.Id);
                        return;
                    case MigrationOutcome.Aborted:
                        Abort(staged.Id);
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The node is shutting down; its components go with it.
        }
    }

    /// <summary>
    /// Picks up what a previous run of this agent left in its image directory: a committed component is
    /// restored and runs; a prepared one is restored frozen and asks its source for the decision at once;
    /// received images of a migration that was never prepared wait, as before the restart, for the source
    /// to go on or to say it gave up. A migration that cannot be restored is reported and left on disk.
    /// </summary>
    public void Recover()
    {
        var skipped = new List<string>();
        foreach (var e in _store.Load(skipped))
        {
            try
            {
                var images = e.Images.Select(p => (Sequence: int.Parse(Path.GetFileNameWithoutExtension(p)["image-".Length..], System.Globalization.CultureInfo.InvariantCulture),
                    Image: ImageReader.ReadFile(p, SessionRecorders.Schema))).ToArray();
                var staged = new Staged(e.Id, e.Component, e.SourceNode, e.SourceAddress) { LastActivity = 0 };
                if (e.Stage == IncomingStore.Stage.Receiving)
                {
                    foreach (var (sequence, image) in images) staged.Images[sequence] = image;
                    lock (_lock) _staged[e.Id] = staged;
                    Console.Error.WriteLine($"migration {e.Id}: {images.Length} received images of '{e.Component}' recovered on node '{node.Name}'; asking the source");
                    _ = WatchAsync(staged, askNow: true);
                    continue;
                }
                var (component, digest, stamp) = Restore(staged, images.Select(i => i.Image).ToArray());
                if (e.Stage == IncomingStore.Stage.Committed)
                {
                    lock (_lock) _committed.Add(e.Id);
                    node.TryMove(component, ComponentState.Prepared, ComponentState.Running);
                    component.Host.Resume(component.Child, component.ResumeAtMicroseconds);
                    _store.Delete(e.Id);
                    Console.Error.WriteLine($"migration {e.Id}: committed '{e.Component}' recovered and resumed on node '{node.Name}'");
                    continue;
                }
                staged.Prepared = component;
                staged.Reply = new PrepareReply { Digest = digest, StampCheck = stamp };
                lock (_lock) _staged[e.Id] = staged;
                Console.Error.WriteLine($"migration {e.Id}: prepared '{e.Component}' recovered frozen on node '{node.Name}'; asking the source for the decision");
                _ = WatchAsync(staged, askNow: true);
            }
            catch (Exception ex) when (ex is ImageFormatException or RestoreException or IOException or InvalidOperationException or ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"migration {e.Id}: cannot recover '{e.Component}' on node '{node.Name}', left in {_store.Root}: {ex.Message}");
            }
        }
        foreach (var dir in skipped) Console.Error.WriteLine($"{dir}: no readable migration state, left alone");
    }

    private async Task<MigrationOutcome> AskSourceAsync(Staged staged)
    {
        staged.SourceAnswered = false;
        try
        {
            using var source = new NodeConnection(staged.SourceAddress, node.Options.Token, node.Options.Tls);
            var reply = await source.Client.MigrationOutcomeAsync(new MigrationRef { MigrationId = staged.Id },
                deadline: DateTime.UtcNow + node.Options.CallTimeout, cancellationToken: _stopping.Token);
            staged.SourceAnswered = true;
            return Enum.TryParse<MigrationOutcome>(reply.Outcome, ignoreCase: true, out var o) ? o : MigrationOutcome.Pending;
        }
        catch (RpcException ex)
        {
            // Unreachable is not a decision: the source may still be running its copy.
            Console.Error.WriteLine($"migration {staged.Id}: source {staged.SourceAddress} unreachable ({ex.Status.StatusCode}); the component stays frozen");
            return MigrationOutcome.Pending;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
