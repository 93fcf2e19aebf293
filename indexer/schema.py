"""The ONLY place that knows the index's field names and analyzers.

Text is indexed per language: each paragraph goes to the field of its detected language
(`text_en`, `text_es`, ...), analysed with that language's stemmer, and every paragraph also
goes to `text_exact` (no stemming) for verbatim checks. All text fields fold accents and case,
so `Clerigos` finds `Clérigos` in either mode.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
)
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema
from whoosh.formats import Positions
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from .clean import normalize_for_index
from .models import Document, Entity, PartialDate, Quote, Removal
from .textutil import UNSPACED_SCRIPTS

#: Bump when fields or analysis change: an index with another version is rebuilt.
SCHEMA_VERSION = 12

#: Languages with their own stemmed field; other languages go to the unstemmed `text_xx`.
STEMMED_LANGUAGES = ("en", "es", "fr", "de", "pt")
OTHER = "xx"
TITLE_BOOST = 2.0

# A character of a script written without spaces (Chinese, Japanese) is a token of its own,
# so a word in them is found as the phrase of its characters (text fields turn a query word of
# several tokens into a phrase), which is exact wherever the word stands; a whole clause as
# one token would find nothing.
_WORD_CHAR = rf"[^\W{UNSPACED_SCRIPTS}]"
# Words, numbers, and dotted abbreviations (U.S.); '#' and '@' are not part of a token, so
# "#NoTech4ICE" and "NoTech4ICE" are the same term. Words come first in the alternation:
# most text has no character of the unspaced scripts, and the regex engine tries in order.
TOKEN_PATTERN = rf"{_WORD_CHAR}+(?:\.?{_WORD_CHAR}+)*|[{UNSPACED_SCRIPTS}]"


def analyzer(language: str | None = None):
    """Tokenize, lower-case, fold accents, then stem for `language` (None: no stemming).

    Folding before stemming keeps accented and unaccented spellings on the same stem.

    >>> [t.text for t in analyzer("es")("Clérigos y laicos")]
    ['clerig', 'y', 'laic']
    >>> [t.text for t in analyzer()("Clérigos y laicos")]
    ['clerigos', 'y', 'laicos']
    >>> [t.text for t in analyzer()("亚马逊员工 protest")]
    ['亚', '马', '逊', '员', '工', 'protest']
    """
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
    if language:
        chain = chain | StemFilter(lang=language, cachesize=100000)
    return chain


TOKEN_RE = re.compile(TOKEN_PATTERN)
_TERM_CACHE_SIZE = 200_000  # words per language
_term_caches: dict[str | None, tuple[Callable[[str], str] | None, dict[str, str]]] = {}


def terms_of(tokens: list[str], language: str | None) -> list[str]:
    """The terms `analyzer(language)` makes of `tokens` (what TOKEN_RE finds), several times
    faster than the analyzer: a dictionary lookup each (in C) once a word has been seen.
    tests/test_search.py holds the two together. Highlighting and the index writer
    (indexer/writer.py) analyse every paragraph, and the same words come back again and again.

    >>> terms_of(["Los", "Trabajadores"], "es")
    ['los', 'trabaj']
    """
    entry = _term_caches.get(language)
    if entry is None:
        stem = stemmer_for_language(language) if language else None
        entry = _term_caches[language] = (stem, {})
    stem, cache = entry
    terms = list(map(cache.get, tokens))
    if None in terms:
        if len(cache) > _TERM_CACHE_SIZE:
            cache.clear()
        for i, (term, token) in enumerate(zip(terms, tokens, strict=True)):
            if term is None:
                term = cache.get(token)  # a word seen earlier in this text
                if term is None:
                    term = token.lower().translate(accent_map)
                    term = cache[token] = stem(term) if stem else term
                terms[i] = term
    return terms


#: Between the two words of a pair term (no token holds a space).
PAIR_SEPARATOR = " "


class CommonPairFilter(Filter):
    """Each two adjacent words of which at least one is in `common`, as one token: its
    text the two terms joined by PAIR_SEPARATOR, its position the first word's.

    A phrase of words that are each in most documents ("of the", "que le") has a few
    documents, but finding them from the words' postings means reading the positions of
    every document that has all the words. A "common-grams" field (as Lucene's
    CommonGramsFilter) holds those pairs as terms, with their positions, so that a phrase
    reads the postings of its pairs instead: exactly the documents the words' postings give,
    as a phrase's common words are each next to a word in it. Pairs of two uncommon words
    are left out: their words' postings are short already.

    >>> [(t.text, t.pos) for t in pair_analyzer("en")("The family they love", positions=True)]
    [('the famili', 0), ('famili they', 1), ('they love', 2)]
    """

    def __init__(self, common: frozenset[str]) -> None:
        self.common = common

    def __call__(self, tokens):
        common = self.common
        prev, prev_pos = None, None
        for i, t in enumerate(tokens):
            text, pos = t.text, (t.pos if t.positions else i)
            if prev is not None and pos == prev_pos + 1 and (prev in common or text in common):
                t.text, t.pos = prev + PAIR_SEPARATOR + text, prev_pos
                yield t
            prev, prev_pos = text, pos


def common_pairs(terms: list[str], common: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(position, pair term) of each two adjacent terms of which one is in `common`: what
    CommonPairFilter makes of a text whose terms are `terms` (the writer's way, and a
    phrase's).

    >>> list(common_pairs(["famili", "of", "the", "worker"], frozenset({"of", "the"})))
    [(0, 'famili of'), (1, 'of the'), (2, 'the worker')]
    """
    for i, (a, b) in enumerate(zip(terms, terms[1:])):  # noqa: B905 (one shorter)
        if a in common or b in common:
            yield i, a + PAIR_SEPARATOR + b


