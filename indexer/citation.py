"""Citations of a document: plain text, BibTeX and CSL-JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

from .language import language_name
from .models import Document, PartialDate

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_CSL_TYPES = {"news article": "article-newspaper", "blog post": "post-weblog",
              "interview": "interview", "press release": "report"}


def human_date(d: PartialDate | None) -> str:
    """A date as a person writes it, to its precision.

    >>> human_date(PartialDate(2019, 8)), human_date(PartialDate(2019, 8, 11))
    ('August 2019', '11 August 2019')
    """
    if d is None:
        return "n.d."
    if d.day:
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    if d.month:
        return f"{_MONTHS[d.month - 1]} {d.year}"
    return str(d.year)


def plain(doc: Document, accessed: dt.date) -> str:
    """Author. "Title." Outlet, date. URL. Accessed date.

    >>> from indexer.models import Document, PartialDate
    >>> d = Document(id="x", path="x.txt", format="text", content_hash="", body="",
    ...              title="Workers strike", outlet="The Herald", date=PartialDate(2019, 8))
    >>> plain(d, dt.date(2026, 11, 22))
    '"Workers strike." The Herald, August 2019. Accessed 22 November 2026.'
    """
    parts = []
    if doc.author:
        parts.append(f"{doc.author.rstrip('.')}.")
    parts.append(f"\u201c{doc.title or doc.id}.\u201d".replace("\u201c", '"').replace(
        "\u201d", '"'))
    where = ", ".join(x for x in (doc.outlet, human_date(doc.date)) if x)
    parts.append(f"{where}.")
    if doc.translated:
        src = language_name(doc.original_language) or "another language"
        parts.append(f"Translated from {src}.")
    if doc.url:
        parts.append(f"{doc.url}.")
    on = PartialDate(accessed.year, accessed.month, accessed.day)
    parts.append(f"Accessed {human_date(on)}.")
    return " ".join(parts)


def _bibtex_escape(s: str) -> str:
    s = s.replace("\\", r"\textbackslash{}")
    s = re.sub(r"([{}&%$#_])", r"\\\1", s)
    return s.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def bibtex_key(doc: Document) -> str:
    """A citation key: outlet word, year, first title word (ASCII)."""
    def word(s: str | None) -> str:
        s = unicodedata.normalize("NFKD", s or "")
        s = "".join(c for c in s if c.isascii() and c.isalnum() or c == " ")
        for w in s.split():
            if len(w) > 3 and w.lower() not in ("the", "with", "from", "that", "this"):
                return w.lower()
        return s.split()[0].lower() if s.split() else ""

    year = str(doc.date.year) if doc.date else "nd"
    return "".join(x for x in (word(doc.outlet) or "doc", year, word(doc.title)) if x)


def bibtex(doc: Document, accessed: dt.date) -> str:
    """A BibTeX @article (or @misc for press releases and blog posts)."""
    kind = "article" if doc.doc_type in ("news article", "interview") else "misc"
    fields: list[tuple[str, str]] = [("title", doc.title or doc.id)]
    if doc.author:
        fields.append(("author", " and ".join(a.strip() for a in doc.author.split(","))))
    if doc.outlet:
        fields.append(("journal" if kind == "article" else "howpublished", doc.outlet))
    if doc.date:
        fields.append(("year", str(doc.date.year)))
        if doc.date.month:
            fields.append(("month", ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                     "sep", "oct", "nov", "dec")[doc.date.month - 1]))
        if doc.date.day:
            fields.append(("day", str(doc.date.day)))
    if doc.url:
        fields.append(("url", doc.url))
    fields.append(("urldate", accessed.isoformat()))
    notes = []
    if doc.translated:
        src = language_name(doc.original_language) or "another language"
        notes.append(f"Translated from {src}")
    if doc.original_title:
        notes.append(f"Original title: {doc.original_title}")
    if notes:
        fields.append(("note", ". ".join(notes)))
    body = ",\n".join(
        f"  {k} = {{{v if k in ('url', 'month') else _bibtex_escape(v)}}}" for k, v in fields)
    return f"@{kind}{{{bibtex_key(doc)},\n{body}\n}}"


def csl_json(doc: Document, accessed: dt.date) -> str:
    """CSL-JSON (what Zotero and citeproc read)."""
    item: dict = {"id": doc.id, "type": _CSL_TYPES.get(doc.doc_type, "article"),
                  "title": doc.title or doc.id}
    if doc.author:
        item["author"] = [{"literal": a.strip()} for a in doc.author.split(",")]
    if doc.outlet:
        item["container-title"] = doc.outlet
    if doc.date:
        item["issued"] = {"date-parts": [[x for x in (doc.date.year, doc.date.month,
                                                       doc.date.day) if x]]}
    if doc.url:
        item["URL"] = doc.url
    item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    item["language"] = doc.language
    if doc.translated:
        item["note"] = (f"Translated from "
                        f"{language_name(doc.original_language) or 'another language'}")
        if doc.original_title:
            item["original-title"] = doc.original_title
    return json.dumps([item], ensure_ascii=False, indent=2)


def citations(doc: Document, accessed: dt.date | None = None) -> dict[str, str]:
    """All three forms, keyed plain / bibtex / csl."""
    accessed = accessed or dt.date.today()
    return {"plain": plain(doc, accessed), "bibtex": bibtex(doc, accessed),
            "csl": csl_json(doc, accessed)}


def quote_citation(speaker: str | None, affiliation: str | None, text: str, title: str | None,
                   outlet: str | None, date: PartialDate | None, url: str | None,
                   translated: bool = False, original_language: str | None = None) -> str:
    """Who said it, in which article, where and when.

    >>> quote_citation("Ana Gil", "an organizer", "We stay.", "Workers strike", "The Herald",
    ...                PartialDate(2019, 8, 11), "https://herald.example/a")
    'Ana Gil (an organizer), quoted in "Workers strike." The Herald, 11 August 2019. https://herald.example/a.'
    """
    who = speaker or "Unnamed speaker"
    if affiliation:
        who += f" ({affiliation})"
    parts = [f'{who}, quoted in "{title or "untitled"}."']
    parts.append(", ".join(x for x in (outlet, human_date(date)) if x) + ".")
    if translated:
        src = language_name(original_language) or "another language"
        parts.append(f"Quoted in translation from {src}; not the speaker's own words.")
    if url:
        parts.append(f"{url}.")
    return " ".join(parts)
