using Rtcr.Tracking;
using ScottPlot;

namespace Rtcr.Benchmarks.Tracking;

/// <summary>
/// Draws the granularity trade-off of the sweep: one panel per pattern, x = granularity (log 2),
/// y = milliseconds per epoch (log 10) of the child's runtime overhead, the incremental checkpoint
/// (total and pause) and the cost (overhead + total) under write tracking, with the full checkpoint and adaptive mode as horizontal lines.
/// </summary>
public static class TradeoffPlot
{
    // Values at or below this are drawn at it: a log axis has no zero, and an overhead within the
    // noise can come out negative.
    private const double FloorMs = 0.01;

    /// <summary>Writes the plot as a PNG to <paramref name="path"/>.</summary>
    public static void Save(IReadOnlyList<SweepResult> results, string path, string subtitle)
    {
        var patterns = results.Select(r => r.Pattern).Distinct().ToArray();
        var multiplot = new Multiplot();
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.AddPlots(patterns.Length + 1); // the last panel holds only the legend, so the data panels keep one width
        for (int p = 0; p < patterns.Length; p++)
        {
            var plot = multiplot.GetPlot(p);
            var rows = results.Where(r => r.Pattern == patterns[p] && r.Setup.Mode == TrackingMode.Write && !r.Setup.Adaptive)
                .OrderBy(r => r.Setup.Granularity).ToArray();
            double[] xs = rows.Select(r => Math.Log2(r.Setup.Granularity)).ToArray();
            Line(plot, xs, rows.Select(r => r.RuntimeOverheadMs), $"runtime overhead (≤ {FloorMs} drawn at {FloorMs})", Colors.OrangeRed, LinePattern.Dashed);
            Line(plot, xs, rows.Select(r => r.TotalMs), "incremental checkpoint, total", Colors.SteelBlue, LinePattern.Dashed);
            Line(plot, xs, rows.Select(r => r.PauseMs), "incremental checkpoint, pause", Colors.SteelBlue, LinePattern.Dotted);
            Line(plot, xs, rows.Select(r => r.CostMs), "cost (sum)", Colors.Black, LinePattern.Solid);
            var full = plot.Add.HorizontalLine(Log(rows.Select(r => r.FullTotalMs).Average()));
            full.Color = Colors.Gray;
            full.LinePattern = LinePattern.Dotted;
            full.LegendText = "full checkpoint";
            var adaptive = results.Single(r => r.Pattern == patterns[p] && r.Setup.Adaptive);
            var a = plot.Add.HorizontalLine(Log(adaptive.CostMs));
            a.Color = Colors.Green;
            a.LinePattern = LinePattern.DenselyDashed;
            a.LegendText = "adaptive cost";

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, rows.Select(r => TrackedSetup.SizeLabel(r.Setup.Granularity)).ToArray());
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.Axes.Left.Label.Text = "ms per epoch (log)";
            plot.Axes.Bottom.Label.Text = "granularity (write tracking)";
            plot.Axes.Title.Label.Text = $"{patterns[p]}";
            plot.Axes.AutoScale();
            plot.HideLegend();
        }
        multiplot.GetPlot(0).Axes.Title.Label.Text += $" ({subtitle})";
        var legend = multiplot.GetPlot(patterns.Length);
        legend.Layout.Frameless();
        legend.HideGrid();
        legend.ShowLegend(multiplot.GetPlot(0).GetPlottables().SelectMany(x => x.LegendItems).ToArray(), Alignment.MiddleLeft);
        multiplot.SavePng(path, 430 * (patterns.Length + 1), 480);
    }

    private static double Log(double ms) => Math.Log10(Math.Max(ms, FloorMs));

    private static void Line(Plot plot, double[] xs, IEnumerable<double> ms, string label, Color color, LinePattern pattern)
    {
        var s = plot.Add.Scatter(xs, ms.Select(Log).ToArray());
        s.LegendText = label;
        s.Color = color;
        s.LinePattern = pattern;
        s.LineWidth = 2;
        s.MarkerSize = 6;
    }
}
