"""The benchmark: build, update, query and serve N generated documents with our engine and
with SQLite FTS5, side by side.

    python -m bench.run --n 1000 10000 100000     # what `make bench` runs
    python -m bench.run --n 1000                  # a quick one (`make bench N=1000`)

For each N: a full build (time, peak memory of the process tree), an incremental update
after 1% of the files changed, the index size, the latency of the query mix (bench/queries.py,
one process, median and p95 per class; each query runs once, after a warm-up on other
queries, so no result comes from a cache), and /api/search under load (16 clients on
127.0.0.1, closed loop, sending the 2,000 searches of 20 other mixes once each: the same
requests in every run) with the server's CPU an answer and peak memory.
Results go to bench/results.json and a table on stdout; generated corpora are kept in
bench/data/ (not committed) and reused. `--reuse-build` measures queries and HTTP again on
the indexes of the last run and keeps its build figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import baseline, queries
from .generate import generate
from .measure import (
    cpu_info,
    directory_mb,
    free_port,
    http_load,
    run_measured,
    summary_ms,
    wait_for_http,
)

REPO = Path(__file__).resolve().parent.parent
CHANGED_SHARE = 0.01
# Every measured query runs once, after a warm-up on *other* queries: the OS cache, facet
# tables and stem caches are warm, but no measured query's result is cached already.
WARM_SEED = 99
HTTP_FIRST_SEED = 7  # the load: the searches of HTTP_MIXES mixes from this seed on
HTTP_MIXES = 20  # (2,000 requests, each sent once; browse's 20 are in every mix)
HTTP_PER_MIX = queries.PER_CLASS * (len(queries.CLASSES) - 1)  # every class but highlight


def _log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- corpus changes


def _changed_ids(meta: Path) -> list[dict]:
    docs = [json.loads(line) for line in meta.open(encoding="utf-8")]
    step = round(1 / CHANGED_SHARE)
    return docs[::step]


def change_files(corpus: Path, docs: list[dict]) -> dict[Path, bytes]:
    """Append a correction to each file (1% of the corpus); the originals, to restore."""
    originals = {}
    for d in docs:
        path = corpus / d["path"]
        originals[path] = path.read_bytes()
        text = originals[path].decode("utf-8")
        note = ("Corrección: una versión anterior de este artículo daba una fecha equivocada."
                if d["language"] == "es" else
                "Correction: an earlier version of this article gave the wrong date.")
        if path.suffix == ".html":
            text = text.replace("</article>", f"<p>{note}</p>\n</article>")
        else:
            text = text.rstrip("\n") + f"\n\n{note}\n"
        path.write_text(text, encoding="utf-8")
    return originals


# --------------------------------------------------------------------------- ours


def _http_seeds(mixes: int) -> list[int]:
    """The seeds of the load's `mixes` mixes: from HTTP_FIRST_SEED on, the warm-up's left out.

    >>> _http_seeds(3), len(_http_seeds(100)), WARM_SEED in _http_seeds(100)
    ([7, 8, 9], 100, False)
    """
    return [s for s in range(HTTP_FIRST_SEED, HTTP_FIRST_SEED + mixes + 1)
            if s != WARM_SEED][:mixes]


def _http_urls(meta: Path, mixes: int = HTTP_MIXES) -> tuple[list[str], list[str]]:
    """URLs to warm the server with, and the URLs of the load (those of `mixes` mixes, not
    the warm one's)."""
    def urls(seed: int) -> list[str]:
        return [q.url() for q in queries.query_mix(meta, seed) if q.cls != "highlight"]

    return urls(WARM_SEED), [u for seed in _http_seeds(mixes) for u in urls(seed)]


def ours(data: Path, corpus: Path, mix: list[queries.Query], workers: int | None,
         http_mixes: int, clients: int, reuse: dict | None = None) -> dict:
    """Our engine. reuse: the build figures of an earlier run on the same index, which is
    then measured again without being rebuilt."""
    from indexer import CorpusIndex, gcpolicy
    from indexer.build import current_generation

    index = data / "work" / "index"
    if reuse is not None:
        _log("ours: reusing the index and build figures of the run finished at "
             f"{reuse.get('finished')}")
        built = {k: reuse[k] for k in ("build_s", "build_peak_mb", "build_report_s",
                                       "skipped", "incremental_s", "incremental_peak_mb",
                                       "incremental_updated")}
        built["build_measured"] = reuse.get("build_measured", reuse.get("finished"))
    else:
        built = _build_ours(data, corpus, index, workers)
        built["build_measured"] = dt.datetime.now().isoformat(timespec="seconds")
    size = directory_mb(current_generation(index))
    warm = queries.query_mix(data / "meta.jsonl", WARM_SEED)

    _log("ours: query mix")
    timings: dict[str, list[float]] = {c: [] for c in queries.CLASSES}
    with CorpusIndex(index) as ix:
        ix.warm()
        with gcpolicy.serving():  # the collector as the server sets it
            for q in warm:
                time_query(ix, q)
            for q in mix:
                timings[q.cls].append(time_query(ix, q)[0])
        docs = len(ix)
    query = {c: summary_ms(v) for c, v in timings.items()}
    query["all"] = summary_ms([x for v in timings.values() for x in v])

    _log(f"ours: /api/search, {clients} clients, the searches of {http_mixes} mixes once")
    http = load_ours(index, data / "meta.jsonl", clients, None, mixes=http_mixes)
    return {"documents": docs, **built, "index_mb": size, "query": query, "http": http}


def time_query(ix, q: queries.Query) -> tuple[float, int]:
    """Seconds to answer q on CorpusIndex ix as /api/search does (a highlight query: to
    highlight the full text of its first page's hits), and the search's total."""
    from indexer import make_query

    kwargs = {"q": q.text, "outlet": [q.outlet] if q.outlet else (),
              "lang": [q.lang] if q.lang else ()}
    if q.year:
        kwargs.update(date_from=str(q.year), date_to=str(q.year))
    if q.cls != "highlight":
        t = time.perf_counter()
        result = ix.search(make_query(**kwargs))
        return time.perf_counter() - t, result.total
    result = ix.search(make_query(**kwargs))
    t = time.perf_counter()
    for h in result.hits:
        ix.highlight_document(ix.document(h.id), q.text)
    return time.perf_counter() - t, result.total


def load_ours(index: Path, meta: Path, clients: int, seconds: float | None,
              during: Callable[[int], Callable[[], None]] | None = None,
              mixes: int = HTTP_MIXES) -> dict:
    """/api/search of `corpus-search serve` (default processes and threads) under load: see
    _serve_and_load."""
    return _serve_and_load(lambda port: [sys.executable, "-m", "indexer", "serve", "--index",
                                         str(index), "--port", str(port)],
                           meta, clients, seconds, during, mixes)


def _serve_and_load(command, meta: Path, clients: int, seconds: float | None,
                    during: Callable[[int], Callable[[], None]] | None = None,
                    mixes: int = HTTP_MIXES) -> dict:
    """Start the server command(port), load /api/search with a closed loop of `clients`
    after warming every thread on other queries (the warm mix's, once each), stop the
    server. The load: the searches of `mixes` mixes, each sent once (seconds None: the
    benchmark's), or cycled over for `seconds`. during(server pid), when given, is called
    as the measured load starts; what it returns, once the load is over."""
    port = free_port()
    server = subprocess.Popen(command(port), cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/api/search?q=amazon")
        warm_urls, urls = _http_urls(meta, mixes)
        http_load(base, warm_urls, clients)
        after = during(server.pid) if during else None
        try:
            return http_load(base, urls, clients, seconds, server_pid=server.pid)
        finally:
            if after:
                after()
    finally:
        server.terminate()
        server.wait()


def build_command(corpus: Path, index: Path, workers: int | None) -> list[str]:
    """Our full build of corpus into index, as the benchmark times it."""
    return [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index",
            str(index), "--rebuild", "--json"] + (["--workers", str(workers)] if workers else [])


def fts5_build_command(corpus: Path, meta: Path, db: Path) -> list[str]:
    """The SQLite FTS5 baseline's build of corpus into db."""
    return [sys.executable, "-m", "bench.baseline", "build", str(corpus), str(meta), str(db)]


def _build_ours(data: Path, corpus: Path, index: Path, workers: int | None) -> dict:
    cmd = build_command(corpus, index, workers)
    _log(f"ours: full build of {corpus}")
    full = run_measured(cmd, cwd=REPO)
    if full.returncode:
        raise RuntimeError(f"build failed: {full.stderr[-2000:]}")
    report = json.loads(full.stdout)
    changed = _changed_ids(data / "meta.jsonl")
    originals = change_files(corpus, changed)
    (data / "DIRTY").write_text("files changed by a benchmark run\n")
    try:
        _log(f"ours: incremental update, {len(changed)} files changed")
        inc = run_measured([c for c in cmd if c != "--rebuild"], cwd=REPO)
        if inc.returncode:
            raise RuntimeError(f"update failed: {inc.stderr[-2000:]}")
        inc_report = json.loads(inc.stdout)
    finally:
        for path, content in originals.items():
            path.write_bytes(content)
        (data / "DIRTY").unlink()
    return {"build_s": full.seconds, "build_peak_mb": full.peak_mb,
            "build_report_s": report["seconds"], "skipped": len(report["skipped"]),
            "incremental_s": inc.seconds, "incremental_peak_mb": inc.peak_mb,
            "incremental_updated": len(inc_report["updated"])}


# --------------------------------------------------------------------------- baseline


def fts5(data: Path, corpus: Path, mix: list[queries.Query], http_mixes: int,
         clients: int) -> dict:
    db = data / "work" / "fts5.db"
    meta = data / "meta.jsonl"
    _log("baseline: SQLite FTS5 build")
    full = run_measured(fts5_build_command(corpus, meta, db), cwd=REPO)
    if full.returncode:
        raise RuntimeError(full.stderr[-2000:])
    changed = _changed_ids(meta)
    originals = change_files(corpus, changed)
    (data / "DIRTY").write_text("files changed by a benchmark run\n")
    try:
        inc = run_measured([sys.executable, "-m", "bench.baseline", "update", str(corpus),
                            str(meta), str(db), *[d["id"] for d in changed]], cwd=REPO)
    finally:
        for path, content in originals.items():
            path.write_bytes(content)
        (data / "DIRTY").unlink()
    size = round(db.stat().st_size / 2**20, 1)

    _log("baseline: query mix")
    s = baseline.Searcher(db)

    def one(q: queries.Query) -> float:
        match = baseline.fts_query(q.terms, q.cls) if q.terms else None
        if q.cls != "highlight":
            t = time.perf_counter()
            s.search(match, q.outlet, q.lang, q.year)
            return time.perf_counter() - t
        rowids = s.top_rowids(match)
        t = time.perf_counter()
        s.highlight(rowids)
        return time.perf_counter() - t

    timings: dict[str, list[float]] = {c: [] for c in queries.CLASSES}
    for q in queries.query_mix(meta, WARM_SEED):
        one(q)
    for q in mix:
        timings[q.cls].append(one(q))
    query = {c: summary_ms(v) for c, v in timings.items()}
    query["all"] = summary_ms([x for v in timings.values() for x in v])

    _log(f"baseline: /api/search, {clients} clients, the searches of {http_mixes} mixes once")
    http = _serve_and_load(lambda port: [sys.executable, "-m", "bench.baseline", "serve",
                                         str(db), str(port)], meta, clients, None, None,
                           http_mixes)
    return {"build_s": full.seconds, "build_peak_mb": full.peak_mb,
            "incremental_s": inc.seconds, "incremental_peak_mb": inc.peak_mb,
            "index_mb": size, "query": query, "http": http}


# --------------------------------------------------------------------------- report


def _ratio(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _ratio(a[k], b[k]) for k in a if k in b and _ratio(a[k], b[k]) is not None}
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b and \
            not isinstance(a, bool):
        return round(a / b, 2)
    return None


def table(results: dict) -> str:
    lines = []
    for n, r in results["runs"].items():
        o, b = r, r["baseline"]
        lines.append(f"\nN = {int(n):,} documents (ours / SQLite FTS5 / ratio)")
        rows = [("full build, s", o["build_s"], b["build_s"]),
                ("full build peak, MB", o["build_peak_mb"], b["build_peak_mb"]),
                ("update 1% of files, s", o["incremental_s"], b["incremental_s"]),
                ("index size, MB", o["index_mb"], b["index_mb"])]
        for c in [*queries.CLASSES, "all"]:
            rows.append((f"{c}: median / p95 ms",
                         f"{o['query'][c]['median_ms']} / {o['query'][c]['p95_ms']}",
                         f"{b['query'][c]['median_ms']} / {b['query'][c]['p95_ms']}"))
        rows += [("HTTP /api/search, req/s", o["http"]["rps"], b["http"]["rps"]),
                 ("HTTP p50 / p99 ms", f"{o['http']['p50_ms']} / {o['http']['p99_ms']}",
                  f"{b['http']['p50_ms']} / {b['http']['p99_ms']}"),
                 ("HTTP errors", o["http"]["errors"], b["http"]["errors"]),
                 ("server CPU ms per request", o["http"].get("server_cpu_ms"),
                  b["http"].get("server_cpu_ms")),
                 ("server peak memory, MB", o["http"].get("server_peak_mb"),
                  b["http"].get("server_peak_mb"))]
        for label, x, y in rows:
            ratio = _ratio(x, y)
            lines.append(f"  {label:28s} {x!s:>16} {y!s:>16} {'' if ratio is None else ratio:>7}")
    return "\n".join(lines)


def index_arguments(p: argparse.ArgumentParser) -> None:
    """--n, --seed, --data: which of bench.run's indexes a script works on (built_index)."""
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", type=Path, default=REPO / "bench" / "data")


def built_index(data_root: Path, n: int, seed: int) -> tuple[Path, Path]:
    """The data folder and the index bench.run built there for N; exits saying what to run
    when there is none."""
    data = data_root / f"n{n}-s{seed}"
    index = data / "work" / "index"
    if not (index / "CURRENT").exists():
        sys.exit(f"no index in {index}: run `python -m bench.run --n {n}` first")
    return data, index


def _commit() -> str | None:
    """The code measured: the checkout's commit, with '+changes' if it has uncommitted ones."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--",
                                ".", ":!bench/*.json", ":!bench/*.txt"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, nargs="+", default=[1000, 10_000, 100_000])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=None, help="index workers (default: CPUs)")
    p.add_argument("--http-mixes", type=int, default=HTTP_MIXES,
                   help="the HTTP load: the searches of this many query mixes, each sent "
                        f"once (default {HTTP_MIXES}: {HTTP_MIXES * HTTP_PER_MIX:,} "
                        "requests)")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--reuse-build", action="store_true",
                   help="measure queries and HTTP again on the indexes of the last run, "
                        "keeping its build figures (no rebuild)")
    a = p.parse_args(argv)
    if a.http_mixes < 1:
        p.error("--http-mixes must be at least 1")

    results = {"machine": {**cpu_info(), "python": platform.python_version(),
                           "sqlite": __import__("sqlite3").sqlite_version,
                           "platform": platform.platform()},
               "started": dt.datetime.now().isoformat(timespec="seconds"),
               "command": "python -m bench.run " + " ".join(sys.argv[1:] if argv is None
                                                            else argv),
               "runs": {}}
    if a.out.exists():  # keep the other sizes of an earlier run
        try:
            results["runs"] = json.loads(a.out.read_text()).get("runs", {})
        except ValueError:
            pass
    missing = [n for n in a.n if str(n) not in results["runs"]] if a.reuse_build else []
    if missing:  # (it would build them again, taking an hour at 100,000, and say so only then)
        p.error(f"--reuse-build keeps the build figures of the last run in {a.out}, which has "
                f"none for N = {', '.join(map(str, missing))}; give the --out of that run")
    for n in a.n:
        data = a.data / f"n{n}-s{a.seed}"
        if (data / "DIRTY").exists():  # an interrupted run left changed files: start over
            (data / "COMPLETE").unlink(missing_ok=True)
            (data / "DIRTY").unlink()
        _log(f"corpus of {n:,} documents in {data}")
        generate(n, data, a.seed)
        corpus = data / "corpus"
        mix = queries.query_mix(data / "meta.jsonl")
        queries.save(mix, data / "queries.json")
        (data / "work").mkdir(exist_ok=True)
        earlier = results["runs"].get(str(n))
        reuse = earlier if a.reuse_build and earlier and (
            data / "work" / "index" / "CURRENT").exists() else None
        run = ours(data, corpus, mix, a.workers, a.http_mixes, a.clients, reuse)
        if not a.no_baseline:
            run["baseline"] = fts5(data, corpus, mix, a.http_mixes, a.clients)
            run["ratio"] = {k: _ratio(run[k], run["baseline"][k]) for k in
                            ("build_s", "build_peak_mb", "incremental_s", "index_mb", "query",
                             "http")}
        run["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        run["commit"] = _commit()
        results["runs"][str(n)] = run
        a.out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
        _log(f"wrote {a.out}")
    if not a.no_baseline:
        print(table({"runs": {k: v for k, v in results["runs"].items() if "baseline" in v}}))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
