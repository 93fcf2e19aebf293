"""The README's examples run as written."""

from __future__ import annotations

import contextlib
import io
import os
import re

from .conftest import REPO


def test_python_example_runs(corpus_index):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"### From a script\n\n```python\n(.*?)```", readme, re.S)
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(corpus_index.parent)  # the example opens "index"
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    text = out.getvalue()
    assert re.search(r"^\d+ documents; understood as", text, re.M)
    assert "<mark>deportation machine</mark>" in text
    assert "matches, first in paragraph" in text


def test_readme_names_the_two_commands_and_ci_runs_make_test():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()
