"""Small text helpers shared by the stages: accent folding and comparison keys."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


def strip_accents(s: str) -> str:
    """Remove combining marks.

    >>> strip_accents("Clérigos Zúñiga")
    'Clerigos Zuniga'
    """
    if s.isascii():  # most text: nothing to do, and this runs on every line of every document
        return s
    return _NON_ASCII.sub(_drop_marks, unicodedata.normalize("NFD", s))


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_marks(m: re.Match) -> str:
    return "".join(c for c in m.group() if unicodedata.category(c) != "Mn")


def straight_quotes(s: str) -> str:
    """Curly quotes and guillemets to straight ones (same length).

    >>> straight_quotes("“We won’t”")
    '"We won\\'t"'
    """
    return s.translate(_QUOTES)


def fold(s: str) -> str:
    """Case-, accent-, typography- and spacing-insensitive form for comparisons.

    >>> fold("  EL PAÍS ")
    'el pais'
    """
    if not s.isascii():
        s = straight_quotes(unicodedata.normalize("NFKD", s))
        s = _NON_ASCII.sub(_drop_marks, s)
    return re.sub(r"\s+", " ", s).strip().lower()


def name_key(name: str) -> str:
    """Identity key of a name: folded, leading article and punctuation dropped.

    >>> name_key("The Seattle Times") == name_key("seattle times")
    True
    """
    k = fold(name)
    k = re.sub(r"^(the|la|el|los|las|le|les|die|der|das)\s+", "", k)
    return re.sub(r"[^\w&]+", " ", k).strip()


def fold_same_length(text: str) -> str:
    """Lower-case, accents and curly apostrophes off, one character for one (offsets hold).

    >>> fold_same_length("Clérigos’ ÉXITO")
    "clerigos' exito"
    """
    out = []
    for c in text:
        if c.isascii():
            out.append(c.lower())
            continue
        base = unicodedata.normalize("NFD", c)[0].lower()
        out.append(base if len(base) == 1 else c)
    return "".join(out).replace("’", "'").replace("‘", "'")
