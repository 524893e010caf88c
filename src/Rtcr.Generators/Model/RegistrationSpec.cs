namespace Rtcr.Generators.Model;

/// <summary>What <c>RtcrRecorders.RegisterAll</c> needs of one session: only names, so that editing a method does not re-run it.</summary>
internal sealed record RegistrationSpec(string Interface, string Recorder, string Replayer);