def pair_filter(field) -> tuple[list, CommonPairFilter] | None:
    """(the analyzer's items before it, the CommonPairFilter) if `field`'s analyzer ends in
    one, else None."""
    ana = getattr(field, "analyzer", None)
    if type(ana) is not CompositeAnalyzer:
        return None
    *items, last = ana.items
    return (items, last) if type(last) is CommonPairFilter else None


def common_terms(language: str | None) -> frozenset[str]:
    """The terms of a language's stop words (Whoosh's lists), as analyzer(language) makes
    them; for None (unstemmed text of any language) those of every list Whoosh has."""
    lists = [stoplists[language]] if language else list(stoplists.values())
    return frozenset(t for words in lists for t in terms_of(sorted(words), language))


def pair_analyzer(language: str | None = None):
    """analyzer(language), then its common-word pairs (CommonPairFilter)."""
    return analyzer(language) | CommonPairFilter(common_terms(language))


def pair_field(fieldname: str) -> str | None:
    """The field of `fieldname`'s common-word pairs, if it has one: each language's text,
    title and quotation fields have one; the exact fields have none (their phrases are found
    from their words: pairs for the exact text too would double what the pairs cost the
    build, for the less used way of searching).

    >>> pair_field("text_es"), pair_field("title_xx"), pair_field("quote_en")
    ('pairs_es', 'pairs_title_xx', 'pairs_quote_en')
    >>> pair_field("text_exact"), pair_field("title_exact"), pair_field("pairs_en")
    (None, None, None)
    """
    kind, _, suffix = fieldname.partition("_")
    if suffix not in (*STEMMED_LANGUAGES, OTHER):
        return None
    return {"text": f"pairs_{suffix}", "title": f"pairs_title_{suffix}",
            "quote": f"pairs_quote_{suffix}"}.get(kind)


def text_field(language: str) -> str:
    return f"text_{language if language in STEMMED_LANGUAGES else OTHER}"


def title_field(language: str) -> str:
    return f"title_{language if language in STEMMED_LANGUAGES else OTHER}"


