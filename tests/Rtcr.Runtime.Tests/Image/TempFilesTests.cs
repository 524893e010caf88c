using Rtcr.Image;

namespace Rtcr.Runtime.Tests.Image;

/// <summary>
/// Clean-up of the temporary files killed writers leave (<see cref="TempFiles"/>): only names of
/// <see cref="AtomicFile"/>'s exact pattern, only regular files, only files older than the live-writer grace
/// and not held by a writer. Until now only the CLI tests (child processes Stryker.NET cannot see into)
/// exercised it, so every mutant of it counted as untested.
/// </summary>
public sealed class TempFilesTests : IDisposable
{
    private const string Hex = "0123456789abcdef0123456789abcdef";
    private static readonly DateTime Now = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc); // later than any file this test creates without a time of its own

    private readonly string _dir = Directory.CreateTempSubdirectory("rtcr-tempfiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(".a.rtcr." + Hex + ".tmp", true)]
    [InlineData(".x." + Hex + ".tmp", true)]
    [InlineData("a.rtcr." + Hex + ".tmp", false)] // not hidden
    [InlineData(".a.rtcr.0123456789ABCDEF0123456789ABCDEF.tmp", false)] // upper-case digits: not a Guid "N"
    [InlineData(".a.rtcr.0123456789abcdef0123456789abcde.tmp", false)] // 31 digits
    [InlineData(".a.rtcr." + Hex + "0.tmp", false)] // 33 digits
    [InlineData(".." + Hex + ".tmp", false)] // no name before the digits
    [InlineData(".a.rtcr." + Hex + ".tmp.old", false)]
    [InlineData(".a.rtcr." + Hex + ".tm", false)]
    public void Only_the_atomic_writers_pattern_is_a_temporary_name(string name, bool temp) =>
        Assert.Equal(temp, TempFiles.IsTempName(name));

    [Fact]
    public void A_temporary_name_made_by_the_writer_has_the_pattern()
    {
        using var writer = AtomicFile.Create(Path.Combine(_dir, "image.rtcr"));
        Assert.True(TempFiles.IsTempName(Path.GetFileName(writer.TempPath)));
    }

    [Fact]
    public void A_directory_that_does_not_exist_has_nothing_to_clean()
    {
        Assert.Empty(TempFiles.CleanUp(Path.Combine(_dir, "missing"), Now));
        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void Old_temporary_files_are_deleted_and_everything_else_stays()
    {
        string old = Touch(".a.rtcr." + Hex + ".tmp", Now - TempFiles.LiveWriterGrace - TimeSpan.FromSeconds(1));
        string other = Touch(".b.rtcr." + Hex.Replace('0', '1') + ".tmp", Now - TimeSpan.FromHours(5));
        string image = Touch("a.rtcr", Now - TimeSpan.FromHours(5));
        string hiddenTmp = Touch(".notes.tmp", Now - TimeSpan.FromHours(5)); // matches the glob, not the pattern

        var removed = TempFiles.CleanUp(_dir, Now);

        Assert.Equal([Path.GetFileName(old), Path.GetFileName(other)], removed.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(old));
        Assert.False(File.Exists(other));
        Assert.True(File.Exists(image));
        Assert.True(File.Exists(hiddenTmp));
    }

    [Fact]
    public void A_file_changed_within_the_grace_is_left_for_its_writer_and_one_exactly_at_its_end_is_not()
    {
        string recent = Touch(".a.rtcr." + Hex + ".tmp", Now - TempFiles.LiveWriterGrace + TimeSpan.FromSeconds(1));
        string atCutoff = Touch(".b.rtcr." + Hex + ".tmp", Now - TempFiles.LiveWriterGrace);

        Assert.Equal([Path.GetFileName(atCutoff)], TempFiles.CleanUp(_dir, Now));
        Assert.True(File.Exists(recent));
        Assert.False(File.Exists(atCutoff));
    }

    [Fact]
    public void A_file_held_open_by_a_writer_is_left_alone()
    {
        string held = Touch(".a.rtcr." + Hex + ".tmp", Now - TimeSpan.FromHours(1));
        using (new FileStream(held, FileMode.Open, FileAccess.Write, FileShare.None))
            Assert.Empty(TempFiles.CleanUp(_dir, Now));
        Assert.True(File.Exists(held));
        Assert.Equal([Path.GetFileName(held)], TempFiles.CleanUp(_dir, Now));
    }

    [Fact]
    public void A_symlink_under_a_temporary_name_is_not_followed_nor_removed()
    {
        string target = Touch("precious", Now - TimeSpan.FromHours(1));
        string link = Path.Combine(_dir, ".a.rtcr." + Hex + ".tmp");
        File.CreateSymbolicLink(link, target); // made now, long before Now: old enough, regular files that old are deleted

        Assert.Empty(TempFiles.CleanUp(_dir, Now));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("keep", File.ReadAllText(target));
    }

    [Fact]
    public void Without_a_time_the_current_one_is_used()
    {
        string fresh = Path.Combine(_dir, ".a.rtcr." + Hex + ".tmp");
        File.WriteAllText(fresh, "keep"); // written just now: inside the grace
        string old = Touch(".b.rtcr." + Hex + ".tmp", DateTime.UtcNow - TimeSpan.FromHours(1));

        Assert.Equal([Path.GetFileName(old)], TempFiles.CleanUp(_dir));
        Assert.True(File.Exists(fresh));
    }

    private string Touch(string name, DateTime written)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "keep");
        File.SetLastWriteTimeUtc(path, written);
        return path;
    }
}
