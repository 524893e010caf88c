namespace Rtcr.Memory;

/// <summary>An attach or detach does not fit the region map (Genode's <c>Region_conflict</c> / <c>Invalid_dataspace</c>).</summary>
public sealed class RegionConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegionConflictException(string regionMap, string message) : base($"region map '{regionMap}': {message}") => RegionMap = regionMap;

    /// <summary>Label of the region map.</summary>
    public string RegionMap { get; }
}
