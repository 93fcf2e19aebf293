"""The index schema: analyzers, per-language fields, stored round trip."""

from __future__ import annotations

import pytest
from whoosh.qparser import QueryParser

from indexer import build, schema
from indexer.models import Document, Entity, PartialDate, Quote, Removal

from .conftest import write_corpus


@pytest.mark.parametrize(
    ("language", "text", "tokens"),
    [
        ("en", "Immigrants protested", ["immigr", "protest"]),
        ("es", "Los inmigrantes protestaron", ["los", "inmigr", "protest"]),
        ("es", "Clérigos", ["clerig"]),
        ("es", "Clerigos", ["clerig"]),
        (None, "Clérigos y #NoTech4ICE won’t", ["clerigos", "y", "notech4ice", "won", "t"]),
        (None, "U.S. agency", ["u.s", "agency"]),
    ],
)
def test_analyzers(language, text, tokens):
    from indexer.clean import normalize_for_index

    assert [t.text for t in schema.analyzer(language)(normalize_for_index(text))] == tokens


@pytest.mark.parametrize(
    ("language", "text", "pairs"),
    [
        # a common word pairs with each neighbour; two uncommon words do not pair
        ("en", "Workers joined the union", ["join the", "the union"]),
        ("es", "Los trabajadores de la planta", ["los trabaj", "trabaj de", "de la",
                                                 "la plant"]),
        # unstemmed text of any language: the common words of every list
        (None, "Die Arbeiter und la grève", ["die arbeiter", "arbeiter und", "und la",
                                              "la greve"]),
        ("en", "Protesters chanted slogans", []),
    ],
)
def test_common_word_pairs(language, text, pairs):
    from indexer.clean import normalize_for_index

    # (the analyzer yields one token object again and again)
    tokens = [(t.text, t.pos) for t in
              schema.pair_analyzer(language)(normalize_for_index(text), positions=True)]
    assert [text for text, _pos in tokens] == pairs
    # each at its first word's position: where that word stands in the words' field
    words = [t.text for t in schema.analyzer(language)(normalize_for_index(text))]
    assert all(text.split(schema.PAIR_SEPARATOR)[0] == words[pos] for text, pos in tokens)


def test_terms_of_stems_each_new_word_once(monkeypatch):
    # a word repeated in a text it has not seen before is stemmed once, not at each
    # occurrence (a 5 MB paragraph of a few words took seconds to highlight)
    calls = []

    def stem(word: str) -> str:
        calls.append(word)
        return word[:4]

    monkeypatch.setitem(schema._term_caches, "en", (stem, {}))
    tokens = ["Workers", "marched", "workers", "Workers", "marched"]
    assert schema.terms_of(tokens, "en") == ["work", "marc", "work", "work", "marc"]
    assert sorted(calls) == ["marched", "workers", "workers"]  # "Workers", "workers"
    assert schema.terms_of(tokens, "en") == ["work", "marc", "work", "work", "marc"]
    assert len(calls) == 3


def test_terms_of_repeated_words_as_the_analyzer_makes_them():
    text = "Huelgas y huelguistas: huelgas, HUELGAS y huelgas otra vez, huelguistas"
    tokens = schema.TOKEN_RE.findall(text)
    assert schema.terms_of(tokens, "es") == [t.text for t in schema.analyzer("es")(text)]


def test_every_stemmed_field_has_its_pairs_field():
    sch = schema.build_schema()
    for name in ("text_exact", "title_exact", "quote_exact", "speaker_text"):
        assert schema.pair_field(name) is None
    names = (schema.STEMMED_TEXT_FIELDS + schema.STEMMED_TITLE_FIELDS +
             schema.STEMMED_QUOTE_FIELDS)
    assert len({schema.pair_field(n) for n in names}) == len(names)
    for name in names:
        pairs = sch[schema.pair_field(name)]
        assert not pairs.scorable and not pairs.stored
        assert pairs.format.supports("positions")


def test_titles_and_quotations_go_to_their_pairs_fields_too():
    doc = Document(
        id="d", path="d.txt", format="text", content_hash="h",
        body="Workers joined the union.\n\n\"We are on the line,\" said Ana Ruiz.",
        title="A strike at the port", original_title="Una huelga en el puerto",
        outlet="El Sol", url=None, author=None, doc_type="news article", date=None,
        language="en", language_confidence=0.99, paragraph_languages=("en", "en"),
        original_language="es", translated=True, organizations=(), people=(),
        provenance={}, removed=(), quotes=(Quote("We are on the line", "Ana Ruiz", "person",
                                                 None, "speech", 2, 1, 19),))
    doc_rec, quote_rec = schema.record_fields(doc)
    assert doc_rec["title_en"] == doc_rec["pairs_title_en"] == "A strike at the port"
    assert doc_rec["title_es"] == doc_rec["pairs_title_es"] == "\nUna huelga en el puerto"
    assert quote_rec["quote_en"] == quote_rec["pairs_quote_en"] == "We are on the line"


def test_fields_route_by_language():
    assert schema.text_field("es") == "text_es"
    assert schema.text_field("cs") == "text_xx"
    assert schema.title_field("und") == "title_xx"


def test_stored_round_trip():
    doc = Document(
        id="x/y", path="x/y.txt", format="text", content_hash="h", body="Uno.\n\nDos.",
        title="T", original_title="O", outlet="El Sol", url="https://x", author="A B",
        doc_type="interview", date=PartialDate(2019, 8), language="es",
        language_confidence=0.99, paragraph_languages=("es", "en"), original_language=None,
        translated=False, organizations=(Entity("Org", ("O",), "text"),),
        people=(Entity("Ana Gil", (), "gazetteer"),), provenance={"date": "manifest"},
        removed=(Removal("Share", "share/follow widget"),),
    )
    stored = schema.document_fields(doc)
    assert stored["text_es"] == "Uno." and stored["text_en"] == "Dos."
    assert stored["year"] == "2019" and stored["date_end"].day == 31
    back = schema.document_from_stored({k: v for k, v in stored.items()
                                        if not k.startswith(("text_", "title_", "sort_"))})
    assert back == doc


def test_index_finds_unaccented_and_spanish_word_forms(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {
        "es.txt": "Protesta en la tienda\n\nLos Clérigos y Laicos Unidos protestaron frente a "
                  "la tienda de Amazon para exigir que deje de colaborar con las autoridades "
                  "migratorias, según los organizadores de la manifestación.",
        "en.txt": "Workers protest\n\nWarehouse workers protested outside the store on "
                  "Monday to demand an end to the contracts, organizers said.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    ix = build.open_index(tmp_path / "i")
    with ix.searcher() as s:
        def hits(field: str, q: str) -> list[str]:
            query = QueryParser(field, ix.schema).parse(q)
            return sorted(h["id"] for h in s.search(query))

        assert hits("text_es", "Clerigos") == ["es"]          # accents folded
        assert hits("text_exact", "clerigos") == ["es"]
        assert hits("text_es", "protestar") == ["es"]         # Spanish stemming
        assert hits("text_en", "protesting") == ["en"]        # English stemming
        assert hits("text_exact", "protesting") == []         # exact: word forms as written
        assert hits("text_exact", '"los clerigos y laicos"') == ["es"]
