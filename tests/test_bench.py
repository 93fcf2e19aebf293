"""The benchmark's own tools: a deterministic, realistic generator and a run that writes
every figure the README reports (at a size small enough for the test suite)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from bench.generate import generate
from bench.measure import percentile
from bench.queries import CLASSES, PER_CLASS, query_mix
from bench.run import HTTP_PER_MIX

from .conftest import REPO


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return generate(40, tmp_path_factory.mktemp("gen") / "n40", seed=3, progress=False)


def test_generation_is_deterministic_and_a_prefix_of_larger_runs(small, tmp_path):
    again = generate(25, tmp_path / "n25", seed=3, progress=False)
    big = sorted(p.relative_to(small) for p in (small / "corpus").rglob("*") if p.is_file())
    little = sorted(p.relative_to(again) for p in (again / "corpus").rglob("*") if p.is_file())
    assert little and set(little) <= set(big)
    for rel in little:
        assert (again / rel).read_bytes() == (small / rel).read_bytes()
    other = generate(25, tmp_path / "seed4", seed=4, progress=False)
    assert (other / "meta.jsonl").read_text() != (again / "meta.jsonl").read_text()


def test_generated_documents_look_like_news(small):
    meta = [json.loads(line) for line in (small / "meta.jsonl").open()]
    assert len(meta) == 40
    assert {m["language"] for m in meta} == {"en", "es"}
    assert {m["format"] for m in meta} == {"html", "text"}
    assert len({m["outlet"] for m in meta}) > 5
    words = [len(m["text"].split()) for m in meta]
    assert 250 < sum(words) / len(words) < 950
    assert all(m["organizations"] and m["date"][:4] in {"2016", "2017", "2018", "2019", "2020"}
               for m in meta)
    quoted = [m for m in meta if m["people"]]
    assert quoted and all(p.split()[-1] in m["text"] for m in quoted for p in m["people"])


def test_the_query_mix_has_every_class(small):
    mix = query_mix(small / "meta.jsonl")
    assert {q.cls for q in mix} == set(CLASSES)
    assert mix == query_mix(small / "meta.jsonl")  # fixed


def test_percentile():
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([5.0], 99) == 5.0


def test_a_small_benchmark_run_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--n", "60", "--http-mixes", "2", "--clients",
         "4", "--data", str(tmp_path / "data"), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = json.loads(out.read_text())["runs"]["60"]
    for side in (run, run["baseline"]):
        assert {"build_s", "build_peak_mb", "incremental_s", "index_mb", "query",
                "http"} <= set(side)
        assert side["build_peak_mb"] > 0 and side["index_mb"] > 0
        assert set(side["query"]) == {*CLASSES, "all"}
        assert all({"median_ms", "p95_ms"} <= set(v) for v in side["query"].values())
        assert side["http"]["errors"] == 0 and side["http"]["rps"] > 0, side["http"]
        # each search of the two mixes sent once (browse's are in both): the same requests
        # in every run, however fast the server answers
        assert side["http"]["requests"] == 2 * HTTP_PER_MIX
        assert side["http"]["distinct"] < 2 * HTTP_PER_MIX
        assert {"p50_ms", "p99_ms"} <= set(side["http"])
        # the server's own CPU per answer (its processes', from /proc): some, and no more
        # than all the machine's cores for the whole load would give each answer
        http = side["http"]
        cores = os.cpu_count() or 1
        assert 0 < http["server_cpu_ms"] <= 1000 * 1.5 * http["seconds"] * cores / http["requests"]
    assert run["documents"] == 60 and run["incremental_updated"] == 1
    assert set(run["ratio"]) == {"build_s", "build_peak_mb", "incremental_s", "index_mb",
                                 "query", "http"}
    assert "full build, s" in proc.stdout  # the table
    from bench.report import markdown

    table = markdown(json.loads(out.read_text())).splitlines()
    assert table[0] == "| figure | ours, 60 | FTS5, 60 |"
    assert any(line.startswith("| HTTP errors | 0 | 0 |") for line in table)
    report = subprocess.run([sys.executable, "-m", "bench.report", str(out)], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert report.returncode == 0 and report.stdout.splitlines() == table
    for bad, says in ((tmp_path / "none.json", "cannot read"),
                      (REPO / "README.md", "is not JSON")):
        report = subprocess.run([sys.executable, "-m", "bench.report", str(bad)], cwd=REPO,
                                capture_output=True, text=True, timeout=60)
        assert report.returncode == 2 and says in report.stderr, report.stderr
        assert "Traceback" not in report.stderr
    # the load test reuses that index: bounded, stops by itself, counts every error
    load = tmp_path / "load.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.load", "--n", "60", "--clients", "4", "--seconds", "2",
         "--data", str(tmp_path / "data"), "--out", str(load)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(load.read_text())
    assert result["errors"] == 0 and result["requests"] > 0 and result["clients"] == 4, result
    assert result["p50_ms"] <= result["p99_ms"]
    # and the query profile reads the same index
    prof = tmp_path / "profile_query.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.profile_query", "--n", "60", "--data",
         str(tmp_path / "data"), "--out", str(prof)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = prof.read_text()
    assert "== term:" in text and "== phrase:" in text and "cumulative" in text


def test_compare_measures_two_checkouts_interleaved(tmp_path, capsys):
    """bench.compare runs the same documents through two checkouts in turn (here this one
    twice) and reports CPU per document and their ratio; a folder that is not a checkout
    is refused."""
    from bench import compare

    generate(30, tmp_path / "n30-s3", seed=3, progress=False)
    compare.main([str(REPO), "--n", "30", "--seed", "3", "--docs", "10", "--rounds", "2",
                  "--data", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    rounds = [line.split() for line in lines[1:3]]
    assert [r[0] for r in rounds] == ["1", "2"]
    assert all(float(x) > 0 for r in rounds for x in r[1:])
    assert lines[-1].startswith("median ratio")
    with pytest.raises(SystemExit):
        compare.main([str(tmp_path), "--data", str(tmp_path)])


def test_compare_queries_runs_the_mix_in_each_checkout(tmp_path, capsys):
    """bench.compare --queries times the query mix on bench.run's index in a process per
    checkout and round (here this one twice) and reports each class and the ratio; with
    no index it says what to run."""
    from bench import compare
    from indexer import build

    data = tmp_path / "n30-s3"
    generate(30, data, seed=3, progress=False)
    args = [str(REPO), "--queries", "--n", "30", "--seed", "3", "--rounds", "2",
            "--data", str(tmp_path)]
    with pytest.raises(SystemExit, match="bench.run"):
        compare.main(args)
    build.build_index(data / "corpus", data / "work" / "index", workers=1)
    compare.main(args)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:-1]] == list(CLASSES)
    assert all(float(line.split()[-1]) > 0 for line in lines[1:-1])
    assert lines[-1].startswith("whole mix (this / other): ")


def test_compare_builds_back_to_back_with_fts5_as_the_control(tmp_path, capsys):
    """--builds times a whole build by each checkout (here this one twice), each after an
    FTS5 build of the same corpus, and reports their ratio."""
    from bench import compare

    generate(30, tmp_path / "n30-s3", seed=3, progress=False)
    compare.main([str(REPO), "--builds", "--n", "30", "--seed", "3", "--data", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "FTS5 build (control)", "this build", "FTS5 build (control)", "other build",
        "FTS5 build (control)", "ratio (this / other, build seconds)"]
    seconds = [float(line.split(": ")[1].split()[0]) for line in lines[:5]]
    assert all(x > 0 for x in seconds)
    assert "peak" in lines[1] and float(lines[1].split("peak ")[1].split()[0]) > 0
    assert float(lines[-1].split(": ")[1]) == pytest.approx(seconds[1] / seconds[3], abs=0.01)


def test_compare_indexes_runs_the_mix_on_both_and_reports_different_totals(tmp_path, capsys):
    """bench.compare_indexes times every query of the mix on two indexes of a corpus and
    names the queries whose totals differ (here: one index lacks a third of the documents);
    a folder that is not an index is refused."""
    from bench import compare_indexes
    from indexer import build

    data = tmp_path / "n30-s3"
    generate(30, data, seed=3, progress=False)
    build.build_index(data / "corpus", tmp_path / "all", workers=1)
    files = sorted(p for p in (data / "corpus").rglob("*") if p.is_file())
    for p in files[::3]:
        p.unlink()
    build.build_index(data / "corpus", tmp_path / "fewer", workers=1)

    compare_indexes.main([str(tmp_path / "all"), str(tmp_path / "all"), "--n", "30",
                          "--seed", "3", "--data", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:-1]] == list(CLASSES)
    assert all(float(line.split()[-1]) > 0 for line in lines[1:-1])
    assert lines[-1] == f"same totals for all {len(CLASSES) * PER_CLASS} queries"

    report = compare_indexes.compare(tmp_path / "all", tmp_path / "fewer", data / "meta.jsonl")
    differ = [line for line in report if line.startswith("different totals")]
    assert differ and all("in the first" in line for line in differ)
    with pytest.raises(SystemExit):
        compare_indexes.main([str(tmp_path), str(tmp_path / "all"), "--n", "30", "--seed", "3",
                              "--data", str(tmp_path)])


def test_server_profile_shares_of_own_code_and_of_the_stack():
    """bench.profile_server's reading of py-spy's raw output: the process frames give the
    processes sampled, the innermost frame a function's own share, any frame its total."""
    from bench.profile_server import read_stacks, report

    raw = ('process 1:"serve";process 2:"serve";run (a.py:3);search (s.py:10);'
           'read (r.py:5) 3\n'
           'process 1:"serve";process 3:"serve";run (a.py:3);search (s.py:12) 1\n'
           'not a stack line\n')
    stacks, processes = read_stacks(raw)
    assert processes == {"process 2", "process 3"}
    assert stacks == {("run (a.py)", "search (s.py)", "read (r.py)"): 3,
                      ("run (a.py)", "search (s.py)"): 1}
    lines = report(stacks, 8, top=5)
    assert lines[0].startswith("4 samples of 8 possible") and "50% of them" in lines[0]
    mine = lines[lines.index("by own code:") + 2:lines.index("by time on the stack:") - 1]
    assert [line.split() for line in mine] == [["75.0", "75.0", "read", "(r.py)"],
                                                ["25.0", "100.0", "search", "(s.py)"]]


