"""Text helpers: the fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from indexer.clean import _INDEX_MAP, _INVISIBLE
from indexer.textutil import _QUOTES, fold, squash, straight_quotes, strip_accents, translator

TEXT = st.text(st.one_of(st.characters(), st.sampled_from(list("aeioun AEIOUN\u0301\u0303“”’«"))),
               max_size=40)


def _reference_strip(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def _reference_fold(s: str) -> str:
    s = straight_quotes(unicodedata.normalize("NFKD", s))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", s).strip().lower()


@given(TEXT)
def test_strip_accents_is_nfd_without_combining_marks(s):
    assert strip_accents(s) == _reference_strip(s)


@given(TEXT)
def test_fold_is_nfkd_straight_quotes_no_marks_one_space_lower(s):
    assert fold(s) == _reference_fold(s)


TABLES = {
    "quotes": _QUOTES,
    "index": _INDEX_MAP,
    "invisible": _INVISIBLE,
    "mixed": str.maketrans({"`": "'", "é": "e", "\u200b": None, "]": "-", "\\": "/"}),
}


@given(st.sampled_from(sorted(TABLES)), st.data())
def test_translator_is_str_translate(name, data):
    table = TABLES[name]
    keys = [chr(k) for k in table]
    s = data.draw(st.text(st.one_of(st.characters(), st.sampled_from(keys + list("ab ’\n"))),
                          max_size=60))
    assert translator(table)(s) == s.translate(table)


def test_squash_takes_whitespace_as_regular_expressions_do():
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert bool(re.fullmatch(r"\s", ch)) == ch.isspace(), hex(code)


@given(st.text(st.one_of(st.characters(), st.sampled_from(list(" \t\n\u00a0\u2009\u3000ab")))))
def test_squash_is_whitespace_runs_to_one_space_stripped(s):
    assert squash(s) == re.sub(r"\s+", " ", s).strip()


def test_the_index_map_turns_only_whitespace_into_spaces():
    """So squashing before or after normalize_for_index gives the same text (queries are
    normalised that way round)."""
    assert all(chr(k).isspace() for k, v in _INDEX_MAP.items() if v == " ")
