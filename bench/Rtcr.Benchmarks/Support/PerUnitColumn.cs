using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Rtcr.Benchmarks.Support;

/// <summary>
/// A derived column: the mean time combined with a numeric benchmark parameter, e.g. time per
/// restored object or GB/s of a copy, so that the table states the scaling directly.
/// </summary>
public sealed class PerUnitColumn(string name, string parameter, Func<double, double, double> fromMeanNsAndParameter, string format, string legend) : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(PerUnitColumn) + "." + name;

    /// <inheritdoc />
    public string ColumnName => name;

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => legend;

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        var value = benchmarkCase.Parameters[parameter];
        if (stats is null || value is null) return "NA";
        return fromMeanNsAndParameter(stats.Mean, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture))
            .ToString(format, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public override string ToString() => ColumnName;
}
