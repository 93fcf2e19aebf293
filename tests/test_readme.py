"""The README's examples run as written."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex

from click.testing import CliRunner

from indexer.cli import main

from .conftest import REPO


def run_example(code: str, corpus_index) -> str:
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(corpus_index.parent)  # the example opens "index"
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    return out.getvalue()


def test_python_example_runs(corpus_index):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"### From a script\n\n```python\n(.*?)```", readme, re.S)
    text = run_example(code, corpus_index)
    assert re.search(r"^\d+ documents; understood as", text, re.M)
    assert "<mark>deportation machine</mark>" in text
    assert "matches, first in paragraph" in text


def test_quotations_example_runs(corpus_index):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quotations\n", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    lines = run_example(code, corpus_index).splitlines()
    assert lines and all(line.startswith("Cata Santiago ") for line in lines)


def test_quotations_shell_examples_run(corpus_index):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quotations\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(corpus-search quotes.*?)```", section, re.S)
    for line in block.splitlines():
        args = shlex.split(line.split("  #", 1)[0])[1:]
        result = CliRunner().invoke(main, [*args, "--index", str(corpus_index)])
        assert result.exit_code == 0, (line, result.output)
        if "--json" in args:
            assert json.loads(result.output)["total"] > 0, line
        else:
            assert re.match(r"[1-9][\d,]* quotations?\b", result.output), (line, result.output)


def test_readme_names_the_two_commands_and_ci_runs_make_test():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()
