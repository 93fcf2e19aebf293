"""The search engine: query language, filters, facets, highlights, ranking, paging."""

from __future__ import annotations

import os
import random
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer import build, schema
from indexer import search as search_module
from indexer.errors import DocumentNotFoundError, ParameterError
from indexer.search import (
    UNKNOWN,
    CorpusIndex,
    _difference,
    _docset,
    _intersection,
    _union,
    _window,
    make_query,
    make_quote_query,
    normalize_query_text,
)

from .conftest import CORPUS, DATA, REPO, indexed, write_corpus


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    """The seeds plus the held-out documents (English, Spanish, French, German, Portuguese)."""
    root = tmp_path_factory.mktemp("search") / "corpus"
    shutil.copytree(CORPUS, root)
    for folder in ("heldout", "heldout2"):
        dest = root / folder
        dest.mkdir()
        for f in (DATA / folder).iterdir():
            if f.name not in ("truth.json", "README.md"):
                shutil.copy(f, dest / f.name)
    index_dir = root.parent / "index"
    build.build_index(root, index_dir)
    with CorpusIndex(index_dir) as index:
        yield index


def search(ix, **kw):
    return ix.search(make_query(**kw))


def ids(results) -> list[str]:
    return [h.id for h in results.hits]


SEED_000 = "000_fc7d4a9f0a56cd29"
SEED_001 = "001_48559113dea98757"
SEED_002 = "002_2a4115fd894731b4"
SEED_003 = "003_bf74998e5c9b8689"
SEED_004 = "004_3ef628bc7d8abaa3"

# --------------------------------------------------------------------------- ranking


@pytest.mark.parametrize(
    ("q", "top"),
    [
        ("Clérigos y Laicos Unidos", SEED_003),
        ('"cannot be a bystander" Cosecha', SEED_000),
        ("Tisha B'Av", SEED_004),
        ("#WeWontBeComplicit", SEED_000),
        ("Sarah Jaffe interview", SEED_002),
        ("House Antitrust Subcommittee", SEED_001),
        ("Rekognition shareholders letter", "heldout/01_amazon-rekognition-letter"),
        ("huelga Black Friday San Fernando", "heldout/06_huelga-amazon-san-fernando"),
        ("glacier Argentière", "heldout/13_glacier-argentiere"),
        ("sarampo vacina", "heldout2/07_sarampo-dia-d"),
    ],
)
def test_ranking_regressions(ix, q, top):
    assert ids(search(ix, q=q))[0] == top


def test_title_matches_rank_higher(ix):
    # the same word in a title beats it in the body alone
    r = search(ix, q="Palantir Columbia")
    assert r.hits[0].id == "heldout/08_mt-columbia-palantir"


# --------------------------------------------------------------------------- query language


def test_default_operator_is_and(ix):
    both = search(ix, q="Palantir Whole")
    either = search(ix, q="Palantir OR Whole")
    assert 0 < both.total < either.total
    assert SEED_003 in ids(both)


def test_not_and_minus(ix):
    with_ice = search(ix, q="Amazon", per_page=100).total
    without = search(ix, q="Amazon NOT ICE", per_page=100)
    assert without.total == search(ix, q="Amazon -ICE").total
    assert 0 < without.total < with_ice
    assert SEED_000 not in ids(without)
    # a query of banned words alone, or a banned group in parentheses, bans them
    everything = search(ix, per_page=100).total
    alone = search(ix, q="-Amazon", per_page=100)
    assert alone.total == search(ix, q="NOT Amazon").total == everything - with_ice
    assert alone.parsed_query == "NOT amazon"
    assert search(ix, q="-Amazon -ICE").total == search(ix, q="NOT (Amazon OR ICE)").total
    assert search(ix, q="Amazon (-ICE)").total == without.total
    assert search(ix, q='-"facial recognition"').total == (
        everything - search(ix, q='"facial recognition"').total)
    # under the default AND, + changes nothing
    assert search(ix, q="Amazon +ICE").total == search(ix, q="Amazon ICE").total
    said = ix.search_quotes(make_quote_query(q="-Amazon"))
    assert said.total == ix.search_quotes(make_quote_query(q="NOT Amazon")).total > 0


def test_phrase_and_proximity(ix):
    assert search(ix, q='"facial recognition software"').total >= 1
    assert search(ix, q='"recognition facial"').total == 0
    # "stop selling their technology", "stop selling ICE technology": one word between
    assert search(ix, q='"selling technology"').total == 0
    assert SEED_000 in ids(search(ix, q='"selling technology"~2'))


def test_fuzzy_and_wildcard(ix):
    assert SEED_004 in ids(search(ix, q="Newsweak~", per_page=50))
    assert search(ix, q="Rekogni*").total >= 2


def test_every_query_in_the_readmes_query_table_finds_something(ix):
    """Each query of the README's table (its first column; bare field names left out) runs
    as written and finds a document here: an example finding nothing teaches the wrong thing
    (`palantri~` found nothing while Whoosh's fuzzy words had no swapped letters)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Query language\n\n", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1] for line in table.splitlines()[2:]]
    queries = [q for row in rows for q in re.findall(r"`([^`]+)`", row) if not q.endswith(":")]
    assert len(queries) >= 15
    assert [q for q in queries if search(ix, q=q).total == 0] == []


# --------------------------------------------------------------------------- costly queries


def test_a_word_starting_with_a_wildcard_is_refused_with_the_reason(ix):
    for q in ("*tion", "?mazon", "title:*gnition", "amazon OR *ice"):
        with pytest.raises(ParameterError, match="starts with a wildcard") as err:
            search(ix, q=q)
        assert err.value.parameter == "q"
    assert search(ix, q="*").total == len(ix)  # a lone * is everything, which is cheap


def test_a_wildcard_standing_for_too_many_words_is_refused(ix, monkeypatch):
    from indexer import search as search_module

    everything = search(ix, q="p*").total
    monkeypatch.setattr(search_module, "MAX_EXPANSION", 5)
    with pytest.raises(ParameterError, match=r"'p\*' stands for more than 5 different words"):
        search(ix, q="p*")
    r = search(ix, q="Rekogni*")  # a specific one still runs, and is highlighted
    assert r.total >= 2 and everything > r.total
    assert any("<mark>Rekognition" in snip for h in r.hits for snip in h.snippets)


def test_a_query_reading_too_much_of_the_index_is_refused(ix, monkeypatch):
    from indexer import search as search_module

    common = "the OR a OR of OR and OR to OR in"
    n = search(ix, q=common).total
    monkeypatch.setattr(search_module, "MAX_POSTINGS", n)  # fewer than those words' entries
    with pytest.raises(ParameterError, match="would read more than") as err:
        search(ix, q=common)
    assert err.value.parameter == "q"
    assert search(ix, q="Rekognition").total >= 2  # rare words are well within it
    with pytest.raises(ParameterError):  # the same bound for counts and quotations
        ix.count(make_query(q=common))
    with pytest.raises(ParameterError):
        ix.search_quotes(make_quote_query(q=common))


def test_pages_end_at_the_result_window(ix):
    from indexer.search import MAX_RESULT_WINDOW

    last = MAX_RESULT_WINDOW // 100
    assert search(ix, q="amazon", page=last, per_page=100).hits == ()  # allowed, empty here
    with pytest.raises(ParameterError, match="export every result") as err:
        search(ix, q="amazon", page=last + 1, per_page=100)
    assert err.value.parameter == "page"


@pytest.mark.parametrize("q", ["amazon", '"facial recognition"', "protest OR strike",
                               "ice -amazon", "Rekogni*", "title:amazon contract"])
def test_scoring_paths_rank_exactly_as_whoosh_filtered_search(ix, q):
    """The page of hits is the same whichever way it is scored: Whoosh over a filter, only
    the filtered documents (few left), or unfiltered with block skipping (none removed)."""
    from indexer.search import _docs, _score_within

    s = ix._searcher()
    query = ix._compile(s, q, False).query
    base = _docs(s, query).tolist()
    assert base, q
    for keep in (set(base), set(base[::3]), set(base[1::2])):
        whoosh = s.search(query, limit=len(base), filter=keep)
        expected = [(round(h.score, 9), h.docnum) for h in whoosh]
        got = [(round(score, 9), d) for score, d in _score_within(s, query, keep, len(base))]
        assert got == expected
    top = [(round(h.score, 9), h.docnum) for h in s.search(query, limit=3)]
    assert top == [(round(h.score, 9), h.docnum)
                   for h in s.search(query, limit=3, filter=set(base))]


def test_filters_that_leave_nothing_show_no_hits(ix):
    """Whoosh reads an empty filter set as no filter: the page must not fall back to hits
    from outside the filters."""
    for kw in ({"outlet": ["No Such Outlet"]}, {"lang": ["de"], "outlet": ["Newsweek"]},
               {"date_from": "1990", "date_to": "1990"}):
        r = search(ix, q="amazon", **kw)
        assert r.total == 0 and r.hits == (), kw
        for sort in ("relevance", "newest"):  # nor an export (every hit, one at a time)
            assert list(ix.iter_hits(make_query(q="amazon", sort=sort, **kw))) == [], kw
    assert ix.search_quotes(make_quote_query(q="amazon", outlet=["No Such Outlet"])).hits == ()


def test_a_language_no_record_has_says_so(ix):
    r = search(ix, q="amazon", lang=["xx"])
    assert r.total == 0
    (note,) = r.notes
    assert note.startswith("lang 'xx': no records in that language in this index (it has de, "
                           "en, es, fr, pt")
    assert search(ix, q="amazon", lang=["en"]).notes == ()
    said = ix.search_quotes(make_quote_query(q="amazon", lang=["xx"]))
    assert said.total == 0 and "no records in that language" in said.notes[0]


@pytest.mark.parametrize(("lo", "hi"), [
    ("2019-08-01", "2019-08-31"), ("2019-08-11", "2019-08-11"), ("2018-07-10", "2018-07-10"),
    ("2018-01-01", "2018-12-31"), ("0001-01-01", "2019-01-01"), ("2019-11-26", "9999-12-31"),
    ("1990-01-01", "1990-12-31")])
def test_date_filter_reads_each_span_as_the_date_range_query_does(ix, lo, hi):
    import datetime as dt

    from indexer.search import _DateSpan, _docs

    s = ix._searcher()
    span = _DateSpan(dt.date.fromisoformat(lo), dt.date.fromisoformat(hi))
    dated = ix._data(s).dated(span.lo, span.hi, s.reader())
    assert dated.tolist() == sorted(s.docs_for_query(span.query()))
    assert _docs(s, span.query()).tolist() == dated.tolist()


def test_shared_reader_data_holds_no_reader(ix):
    """The per-version tables are shared by every thread; a Whoosh reader is not safe to
    share (its matchers share open files): under load, reading another thread's postings
    returned garbage. Lazily built tables read through the caller's reader instead."""
    import threading

    from whoosh.reading import IndexReader

    s = ix._searcher()
    data = ix._data(s)
    assert not [k for k, v in vars(data).items() if isinstance(v, IndexReader)]
    done = []

    def other_thread() -> None:  # its own searcher, the same tables, the same answers
        r = ix.search(make_query(sort="oldest", date_from="2019", per_page=5))
        done.append(([h.id for h in r.hits], ix._data(ix._searcher()) is data))

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    here = ix.search(make_query(sort="oldest", date_from="2019", per_page=5))
    assert done == [([h.id for h in here.hits], True)] and here.hits


