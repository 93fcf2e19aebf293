"""bench/results.json as the Markdown table of the README's "Performance" section.

    python -m bench.report [bench/results.json]

Columns: each N measured, ours and SQLite FTS5 side by side; the last column checks our
figure at the largest N against the project's target.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .queries import CLASSES

REPO = Path(__file__).resolve().parent.parent

# figure -> (how to read it from a run, target at 100,000 documents or None)
TARGETS = {"build_s": 600, "incremental_s": 30, "median_ms": 50, "p95_ms": 150, "rps": 100,
           "server_peak_mb": 1024}


def _q(cls: str, key: str):
    return lambda r: r["query"][cls][key]


ROWS = [
    ("full build, s", lambda r: r["build_s"], "build_s"),
    ("full build, peak MB", lambda r: r["build_peak_mb"], None),
    ("update after 1% of files changed, s", lambda r: r["incremental_s"], "incremental_s"),
    ("index on disk, MB", lambda r: r["index_mb"], None),
    *[(f"{c}: median ms", _q(c, "median_ms"), "median_ms") for c in (*CLASSES, "all")],
    *[(f"{c}: p95 ms", _q(c, "p95_ms"), "p95_ms") for c in (*CLASSES, "all")],
    ("HTTP /api/search, requests/s (16 clients)", lambda r: r["http"]["rps"], "rps"),
    ("HTTP p50 ms", lambda r: r["http"]["p50_ms"], None),
    ("HTTP p99 ms", lambda r: r["http"]["p99_ms"], None),
    ("HTTP errors", lambda r: r["http"]["errors"], None),
    ("server CPU ms per request", lambda r: r["http"].get("server_cpu_ms"), None),
    ("server peak memory (PSS), MB", lambda r: r["http"].get("server_peak_mb"),
     "server_peak_mb"),
    ("server peak memory, anonymous, MB", lambda r: r["http"].get("server_peak_anon_mb"),
     None),
]


def _fmt(x) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"
    return f"{x:,}"


def _meets(key: str | None, x) -> str:
    if key is None or x is None or key not in TARGETS:
        return ""
    target = TARGETS[key]
    ok = x >= target if key == "rps" else x <= target
    sign = "≥" if key == "rps" else "≤"
    return f"{'yes' if ok else '**no**'} ({sign} {target:,})"


def markdown(results: dict) -> str:
    runs = sorted(results["runs"].items(), key=lambda kv: int(kv[0]))
    head = ["figure"]
    for n, _ in runs:
        head += [f"ours, {int(n):,}", f"FTS5, {int(n):,}"]
    targets = int(runs[-1][0]) >= 100_000
    if targets:
        head.append(f"target met at {int(runs[-1][0]):,}?")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, get, key in ROWS:
        cells = [label]
        for _, run in runs:
            for side in (run, run.get("baseline", {})):
                try:
                    cells.append(_fmt(get(side)))
                except (KeyError, TypeError):
                    cells.append("–")
        try:
            last = get(runs[-1][1])
        except (KeyError, TypeError):
            last = None
        if targets:
            cells.append(_meets(key, last))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("results", nargs="?", type=Path, default=REPO / "bench" / "results.json",
                   help="a results file of bench.run (default: bench/results.json)")
    a = p.parse_args(argv)
    try:
        results = json.loads(a.results.read_text())
    except OSError as e:
        p.error(f"cannot read {a.results}: {e.strerror}")
    except json.JSONDecodeError as e:
        p.error(f"{a.results} is not JSON: {e}")
    print(markdown(results))


if __name__ == "__main__":
    main()
