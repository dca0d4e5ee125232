#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) of the Ferry benchmarks into the Markdown tables of README.md:
one row per benchmark and parameter set, Ferry against Jetty, with the 99.9% error bars JMH reports and
the allocation per operation from -prof gc; the diagnostic variants (ferryUnlocked: no handle lock;
ferryUnfused: the calls of spec 8.1 only, without the fused calls) get a column each when present.
Usage: jmh-table.py results/run.json"""
import json
import sys


def key(entry):
    name = entry["benchmark"].rsplit(".", 2)
    params = entry.get("params", {})
    return name[-2], tuple(sorted(params.items())), name[-1]


def fmt(value):
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def main(path):
    runs = {}
    for entry in json.load(open(path)):
        bench, params, side = key(entry)
        primary = entry["primaryMetric"]
        alloc = entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        runs.setdefault((bench, params), {})[side] = (primary["score"], primary["scoreError"], alloc)
    current = None
    for (bench, params), sides in sorted(runs.items()):
        if "ferry" not in sides and "jetty" not in sides:
            # A Ferry-only benchmark (IdleWakeBenchmark): one row per method.
            if bench != current:
                current = bench
                print(f"\n**{bench}** (ops/s, ± 99.9% error; B/op = gc.alloc.rate.norm)\n")
                print("| " + "".join(k + " | " for k, _ in params) + "method | ops/s | B/op |")
                print("|" + "---|" * len(params) + "---|---:|---:|")
            for side, (score, error, alloc) in sorted(sides.items()):
                print("| " + "".join(v + " | " for _, v in params) + f"{side} | {fmt(score)} ± {fmt(error)} | {fmt(alloc)} |")
            continue
        if bench != current:
            current = bench
            print(f"\n**{bench}** (ops/s, ± 99.9% error; B/op = gc.alloc.rate.norm)\n")
            diagnostics = [d for d in ("ferryUnlocked", "ferryUnfused") if d in sides]
            titles = {"ferryUnlocked": " Ferry without lock ops/s (diagnostic) |",
                      "ferryUnfused": " Ferry unfused ops/s (diagnostic) | unfused / Jetty |"}
            extra = "".join(titles[d] for d in diagnostics)
            print("| " + " | ".join(k for k, _ in params) + " | Ferry ops/s | Jetty ops/s | Ferry / Jetty | Ferry B/op | Jetty B/op |" + extra)
            print("|" + "---|" * len(params) + "---:|---:|---:|---:|---:|"
                  + "".join("---:|" if d == "ferryUnlocked" else "---:|---:|" for d in diagnostics))
        ferry = sides.get("ferry", (float("nan"),) * 3)
        jetty = sides.get("jetty", (float("nan"),) * 3)
        ratio = ferry[0] / jetty[0] if jetty[0] else float("nan")
        cells = [v for _, v in params]
        cells += [f"{fmt(ferry[0])} ± {fmt(ferry[1])}", f"{fmt(jetty[0])} ± {fmt(jetty[1])}", f"**{ratio:.2f}**",
                  fmt(ferry[2]), fmt(jetty[2])]
        for d in diagnostics:
            u = sides.get(d, (float("nan"),) * 3)
            cells.append(f"{fmt(u[0])} ± {fmt(u[1])}")
            if d == "ferryUnfused":
                cells.append(f"{u[0] / jetty[0]:.2f}" if jetty[0] else "n/a")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
