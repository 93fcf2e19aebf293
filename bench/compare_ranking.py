"""Ranking by score bounds against scoring every match, the query mix interleaved, on one
index: what indexer.search._score_top saves, and what it costs where it does not pay.

    python -m bench.compare_ranking [--n 100000] [--rounds 3]

One process searches bench.run's index for N: every query of the mix (bench/queries.py) with
the page ranked by bounds, then by scoring every match (_score_all), the order alternating,
`rounds` times each, after a warm-up on other queries. Before each search the cached document
sets of its words and phrases are dropped, so each search finds them again, as bench.run's
single cold run of a query does (filters and facet tables stay warm, as there). Times are the
process's CPU time, which the machine's other work moves less than the wall clock. Prints per
class the median / p95 ms of each way (the least of its rounds per query), the ratio of their
sums (bounds / all), and the phrases that moved most; any query whose page differs between
the two ways is an error.
"""

from __future__ import annotations

import argparse
import statistics
import time

from . import queries
from .run import WARM_SEED, built_index, index_arguments


def _cold(ix) -> None:
    """Drop the cached document sets of words and phrases (not those of filters)."""
    for data in ix._datas.values():
        with data._lock:
            for key in [k for k in data._sets if k.startswith(("phrase:", "text:"))]:
                data._cached -= len(data._sets.pop(key))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def compare(index, meta, rounds: int, seed: int = 7) -> list[str]:
    """The report's lines."""
    from indexer import CorpusIndex, make_query, search

    bounded = search._score_top
    ways = {"bounds": bounded,
            "all": lambda s, q, docs, limit: search._score_all(s, q, docs, limit)}
    times: dict[str, dict[str, list[float]]] = {"bounds": {}, "all": {}}
    moved = []
    differ = []
    try:
        with CorpusIndex(index) as ix:
            for q in queries.query_mix(meta, WARM_SEED):
                ix.search(make_query(q=q.text))
            for i, q in enumerate(queries.query_mix(meta, seed)):
                if q.cls == "highlight":  # (the same search as another class's)
                    continue
                kwargs = {"q": q.text, "outlet": [q.outlet] if q.outlet else (),
                          "lang": [q.lang] if q.lang else ()}
                if q.year:
                    kwargs.update(date_from=str(q.year), date_to=str(q.year))
                sq = make_query(**kwargs)
                best = {"bounds": float("inf"), "all": float("inf")}
                pages = {}
                for r in range(rounds):
                    order = ("bounds", "all") if (i + r) % 2 else ("all", "bounds")
                    for way in order:
                        search._score_top = ways[way]
                        _cold(ix)
                        t = time.process_time()
                        result = ix.search(sq)
                        best[way] = min(best[way], time.process_time() - t)
                        pages[way] = [(h.id, h.score) for h in result.hits], result.total
                for way, seconds in best.items():
                    times[way].setdefault(q.cls, []).append(seconds)
                if pages["bounds"] != pages["all"]:
                    differ.append(f"different pages: {q.cls} {q.text!r}")
                if q.cls.startswith("phrase"):
                    moved.append((best["bounds"] - best["all"], q, best, pages["all"][1]))
    finally:
        search._score_top = bounded
    lines = [f"{'class':16} {'bounds: median / p95 ms':>24} {'all: median / p95 ms':>22} "
             f"{'ratio':>6}"]
    for cls in times["all"]:
        one, two = times["bounds"][cls], times["all"][cls]
        lines.append(f"{cls:16} {statistics.median(one) * 1000:>12.1f} / {_p95(one) * 1000:>7.1f}"
                     f" {statistics.median(two) * 1000:>11.1f} / {_p95(two) * 1000:>7.1f}"
                     f" {sum(one) / sum(two):>6.2f}")
    moved.sort(key=lambda m: m[0])
    lines.append("phrases that moved most (bounds - all, ms):")
    for delta, q, best, total in moved[:4] + moved[-4:]:
        lines.append(f"  {delta * 1000:+7.1f}  {best['all'] * 1000:6.1f} -> "
                     f"{best['bounds'] * 1000:6.1f}  {total:>7,} hits  {q.cls}: {q.text}")
    return lines + (differ or ["the same page for every query both ways"])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    index_arguments(p)
    p.add_argument("--rounds", type=int, default=3, help="searches of each query each way")
    a = p.parse_args(argv)
    data, index = built_index(a.data, a.n, a.seed)
    print("\n".join(compare(index, data / "meta.jsonl", max(1, a.rounds))))


if __name__ == "__main__":
    main()
