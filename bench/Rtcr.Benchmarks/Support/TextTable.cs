using System.Text;

namespace Rtcr.Benchmarks.Support;

/// <summary>Prints a Markdown table (so custom measurements paste into docs/benchmarks.md like BDN's).</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = new();

    /// <summary>Adds a row; values are already formatted.</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"row has {cells.Length} cells, table has {headers.Length} columns", nameof(cells));
        _rows.Add(cells);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells, bool rightAlign)
        {
            sb.Append('|');
            for (int i = 0; i < cells.Count; i++)
                sb.Append(' ').Append(rightAlign && i > 0 ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i])).Append(" |");
            sb.AppendLine();
        }
        Line(headers, false);
        sb.Append('|');
        for (int i = 0; i < widths.Length; i++) sb.Append(new string('-', widths[i] + 1)).Append(i == 0 ? "-|" : ":|");
        sb.AppendLine();
        foreach (var row in _rows) Line(row, true);
        return sb.ToString();
    }
}
