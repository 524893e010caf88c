namespace Rtcr.Fuzz;

/// <summary>A mutated image: its bytes, the seed it came from and how it was made.</summary>
internal sealed record Mutant(byte[] Bytes, SeedImage Seed, string Description);
