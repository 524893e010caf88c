#!/usr/bin/env python3
"""Growth exponents of FreezeScalingBenchmarks: the least-squares slope of log(mean) over log(threads) per
method and busy/idle mode, from BenchmarkDotNet's CSV report(s), plus the ratio former / new per size.

usage: python3 bench/freeze-exponents.py BenchmarkDotNet.Artifacts/results/*FreezeScalingBenchmarks-report.csv [more.csv ...]
"""
import csv, math, sys
from collections import defaultdict

UNITS = {"ns": 1e-3, "us": 1.0, "μs": 1.0, "ms": 1e3, "s": 1e6}

def micros(text):
    value, unit = text.replace(",", "").split()
    return float(value) * UNITS[unit]

means = defaultdict(dict)  # (method, busy) -> {threads: (mean µs, median µs)}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Mean"] in ("NA", ""):
                continue
            means[(row["Method"], row["Busy"])][int(row["Threads"])] = (micros(row["Mean"]), micros(row["Median"]))

def slope(points):
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)

print("| method | busy | " + " | ".join(f"{n} threads µs (median)" for n in (1, 10, 100, 1000)) + " | exponent (mean) | exponent (median) |")
print("|---|---|" + "---:|" * 6)
for (method, busy), rows in sorted(means.items()):
    cells = [f"{rows[n][0]:,.1f} ({rows[n][1]:,.1f})" if n in rows else "—" for n in (1, 10, 100, 1000)]
    sizes = sorted(rows)
    fit = f"{slope([(n, rows[n][0]) for n in sizes]):.2f}" if len(sizes) > 1 else "—"
    fit_median = f"{slope([(n, rows[n][1]) for n in sizes]):.2f}" if len(sizes) > 1 else "—"
    print(f"| {method} | {busy} | " + " | ".join(cells) + f" | {fit} | {fit_median} |")

print("\n| busy | threads | former freeze / freeze | former thaw / thaw |\n|---|---:|---:|---:|")
for busy in ("True", "False"):
    for n in (1, 10, 100, 1000):
        def ratio(former, new):
            a, b = means.get((former, busy), {}).get(n), means.get((new, busy), {}).get(n)
            return f"{a[0] / b[0]:.1f}×" if a and b else "—"
        if any(n in means.get((m, busy), {}) for m in ("Freeze", "Thaw")):
            print(f"| {busy} | {n} | {ratio('FormerFreeze', 'Freeze')} | {ratio('FormerThaw', 'Thaw')} |")
