"""The corpus-search command: help, output, JSON shapes, one-line errors."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from indexer.cli import main

from .conftest import write_corpus


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_has_help(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    commands = list(main.commands)
    assert {"index", "show", "stats", "evaluate", "search"} <= set(commands)
    for name in commands:
        sub = runner.invoke(main, [name, "--help"])
        assert sub.exit_code == 0 and "Usage:" in sub.output, name


def test_index_prints_a_summary_and_progress(runner, tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {
        "a.txt": "A Headline Here\n\nThe body of the article says something, at length.",
        "bad.txt": b"%PDF-1.5",
    })
    result = runner.invoke(main, ["index", "--corpus", str(corpus_dir), "--index",
                                  str(tmp_path / "i")])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 documents" in result.output
    assert "1 added, 0 updated, 0 unchanged, 0 removed, 1 skipped" in result.output
    assert "skipped bad.txt: binary file (PDF)" in result.output
    assert "Indexing: 2/2 files (100%)" in result.stderr
    # a document that turns bad keeps its indexed version, and the summary counts it
    (corpus_dir / "a.txt").write_bytes(b"%PDF-1.5")
    again = runner.invoke(main, ["index", "--corpus", str(corpus_dir), "--index",
                                 str(tmp_path / "i")])
    assert "Indexed 1 documents" in again.output
    assert "2 skipped (1 of them kept as indexed before)." in again.output


def test_index_json_report(runner, tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": "Body text of the article here."})
    result = runner.invoke(main, ["index", "--corpus", str(corpus_dir), "--index",
                                  str(tmp_path / "i"), "--json"])
    report = json.loads(result.stdout)
    assert report["added"] == ["a"] and report["skipped"] == [] and report["rebuilt"] is True


SHOW_KEYS = {"id", "title", "body", "outlet", "date", "date_precision", "language",
             "language_confidence", "original_language", "translated", "doc_type",
             "organizations", "people", "url", "author", "provenance", "removed"}


def test_show_json_has_every_documented_key(runner, corpus_index):
    result = runner.invoke(main, ["show", "003_bf74998e5c9b8689", "--index", str(corpus_index),
                                  "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert SHOW_KEYS <= set(data)
    assert (data["date"], data["date_precision"]) == ("2019-11-25", "day")
    assert (data["translated"], data["original_language"]) == (True, "es")
    assert data["provenance"]["outlet"] == "manifest"
    assert "Please enter your comment!" in data["removed"]


def test_show_month_precision_date_is_truncated(runner, corpus_index):
    data = json.loads(runner.invoke(main, ["show", "004_3ef628bc7d8abaa3", "--index",
                                           str(corpus_index), "--json"]).output)
    assert (data["date"], data["date_precision"]) == ("2019-08", "month")


def test_show_text_output(runner, corpus_index):
    result = runner.invoke(main, ["show", "003_bf74998e5c9b8689", "--index", str(corpus_index)])
    assert result.exit_code == 0
    assert "Translated from: Spanish" in result.output
    assert "Removed by the cleaner" in result.output and "[comment form]" in result.output


def test_stats(runner, corpus_index):
    data = json.loads(runner.invoke(main, ["stats", "--index", str(corpus_index),
                                           "--json"]).output)
    assert data["documents"] == 5
    assert data["by_language"] == {"en": 5}
    assert data["by_outlet"]["Newsweek"] == 1
    assert data["by_year"] == {"2018": 2, "2019": 3}
    assert data["translated"] == 1 and data["index_bytes"] > 0
    text = runner.invoke(main, ["stats", "--index", str(corpus_index)]).output
    assert "5 documents, 1 translated" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "x", "--index", "/nonexistent"],
         "Error: no index in /nonexistent; build it with: corpus-search index --index "
         "/nonexistent"),
        (["stats", "--index", "/nonexistent"], "Error: no index in /nonexistent"),
        (["index", "--corpus", "/nonexistent"], "Error: corpus folder /nonexistent does not exist"),
    ],
)
def test_errors_are_one_line_without_traceback(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_document(runner, corpus_index):
    result = runner.invoke(main, ["show", "nope", "--index", str(corpus_index)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no document with id 'nope'")


def test_arguments_that_are_not_utf8_are_an_error_not_a_traceback(runner, corpus_index):
    """A shell passes bytes; Python reads those that are not UTF-8 as lone surrogates."""
    for command in ("search", "quotes"):
        result = runner.invoke(main, [command, "\udcff*", "--index", str(corpus_index)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("Error: the query holds bytes that are not UTF-8")
    result = runner.invoke(main, ["show", "\udcff", "--index", str(corpus_index)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no document with id '\\udcff'")


def test_bad_manifest_is_an_error_naming_the_file(runner, tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": "Text.", "sources.toml": "[a]\nx = 1\n"})
    result = runner.invoke(main, ["index", "--corpus", str(corpus_dir), "--index",
                                  str(tmp_path / "i")])
    assert result.exit_code == 1
    assert "sources.toml" in result.stderr and "unknown key(s) x" in result.stderr


# --------------------------------------------------------------------------- search

HIT_KEYS = {"id", "title", "outlet", "date", "date_precision", "language", "original_language",
            "translated", "doc_type", "organizations", "url", "score", "snippets"}


def test_search_json_shape(runner, corpus_index):
    result = runner.invoke(main, ["search", '"deportation machine"', "--index",
                                  str(corpus_index), "--json", "--per-page", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"query", "parsed_query", "total", "page", "per_page", "hits", "facets",
            "suggestion"} <= set(data)
    assert data["query"] == '"deportation machine"' and data["per_page"] == 2
    assert HIT_KEYS <= set(data["hits"][0])
    assert set(data["facets"]) >= {"outlet", "organization", "language", "year", "doc_type"}
    assert {"value", "count", "selected"} == set(data["facets"]["outlet"][0])
    assert "<mark>deportation machine</mark>" in " ".join(data["hits"][0]["snippets"])


def test_search_filters_on_the_command_line(runner, corpus_index):
    data = json.loads(runner.invoke(main, [
        "search", "Amazon", "--outlet", "Newsweek", "--outlet", "La Opinión", "--from", "2019",
        "--to", "2019-12", "--sort", "oldest", "--index", str(corpus_index), "--json"]).output)
    assert [h["outlet"] for h in data["hits"]] == ["Newsweek", "La Opinión"]
    assert data["filters"] == {"outlet": ["Newsweek", "La Opinión"], "from": "2019",
                               "to": "2019-12"}


def test_search_terminal_output(runner, corpus_index):
    result = runner.invoke(main, ["search", "Palantri", "--index", str(corpus_index)])
    assert result.exit_code == 0
    assert "0 documents" in result.output and "Did you mean: palantir?" in result.output
    result = runner.invoke(main, ["search", "Palantir", "--index", str(corpus_index)])
    assert "Palantir" in result.output and "<mark>" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--page", "0"], "Error: page must be a positive integer, not 0"),
        (["--per-page", "1000"], "Error: per_page must be an integer from 1 to 100, not 1000"),
        (["--from", "yesterday"], "Error: from must be a date written 2019, 2019-08 or "
                                  "2019-08-11, not 'yesterday'"),
        (["--sort", "best"], "Error: sort must be one of relevance, newest, oldest, not 'best'"),
        (["--type", "op-ed"], "Error: type must be one of"),
    ],
)
def test_search_bad_parameters_exit_2(runner, corpus_index, args, message):
    result = runner.invoke(main, ["search", "x", "--index", str(corpus_index), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    # with --json, the error as the HTTP API gives it too, on standard output
    result = runner.invoke(main, ["search", "x", "--index", str(corpus_index), "--json", *args])
    assert result.exit_code == 2 and result.stderr.startswith(message)
    error = json.loads(result.stdout)["error"]
    assert message == "Error: " + error["message"][:len(message) - 7]
    assert error["parameter"] == args[0].lstrip("-").replace("-", "_")


@pytest.mark.parametrize("command", [["search", "x"], ["quotes", "x"], ["stats"],
                                     ["show", "nope"]])
def test_json_commands_give_errors_as_json(runner, command):
    result = runner.invoke(main, [*command, "--index", "/nonexistent", "--json"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: no index in /nonexistent")
    assert json.loads(result.stdout) == {"error": {"message": result.stderr[7:].strip()}}


# --------------------------------------------------------------------------- serve


def test_serve_runs_a_real_server(corpus_index):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from .conftest import REPO

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--port", str(port),
                             "--index", str(corpus_index)], cwd=REPO,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=Amazon",
                                            timeout=2) as r:
                    data = json.loads(r.read())
                    server = r.headers.get("Server")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert data["total"] == 5
        assert server == "corpus-search"  # waitress, not Flask's development server
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "Serving corpus search on http://127.0.0.1:" in proc.stderr.read()


def test_serve_with_several_processes_replaces_a_dead_one_and_stops_them_all(corpus_index):
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from .conftest import REPO

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--port", str(port),
                             "--index", str(corpus_index), "--processes", "2"], cwd=REPO,
                            stderr=subprocess.PIPE, text=True)

    def children() -> list[int]:
        path = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def total() -> int:
        url = f"http://127.0.0.1:{port}/api/search?q=Amazon"
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.loads(r.read())["total"]

    try:
        deadline = time.monotonic() + 30
        while len(children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        first = children()
        assert len(first) == 2
        while True:
            try:
                assert total() == 5
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        os.kill(first[0], signal.SIGKILL)
        while (len(children()) < 2 or first[0] in children()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(children()) == 2 and first[0] not in children()  # replaced
        assert all(total() == 5 for _ in range(20))
        survivors = children()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    time.sleep(0.5)
    assert not [p for p in survivors if Path(f"/proc/{p}").exists()]  # none left behind
    assert "server process" in proc.stderr.read()
