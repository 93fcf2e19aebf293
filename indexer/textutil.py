"""Small text helpers shared by the stages: accent folding and comparison keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: titles whose period ends no sentence: "said Mr. Reeves", "la Sra. Gil", "Sen. Lund"
#: ("Jr.", "St." do end sentences often: "Martin Luther King Jr. Ana Gil …")
TITLE_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Mx Dr Drs Rev Sen Rep Gov Gen Lt Col Sgt Capt Cmdr Adm Prof Sr Sra Srta Dra "
    "Lic Ing Hon Pres Supt Det Insp Ald Cllr Mme Mlle Msgr Mons".split())


def translator(table: dict[int, str | None]):
    """str.translate(table) as a function, faster on text that is not all ASCII.

    str.translate looks every character of such text up in the table (~65 ns each); a
    regular expression finds the few that are in it. ASCII text keeps str.translate, which
    CPython runs from a 128-entry cache. Each value must be a string or None.

    >>> translator(str.maketrans({"’": "'", "·": None}))("l’a·b")
    "l'ab"
    """
    table = dict(table)
    by_char = {chr(k): v or "" for k, v in table.items()}
    keys = re.compile("[" + "".join(re.escape(c) for c in sorted(by_char)) + "]")

    def replace(m: re.Match) -> str:
        return by_char[m.group()]

    def translate(text: str) -> str:
        if text.isascii():
            return text.translate(table)
        return keys.sub(replace, text)

    return translate


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_straight = translator(_QUOTES)


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
    return _straight(s)


#: Scripts written without spaces between words: Chinese characters, Japanese kana (full and
#: half width), as a regex character class's contents.
UNSPACED_SCRIPTS = ("\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
                    "\U00020000-\U0002fa1f")
#: Average characters a word of those scripts (two in Chinese; kana words are longer).
UNSPACED_WORD = 2
#: a run of those scripts' characters
UNSPACED_RUN = re.compile(f"[{UNSPACED_SCRIPTS}]+")
_PSEUDO_WORD = re.compile(rf"[^\s{UNSPACED_SCRIPTS}]+|[{UNSPACED_SCRIPTS}]{{1,{UNSPACED_WORD}}}")


def words(line: str) -> list[re.Match]:
    """The words of a line, split at whitespace; a run of an unspaced script (which has no
    spaces between its words) counts as a word every UNSPACED_WORD characters. For rules
    that count words ("a headline has at least three", "cut after twenty") and must hold in
    every script.

    >>> [m.group() for m in words("Dock workers strike")]
    ['Dock', 'workers', 'strike']
    >>> [m.group() for m in words("港口工人罢工 2019")]
    ['港口', '工人', '罢工', '2019']
    """
    return list(_PSEUDO_WORD.finditer(line))


def squash(s: str) -> str:
    """Runs of whitespace to one space, none at the ends: re.sub(r"\\s+", " ", s).strip(),
    at the speed of str.split (both take whitespace as str.isspace does).

    >>> squash("  a\\u00a0 b\\n\\tc ")
    'a b c'
    """
    return " ".join(s.split())


def fold(s: str) -> str:
    """Case-, accent-, typography- and spacing-insensitive form for comparisons.

    >>> fold("  EL PAÍS ")
    'el pais'
    """
    if not s.isascii():
        s = straight_quotes(unicodedata.normalize("NFKD", s))
        s = _NON_ASCII.sub(_drop_marks, s)
    return squash(s).lower()


@lru_cache(maxsize=1 << 12)
def compiled(pattern: str, flags: int = 0) -> re.Pattern:
    """re.compile, cached: for patterns made from a document's names. There are more of
    those in a corpus than re's own cache holds (512 patterns), and overflowing it makes re
    compile every pattern passed to re.search and the like again."""
    return re.compile(pattern, flags)


@lru_cache(maxsize=1 << 16)  # names recur: each is looked up many times per document
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


#: Month and weekday names (lower case, without accents) -> number, in the languages the
#: dates are read in: metadata reads dates with them, clean recognises timestamps.
MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "marco": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "dezembro": 12,
    # German
    "januar": 1, "februar": 2, "marz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5,
    "domingo": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
    "dimanche": 6,
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
    "sonntag": 6,
}