def test_queries_through_one_handle_take_turns(ix, monkeypatch):
    """Threads querying one handle at once run one query at a time, with the answers each
    would get alone. Every query opens this thread's searcher; here that takes long enough
    (a sleep, which lets the other threads run) that threads without turns would be inside
    together."""
    import threading
    import time

    inside, most = [0], [0]
    count = threading.Lock()
    searcher = ix._searcher

    def slow_searcher():
        with count:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.005)
        try:
            return searcher()
        finally:
            with count:
                inside[0] -= 1

    doc = ix.document(search(ix, q="amazon").hits[0].id)
    asks = [lambda: ids(search(ix, q="amazon", per_page=5)),
            lambda: search(ix, q='"in the streets"').total,
            lambda: ix.count(make_query(q="ICE workers")),
            lambda: len(ix.search_quotes(make_quote_query(q="amazon")).hits),
            lambda: len(ix.all_matches(doc.id, "amazon").matches),
            lambda: ix.highlight_document(doc, "amazon")[1],
            lambda: ix.stats().documents,
            lambda: [h.id for _, h in ix.iter_hits(make_query(q="ice", sort="oldest"))]]
    alone = [ask() for ask in asks]
    monkeypatch.setattr(ix, "_searcher", slow_searcher)
    answers: dict[int, list] = {}

    def run(k: int) -> None:  # each thread starts at another of the queries
        answers[k] = [ask() for ask in asks[k:] + asks[:k]]

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(asks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
    assert answers == {k: alone[k:] + alone[:k] for k in range(len(asks))}


def test_an_export_does_not_hold_the_handle_between_rows(ix):
    """While an export is read row by row (a client downloading slowly), other threads'
    searches still run."""
    import threading

    rows = ix.iter_hits(make_query(q="amazon"))
    try:
        total, first = next(rows)
        assert total >= 5
        done = []
        t = threading.Thread(target=lambda: done.append(search(ix, q="amazon").total),
                             daemon=True)  # (if it waited for the export, it waits on)
        t.start()
        t.join(timeout=30)
        assert done == [total]
        assert [first.id, *(h.id for _, h in rows)] == ids(search(ix, q="amazon",
                                                                per_page=50))
    finally:
        rows.close()


def test_warm_builds_the_shared_tables_and_lets_go_of_its_searcher(ix, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setattr(search_module, "_WEIGHTS", search_module._KeptArrays(10**6))
    ix.warm()
    assert getattr(ix._local, "searcher", None) is None  # a forked server opens its own
    (data,) = ix._datas.values()
    assert set(data._ranks) == {"newest", "oldest"} and data._spans is not None
    reader = ix._searcher().reader()  # and the common words' weights, "the" first
    segments = {r.segment().segment_id() for r, _ in reader.leaf_readers()
                if ("text_en", b"the") in r}
    assert segments and all((sid, "text_en", b"the") in search_module._WEIGHTS._kept
                            for sid in segments)
    assert search(ix, q="amazon").total >= 5  # and searching goes on as before
    CorpusIndex(tmp_path / "no-index-yet").warm()  # nothing to warm: no error


def test_field_queries(ix):
    assert set(ids(search(ix, q='title:"facial recognition"'))) == {
        "heldout/01_amazon-rekognition-letter", "heldout/11_detroit-facial-recognition"}
    assert search(ix, q="title:Rekognition").total == 0  # only in its body
    assert ids(search(ix, q='outlet:"la opinion"', sort="oldest")) == [
        "heldout/05_vigilia-adelanto", SEED_003]  # 2019-08-15, then 2019-11-25
    assert SEED_004 in ids(search(ix, q="org:JFREJ"))
    assert SEED_002 in ids(search(ix, q='person:"Cata Santiago"'))
    assert all(h.language == "es" for h in search(ix, q="lang:es", per_page=50).hits)
    assert {h.doc_type for h in search(ix, q="type:interview", per_page=50).hits} == {
        "interview"}
    assert {h.doc_type for h in search(ix, q='type:"press release"', per_page=50).hits} == {
        "press release"}


def test_unknown_and_internal_field_names_are_words(ix):
    for q in ("body:Amazon", "path:x", "content_hash:abc", "foo:bar", "id:x"):
        r = search(ix, q=q)  # never raises
        assert r.parsed_query


def test_a_field_with_its_value_after_a_space_reads_the_value(ix):
    """`title: facial` is read as title:facial (said in a note); a word ending in a colon
    that names no field stays a word, as before."""
    r = search(ix, q="title: facial")
    assert ids(r) == ids(search(ix, q="title:facial")) and r.total > 0
    assert r.notes == ("title: facial read as title:facial (a field's value comes right "
                       "after the colon)",)
    r = search(ix, q='outlet:  "la opinion"', sort="oldest")
    assert ids(r) == ids(search(ix, q='outlet:"la opinion"', sort="oldest"))
    assert search(ix, q="Note: amazon").notes == ()
    assert search(ix, q="Note: amazon").total == search(ix, q="note amazon").total


@pytest.mark.parametrize(("q", "field", "same_as"), [
    ("title:", "title:", ""), ("amazon outlet:", "outlet:", "amazon"),
    ('title:"" amazon', "title:", "amazon"), ("(person:) amazon", "person:", "amazon"),
    ("title:() amazon", "title:", "amazon"),
    ('title: outlet:"la opinion"', "title:", 'outlet:"la opinion"'),
    ("date: amazon", "date:", "amazon")])
def test_a_field_without_a_value_is_left_out_with_a_note(ix, q, field, same_as):
    r = search(ix, q=q)
    assert r.notes[0].startswith(f"{field} has no value, so it was left out: put what to "
                                 f"look for right after the colon ({field}")
    assert ids(r) == ids(search(ix, q=same_as))


@pytest.mark.parametrize(
    ("curly", "straight"),
    [
        ("“We won’t be complicit”", '"We won\'t be complicit"'),
        ("‘deportation machine’", '"deportation machine"'),
        ("«deportation machine»", '"deportation machine"'),
        ("„deportation machine“", '"deportation machine"'),
        ("Tisha B’Av", "Tisha B'Av"),
        ("won’t", "won't"),
    ],
)
def test_typography_proof_queries(ix, curly, straight):
    a, b = search(ix, q=curly, per_page=100), search(ix, q=straight, per_page=100)
    assert a.total == b.total > 0 and ids(a) == ids(b)


def test_single_quotes_delimit_phrases_but_apostrophes_stay():
    assert normalize_query_text("'a b' won't Bezos' home") == '"a b" won\'t Bezos\' home'


def test_hashtags_found_with_or_without_hash(ix):
    assert ids(search(ix, q="#NoTech4ICE")) == ids(search(ix, q="NoTech4ICE")) == [SEED_001]


def test_stemmed_by_default_exact_on_request(ix):
    stemmed = search(ix, q="deporting")
    exact = search(ix, q="deporting", exact=True)
    assert stemmed.total > exact.total
    assert search(ix, q="deportation", exact=True).total >= 1
    # exact mode still folds case and accents
    assert search(ix, q="CLERIGOS", exact=True).total == 1


def test_accent_insensitive_in_both_modes(ix):
    for exact in (False, True):
        assert ids(search(ix, q="Clerigos", exact=exact)) == ids(search(ix, q="Clérigos",
                                                                         exact=exact))
    assert search(ix, q="Ibanez").total == search(ix, q="Ibáñez").total >= 1


def test_spanish_documents_by_spanish_word_forms(ix):
    # "trabajadoras" and "trabajadores" share the Spanish stem "trabaj"
    r = search(ix, q="trabajadoras", lang="es", per_page=50)
    assert "heldout/06_huelga-amazon-san-fernando" in ids(r)


def test_spanish_original_title_of_a_translation_is_searchable(ix):
    assert SEED_003 in ids(search(ix, q="lucrar costillas"))


def test_malformed_input_degrades_and_says_how(ix):
    for q, parsed in (("(((", "everything"), ("*", "everything"), ('"unclosed phrase', None),
                      ("AND OR", None), ("a~~~", None), ("title:", None), ("[TO]", None)):
        r = search(ix, q=q)
        assert r.parsed_query
        if parsed:
            assert r.parsed_query == parsed
    assert search(ix, q="(((").notes


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_query_text_never_raises(ix, text):
    """Any text gives results, or a refusal naming q and saying why (never a crash)."""
    try:
        r = search(ix, q=text)
    except ParameterError as exc:
        assert exc.parameter == "q" and any(
            why in str(exc) for why in ("wildcard", "apart", "edits off"))
        return
    assert r.total >= 0 and isinstance(r.parsed_query, str)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(['"', "(", ")", "AND", "OR", "NOT", "title:", "org:", "~",
                                 "*", "date:", "[", "]", "TO", "2019", "amazon", "ICE", "-",
                                 "+", "^2", "'", "“", "»", ":", "\\"]), max_size=12))
