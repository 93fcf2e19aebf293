"""Two versions of the indexer, interleaved: CPU per document to prepare and write.

    git worktree add /tmp/before <commit>
    python -m bench.compare /tmp/before [--n 100000] [--docs 600] [--rounds 3] [--data DIR]
    python -m bench.compare /tmp/before --builds [--n 100000] [--workers W]
    python -m bench.compare /tmp/before --queries [--n 100000] [--rounds 3]

This machine's speed drifts (by half at times, for minutes), so a version measured now
and another measured an hour ago say little. This runs the same documents (spread over
the generated corpus of N) through `build.prepare` and `indexer/writer.py` in a fresh
process per measurement, alternating the other checkout and this one, and prints each
pair's CPU milliseconds per document and the median ratio (this one / the other).

--queries: the query mix instead (bench/queries.py, as bench.run measures it, highlights
included), on bench.run's index for N: a fresh process per round and checkout, alternating,
each warmed up as bench.run does (CorpusIndex.warm, then other queries); prints per class
the median / p95 ms of each (the least of its rounds per query) and the ratio of their
summed time (this / other). The index must be one both versions read (the same schema
version).

--builds: whole builds instead (`python -m indexer index --rebuild`, measured as
bench.run measures them: wall time and peak memory), this checkout then the other, each
preceded and the last followed by an SQLite FTS5 build of the same corpus, whose code does
not change between them: a machine that slowed down shows there. At 100,000 documents
this takes about an hour.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import queries
from .generate import generate
from .measure import run_measured, summary_ms
from .run import WARM_SEED, build_command, fts5_build_command

REPO = Path(__file__).resolve().parent.parent

# Run with PYTHONPATH set to one checkout: prints "prepare write" CPU ms per document.
_MEASURE = """
import sys, tempfile, shutil, time
from pathlib import Path
from whoosh import index as wi
from indexer import build, corpus, schema, writer
root, count = Path(sys.argv[1]), int(sys.argv[2])
resources, manifest = corpus.load_resources(root), corpus.load_manifest(root)
paths = corpus.walk(root)
picked = paths[::max(1, len(paths) // count)][:count]
raws = list(corpus.iter_corpus(root, manifest, paths=picked))
folder = tempfile.mkdtemp()
try:
    w = writer.SegmentWriter(wi.create_in(folder, schema.build_schema()), _lk=False,
                             compound=False)
    t0 = time.process_time()
    for raw in raws:
        for fields in schema.record_fields(build.prepare(raw, resources)):
            w.add_document(**fields)
    t1 = time.process_time()
    w._finalize_segment()
    t2 = time.process_time()
finally:
    shutil.rmtree(folder)
print((t1 - t0) / len(raws) * 1000, (t2 - t1) / len(raws) * 1000)
"""


def measure(checkout: Path, corpus: Path, docs: int) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"}
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(corpus), str(docs)],
                         capture_output=True, text=True, env=env, cwd=checkout, check=True)
    prepare, write = out.stdout.split()
    return float(prepare), float(write)


def build_seconds(checkout: Path, data: Path, out: Path, workers: int | None
                  ) -> tuple[float, float]:
    """(seconds, peak MB) of a full build of data's corpus by the indexer of `checkout`."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    run = run_measured(build_command(data / "corpus", out, workers), cwd=checkout, env=env)
    shutil.rmtree(out, ignore_errors=True)
    if run.returncode != 0:
        raise SystemExit(f"the build by {checkout} failed:\n{run.stderr[-2000:]}")
    return run.seconds, run.peak_mb


def fts5_seconds(data: Path, work: Path) -> float:
    """Seconds of an SQLite FTS5 build of data's corpus (the control)."""
    db = work / "fts5.db"
    db.unlink(missing_ok=True)
    run = run_measured(fts5_build_command(data / "corpus", data / "meta.jsonl", db), cwd=REPO)
    db.unlink(missing_ok=True)
    if run.returncode != 0:
        raise SystemExit(f"the FTS5 build failed:\n{run.stderr[-2000:]}")
    return run.seconds


# Run with PYTHONPATH set to one checkout: prints {class: [seconds per query]} as JSON.
_QUERIES = """
import json, sys, time
from indexer import CorpusIndex, make_query
index, warm, mix = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
def timed(ix, q):
    kwargs = {"q": q["text"], "outlet": [q["outlet"]] if q["outlet"] else (),
              "lang": [q["lang"]] if q["lang"] else ()}
    if q["year"]:
        kwargs.update(date_from=str(q["year"]), date_to=str(q["year"]))
    if q["cls"] != "highlight":
        t = time.perf_counter()
        ix.search(make_query(**kwargs))
        return time.perf_counter() - t
    result = ix.search(make_query(**kwargs))
    t = time.perf_counter()
    for h in result.hits:
        ix.highlight_document(ix.document(h.id), q["text"])
    return time.perf_counter() - t
try:  # the collector as this checkout's server sets it, if it does
    from indexer.gcpolicy import serving
except ImportError:
    from contextlib import nullcontext as serving
out = {}
with CorpusIndex(index) as ix, serving():
    ix.warm()  # (as bench.run and the server do)
    for q in warm:
        timed(ix, q)
    for q in mix:
        out.setdefault(q["cls"], []).append(timed(ix, q))
print(json.dumps(out))
"""


def query_times(checkout: Path, index: Path, warm: Path, mix: Path) -> dict[str, list[float]]:
    """Seconds per query of the mix, by class, searched by checkout's code."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", _QUERIES, str(index), str(warm), str(mix)],
                          cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def compare_queries(other: Path, data: Path, rounds: int) -> list[str]:
    """The report's lines: the query mix searched by each checkout in turn."""
    index = data / "work" / "index"
    if not (index / "CURRENT").exists():
        sys.exit(f"no index in {index}: run `python -m bench.run --n ...` first")
    work = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    try:
        warm, mix = work / "warm.json", work / "mix.json"
        queries.save(queries.query_mix(data / "meta.jsonl", WARM_SEED), warm)
        queries.save(queries.query_mix(data / "meta.jsonl"), mix)
        best: dict[str, dict[str, list[float]]] = {}
        for k in range(rounds):
            for name, checkout in (("this", REPO), ("other", other))[::1 if k % 2 else -1]:
                times = query_times(checkout, index, warm, mix)
                kept = best.setdefault(name, times)
                for cls, seconds in times.items():
                    kept[cls] = [min(x, y) for x, y in zip(kept[cls], seconds, strict=True)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"{'class':16} {'other: median / p95 ms':>24} {'this: median / p95 ms':>23} "
             f"{'ratio':>6}"]
    for cls, one in best["other"].items():
        two = best["this"][cls]
        a, b = summary_ms(one), summary_ms(two)
        lines.append(f"{cls:16} {a['median_ms']:>12.1f} / {a['p95_ms']:>7.1f}"
                     f" {b['median_ms']:>11.1f} / {b['p95_ms']:>7.1f} {sum(two) / sum(one):>6.2f}")
    every = [sum(v) for v in best["this"].values()], [sum(v) for v in best["other"].values()]
    return lines + [f"whole mix (this / other): {sum(every[0]) / sum(every[1]):.2f}"]


def compare_builds(other: Path, data: Path, workers: int | None) -> None:
    """This checkout's full build, then the other's, with FTS5 builds around them."""
    work = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    try:
        print(f"FTS5 build (control): {fts5_seconds(data, work):.1f} s", flush=True)
        this = build_seconds(REPO, data, work / "this", workers)
        print(f"this build: {this[0]:.2f} s, peak {this[1]:.0f} MB", flush=True)
        print(f"FTS5 build (control): {fts5_seconds(data, work):.1f} s", flush=True)
        before = build_seconds(other, data, work / "other", workers)
        print(f"other build: {before[0]:.2f} s, peak {before[1]:.0f} MB", flush=True)
        print(f"FTS5 build (control): {fts5_seconds(data, work):.1f} s", flush=True)
        print(f"ratio (this / other, build seconds): {this[0] / before[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("other", type=Path, help="the other checkout (a git worktree)")
    p.add_argument("--n", type=int, default=100_000, help="generated corpus to take from")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--docs", type=int, default=600)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    p.add_argument("--builds", action="store_true",
                   help="whole builds, back to back, with FTS5 builds as the control")
    p.add_argument("--workers", type=int, default=None, help="index workers (--builds)")
    p.add_argument("--queries", action="store_true",
                   help="the query mix on bench.run's index for N, each checkout in turn")
    a = p.parse_args(argv)
    if not (a.other / "indexer" / "build.py").is_file():
        p.error(f"{a.other} is not a checkout of this project")
    data = generate(a.n, a.data / f"n{a.n}-s{a.seed}", a.seed)
    if a.builds:
        compare_builds(a.other.resolve(), data, a.workers)
        return
    if a.queries:
        print("\n".join(compare_queries(a.other.resolve(), data, max(1, a.rounds))))
        return
    ratios = []
    print("round   other: prepare+add  write    this: prepare+add  write   this/other")
    for k in range(a.rounds):
        before = measure(a.other.resolve(), data / "corpus", a.docs)
        after = measure(REPO, data / "corpus", a.docs)
        ratios.append(sum(after) / sum(before))
        print(f"{k + 1:5d}   {before[0]:17.2f} {before[1]:6.2f}   {after[0]:16.2f} "
              f"{after[1]:6.2f}   {ratios[-1]:10.2f}")
    print(f"median ratio (this / other, CPU per document): {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