def test_server_profile_of_a_small_index(tmp_path):
    """py-spy samples the real server under load and the report names our search code."""
    from bench import profile_server
    from indexer import build

    data = tmp_path / "n30-s3"
    generate(30, data, seed=3, progress=False)
    build.build_index(data / "corpus", data / "work" / "index", workers=1)
    out = tmp_path / "profile.txt"
    profile_server.main(["--n", "30", "--seed", "3", "--data", str(tmp_path), "--seconds", "3",
                         "--clients", "4", "--out", str(out)])
    text = out.read_text()
    assert "0 errors" in text and re.search(r"each of [1-9][0-9]* server processes", text)
    assert "CorpusIndex.search (indexer/search.py)" in text


def test_compare_ranking_times_both_ways_and_finds_the_same_pages(tmp_path, capsys,
                                                                   monkeypatch):
    """bench.compare_ranking ranks every search of the mix by bounds and by scoring every
    match, on bench.run's index of a generated corpus (bounds used from the first document
    here), and finds the same page both ways; no index: it says what to run."""
    from bench import compare_ranking
    from indexer import build, search

    monkeypatch.setattr(search, "BOUNDED_FROM", 0)
    data = tmp_path / "n30-s3"
    generate(30, data, seed=3, progress=False)
    with pytest.raises(SystemExit, match="bench.run --n 30"):
        compare_ranking.main(["--n", "30", "--seed", "3", "--data", str(tmp_path)])
    build.build_index(data / "corpus", data / "work" / "index", workers=1)
    compare_ranking.main(["--n", "30", "--seed", "3", "--data", str(tmp_path), "--rounds", "2"])
    lines = capsys.readouterr().out.splitlines()
    classes = [line.split()[0] for line in lines[1:] if not line.startswith(("phrases", "  "))]
    assert classes[:-1] == [c for c in CLASSES if c != "highlight"]
    assert lines[-1] == "the same page for every query both ways"
    assert search._score_top is not search._score_all and "bounds" in lines[0]


