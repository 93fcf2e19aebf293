"""Where query time goes at N documents: cProfile of cold searches through the Python API.

    python -m bench.profile_query [--n 100000] [--top 25]

Runs the first query of each class of the benchmark's mix once (after one warm-up search
that builds the per-index tables), profiled, and writes the report to bench/profile_query.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from pathlib import Path

from . import queries
from .run import built_index, index_arguments

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    index_arguments(p)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "profile_query.txt")
    a = p.parse_args(argv)

    from indexer import CorpusIndex, make_query

    data, index = built_index(a.data, a.n, a.seed)
    ix = CorpusIndex(index)
    t = time.perf_counter()
    ix.search(make_query(q="amazon"))
    lines = [f"{a.n:,} documents; first search (builds the per-index tables): "
             f"{time.perf_counter() - t:.2f} s", ""]
    seen: set[str] = set()
    for q in queries.query_mix(data / "meta.jsonl"):
        if q.cls in seen or q.cls == "highlight":
            continue
        seen.add(q.cls)
        kwargs = {"q": q.text, "outlet": [q.outlet] if q.outlet else (),
                  "lang": [q.lang] if q.lang else ()}
        if q.year:
            kwargs.update(date_from=str(q.year), date_to=str(q.year))
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        total = ix.search(make_query(**kwargs)).total
        prof.disable()
        took = time.perf_counter() - t
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(a.top)
        lines += [f"== {q.cls}: {kwargs} -> {total:,} hits in {took * 1000:.0f} ms "
                  f"(under the profiler)", out.getvalue()]
    a.out.write_text("\n".join(lines))
    print("\n".join(line for line in lines if line.startswith(("==", f"{a.n:,}"))))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
