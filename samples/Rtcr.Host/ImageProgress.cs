using Spectre.Console;

namespace Rtcr.Host;

/// <summary>Shows a progress bar for image reads and writes large enough to take a noticeable time.</summary>
internal static class ImageProgress
{
    /// <summary>Images with less memory than this are read or written without a bar.</summary>
    public const long Threshold = 64L * 1024 * 1024;

    public static T Run<T>(string description, long bytes, Func<IProgress<(long Done, long Total)>?, T> work)
    {
        if (bytes < Threshold || Console.IsErrorRedirected) return work(null);
        T result = default!;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(description, maxValue: bytes);
            result = work(new Progress<(long Done, long Total)>(p => task.Value = p.Done));
        });
        return result;
    }
}
