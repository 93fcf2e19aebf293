"""Frozen dataclasses passed between the indexing stages. No I/O here."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

#: Where a metadata value came from. Every extracted field records one of these.
SOURCES = (
    "manifest",  # corpus/sources.toml
    "front-matter",  # the YAML-style header of a Markdown file
    "html-meta",  # <meta>, JSON-LD, <title>, <link rel=canonical>, <time>
    "text",  # the document's own words
    "url",  # the document's URL (path dates, domain)
    "registry",  # corpus/outlets.toml
    "gazetteer",  # corpus/organizations.toml, corpus/people.toml
    "default",  # nothing said otherwise
)

DOC_TYPES = ("press release", "blog post", "interview", "news article")
PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class SourceFacts:
    """One entry of the corpus manifest: publication facts the text does not carry."""

    title: str | None = None
    original_title: str | None = None
    date: str | None = None  # "2019", "2019-08" or "2019-08-11"
    outlet: str | None = None
    also_in: tuple[str, ...] = ()
    url: str | None = None
    author: str | None = None
    doc_type: str | None = None
    series: str | None = None
    language: str | None = None
    original_language: str | None = None
    translated: bool | None = None


@dataclass(frozen=True)
class RawDocument:
    """A file found in the corpus, read but not yet understood."""

    id: str
    path: str  # relative to the corpus root, with '/' separators
    format: str  # "text" | "html" | "markdown"
    data: bytes | None  # None: not read, unchanged since the last build (corpus.FileState)
    content_hash: str  # of the bytes and the manifest entry
    source: SourceFacts | None = None


@dataclass(frozen=True)
class Removal:
    """A piece of text the cleaner took out, and why."""

    text: str
    reason: str


@dataclass(frozen=True)
class CleanText:
    """Article text for display (original typography) and what was removed to get it."""

    text: str
    removed: tuple[Removal, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines.

    >>> split_paragraphs("a\\nb\\n\\n\\nc")
    ['a\\nb', 'c']
    """
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph in text: text[s:e] is split_paragraphs(text)[i].

    >>> paragraph_spans(" a\\n\\n\\n b ")
    [(1, 2), (6, 7)]
    """
    spans = []
    pos = 0
    for part in text.split("\n\n"):
        start = pos + (len(part) - len(part.lstrip()))
        end = pos + len(part.rstrip())
        if end > start:
            spans.append((start, end))
        pos += len(part) + 2
    return spans


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to a day, a month or a year."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # Raises ValueError for impossible dates such as 2019-02-30.
        dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        """The last day the date can mean."""
        if self.day is not None:
            return self.start
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def isoformat(self) -> str:
        """ISO 8601 truncated to the precision.

        >>> PartialDate(2019, 8).isoformat()
        '2019-08'
        """
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        """Parse "2019", "2019-08" or "2019-08-11".

        >>> PartialDate.parse("2019-08").precision
        'month'
        """
        parts = value.strip().split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
        nums = [int(p) for p in parts]
        return cls(*nums)


@dataclass(frozen=True)
class Entity:
    """An organization or person: a canonical name and the forms seen in the text."""

    name: str
    aliases: tuple[str, ...] = ()
    source: str = "text"


QUOTE_KINDS = ("speech", "written statement", "sign/slogan", "interview answer",
               "interview question")


@dataclass(frozen=True)
class Quote:
    """A quotation in a document and who said it (None: the text does not say)."""

    text: str
    speaker: str | None  # canonical name, as in the document's people or organizations
    speaker_type: str | None  # "person" | "organization"
    affiliation: str | None  # role or organization the text gives the speaker
    kind: str  # one of QUOTE_KINDS
    paragraph: int  # from 1
    start: int  # offsets of the quoted words in the document's body
    end: int

    def to_dict(self) -> dict:
        return {"text": self.text, "speaker": self.speaker, "speaker_type": self.speaker_type,
                "affiliation": self.affiliation, "kind": self.kind,
                "paragraph": self.paragraph, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Document:
    """A corpus document, cleaned and understood: what the index stores."""

    id: str
    path: str
    format: str
    content_hash: str
    body: str  # clean text, original typography, paragraphs separated by blank lines
    title: str | None = None
    original_title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    doc_type: str = "news article"
    date: PartialDate | None = None
    language: str = "und"
    language_confidence: float = 0.0
    paragraph_languages: tuple[str, ...] = ()
    original_language: str | None = None
    translated: bool = False
    organizations: tuple[Entity, ...] = ()
    people: tuple[Entity, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)
    removed: tuple[Removal, ...] = ()
    quotes: tuple[Quote, ...] = ()
    also_in: tuple[str, ...] = ()  # other outlets that published it (the manifest says)
    series: str | None = None  # the series it is part of (the manifest says)

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)

    def to_dict(self) -> dict:
        """The JSON shape of `corpus-search show --json` and `GET /api/documents/<id>`."""
        return {
            "id": self.id,
            "title": self.title,
            "original_title": self.original_title,
            "body": self.body,
            "outlet": self.outlet,
            "also_in": list(self.also_in),
            "series": self.series,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date.precision if self.date else None,
            "language": self.language,
            "language_confidence": self.language_confidence,
            "paragraph_languages": list(self.paragraph_languages),
            "original_language": self.original_language,
            "translated": self.translated,
            "doc_type": self.doc_type,
            "organizations": [e.name for e in self.organizations],
            "people": [e.name for e in self.people],
            "aliases": {e.name: list(e.aliases) for e in (*self.organizations, *self.people)
                        if e.aliases},
            "url": self.url,
            "author": self.author,
            "path": self.path,
            "format": self.format,
            "provenance": dict(self.provenance),
            "removed": [r.text for r in self.removed],
            "removed_reasons": [r.reason for r in self.removed],
            "quotes": [dict(q.to_dict(), id=f"q{n}", translated=self.translated)
                       for n, q in enumerate(self.quotes, 1)],
        }


@dataclass(frozen=True)
class Skipped:
    """A corpus file that did not make it into the index, and why."""

    path: str
    reason: str


@dataclass
class BuildReport:
    """What one `corpus-search index` run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # skipped, their version indexed before kept
    warnings: list[str] = field(default_factory=list)
    rebuilt: bool = False
    seconds: float = 0.0

    @property
    def indexed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged) + len(self.kept)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "removed": self.removed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "kept": self.kept,
            "warnings": self.warnings,
            "rebuilt": self.rebuilt,
            "seconds": round(self.seconds, 3),
        }