def exact_field(fieldname: str) -> str:
    """The unstemmed field holding the words of a stemmed one as written (the field itself
    if it is not stemmed): where a wildcard or fuzzy word is looked for, since a pattern
    typed by a person is a pattern of words, not of stems.

    >>> exact_field("text_es"), exact_field("title_xx"), exact_field("quote_en")
    ('text_exact', 'title_exact', 'quote_exact')
    >>> exact_field("outlet_text")
    'outlet_text'
    """
    kind, _, suffix = fieldname.partition("_")
    if kind in ("text", "title", "quote") and suffix in (*STEMMED_LANGUAGES, OTHER):
        return f"{kind}_exact"
    return fieldname


STEMMED_TEXT_FIELDS = tuple(f"text_{lang}" for lang in (*STEMMED_LANGUAGES, OTHER))
STEMMED_QUOTE_FIELDS = tuple(f"quote_{lang}" for lang in (*STEMMED_LANGUAGES, OTHER))
STEMMED_TITLE_FIELDS = tuple(f"title_{lang}" for lang in (*STEMMED_LANGUAGES, OTHER))
EXACT_TEXT_FIELDS = ("text_exact", "title_exact")
FACET_FIELDS = ("outlet", "organizations", "people", "language", "year", "doc_type")


UNDATED_LAST = 99_999_999  # sort key of an undated document when the oldest come first


def _text(analyzer, **kw) -> TEXT:
    # A word the analyzer splits ("won't" -> won, t) is a phrase, not two loose words.
    return TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase", **kw)


def _pairs(language: str | None) -> FieldType:
    # only read to find a phrase's documents: not scored, so no field lengths
    return FieldType(format=Positions(), analyzer=pair_analyzer(language), scorable=False)


def build_schema() -> Schema:
    """The index schema."""
    exact = analyzer()
    fields: dict[str, object] = {
        # one index holds documents and their quotations, so one commit updates both
        "record": ID(stored=True),  # "doc" or "quote"
        "doc_id": ID(stored=True),  # a quotation's document; a document's own id
        "id": ID(stored=True, unique=True, sortable=True),
        "path": STORED(),
        "format": STORED(),
        "content_hash": ID(stored=True, sortable=True),  # a column: read for every build
        "title": STORED(),
        "original_title": STORED(),
        "also_in": STORED(),
        "series": STORED(),
        "body": STORED(),
        "text_exact": _text(exact),
        "title_exact": _text(exact, field_boost=TITLE_BOOST),
        # facets and filters: exact values, stored for display
        "outlet": ID(stored=True, sortable=True),
        "organizations": KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        "people": KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        "language": ID(stored=True, sortable=True),
        "original_language": ID(stored=True),
        "translated": BOOLEAN(stored=True),
        "doc_type": ID(stored=True, sortable=True),
        "year": ID(stored=True, sortable=True),
        "month": ID(),  # YYYY-MM for documents dated to a month or a day: the timeline
        # searchable names behind `outlet:`, `org:`, `person:`, `author:` queries
        "outlet_text": _text(exact),
        "org_text": _text(exact),
        "people_text": _text(exact),
        "author": _text(exact, stored=True),
        # dates: the start and end of what the date can mean (a month-precision date spans
        # the month), `date` for sorting
        "date": DATETIME(stored=True, sortable=True),
        "date_start": DATETIME(),
        "date_end": DATETIME(),
        "date_precision": STORED(),
        # yyyymmdd; undated documents sort last whichever way
        "sort_newest": NUMERIC(sortable=True, bits=32),
        "sort_oldest": NUMERIC(sortable=True, bits=32),
        "url": STORED(),
        "language_confidence": STORED(),
        "paragraph_languages": STORED(),
        "entities": STORED(),
        "provenance": STORED(),
        "removed": STORED(),
        "quotes": STORED(),
        # quotation records
        "quote_text": STORED(),
        "quote_exact": _text(exact),
        "speaker": ID(stored=True),
        "speaker_type": STORED(),
        "speaker_text": _text(exact),
        "affiliation": STORED(),
        "affiliation_text": _text(exact),  # the speaker's role or organization, as written
        "quote_kind": ID(stored=True),
        "paragraph": STORED(),
        "start": STORED(),
        "end": STORED(),
    }
    for lang in (*STEMMED_LANGUAGES, OTHER):
        ana = analyzer(lang if lang != OTHER else None)
        fields[f"text_{lang}"] = _text(ana)
        fields[f"pairs_{lang}"] = _pairs(lang if lang != OTHER else None)
        fields[f"title_{lang}"] = _text(ana, field_boost=TITLE_BOOST)
        fields[f"quote_{lang}"] = _text(ana)
        fields[f"pairs_title_{lang}"] = _pairs(lang if lang != OTHER else None)
        fields[f"pairs_quote_{lang}"] = _pairs(lang if lang != OTHER else None)
    return Schema(**fields)


