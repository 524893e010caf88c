using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace Rtcr.Host;

/// <summary>Turns "Unknown option 'checkpoint-evry'" into a hint naming the option that was probably meant.</summary>
internal static partial class OptionSuggestion
{
    private static readonly Lazy<string[]> s_options = new(() => typeof(OptionSuggestion).Assembly.GetTypes()
        .Where(t => typeof(CommandSettings).IsAssignableFrom(t))
        .SelectMany(t => t.GetProperties())
        .SelectMany(p => p.GetCustomAttribute<CommandOptionAttribute>()?.LongNames ?? [])
        .Distinct(StringComparer.Ordinal).ToArray());

    /// <summary>"did you mean --x?" for an unknown-option message, or null.</summary>
    public static string? For(string message)
    {
        var m = UnknownOption().Match(message);
        if (!m.Success) return null;
        string typed = m.Groups[1].Value.TrimStart('-');
        var best = s_options.Value.Select(o => (Option: o, Distance: Distance(typed, o))).MinBy(x => x.Distance);
        return best.Option is not null && best.Distance <= Math.Max(2, typed.Length / 3) ? $"did you mean --{best.Option}?" : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    [GeneratedRegex("Unknown option '([^']+)'")]
    private static partial Regex UnknownOption();
}