@example(parts=['"', "(", "^2", ")"])  # once a term with no field: whoosh's TermNotFound
def test_syntax_soup_never_raises(ix, parts):
    try:
        r = search(ix, q=" ".join(parts))
    except ParameterError as exc:
        assert exc.parameter == "q" and any(
            why in str(exc) for why in ("wildcard", "apart", "edits off"))
        return
    assert r.total >= 0


def _start(date: str) -> str:
    """A partial ISO date as the first day it can mean (sorting uses that day)."""
    return date + "-01" * (3 - len(date.split("-")))


def test_empty_query_browses_everything_newest_first(ix):
    r = search(ix, per_page=100)
    assert r.total == len(ix)
    dates = [_start(h.date) for h in r.hits if h.date]
    assert dates == sorted(dates, reverse=True)
    assert r.hits[-1].date is None  # undated last


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("frm", "to", "must", "must_not"),
    [
        # day precision: the Whoosh trap read such a range as the whole year
        ("2019-08-02", "2019-08-10", [SEED_004], [SEED_001, SEED_003]),
        ("2019-08-01", "2019-08-01", [SEED_001, SEED_004], [SEED_003]),
        ("2019-08", "2019-08", [SEED_001, SEED_004], [SEED_003, SEED_000]),
        ("2018", "2018", [SEED_000, SEED_002], [SEED_001]),
        # a month-precision date matches a range that overlaps its month
        ("2018-07-20", "2018-08-15", [SEED_002], [SEED_000]),
        ("2019-11-25", None, [SEED_003], [SEED_004]),
        (None, "2018-07-09", [SEED_002], [SEED_000]),
    ],
)
def test_date_ranges_mean_what_they_say(ix, frm, to, must, must_not):
    found = set(ids(search(ix, date_from=frm, date_to=to, per_page=100)))
    assert set(must) <= found and not set(must_not) & found


def test_date_field_in_query_text(ix):
    assert set(ids(search(ix, q="date:2019-08", per_page=50))) == set(
        ids(search(ix, date_from="2019-08", date_to="2019-08", per_page=50)))
    r = search(ix, q="date:[2018-07-01 TO 2018-07-31] amazon", per_page=50)
    assert set(ids(r)) == {SEED_000, SEED_002}
    assert "date:[2018-07-01 TO 2018-07-31]" in r.parsed_query
    assert search(ix, q="date:yesterday").notes
    # a date: of the query text narrows the year facet as every other facet; from/to is the
    # year facet's own selection, and leaves the other years on offer
    r = search(ix, q="amazon date:2019")
    assert [v.value for v in r.facets["year"]] == ["2019"]
    assert r.facets["year"][0].count == r.total
    r = search(ix, q="amazon", date_from="2019", date_to="2019")
    assert len(r.facets["year"]) > 1 and [v.value for v in r.facets["year"] if v.selected] == [
        "2019"]


def test_what_a_query_cannot_mean_is_said_in_a_note(ix):
    """A field name that is no field, a year that is not one, a date range ending before it
    starts, a wildcard inside a phrase: each searched as the query says, with a note."""
    r = search(ix, q="autor:jaffe")
    assert len(r.notes) == 1 and r.notes[0].startswith(
        "autor: is not a field, so it was searched as words; did you mean author:?")
    assert "speakr: is not a field" in search(ix, q="speakr:santiago").notes[0]
    assert search(ix, q='"re:Invent keynote"').notes == ()  # inside a phrase: its words
    assert search(ix, q="amazon year:2019").notes == ()
    r = search(ix, q="amazon year:nineteen")
    assert r.notes == ("year:nineteen matches nothing of that kind; searched as words",)
    assert search(ix, q="year:[2018 TO 2019]").total == search(
        ix, date_from="2018", date_to="2019").total > 0
    r = search(ix, q="amazon date:[2019-08 TO 2019-01]")
    assert r.total == 0
    assert r.notes == ("date:[2019-08 TO 2019-01] ends before it starts, so nothing can match",)
    r = search(ix, q='"amaz* ice"')
    assert r.notes == ('wildcards are not read inside a phrase: "amaz* ice" searched its words '
                       'as written, without * and ?',)
    assert search(ix, q='"organi?ation"').notes
    assert search(ix, q='"who profits from ICE?"').notes == ()  # a question, not a wildcard
    assert search(ix, q="amaz* ice").notes == ()


# --------------------------------------------------------------------------- filters, facets


def test_several_outlets_or_and_facets_keep_other_outlets(ix):
    r = search(ix, q="ICE", outlet=["Newsweek", "La Opinión"], per_page=50)
    assert {h.outlet for h in r.hits} == {"Newsweek", "La Opinión"}
    outlets = {v.value: v for v in r.facets["outlet"]}
    assert outlets["Newsweek"].selected and outlets["La Opinión"].selected
    # the outlet facet ignores its own selection: other outlets still show their counts
    all_ice = {v.value: v.count for v in search(ix, q="ICE").facets["outlet"]}
    assert {k: v.count for k, v in outlets.items()} == all_ice
    # other facets count only the selected outlets' documents
    assert sum(v.count for v in r.facets["doc_type"]) == r.total


def test_facet_counts_under_combined_filters(ix):
    r = search(ix, q="Amazon", lang="en", type="news article", per_page=100)
    assert r.total == sum(1 for h in r.hits)
    assert {(h.language, h.doc_type) for h in r.hits} == {("en", "news article")}
    langs = {v.value: v.count for v in r.facets["language"]}
    # language facet ignores the language filter but keeps the type filter
    expected = search(ix, q="Amazon", type="news article", per_page=100)
    assert langs == {k: sum(1 for h in expected.hits if h.language == k) for k in langs}
    for facet, values in r.facets.items():
        for v in values:
            if not v.selected:
                assert v.count > 0, facet


