"""Text helpers: the fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from indexer.textutil import fold, straight_quotes, strip_accents

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