def _midnight(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def quote_field(language: str) -> str:
    return f"quote_{language if language in STEMMED_LANGUAGES else OTHER}"


def record_fields(doc: Document) -> list[dict[str, object]]:
    """The index records of a document: itself, then one per quotation."""
    out = [document_fields(doc)]
    shared = {k: v for k, v in out[0].items() if k in (
        "outlet", "language", "original_language", "translated", "doc_type", "year", "month",
        "date", "date_start", "date_end", "date_precision", "sort_newest", "sort_oldest",
        "title", "url", "format", "outlet_text", "author")}  # (outlet:, author: find them)
    for n, q in enumerate(doc.quotes, 1):
        out.append(quote_record(doc, q, n, shared))
    return out


def quote_record(doc: Document, q: Quote, n: int, shared: dict) -> dict[str, object]:
    langs = list(doc.paragraph_languages)
    lang = langs[q.paragraph - 1] if 0 < q.paragraph <= len(langs) else doc.language
    f: dict[str, object] = dict(shared)
    f.update({
        "record": "quote", "doc_id": doc.id, "id": f"{doc.id}#q{n}",
        "quote_text": q.text, "quote_exact": normalize_for_index(q.text),
        "speaker_type": q.speaker_type,
        "affiliation": q.affiliation, "quote_kind": q.kind, "paragraph": q.paragraph,
        "start": q.start, "end": q.end, "language": lang,
    })
    # (the same string in a field and its pairs: the writer analyses it once)
    f[quote_field(lang)] = f[pair_field(quote_field(lang))] = f["quote_exact"]
    if q.speaker:
        f["speaker"] = q.speaker
        f["speaker_text"] = q.speaker
    if q.affiliation:
        f["affiliation_text"] = q.affiliation
    return f


def document_fields(doc: Document) -> dict[str, object]:
    """A Document as the keyword arguments of `writer.add_document`."""
    f: dict[str, object] = {
        "record": "doc", "doc_id": doc.id,
        "id": doc.id, "path": doc.path, "format": doc.format, "content_hash": doc.content_hash,
        "body": doc.body, "language": doc.language, "doc_type": doc.doc_type,
        "translated": doc.translated, "language_confidence": doc.language_confidence,
        "paragraph_languages": list(doc.paragraph_languages),
        "provenance": dict(doc.provenance),
        "removed": [[r.text, r.reason] for r in doc.removed],
        "quotes": [[q.text, q.speaker, q.speaker_type, q.affiliation, q.kind, q.paragraph,
                    q.start, q.end] for q in doc.quotes],
        "entities": {
            "organizations": [[e.name, list(e.aliases), e.source] for e in doc.organizations],
            "people": [[e.name, list(e.aliases), e.source] for e in doc.people],
        },
    }
    # Paragraph text goes to its language's field; everything also to the exact field.
    by_field: dict[str, list[str]] = {}
    paragraphs = doc.paragraphs
    langs = list(doc.paragraph_languages) + [doc.language] * (len(paragraphs) -
                                                               len(doc.paragraph_languages))
    for para, lang in zip(paragraphs, langs, strict=False):
        by_field.setdefault(text_field(lang), []).append(normalize_for_index(para))
    for name, parts in by_field.items():
        f[name] = f[pair_field(name)] = "\n\n".join(parts)
    f["text_exact"] = normalize_for_index(doc.body)
    titles = [t for t in (doc.title, doc.original_title) if t]
    title_by_field: dict[str, str] = {}
    if doc.title:
        f["title"] = doc.title
        title_by_field[title_field(doc.language)] = normalize_for_index(doc.title)
    if doc.original_title:
        f["original_title"] = doc.original_title
        orig_field = title_field(doc.original_language or doc.language)
        title_by_field[orig_field] = (title_by_field.get(orig_field, "") + "\n" +
                                      normalize_for_index(doc.original_title))
    for name, title in title_by_field.items():
        f[name] = f[pair_field(name)] = title
    if titles:
        f["title_exact"] = normalize_for_index("\n".join(titles))
    if doc.outlet:
        f["outlet"] = doc.outlet
    if doc.outlet or doc.also_in:  # outlet: finds where else it was published too
        f["outlet_text"] = "\n".join(n for n in (doc.outlet, *doc.also_in) if n)
    if doc.also_in:
        f["also_in"] = list(doc.also_in)
    if doc.series:
        f["series"] = doc.series
    if doc.original_language:
        f["original_language"] = doc.original_language
    if doc.organizations:
        f["organizations"] = ",".join(e.name.replace(",", " ") for e in doc.organizations)
        f["org_text"] = "\n".join(n for e in doc.organizations for n in (e.name, *e.aliases))
    if doc.people:
        f["people"] = ",".join(e.name.replace(",", " ") for e in doc.people)
        f["people_text"] = "\n".join(n for e in doc.people for n in (e.name, *e.aliases))
    if doc.author:
        f["author"] = doc.author
    if doc.url:
        f["url"] = doc.url
    key = int(doc.date.start.strftime("%Y%m%d")) if doc.date else None
    f["sort_newest"] = key or 0
    f["sort_oldest"] = key or UNDATED_LAST
    if doc.date:
        f["date"] = _midnight(doc.date.start)
        f["date_start"] = _midnight(doc.date.start)
        f["date_end"] = _midnight(doc.date.end)
        f["date_precision"] = doc.date.precision
        f["year"] = f"{doc.date.year:04d}"
        if doc.date.month:
            f["month"] = f"{doc.date.year:04d}-{doc.date.month:02d}"
    return f


def document_from_stored(stored: dict) -> Document:
    """Rebuild a Document from an index's stored fields."""
    date = None
    if stored.get("date") is not None:
        d = stored["date"]
        precision = stored.get("date_precision") or "day"
        date = PartialDate(
            d.year, d.month if precision in ("day", "month") else None,
            d.day if precision == "day" else None,
        )
    ents = stored.get("entities") or {}
    return Document(
        id=stored["id"], path=stored.get("path", ""), format=stored.get("format", "text"),
        content_hash=stored.get("content_hash", ""), body=stored.get("body", ""),
        title=stored.get("title"), original_title=stored.get("original_title"),
        outlet=stored.get("outlet"), url=stored.get("url"), author=stored.get("author"),
        doc_type=stored.get("doc_type", "news article"), date=date,
        language=stored.get("language", "und"),
        language_confidence=stored.get("language_confidence", 0.0),
        paragraph_languages=tuple(stored.get("paragraph_languages") or ()),
        original_language=stored.get("original_language"),
        translated=bool(stored.get("translated")),
        organizations=tuple(Entity(n, tuple(a), s) for n, a, s in ents.get("organizations", ())),
        people=tuple(Entity(n, tuple(a), s) for n, a, s in ents.get("people", ())),
        provenance=dict(stored.get("provenance") or {}),
        removed=tuple(Removal(t, r) for t, r in stored.get("removed") or ()),
        quotes=tuple(Quote(*q) for q in stored.get("quotes") or ()),
        also_in=tuple(stored.get("also_in") or ()), series=stored.get("series"),
    )