@pytest.mark.parametrize("gathered_below", [1, 10**9])
def test_facet_counts_match_the_stored_values(ix, monkeypatch, gathered_below):
    """Counts from the facets' value numbers, against each record's stored fields, for
    none, one, two, a tenth, a third and all of the records (documents and quotations):
    a multi-valued facet counted from the records' own pairs (gathered_below 1) and by a
    pass over every pair (10**9)."""
    monkeypatch.setattr(search_module, "GATHERED_BELOW", gathered_below)
    s = ix._searcher()
    data = ix._data(s)
    records = [d for d in range(s.doc_count_all()) if not s.reader().is_deleted(d)]
    rng = random.Random(3)
    for size in (0, 1, 2, len(records) // 10, len(records) // 3, len(records)):
        picked = rng.sample(records, size)
        chosen = _as_docset(picked)
        stored = [s.stored_fields(d) for d in picked]
        for facet, key in (("outlet", "outlet"), ("language", "language"),
                           ("doc_type", "doc_type"), ("year", "year"), ("speaker", "speaker"),
                           ("kind", "quote_kind")):
            unknown = UNKNOWN if facet in search_module._MISSING else None
            assert data.count(facet, chosen) == Counter(
                f.get(key) or unknown for f in stored if f.get(key) or unknown)
        for facet, key in (("organization", "organizations"), ("person", "people")):
            assert data.count(facet, chosen) == Counter(
                name for f in stored if f.get(key)
                for name in {n.strip() for n in f[key].split(",") if n.strip()})
    assert data.count("person", _as_docset(records)), "the corpus names people"


def test_a_facets_top_values_are_the_first_of_all_its_counts_sorted(ix):
    """top() picks the k most frequent values without sorting them all: the same values,
    counts and order (by count, then by value) as sorting count()'s items, ties at the
    k-th place included; and the counts of chosen values, 0 for one no document has."""
    s = ix._searcher()
    data = ix._data(s)
    records = [d for d in range(s.doc_count_all()) if not s.reader().is_deleted(d)]
    rng = random.Random(4)
    tied = 0
    for size in (1, len(records) // 3, len(records)):
        docs = _as_docset(rng.sample(records, size))
        for facet in ("outlet", "organization", "person", "language", "speaker"):
            counts = data.count(facet, docs)
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            for k in range(1, len(ordered) + 2):
                some = {v for v, _ in ordered[::2]} | {"No Such Value"}
                top, also = data.top(facet, docs, k, some)
                assert top == ordered[:k], (facet, k)
                assert also == {v: counts.get(v, 0) for v in some}
                tied += 0 < k < len(ordered) and ordered[k - 1][1] == ordered[k][1]
    assert tied > 10  # the k-th value often shares its count with the next


def test_organization_filter_and_facet(ix):
    r = search(ix, org=["Mijente", "Palantir Technologies"], per_page=100)
    assert r.total >= 3
    orgs = {v.value: v for v in r.facets["organization"]}
    assert orgs["Mijente"].selected and orgs["Palantir Technologies"].selected


def _as_typed(value: str) -> str:
    """A facet value as someone may type it: other case, no accents, other punctuation."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", value)
                    if not unicodedata.combining(c))
    return re.sub(r"[.,'’-]+", " ", plain).swapcase() + " "


@pytest.mark.parametrize("facet, parameter", [("outlet", "outlet"),
                                              ("organization", "org"),
                                              ("person", "person")])
def test_a_typed_filter_value_finds_the_facet_value_it_names(ix, facet, parameter):
    """Filters take facet values; typed on the command line or by a script, a value differing
    in case, accents or punctuation is read as the value it names, with a note saying so."""
    values = [v.value for v in search(ix).facets[facet]][:8]
    assert len(values) >= 3
    for value in values:
        exact = search(ix, **{parameter: value})
        assert exact.total > 0 and exact.notes == ()
        typed = _as_typed(value)
        r = search(ix, **{parameter: typed})
        assert (r.total, ids(r)) == (exact.total, ids(exact))
        assert r.notes == (f"{parameter} {typed.strip()!r} read as {value!r}",)
        assert [v.value for v in r.facets[facet] if v.selected] == [value]


def test_a_filter_value_naming_nothing_finds_nothing_and_says_what_it_may_mean(ix):
    outlets = [v.value for v in search(ix).facets["outlet"]]
    value = max(outlets, key=len)
    typo = value[:3] + value[4:]  # a letter dropped
    r = search(ix, outlet=typo)
    assert r.total == 0
    assert r.notes == (f"outlet {typo!r}: no outlet of that name in this index; did you mean "
                       f"{value!r}?",)
    # with a value that names one, it takes nothing away, and adds nothing
    both = search(ix, outlet=[typo, value], per_page=100)
    assert ids(both) == ids(search(ix, outlet=value, per_page=100)) and both.total > 0
    r = search(ix, org="Qwxz Unknown Coalition")
    assert r.total == 0 and "no organization of that name" in r.notes[0]
    assert 'the query org:"Qwxz Unknown Coalition"' in r.notes[0]
    assert 'the query outlet:' in search(ix, outlet="Qwxz Gazette").notes[0]


def test_other_names_the_registries_give_find_what_they_name(tmp_path):
    """An outlet, organization or person named by an alias of the build's registries, as a
    filter or a field query, finds the documents (and quotations) of its canonical name."""
    corpus_dir = write_corpus(tmp_path / "c", {
        "outlets.toml": '[[outlet]]\nname = "Harbor City Ledger"\naliases = ["HCL", '
                        '"The Ledger"]\ndomains = ["hcledger.example"]\n\n'
                        '[[outlet]]\nname = "Smith & Vega Weekly"\n',
        "organizations.toml": '[[organization]]\nname = "Tenants United for Fair Housing"\n'
                              'aliases = ["TUFH"]\n',
        "sources.toml": '["a"]\noutlet = "Harbor City Ledger"\n\n'
                        '["b"]\noutlet = "Smith & Vega Weekly"\n',
        "a.txt": "Rent Strike Spreads\n\nTenants United for Fair Housing organised the rent "
                 "strike across the harbor district on Monday.\n\n\"We will not pay for "
                 "broken heating,\" Tenants United for Fair Housing said in a statement.",
        "b.txt": "Ferry Fares Rise\n\nThe ferry operator raised fares by a fifth, and "
                 "commuters on the north shore complained at a public meeting.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        r = index.search(make_query(outlet="HCL"))
        assert ids(r) == ["a"]
        assert r.notes == ("outlet 'HCL' read as 'Harbor City Ledger'",)
        assert [v.value for v in r.facets["outlet"] if v.selected] == ["Harbor City Ledger"]
        assert ids(index.search(make_query(outlet="the ledger"))) == ["a"]
        assert ids(index.search(make_query(outlet="hcledger.example"))) == ["a"]
        assert ids(index.search(make_query(q="outlet:HCL strike"))) == ["a"]
        assert ids(index.search(make_query(q='outlet:"The Ledger"'))) == ["a"]
        # "&" and "and" are the same in a name
        assert ids(index.search(make_query(outlet="Smith and Vega Weekly"))) == ["b"]
        # an organization's registered acronym, as a filter and on quotations
        assert ids(index.search(make_query(org="tufh"))) == ["a"]
        said = index.search_quotes(make_quote_query(q="org:TUFH"))
        assert [h.speaker for h in said.hits] == ["Tenants United for Fair Housing"]
        said = index.search_quotes(make_quote_query(speaker="TUFH"))
        assert [h.speaker for h in said.hits] == ["Tenants United for Fair Housing"]
        # the outlet's names in the query text, on quotations as on documents
        for q in ("outlet:HCL", 'outlet:"Harbor City Ledger" heating'):
            said = index.search_quotes(make_quote_query(q=q))
            assert [h.speaker for h in said.hits] == ["Tenants United for Fair Housing"]
        assert index.search_quotes(make_quote_query(q="outlet:HCL ferry")).total == 0
        # a name the registries do not give still finds nothing, and says so
        r = index.search(make_query(outlet="HCX"))
        assert r.total == 0 and "no outlet of that name" in r.notes[0]
        assert index.search(make_query(q="outlet:HCX")).total == 0


def test_title_and_quotation_phrases_are_found_from_common_word_pairs(tmp_path):
    """A phrase with a common word, in a title or in a quotation, is read from that
    field's pairs (as in the text) and finds what the words' positions give."""
    corpus_dir = write_corpus(tmp_path / "c", {
        "a.txt": "A Strike at the Port\n\nDock workers stopped work at dawn on Monday.\n\n"
                 "\"We are on the line for all of them,\" said Rosa Perales, a crane driver.",
        "b.txt": "The Port at a Strike\n\nThe harbor board met on Tuesday about the port.\n\n"
                 "\"All of them are on the line,\" said Omar Vidal, the board's chairman.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    sch = schema.build_schema()
    for field, phrase in (("title_en", "strike at the port"), ("quote_en", "on the line")):
        read = {f for f, _ in search_module._phrase_units(
            sch, field, [t.encode() for t in schema.terms_of(phrase.split(), "en")])}
        assert schema.pair_field(field) in read
    with CorpusIndex(tmp_path / "i") as index:
        assert ids(index.search(make_query(q='title:"strike at the port"'))) == ["a"]
        assert ids(index.search(make_query(q='title:"the port at a"'))) == ["b"]
        said = index.search_quotes(make_quote_query(q='"are on the line for"'))
        assert [h.speaker for h in said.hits] == ["Rosa Perales"]
        said = index.search_quotes(make_quote_query(q='"of them are on"'))
        assert [h.speaker for h in said.hits] == ["Omar Vidal"]
        assert index.search_quotes(make_quote_query(q='"on the line of"')).total == 0


def test_author_field_queries_find_quotations_by_their_documents_author(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {
        "a.txt": "Ferry Fares Rise\n\nBy Dana Whitfield\n\nThe ferry operator raised fares "
                 "by a fifth on Monday.\n\n\"Commuters cannot pay this,\" said Ivo Marsh, "
                 "a councillor.",
        "b.txt": "Ferry Strike Ends\n\nBy Luis Ortega\n\nThe crews went back to work on "
                 "Friday.\n\n\"We won the vote fairly,\" said Rhea Stone, a deckhand.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        assert ids(index.search(make_query(q="author:Whitfield"))) == ["a"]
        said = index.search_quotes(make_quote_query(q="author:Whitfield"))
        assert [h.speaker for h in said.hits] == ["Ivo Marsh"]
        said = index.search_quotes(make_quote_query(q='author:"Luis Ortega" vote'))
        assert [h.speaker for h in said.hits] == ["Rhea Stone"]


def test_quotations_of_one_document_come_in_reading_order_either_way(tmp_path):
    said = "\n\n".join(f'"Point number {n} of the plan matters to every tenant," said '
                       f"Marta Quiroga." for n in range(1, 13))
    corpus_dir = write_corpus(tmp_path / "c", {
        "a.txt": "Tenants Meet\n\n" + said,
        "sources.toml": '["a"]\ndate = "2019-05-02"\n',
    })
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        for sort in ("oldest", "newest"):
            r = index.search_quotes(make_quote_query(sort=sort, per_page=20))
            assert [h.id for h in r.hits] == [f"a#q{n}" for n in range(1, 13)], sort


def test_other_outlets_a_document_was_published_in(tmp_path):
    """also_in and series from the manifest: kept, shown, and also_in found by outlet:."""
    corpus_dir = write_corpus(tmp_path / "c", {
        "outlets.toml": '[[outlet]]\nname = "Valley Courier"\n\n[[outlet]]\n'
                        'name = "Mesa Review"\naliases = ["The Mesa Review"]\n',
        "sources.toml": '["a"]\noutlet = "Valley Courier"\nalso_in = ["the mesa review", '
                        '"Valley Courier"]\nseries = "Voices of the Valley"\n',
        "a.txt": "Orchard Workers Organise\n\nOrchard workers voted to form a union after "
                 "a season of unpaid overtime and heat without shade.",
        "b.txt": "Mesa Council Votes\n\nThe council voted on the water budget on Tuesday.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        doc = index.document("a")
        assert (doc.outlet, doc.also_in, doc.series) == (
            "Valley Courier", ("Mesa Review",), "Voices of the Valley")
        assert doc.provenance["also_in"] == doc.provenance["series"] == "manifest"
        assert doc.to_dict()["also_in"] == ["Mesa Review"]
        assert ids(index.search(make_query(q='outlet:"Mesa Review"'))) == ["a"]
        assert ids(index.search(make_query(q='outlet:"Valley Courier"'))) == ["a"]
        # the outlet facet and filter are the outlet's own
        assert [v.value for v in index.search(make_query()).facets["outlet"]] == [
            UNKNOWN, "Valley Courier"]  # (b's outlet is not known)


def test_documents_whose_outlet_is_not_known_are_a_value_of_the_outlet_facet(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {
        "sources.toml": '["a"]\noutlet = "Valley Courier"\n',
        "a.txt": "Orchard Workers Organise\n\nOrchard workers voted to form a union after "
                 "a season of unpaid overtime.",
        "b.txt": "Orchard Union Grows\n\nMore orchard workers joined the union this spring, "
                 "\"We are done waiting,\" said Lena Marsh.",
        "c.txt": "Ferry Fares Rise\n\nThe ferry operator raised fares by a fifth.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        r = index.search(make_query())
        assert [(v.value, v.count) for v in r.facets["outlet"]] == [
            (UNKNOWN, 2), ("Valley Courier", 1)]
        assert index.stats().by_outlet == {UNKNOWN: 2, "Valley Courier": 1}
        r = index.search(make_query(q="orchard", outlet=UNKNOWN))
        assert ids(r) == ["b"] and r.notes == ()
        assert [v.value for v in r.facets["outlet"] if v.selected] == [UNKNOWN]
        both = index.search(make_query(outlet=[UNKNOWN, "Valley Courier"], sort="oldest"))
        assert sorted(ids(both)) == ["a", "b", "c"]
        said = index.search_quotes(make_quote_query(outlet=UNKNOWN))
        assert [h.speaker for h in said.hits] == ["Lena Marsh"]
        assert index.search_quotes(make_quote_query(outlet="Valley Courier")).total == 0


def test_translation_filters(ix):
    r = search(ix, translated="true", per_page=100)
    assert set(ids(r)) >= {SEED_003, "heldout/08_mt-columbia-palantir",
                           "heldout2/08_ratp-strike-translated"}
    assert all(h.translated for h in r.hits)
    assert ids(search(ix, original_lang="fr")) == ["heldout2/08_ratp-strike-translated"]


def test_year_facet_selection(ix):
    r = search(ix, date_from="2018", date_to="2018", per_page=100)
    years = {v.value: v for v in r.facets["year"]}
    assert years["2018"].selected and not years["2019"].selected
    assert years["2019"].count > 0  # the year facet ignores the date filter


# --------------------------------------------------------------------------- highlights


def test_snippets_mark_matches_and_escape_text(ix):
    r = search(ix, q="Amazon")
    for h in r.hits:
        for snip in h.snippets:
            assert "<mark>" in snip or not any("<mark>" in s for s in h.snippets)
            assert "<" not in re.sub(r"</?mark>", "", snip)
    assert 1 <= len(r.hits[0].snippets) <= 3


def test_phrase_query_marks_only_the_phrase(ix):
    r = search(ix, q='"deportation machine"', per_page=50)
    marked = {m for h in r.hits for s in h.snippets for m in re.findall(r"<mark>(.*?)</mark>", s)}
    assert marked == {"deportation machine"}
    # another word of the query is marked on its own; the phrase's words are not
    r2 = search(ix, q='"deportation machine" Amazon', per_page=50)
    marks = {m for h in r2.hits for s in h.snippets for m in re.findall(r"<mark>(.*?)</mark>", s)}
    assert "Amazon" in marks and "deportation machine" in marks
    assert not {"deportation", "machine"} & marks


def test_stemmed_matches_are_marked_as_written(ix):
    r = search(ix, q="deport")
    marks = {m.lower() for h in r.hits for s in h.snippets
             for m in re.findall(r"<mark>(.*?)</mark>", s)}
    assert {"deportation", "deport"} & marks


def test_title_html_is_marked(ix):
    h = search(ix, q="facial recognition").hits[0]
    assert "<mark>facial</mark> <mark>recognition</mark>" in h.title_html


def test_all_matches_in_one_document(ix):
    m = ix.all_matches(SEED_002, "Amazon")
    assert m.total == ix.document(SEED_002).body.count("Amazon")
    assert [x.paragraph for x in m.matches] == sorted(x.paragraph for x in m.matches)
    first = m.matches[0]
    para = ix.document(SEED_002).paragraphs[first.paragraph - 1]
    assert para[first.start:first.end] == "Amazon" and "<mark>Amazon</mark>" in first.context
    phrase = ix.all_matches(SEED_002, '"deportation machine"')
    assert phrase.total == ix.document(SEED_002).body.count("deportation machine") == 2
    assert {x.text for x in phrase.matches} == {"deportation machine"}


# --------------------------------------------------------------------------- paging, sorting


def test_paging_is_exact_and_deep_pages_work(ix):
    everything = search(ix, q="Amazon", per_page=100)
    pages = [search(ix, q="Amazon", per_page=3, page=p) for p in range(1, 20)]
    assert all(p.total == everything.total for p in pages)
    collected = [i for p in pages for i in ids(p)]
    assert collected == ids(everything)
    assert search(ix, q="Amazon", page=500).hits == ()


def test_sorting(ix):
    newest = [_start(h.date) for h in search(ix, q="Amazon", sort="newest", per_page=100).hits
              if h.date]
    oldest = [_start(h.date) for h in search(ix, q="Amazon", sort="oldest", per_page=100).hits
              if h.date]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)
    assert all(h.score is None for h in search(ix, sort="newest").hits)
    scores = [h.score for h in search(ix, q="Amazon").hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("q", ["", "amazon"])
def test_pages_in_date_order_follow_on_from_each_other(ix, sort, q):
    """A page of 3 by date is the part of the whole order it stands for: each page's
    first documents picked from all of them (a partition), then ordered."""
    whole = search(ix, q=q, sort=sort, per_page=100)
    assert 6 < whole.total <= 100
    paged = [h.id for page in range(1, whole.total // 3 + 2)
             for h in search(ix, q=q, sort=sort, per_page=3, page=page).hits]
    assert paged == ids(whole)


# --------------------------------------------------------------------------- suggestions


def test_did_you_mean_suggests_real_words(ix):
    r = search(ix, q="Palantri")
    assert r.total == 0 and r.suggestion == "palantir"
    r = search(ix, q="goverment surveilance")
    assert r.suggestion and "govern " not in r.suggestion + " "  # words, not stems
    assert search(ix, q="Palantir").suggestion is None


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("kw", "parameter"),
    [
        ({"page": 0}, "page"), ({"page": "x"}, "page"), ({"per_page": 1000}, "per_page"),
        ({"per_page": 0}, "per_page"), ({"sort": "best"}, "sort"),
        ({"date_from": "yesterday"}, "from"), ({"date_to": "2019-13"}, "to"),
        ({"date_from": "2020", "date_to": "2019"}, "from"), ({"type": "op-ed"}, "type"),
        ({"lang": "english!"}, "lang"), ({"exact": "maybe"}, "exact"),
        ({"q": "x" * 1001}, "q"), ({"translated": "sometimes"}, "translated"),
    ],
)
def test_bad_parameters_name_themselves(kw, parameter):
    with pytest.raises(ParameterError) as info:
        make_query(**kw)
    assert info.value.parameter == parameter
    assert str(info.value).startswith(parameter) or parameter in str(info.value)


@pytest.mark.parametrize("make", [make_query, make_quote_query])
def test_values_of_any_type_are_read_or_refused_by_name(make):
    """From Python a parameter may be given a number, a list or anything else: it is read
    as text or refused with a ParameterError naming it, never a TypeError from inside
    (make_query(lang=5) raised one)."""
    import inspect

    for name in inspect.signature(make).parameters:
        for value in (5, 2.5, True, [5], ["es", 7], {"es": 1}, b"es", object()):
            try:
                make(**{name: value})
            except ParameterError as e:
                assert e.parameter in (name, name.replace("date_", "")), (name, value)
    with pytest.raises(ParameterError, match="lang must be a language code") as err:
        make_query(lang=5)
    assert err.value.parameter == "lang"
    assert make_query(lang=["es"]).languages == ("es",)


def test_parameter_aliases():
    sq = make_query(lang=["Spanish", "en"], type=["blog", "press-release"], exact="on")
    assert sq.languages == ("es", "en") and sq.doc_types == ("blog post", "press release")
    assert sq.exact is True


# --------------------------------------------------------------------------- index handle


def test_searcher_is_reused_and_refreshed_after_a_build(tmp_path, monkeypatch):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": "Alpha story about the port strike."})
    build.build_index(corpus_dir, tmp_path / "i")
    opened = []
    real = build.open_index
    monkeypatch.setattr(build, "open_index", lambda d: opened.append(d) or real(d))
    with CorpusIndex(tmp_path / "i") as index:
        for _ in range(5):
            index.search(make_query(q="strike"))
        assert len(opened) == 1
        (corpus_dir / "b.txt").write_text("Beta story about the port strike, later.")
        build.build_index(corpus_dir, tmp_path / "i")
        assert index.search(make_query(q="strike")).total == 2  # same handle sees the update
        build.build_index(corpus_dir, tmp_path / "i", rebuild=True)
        assert index.search(make_query(q="strike")).total == 2  # and a new generation


def _age(*folders: Path, seconds: float = 60) -> None:
    for folder in folders:
        then = folder.stat().st_mtime - seconds
        os.utime(folder, (then, then))


def test_an_unchanged_index_is_not_looked_for_again_until_a_build_changes_it(tmp_path,
                                                                             monkeypatch):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": "Alpha story about the port strike."})
    build.build_index(corpus_dir, tmp_path / "i")
    looked = []
    real = build.current_generation
    monkeypatch.setattr(build, "current_generation", lambda d: looked.append(d) or real(d))
    folders = [tmp_path / "i", real(tmp_path / "i")]
    with CorpusIndex(tmp_path / "i") as index:
        index.search(make_query(q="strike"))
        looked.clear()
        index.search(make_query(q="strike"))
        assert looked  # folders changed in the last seconds: looked for each time
        # a coarse clock: a build in the same tick leaves the folders' times as they were
        times = [f.stat().st_mtime_ns for f in folders]
        (corpus_dir / "b.txt").write_text("Beta story about the port strike, later.")
        build.build_index(corpus_dir, tmp_path / "i")
        for f, t in zip(folders, times, strict=True):
            os.utime(f, ns=(t, t))
        assert index.search(make_query(q="strike")).total == 2
        (corpus_dir / "b.txt").unlink()
        build.build_index(corpus_dir, tmp_path / "i")
        _age(tmp_path / "i", real(tmp_path / "i"))
        index.search(make_query(q="strike"))
        looked.clear()
        for _ in range(3):
            assert index.search(make_query(q="strike")).total == 1
        assert looked == []  # old folders, unchanged since: the open searcher is used
        (corpus_dir / "b.txt").write_text("Beta story about the port strike, later.")
        build.build_index(corpus_dir, tmp_path / "i")  # an update: a new table of contents
        assert index.search(make_query(q="strike")).total == 2
        _age(tmp_path / "i", real(tmp_path / "i"))
        index.search(make_query(q="strike"))
        build.build_index(corpus_dir, tmp_path / "i", rebuild=True)  # a new generation
        (corpus_dir / "c.txt").write_text("Gamma: the strike ends.")
        build.build_index(corpus_dir, tmp_path / "i")
        assert index.search(make_query(q="strike")).total == 3
        assert index.generation == real(tmp_path / "i").name


def test_changed_document_is_not_found_under_its_old_text_by_an_open_handle(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": "Alpha story about the port strike."})
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        assert index.search(make_query(q="strike")).total == 1
        (corpus_dir / "a.txt").write_text("Alpha story about the harbour lockout.")
        build.build_index(corpus_dir, tmp_path / "i")
        assert index.search(make_query(q="strike")).total == 0
        assert index.search(make_query(q="lockout")).total == 1
        assert len(index) == 1  # the replaced record is not counted


@given(words=st.lists(st.text("abcdé", min_size=1, max_size=12), min_size=1, max_size=120),
       seps=st.lists(st.sampled_from([" ", "\n\n", " \n", "\t"]), min_size=120, max_size=120),
       at=st.integers(0, 119), width=st.integers(20, 300))
def test_snippet_windows_cut_between_words(words, seps, at, width):
    text = "".join(w + s for w, s in zip(words, seps, strict=False)).rstrip()
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    first = starts[min(at, len(starts) - 1)]
    start, end = _window(text, [(first, first + 1)], width)
    assert start <= first < end  # the match is shown
    assert start == 0 or (text[start - 1].isspace() and not text[start].isspace())
    assert end == len(text) or text[end].isspace()


def test_a_hyphen_inside_a_word_joins_it_and_one_before_a_word_excludes_it(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {
        "a.txt": "Low-wage workers at the depot asked for an e-commerce union.",
        "b.txt": "The wage was low, workers said, and e-mail was their only channel.",
        "c.txt": "Warehouse workers spoke about their wage and the depot's hours.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        def ids(q: str) -> list[str]:
            return sorted(h.id for h in index.search(make_query(q=q)).hits)

        assert ids("low-wage") == ["a"]  # the two words as a phrase, not "low NOT wage"
        assert ids("e-commerce") == ["a"]
        assert ids("workers -wage") == []  # a hyphen before a word still excludes it
        assert ids("workers -depot") == ["b"]
        assert ids("low-wage -union") == []
        assert ids("(depot) -e-commerce") == ["c"]
        assert "NOT" not in index.search(make_query(q="low-wage")).parsed_query


def test_wildcards_and_fuzzy_words_match_words_as_written_not_stems(tmp_path):
    """A pattern is a pattern of words: Whoosh stemmed it and matched stems, so `deporta*`
    (no stem starts with "deporta") found nothing and `protest*` became `prot*` in German."""
    corpus_dir = write_corpus(tmp_path / "c", {
        "en.txt": "Activists marched against deportations and immigration raids. The "
                  "organizers said the deportation of families had to stop, and that the "
                  "immigrants in the city deserved protection from the federal agents.",
        "es.txt": "Los activistas marcharon contra las deportaciones y las redadas de "
                  "inmigración. Los organizadores dijeron que la deportación de familias "
                  "debía terminar y que los inmigrantes de la ciudad merecían protección.",
        "other.txt": "The mayor deported nobody, she said, and the council protested the "
                     "raids; the vendors protested too, and the newspaper reported it.",
    })
    build.build_index(corpus_dir, tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        def found(q: str, **kw) -> list[str]:
            return sorted(h.id for h in index.search(make_query(q=q, **kw)).hits)

        assert found("deporta*") == ["en", "es"]  # deportation(s), deportación: not deported
        assert found("deporta*") == found("deporta*", exact=True)
        assert found("immigra*") == ["en"]  # English forms; Spanish writes "inmigra..."
        assert found("inmigra*") == ["es"]
        assert found("deport?d") == ["other"]
        assert found("protest*") == ["other"]  # not "protection" (stem "protect")
        assert found("organi?ers OR organi?adores") == ["en", "es"]  # (one letter each)
        assert found("famil*") == ["en", "es"]
        assert found("title:famil*") == []  # (the title: each text's first sentence)
        assert found("title:deporta*") == ["en", "es"]
        r = index.search(make_query(q="deporta* raids"))
        assert r.parsed_query == "(deporta* AND (raid OR raids))"  # (Spanish: "raids")
        marked = {h.id: re.findall(r"<mark>(.*?)</mark>", " ".join(h.snippets))
                  for h in r.hits}
        assert sorted(marked) == ["en"]
        assert set(marked["en"]) == {"deportations", "raids", "deportation"}
        # fuzzy: one edit, a swapped pair of letters counting as one
        assert found("deportaiton~") == ["en"]
        assert found("deportaiotn~") == []  # two swaps: two edits
        assert found("deportaiotn~2") == ["en", "es"]  # (deportacion: two edits too)
        assert found("protsted~") == ["other"]  # a letter dropped
        matches = index.all_matches("en", "deportaiton~").matches
        assert [m.text for m in matches] == ["deportation"]
        # the words fuzzy words are looked for in are those of the index's current version
        (corpus_dir / "new.txt").write_text("Zanzibarian vendors joined the march.",
                                            encoding="utf-8")
        build.build_index(corpus_dir, tmp_path / "i")
        assert found("zanzibarain~") == ["new"]


@given(word=st.text("abcd", max_size=6), other=st.text("abcd", max_size=7),
       maxdist=st.integers(0, 3), prefix=st.integers(0, 2))
@example(word="palantri", other="palantir", maxdist=1, prefix=0)
@example(word="abcd", other="badc", maxdist=1, prefix=0)
def test_fuzzy_words_are_found_and_marked_by_the_same_distance(word, other, maxdist, prefix):
    """The automaton that finds a fuzzy word's matches in the index accepts exactly the
    words that highlighting marks (optimal string alignment distance, computed here from
    its definition)."""
    prefix = min(prefix, len(word))
    d = [[i + j if not i * j else 0 for j in range(len(other) + 1)]
         for i in range(len(word) + 1)]
    for i in range(1, len(word) + 1):
        for j in range(1, len(other) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (word[i - 1] != other[j - 1]))
            if i > 1 and j > 1 and word[i - 1] == other[j - 2] and word[i - 2] == other[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    expected = d[-1][-1] <= maxdist and other.startswith(word[:prefix])
    assert search_module._edit_automaton(word, maxdist, prefix).accept(other) == expected
    assert (other.startswith(word[:prefix]) and
            search_module._within(other, word, maxdist)) == expected


@given(word=st.text("abcdé", max_size=6), maxdist=st.integers(0, 2),
       prefix=st.integers(0, 2),
       vocabulary=st.lists(st.text("abcdé", min_size=1, max_size=8), max_size=60))
def test_fuzzy_words_are_the_words_within_the_distance(word, maxdist, prefix, vocabulary):
    """Walking the automaton over a sorted word list (skipping by bisection) finds exactly
    the words a comparison of every one of them finds."""
    words = sorted(set(vocabulary))
    prefix = min(prefix, len(word))
    assert search_module.fuzzy_words(words, word, maxdist, prefix) == [
        w for w in words if w.startswith(word[:prefix]) and
        search_module._within(w, word, maxdist)]


def test_snippets_of_a_paragraph_with_many_matches():
    # One paragraph of ~2 MB holding 40,000 matches: the windows are found by binary
    # search and their ends looked for nearby (5 MB took 198 s before; bench/HISTORY.md).
    from indexer.schema import build_schema
    from indexer.search import _snippets, _spec, compile_query, find_spans

    para = "the workers of the depot met again and went on strike " * 40_000
    para += "at last a strike vote, then vote counts and a vote result and a strike"
    spec = _spec(compile_query("strike vote counts result", False, build_schema()).query)
    spans = [find_spans(para, "text_en", spec)]
    assert len(spans[0]) > 40_000
    snippets = _snippets([para], spans)
    assert len(snippets) == 3
    # the one window with all four words wins; the other two are the filler's first ones
    # (as many matches each, the earliest first); all in document order
    assert snippets[-1].endswith("<mark>result</mark> and a <mark>strike</mark>")
    assert snippets[0].startswith("the workers") and snippets[0].endswith("…")
    at = [para.index(re.sub(r"</?mark>", "", s).strip("…")) for s in snippets]
    assert at == sorted(at) and at[0] == 0 and at[-1] > len(para) - 300


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.integers(0, 5), min_size=1, max_size=150),
       width=st.integers(20, 300), query=st.sampled_from(["strike", '"general strike"',
                                                          'strike "general strike now"']))
def test_a_snippet_marks_every_match_it_shows_and_cuts_none(picks, width, query):
    """Whatever window a match opens, the matches before it in the window are marked too,
    and a phrase the window's edge would cut widens the window instead."""
    from indexer.search import _snippet, _spec, compile_query, find_spans

    vocabulary = ["strike", "general", "now", None, None, None]  # None: a filler word
    para = " ".join(vocabulary[k] or f"w{i}" for i, k in enumerate(picks))
    spec = _spec(compile_query(query, False, schema.build_schema()).query)
    spans = find_spans(para, "text_en", spec)

    def marked_right(snip: str, start: int, at: int) -> bool:
        end = start + len(re.sub(r"</?mark>", "", snip).strip("…"))
        shown = [(s, e) for s, e in spans if s < end and e > start]
        return (all(start <= s and e <= end for s, e in shown)  # none cut
                and re.findall(r"<mark>(.*?)</mark>", snip) == [para[s:e] for s, e in shown]
                and start <= spans[at][0] < end)

    for at in range(len(spans)):
        snip = _snippet(para, spans, width, at=at)
        plain = re.sub(r"</?mark>", "", snip).strip("…")
        # where the snippet stands (the same words can stand at several places)
        places = [m.start() for m in re.finditer(f"(?={re.escape(plain)})", para)]
        assert any(marked_right(snip, start, at) for start in places)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(st.sampled_from(list("aeiouyáéíóúñçßÄöøœﬁ ÉÑ.-'’_1 \n\tstrnglmkdwUSA#@"
                                         "港スー。")), max_size=80),
       lang=st.sampled_from(["en", "es", "fr", "de", "pt", "xx", "exact"]))
def test_highlighting_analyses_text_exactly_as_the_index_does(text, lang):
    from indexer import schema
    from indexer.search import field_terms, field_words

    analyzer = schema.analyzer(lang if lang in schema.STEMMED_LANGUAGES else None)
    whoosh = [(t.text, t.pos, t.startchar, t.endchar)
              for t in analyzer(text, positions=True, chars=True)]
    assert field_terms(text, f"text_{lang}") == whoosh
    assert field_words(text, f"text_{lang}") == [t[0] for t in whoosh]  # cached or not
    assert field_words(text, f"text_{lang}") == [t[0] for t in whoosh]


def test_the_document_set_cache_stays_within_its_bound(ix, monkeypatch):
    """Filters, phrases and text queries are cached per index version; the cache lets the
    oldest go rather than grow past CACHE_DOCS document numbers (server memory)."""
    s = ix._searcher()
    data = ix._data(s)
    monkeypatch.setattr(type(data), "CACHE_DOCS", 40)
    data._sets.clear()
    data._cached = 0
    for q in ("amazon", '"facial recognition"', "ice", "workers", "protest OR strike",
              "huelga", "glacier", '"Black Friday"'):
        for lang in ((), ("en",), ("es",)):
            search(ix, q=q, lang=list(lang))
            assert data._cached == sum(map(len, data._sets.values())) <= 40
            for docs in data._sets.values():  # docsets, which no one can change
                assert not docs.flags.writeable and (np.diff(docs) > 0).all()
    assert data._sets  # it did cache


def test_remembered_word_frequencies_are_the_readers_and_stay_within_their_bound(
        ix, monkeypatch):
    """_ReaderData.doc_frequency gives what the index's reader gives, for words it has, words
    it has not and values a field cannot hold, remembering at most FREQUENCIES_KEPT; the
    check of what a query would read (bounded) takes its numbers from it."""
    from indexer import search as search_module

    s = ix._searcher()
    reader, data = s.reader(), ix._data(s)
    monkeypatch.setattr(search_module, "FREQUENCIES_KEPT", 3)
    data._frequencies.clear()
    asked = [("text_en", "amazon"), ("text_es", "trabaj"), ("text_en", "zzzunseen"),
             ("title_en", b"amazon"), ("text_exact", "ice"), ("text_en", "amazon")]
    for _ in range(2):
        for fieldname, word in asked:
            assert data.doc_frequency(reader, fieldname, word) == reader.doc_frequency(
                fieldname, word)
            assert len(data._frequencies) <= 3
    assert reader.doc_frequency("text_en", "amazon") > 0
    monkeypatch.setattr(search_module, "FREQUENCIES_KEPT", 1000)
    data._frequencies.clear()
    common = "the OR a OR of OR and OR to OR in"
    n = search(ix, q=common).total
    assert any(field.startswith("text_") and word == "the"
               for field, word in data._frequencies)
    monkeypatch.setattr(search_module, "MAX_POSTINGS", n)
    with pytest.raises(ParameterError, match="would read more than"):  # (remembered now)
        search(ix, q=common)


def _as_docset(numbers) -> np.ndarray:
    return _docset(sorted(numbers))


@settings(max_examples=300, deadline=None)
@given(size=st.sampled_from([41, 5_000]),
       parts=st.lists(st.frozensets(st.integers(0, 40)), min_size=1, max_size=4))
def test_docsets_combine_as_python_sets_do(size, parts):
    """Union, intersection and difference of docsets (ascending read-only arrays) hold what
    the same sets of Python numbers do, whether combined by sorting (small parts of a large
    index) or by masks of the index's size."""
    arrays = [_as_docset(p) for p in parts]
    expect_union = sorted(frozenset().union(*parts))
    expect_both = sorted(frozenset(parts[0]).intersection(*parts[1:]))
    for got, expected in ((_union(arrays, size), expect_union),
                          (_intersection(arrays, size), expect_both),
                          (_difference(arrays[0], arrays[-1], size),
                           sorted(parts[0] - parts[-1]))):
        assert got.dtype == np.int64 and not got.flags.writeable
        assert got.tolist() == expected


def test_docsets_from_numbers_in_any_order_drop_repeats():
    got = _docset([5, 1, 5, 3])
    assert got.tolist() == [1, 3, 5] and not got.flags.writeable
    assert _docset([]).tolist() == []


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.none() | st.frozensets(st.integers(0, 40)),
       sets=st.lists(st.frozensets(st.integers(0, 40)), max_size=3))
