"""Two indexes of the same corpus, the query mix interleaved: what a change to the index
files (not to the code) does to queries.

    cp -al bench/data/n100000-s1/work/index/gen-000005 /tmp/old/   # keep the one to beat
    echo gen-000005 > /tmp/old/CURRENT
    ...rebuild with the change (bench.run --n 100000)...
    python -m bench.compare_indexes /tmp/old bench/data/n100000-s1/work/index [--n 100000]

This checkout's code searches both in one process: every query of the mix (bench/queries.py,
as bench.run measures it) on one index then the other, the order alternating, after a
warm-up of each on other queries. Prints per class the median / p95 ms of each and the
ratio of their summed time (second / first), then any query whose total differs: indexes
of the same documents must give the same totals.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import queries
from .measure import summary_ms
from .run import WARM_SEED, index_arguments, time_query


def compare(first: Path, second: Path, meta: Path, seed: int = 7) -> list[str]:
    """The report's lines."""
    from indexer import CorpusIndex

    mix = queries.query_mix(meta, seed)
    times: dict[str, dict[str, list[float]]] = {"first": {}, "second": {}}
    differ = []
    with CorpusIndex(first) as a, CorpusIndex(second) as b:
        both = {"first": a, "second": b}
        for q in queries.query_mix(meta, WARM_SEED):
            for ix in both.values():
                time_query(ix, q)
        for i, q in enumerate(mix):
            totals = {}
            for name in (("first", "second") if i % 2 else ("second", "first")):
                seconds, totals[name] = time_query(both[name], q)
                times[name].setdefault(q.cls, []).append(seconds)
            if totals["first"] != totals["second"]:
                differ.append(f"different totals: {q.cls} {q.text!r}: {totals['first']:,} "
                              f"in the first, {totals['second']:,} in the second")
    lines = [f"{'class':16} {'first: median / p95 ms':>24} {'second: median / p95 ms':>25} "
             f"{'ratio':>6}"]
    for cls in times["first"]:
        one, two = times["first"][cls], times["second"][cls]
        a, b = summary_ms(one), summary_ms(two)
        lines.append(f"{cls:16} {a['median_ms']:>12.1f} / {a['p95_ms']:>7.1f}"
                     f" {b['median_ms']:>13.1f} / {b['p95_ms']:>7.1f} {sum(two) / sum(one):>6.2f}")
    return lines + (differ or [f"same totals for all {len(mix)} queries"])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("first", type=Path, help="an index folder (with its CURRENT file)")
    p.add_argument("second", type=Path, help="another index folder of the same corpus")
    index_arguments(p)  # the generated corpus both index
    a = p.parse_args(argv)
    meta = a.data / f"n{a.n}-s{a.seed}" / "meta.jsonl"
    for folder in (a.first, a.second):
        if not (folder / "CURRENT").is_file():
            p.error(f"{folder} is not an index folder (it has no CURRENT file)")
    if not meta.is_file():
        p.error(f"no generated corpus of {a.n} documents in {meta.parent}")
    print("\n".join(compare(a.first, a.second, meta)))


if __name__ == "__main__":
    main()
