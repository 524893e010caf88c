using Rtcr.EndToEnd.Tests.Harness;
using Rtcr.Image;

namespace Rtcr.EndToEnd.Tests.Reliability;

/// <summary>
/// Files the CLI writes next to images never follow a planted symlink; temporary files of killed writes
/// are cleaned up (only ours, only those no live writer holds); a failed periodic checkpoint is reported
/// and the run goes on.
/// </summary>
public sealed class CliFileSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtcr-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "out");

    [Fact]
    public void State_dumps_and_images_replace_a_planted_symlink_instead_of_writing_through_it()
    {
        Directory.CreateDirectory(Out);
        string victim = Path.Combine(_dir, "victim.txt"), victimImage = Path.Combine(_dir, "victim-image.txt");
        File.WriteAllText(victim, "precious");
        File.WriteAllText(victimImage, "precious too");
        string state = Path.Combine(Out, "sheep_counter-0001.rtcr.state"), image = Path.Combine(Out, "sheep_counter-0002.rtcr");
        File.CreateSymbolicLink(state, victim);
        File.CreateSymbolicLink(image, victimImage);

        Cli.RunOk("run", "sheep_counter", "--virtual-time", "--ticks", "2", "--checkpoint-every", "1", "--out", Out, "--state-dumps");

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal("precious too", File.ReadAllText(victimImage));
        Assert.Null(new FileInfo(state).LinkTarget);
        Assert.Null(new FileInfo(image).LinkTarget);
        Assert.StartsWith("child sheep_counter", File.ReadAllText(state));
        ImageReader.ReadFile(image, Images.Schema); // a real image now stands under that name
    }

    [Fact]
    public void Leftover_temporary_files_are_removed_at_the_start_of_a_run_but_only_ours_and_only_dead_ones()
    {
        Directory.CreateDirectory(Out);
        var old = DateTime.UtcNow - TimeSpan.FromHours(1);
        string Temp(string name)
        {
            string path = Path.Combine(Out, $".{name}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(path, new byte[4096]);
            File.SetLastWriteTimeUtc(path, old);
            return path;
        }
        string dead = Temp("sheep_counter-0001.rtcr");
        string deadState = Temp("sheep_counter-0001.rtcr.state");
        string held = Temp("sheep_counter-0009.rtcr"); // another rtcr process is still writing it
        string fresh = Path.Combine(Out, $".memory_writer-0001.rtcr.{Guid.NewGuid():N}.tmp"); // just created by a live writer
        File.WriteAllBytes(fresh, [1, 2, 3]);
        string notOurs = Path.Combine(Out, ".notes.tmp"), alsoNotOurs = Path.Combine(Out, "backup.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(notOurs, "x");
        File.WriteAllText(alsoNotOurs, "x");
        File.SetLastWriteTimeUtc(notOurs, old);
        File.SetLastWriteTimeUtc(alsoNotOurs, old);
        string victim = Path.Combine(_dir, "victim.txt");
        File.WriteAllText(victim, "precious");
        string link = Path.Combine(Out, $".x.rtcr.{Guid.NewGuid():N}.tmp");
        File.CreateSymbolicLink(link, victim);

        Cli.Result r;
        using (new FileStream(held, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            r = Cli.RunOk("run", "sheep_counter", "--virtual-time", "--ticks", "1", "--checkpoint-every", "1", "--out", Out);

        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(deadState));
        Assert.Contains($"removed {dead}", r.Stderr);
        Assert.True(File.Exists(held), "a temp file another process holds was removed");
        Assert.True(File.Exists(fresh), "a temp file written just now was removed");
        Assert.True(File.Exists(notOurs) && File.Exists(alsoNotOurs), "a file of another pattern was removed");
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.True(File.Exists(Path.Combine(Out, "sheep_counter-0001.rtcr")));
    }

    [Fact]
    public void A_failed_periodic_checkpoint_is_reported_and_the_run_goes_on_with_the_previous_image_intact()
    {
        var env = new Dictionary<string, string> { ["RTCR_INJECT_FAULTS"] = "ImageFlush@2" }; // fsync of the 2nd image fails
        using var p = Cli.Start(env, "run", "sheep_counter", "--virtual-time", "--ticks", "4", "--checkpoint-every", "1", "--out", Out, "--digest");
        var r = Cli.Finish(p);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("checkpoint of 'sheep_counter' failed", r.Stderr);
        Assert.Contains("injected fault at ImageFlush", r.Stderr);
        Assert.Contains("the run goes on", r.Stderr);
        Assert.Contains("sheep_counter-0001.rtcr stays", r.Stderr);
        Assert.Equal(["sheep_counter-0001.rtcr", "sheep_counter-0003.rtcr", "sheep_counter-0004.rtcr"],
            Directory.GetFiles(Out).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(4, r.LogLines.Count(l => l.Contains("sheep. zzZ")));
        // The image before the failure restores and runs on to the same end as the uninterrupted run.
        var restored = Cli.RunOk("restore", Path.Combine(Out, "sheep_counter-0001.rtcr"), "--virtual-time", "--ticks", "3", "--out", Path.Combine(_dir, "again"), "--digest");
        Assert.Equal(r.Digest, restored.Digest);
    }

    [Fact]
    public void A_malformed_fault_plan_is_an_error_not_ignored()
    {
        using var p = Cli.Start(new Dictionary<string, string> { ["RTCR_INJECT_FAULTS"] = "DiskFull@x" }, "run", "sheep_counter", "--virtual-time", "--ticks", "1", "--out", Out);
        var r = Cli.Finish(p);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("is not POINT@N", r.Stdout + r.Stderr);
    }
}
