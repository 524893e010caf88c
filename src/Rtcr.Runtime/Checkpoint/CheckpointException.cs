namespace Rtcr.Checkpoint;

/// <summary>A checkpoint could not be taken; the child was resumed and is unchanged.</summary>
public class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