def test_intersected_docsets_hold_what_the_sets_intersection_holds(ix, base, sets):
    """_ReaderData.intersected gives the documents in base (None: all) and in every set,
    for any parts, empty ones included; nothing to intersect is refused."""
    data = ix._data(ix._searcher())
    assert data.size > 40
    if base is None and not sets:
        with pytest.raises(ValueError):
            data.intersected(base, sets)
        return
    expected = set(range(data.size)) if base is None else set(base)
    for s in sets:
        expected &= s
    got = data.intersected(None if base is None else _as_docset(base),
                           [_as_docset(s) for s in sets])
    assert got.tolist() == sorted(expected)


@settings(max_examples=300)
@given(words=st.lists(st.sampled_from(["Workers", "worker", "walked", "out", "Trabajadores",
                                       "de", "la", "the", "ICE", "família"]), max_size=30),
       terms=st.sets(st.sampled_from(["worker", "walk", "out", "trabajador", "the", "ice"])),
       phrase=st.lists(st.sampled_from(["Workers", "walked", "out", "the", "de"]),
                       max_size=3),
       at=st.one_of(st.none(), st.integers(0, 30)), slop=st.integers(1, 3),
       lang=st.sampled_from(["en", "es", "exact"]))
def test_a_paragraph_without_query_words_is_passed_over_without_changing_spans(
        words, terms, phrase, at, slop, lang):
    """find_spans skips a paragraph that has none of the query's words (nor all of a
    phrase's words) before finding positions: the spans are those of the full reading
    (which a pattern, never matching, forces). The phrase's own words are often put in the
    text (at), so that phrases of up to three words are found as well as missed."""
    import re as _re

    from indexer.search import _Spec, field_words, find_spans

    fieldname = f"text_{lang}"
    if at is not None:
        words = words[:at] + phrase + words[at:]
    text = " ".join(words)
    spec = _Spec(terms={fieldname: set(terms)},
                 phrases={fieldname: [(tuple(field_words(" ".join(phrase), fieldname)),
                                       slop)]} if phrase else {})
    full = _Spec(terms=spec.terms, phrases=spec.phrases,
                 patterns={fieldname: [_re.compile(r"(?!)")]})
    assert find_spans(text, fieldname, spec) == find_spans(text, fieldname, full)


