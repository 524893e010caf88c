using System.Diagnostics;
using System.Globalization;
using Rtcr.Fuzz;
using SharpFuzz;

// rtcr image fuzzer (docs/fuzzing.md):
//   mutate [--cases N] [--seed S] [--timeout-ms T] [--failures DIR] [--from I]   built-in mutation driver
//   seeds DIR                                                                   writes the seed images (a corpus)
//   libfuzzer | afl                                                             SharpFuzz entry points (instrument Rtcr.Runtime.dll first)
switch (args.FirstOrDefault())
{
    case "mutate":
        return Mutate(args[1..]);
    case "seeds" when args.Length == 2:
        Directory.CreateDirectory(args[1]);
        foreach (var seed in SeedImage.Standard())
            File.WriteAllBytes(Path.Combine(args[1], seed.Name.Replace('/', '-') + ".rtcr"), seed.Bytes);
        return 0;
    case "run" when args.Length == 2:
    {
        // Reproduces one case (a file saved by --failures) and says which stage it reached.
        var bytes = File.ReadAllBytes(args[1]);
        var image = Rtcr.Image.ImageReader.Read(new MemoryStream(bytes), args[1], Rtcr.Sessions.SessionRecorders.Schema);
        var registry = Rtcr.Sessions.SessionRecorders.CreateRegistry();
        foreach (var s in image.Manifest.Sessions)
        {
            var reader = new Rtcr.Recording.StateReader(s.State);
            Console.Write(registry.GetReplayer(s.Service).Read(ref reader).ToRecord().Describe());
        }
        Console.WriteLine("read; restoring");
        using var host = new Rtcr.Sessions.ComponentHost(startMicroseconds: image.Manifest.ClockMicroseconds);
        var child = host.Restore(image, Rtcr.Samples.SampleCatalog.Create);
        Console.WriteLine("restored; checkpointing");
        host.Checkpoint(child);
        Console.WriteLine("checkpointed; ticking");
        Console.WriteLine(CaseRunner.RunInline(bytes, seed: null));
        return 0;
    }
    case "libfuzzer":
        Fuzzer.LibFuzzer.Run(span => Target(span.ToArray()));
        return 0;
    case "afl":
        Fuzzer.OutOfProcess.Run(stream =>
        {
            var ms = new MemoryStream();
            stream.CopyTo(ms);
            Target(ms.ToArray());
        });
        return 0;
    default:
        Console.Error.WriteLine("usage: Rtcr.Fuzz mutate [--cases N] [--seed S] [--timeout-ms T] [--failures DIR] [--from I] | seeds DIR | libfuzzer | afl");
        return 2;
}

// The SharpFuzz target: an outcome outside {restored, refused} is a crash the fuzzer records.
static void Target(byte[] bytes)
{
    var result = CaseRunner.RunInline(bytes, seed: null);
    if (!result.IsAllowed) throw new InvalidOperationException("image fuzz finding: " + result.Detail);
}

static int Mutate(string[] options)
{
    int cases = 100_000, seedValue = 1, timeoutMs = 5000, from = 0;
    string? failures = null;
    for (int i = 0; i + 1 < options.Length; i += 2)
    {
        switch (options[i])
        {
            case "--cases": cases = int.Parse(options[i + 1], CultureInfo.InvariantCulture); break;
            case "--seed": seedValue = int.Parse(options[i + 1], CultureInfo.InvariantCulture); break;
            case "--timeout-ms": timeoutMs = int.Parse(options[i + 1], CultureInfo.InvariantCulture); break;
            case "--failures": failures = options[i + 1]; break;
            case "--from": from = int.Parse(options[i + 1], CultureInfo.InvariantCulture); break;
            default:
                Console.Error.WriteLine($"unknown option '{options[i]}'");
                return 2;
        }
    }
    if (options.Length % 2 != 0)
    {
        Console.Error.WriteLine($"option '{options[^1]}' needs a value");
        return 2;
    }
    var seeds = SeedImage.Standard();
    var mutator = new ImageMutator(seeds, new Random(seedValue));
    var tally = new FuzzTally();
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < cases; i++)
    {
        var mutant = mutator.Next();
        if (i < from) continue; // drawn but not run: cases keep their numbers when a run resumes
        var result = CaseRunner.Run(mutant.Bytes, mutant.Seed, TimeSpan.FromMilliseconds(timeoutMs));
        tally.Add(i, mutant, result);
        if (!result.IsAllowed)
        {
            Console.WriteLine($"case {i}: {result.Outcome} after {mutant.Description}: {result.Detail}");
            if (failures is not null)
            {
                Directory.CreateDirectory(failures);
                File.WriteAllBytes(Path.Combine(failures, $"case-{seedValue}-{i}.rtcr"), mutant.Bytes);
            }
        }
        if ((i + 1) % 10_000 == 0) Console.WriteLine($"{i + 1} cases, {clock.Elapsed.TotalSeconds:0} s, {tally.Failures.Count} outside {{restored, refused}}");
    }
    Console.WriteLine($"seed {seedValue}: {cases} cases in {clock.Elapsed.TotalSeconds:0.0} s");
    Console.Write(tally.Describe());
    return tally.Failures.Count == 0 ? 0 : 1;
}