def test_query_stages_share_each_class_time_between_the_stages(tmp_path, capsys):
    """bench.query_stages times the stages of every search of the mix on bench.run's index:
    every class but highlight, each stage timed, the stages together within the search's
    time (none counted twice), and CorpusIndex's own methods back in place afterwards."""
    from bench import query_stages
    from indexer import build
    from indexer.search import CorpusIndex

    own = {name: CorpusIndex.__dict__[name] for name in query_stages.STAGES.values()}
    data = tmp_path / "n30-s3"
    generate(30, data, seed=3, progress=False)
    build.build_index(data / "corpus", data / "work" / "index", workers=1)
    by_class = query_stages.stages(data / "work" / "index", data / "meta.jsonl")
    assert list(by_class) == [c for c in CLASSES if c != "highlight"]
    for cls, spent in by_class.items():
        assert all(spent[stage] > 0 for stage in ("find", "filter", "rank", "facets")), cls
        assert sum(spent[stage] for stage in query_stages.STAGES) <= spent["total"], cls
    assert {name: CorpusIndex.__dict__[name] for name in own} == own

    query_stages.main(["--n", "30", "--seed", "3", "--data", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["class", "ms", *query_stages.STAGES, "rest"]
    assert [line.split()[0] for line in lines[1:]] == list(by_class)


def test_the_http_load_takes_mixes_the_warm_up_does_not():
    from bench.run import HTTP_MIXES, WARM_SEED, _http_seeds

    assert _http_seeds(HTTP_MIXES) == list(range(7, 7 + HTTP_MIXES))
    many = _http_seeds(150)  # past the warm-up's seed
    assert len(set(many)) == 150 and WARM_SEED not in many


def test_a_benchmark_run_refuses_an_empty_http_load(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--n", "60", "--http-mixes", "0",
                           "--data", str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "--http-mixes must be at least 1" in proc.stderr
    assert "Traceback" not in proc.stderr and not any(tmp_path.iterdir())


def test_reuse_build_without_an_earlier_run_says_so_before_building(tmp_path, capsys):
    from bench import run

    with pytest.raises(SystemExit) as stop:
        run.main(["--n", "30", "--reuse-build", "--data", str(tmp_path / "data"),
                  "--out", str(tmp_path / "results.json")])
    assert stop.value.code == 2
    assert "has none for N = 30; give the --out of that run" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # nothing generated, nothing built