def test_remembered_term_lookups_answer_as_the_dictionary_does(ix):
    """Each segment's term dictionary keeps its last lookups (per thread): a word found,
    missing, found again, in every field, answers as a fresh reader of the same index does,
    and the memory of them stays within TERM_LOOKUPS_KEPT."""
    from whoosh import index as whoosh_index

    from indexer import search as S

    s = ix._searcher()
    reader = s.reader()
    plain = whoosh_index.open_dir(str(build.current_generation(ix.index_dir))).reader()
    words = [b"amazon", b"ice", b"trabajador", b"no-such-word", b"protest", b"amazon"]
    for fieldname in ("text_en", "text_es", "title_en", "text_exact", "outlet"):
        for word in words * 2:
            assert ((fieldname, word) in reader) == ((fieldname, word) in plain)
            assert (reader.doc_frequency(fieldname, word)
                    == plain.doc_frequency(fieldname, word))
            if (fieldname, word) in plain:
                assert (list(reader.postings(fieldname, word).all_ids())
                        == list(plain.postings(fieldname, word).all_ids()))
    plain.close()
    tables = [r._terms._tindex for r, _ in reader.leaf_readers()]
    assert all(t.ranges_for_key.cache_info().maxsize == S.TERM_LOOKUPS_KEPT for t in tables)
    assert sum(t.ranges_for_key.cache_info().hits for t in tables) > 0


