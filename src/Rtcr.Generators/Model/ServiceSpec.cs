using Rtcr.Generators.Diagnostics;

namespace Rtcr.Generators.Model;

/// <summary>A session's service name and where it is declared, to find two sessions of one name (RTCR018).</summary>
internal sealed record ServiceSpec(string Service, string Interface, string HintName, LocationInfo? Location);
