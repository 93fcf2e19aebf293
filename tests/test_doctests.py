"""The examples in the modules' docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import indexer
import search_ui

MODULES = sorted(
    info.name
    for package in (indexer, search_ui)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if not info.name.endswith(".__main__")  # importing it runs the CLI
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"


def test_the_examples_are_found():
    examples = sum(len(test.examples) for n in MODULES
                   for test in doctest.DocTestFinder().find(importlib.import_module(n)))
    assert examples > 40