def test_a_field_a_segment_has_no_words_of_is_not_looked_up(ix, monkeypatch):
    """A field in the schema that a segment has no terms of (here a language none of the
    corpus is in) is missing from it without hashing and reading its term table: the same
    answers as a fresh reader, and no read of the table for it."""
    from whoosh import index as whoosh_index

    s = ix._searcher()
    reader = s.reader()
    segments = [r for r, _ in reader.leaf_readers()]
    absent = [f for f in reader.schema.names() if reader.schema[f].format
              and all(f not in r._terms._fieldmap for r in segments)]
    present = [f for f in ("text_en", "title_en")
               if all(f in r._terms._fieldmap for r in segments)]
    assert absent and present, absent  # (fields of no language of the test corpus)
    plain = whoosh_index.open_dir(str(build.current_generation(ix.index_dir))).reader()
    hashed: list[bytes] = []  # keys Whoosh's table lookup hashes
    for r in segments:
        table = r._terms._tindex
        monkeypatch.setattr(table, "hashfn",
                            lambda key, h=table.hashfn: (hashed.append(key), h(key))[1])
    for fieldname in absent + present:
        for word in (b"amazon", b"protest", b"a-word-asked-here-only"):
            assert ((fieldname, word) in reader) == ((fieldname, word) in plain)
            assert reader.doc_frequency(fieldname, word) == plain.doc_frequency(fieldname, word)
    plain.close()
    looked_up = {key[2:] for key in hashed}
    assert b"a-word-asked-here-only" in looked_up  # (a new word is hashed, in English)
    assert len(hashed) <= 3 * len(present) * len(segments)  # and only those


