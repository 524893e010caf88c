namespace Rtcr.EndToEnd.Tests.Harness;

/// <summary>
/// Tests that count <see cref="Memory.RamDataspace.NativeBytesOutstanding"/> (a process-wide number) run
/// alone, after the parallel tests, so no other test allocates or frees native memory meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeMemoryCollection
{
    public const string Name = "native memory";
}