def test_text_that_is_not_utf8_is_refused_not_a_crash(ix):
    """Bytes that are not UTF-8 on a command line reach Python as lone surrogates, which
    Whoosh cannot encode (a wildcard's expansion raised UnicodeEncodeError)."""
    for text in ("\udcff*", "amazon \udcff", "\ud800"):
        with pytest.raises(ParameterError) as exc:
            make_query(q=text)
        assert exc.value.parameter == "q" and "UTF-8" in str(exc.value)
        with pytest.raises(ParameterError):
            make_quote_query(q=text)
    with pytest.raises(DocumentNotFoundError, match="no document with id"):
        ix.document("\udcff")


def test_a_far_phrase_is_refused_wherever_a_query_is_read(ix):
    doc = ix.document(SEED_000)
    far = f'"amazon workers"~{search_module.MAX_SLOP + 1}'
    for call in (lambda: search(ix, q=far), lambda: ix.all_matches(SEED_000, far),
                 lambda: ix.highlight_document(doc, far),
                 lambda: ix.search_quotes(make_quote_query(q=far))):
        with pytest.raises(ParameterError, match=r"at most \d+ apart"):
            call()
    near = f'"amazon workers"~{search_module.MAX_SLOP}'
    assert search(ix, q=near).total >= search(ix, q='"amazon workers"').total
    ix.all_matches(SEED_000, near)


def test_words_of_unspaced_scripts_are_found_wherever_they_stand(tmp_path):
    """Chinese and Japanese run words together: a word is found inside a clause, as the
    phrase of its characters, and marked in the snippet; the same characters apart are not
    that word. Their headlines, dates and 「quotations」 are found too."""
    with indexed(tmp_path, {
        "zh.txt": "港口工人罢工\n\n2019年6月21日\n\n周一凌晨，港口的码头工人停止了工作，"
                  "要求提高工资。工会主席说：“我们不会让步，直到港务局回应为止。”"
                  "市议会定于周三讨论此事。",
        "ja.txt": "港の労働者がストライキ\n\n２０１９年６月２４日\n\n月曜日の朝、港の労働者たちは"
                  "賃上げを求めて仕事を止めた。組合の委員長は「港湾局が回答するまでストを続ける」"
                  "と述べた。",
        "en.txt": "Dock Strike\n\nDock workers at the port stopped work on Monday, asking "
                  "for higher pay; the union said the strike would go on.",
    }) as index:
        r = index.search(make_query(q="港务局"))
        assert ids(r) == ["zh"] and r.suggestion is None  # (not "did you mean 港?")
        assert any("<mark>港务局</mark>" in s for s in r.hits[0].snippets)
        assert (r.hits[0].title, r.hits[0].date) == ("港口工人罢工", "2019-06-21")
        r = index.search(make_query(q="港湾局"))
        assert ids(r) == ["ja"]
        assert (r.hits[0].title, r.hits[0].date) == ("港の労働者がストライキ", "2019-06-24")
        assert ids(index.search(make_query(q="ストライキ"))) == ["ja"]
        assert ids(index.search(make_query(q="title:罢工"))) == ["zh"]
        # 港 and 局 are both in the Chinese text, but never as the word 港局
        assert index.search(make_query(q="港局")).total == 0
        # a word of an unspaced script beside a Latin one, both required
        assert ids(index.search(make_query(q="港口 罢工"))) == ["zh"]
        assert index.search(make_query(q="港口 strike")).total == 0
        assert sorted(ids(index.search(make_query(q="港")))) == ["ja", "zh"]
        said = index.search_quotes(make_quote_query(q="回应"))
        assert [h.text for h in said.hits] == ["我们不会让步，直到港务局回应为止。"]
        said = index.search_quotes(make_quote_query(q="回答"))
        assert [h.text for h in said.hits] == ["港湾局が回答するまでストを続ける"]
