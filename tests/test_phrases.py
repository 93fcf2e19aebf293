"""Phrase documents and scores, word document sets, and the ranking of known documents,
read straight from the postings (indexer.search._phrase_docs, _Known, _term_docs,
_score_all), against Whoosh's own evaluation of the same queries on an index built for it:
several segments, posting lists of many blocks and single inlined postings, deleted
documents, repeated words, a boosted field."""

from __future__ import annotations

import heapq
import random
from contextlib import contextmanager
from itertools import accumulate

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from whoosh import analysis, fields, formats, index
from whoosh import query as wq
from whoosh.matching import IntersectionMatcher
from whoosh.matching.combo import ArrayUnionMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util import make_binary_tree

from indexer import schema as indexer_schema
from indexer import search
from indexer.search import (
    _bulk_bounds,
    _docs,
    _exact_arrays,
    _Expanded,
    _known_phrases,
    _phrase_docs,
    _position_keys,
    _rescored,
    _score_all,
    _score_top,
    _segments_of,
    _term_docs,
    _unaligned,
)

VOCAB = "ant bee cat dog eel fox gnu hen".split()  # few words: phrases recur, words repeat
RARE = "yak"  # in one document: its posting is stored inline with the word
COMMON = frozenset({"ant", "bee"})  # text_xx's pairs: those with one of these (pairs_xx)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        body=fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer()),
        title=fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer(), field_boost=2.0),
        **pair_fields())
    ix = index.create_in(str(tmp_path_factory.mktemp("phrases")), schema)
    rng = random.Random(5)
    weights = [2 ** -i for i in range(len(VOCAB))]
    n = 0
    for _ in range(3):  # three segments, each with lists longer than a block (128)
        w = ix.writer()
        for _ in range(400):
            words = rng.choices(VOCAB, weights, k=rng.randint(1, 40))
            title = rng.choices(VOCAB, k=rng.randint(0, 4))
            body = " ".join(words)
            w.add_document(id=str(n), body=body, text_xx=body, pairs_xx=body, title=" ".join(title))
            n += 1
        w.commit(merge=False)
    w = ix.writer()
    for k, body, title in ((n, f"ant {RARE} bee", RARE), (n + 1, "cat dog", "")):
        # the second: a segment where RARE meets none
        w.add_document(id=str(k), body=body, text_xx=body, pairs_xx=body, title=title)
    for doc in range(0, n, 7):
        w.delete_by_term("id", str(doc))
    w.commit(merge=False)
    w = ix.writer()  # long gaps between a word's positions: pickled in 2 and 4 bytes
    far = [f"ant {' '.join(['gnu'] * 300)} ant bee {' '.join(['fox'] * 70_000)} ant bee cat"]
    far += [f"ant bee {' '.join(['eel'] * k)} ant bee" for k in (254, 255, 256, 65_534)]
    for k, body in enumerate(far):
        w.add_document(id=f"far{k}", body=body, text_xx=body, pairs_xx=body, title="")
    w.commit(merge=False)
    s = ix.searcher()
    assert len(s.reader().leaf_readers()) == 5 and s.reader().has_deletions()
    yield s
    s.close()


def pair_fields() -> dict:
    """text_xx: body again, and pairs_xx its pairs of adjacent words with one in COMMON, as
    indexer.schema makes text_<language> and pairs_<language>."""
    words = analysis.SpaceSeparatedTokenizer()
    return {"text_xx": fields.TEXT(analyzer=words),
            "pairs_xx": fields.FieldType(formats.Positions(),
                                        words | indexer_schema.CommonPairFilter(COMMON),
                                        scorable=False)}


phrases = st.lists(st.sampled_from(VOCAB + [RARE, "absent"]), min_size=2, max_size=4)


def _no_cache(key, compute):
    return compute()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=phrases, field=st.sampled_from(["body", "title", "text_xx"]))
@example(words=[RARE, "cat", "dog"], field="body")  # no document left before the last word
@example(words=["ant", "bee", "cat"], field="body")  # 4-byte gaps
@example(words=["ant", "bee", "cat"], field="text_xx")  # the pairs' 4-byte gaps
@example(words=["bee", "ant", "bee", "ant"], field="text_xx")  # a pair twice
@example(words=["cat", "dog", "ant", "eel"], field="text_xx")  # a word, then pairs
def test_phrase_documents_are_whooshs(searcher, words, field):
    """Both ways of comparing positions: a document at a time, and all at once in arrays
    (from PHRASE_ARRAYS_FROM candidates on). In text_xx, from the pairs of pairs_xx where
    the phrase has a common word (_phrase_units): what Whoosh finds from text_xx's words."""
    q = wq.Phrase(field, words)
    expected = frozenset(searcher.docs_for_query(q))
    saved = search.PHRASE_ARRAYS_FROM
    try:
        for search.PHRASE_ARRAYS_FROM in (10**9, 0):
            assert _phrase_docs(searcher, q).tolist() == sorted(expected)
    finally:
        search.PHRASE_ARRAYS_FROM = saved


gap_lists = st.lists(st.integers(1, 2**17), min_size=1, max_size=12).map(
    lambda gaps: list(accumulate(gaps, initial=0))[1:])
byte_gaps = st.lists(st.integers(1, 255), min_size=1, max_size=12).map(
    lambda gaps: list(accumulate(gaps)))


@settings(max_examples=300, deadline=None)
@given(postings=st.lists(st.tuples(st.one_of(gap_lists, byte_gaps), st.booleans()),
                         min_size=1, max_size=8),
       start_at_0=st.booleans())
def test_position_keys_read_as_whoosh_decodes(postings, start_at_0):
    """Every posting as Whoosh encodes positions (with and without the final STOP byte,
    gaps of one, two and four bytes): each position read as Whoosh reads it."""
    fmt = formats.Positions()
    values, expected = [], []
    for row, (positions, stop) in enumerate(postings):
        if start_at_0:
            positions = [p - positions[0] for p in positions]
        value = fmt.encode(positions)
        values.append(value if stop else value.rstrip(b"."))
        expected += [row << 32 | p for p in fmt.decode_positions(values[-1])]
    assert _position_keys(values).tolist() == expected


def test_phrases_are_read_as_pairs_where_they_have_a_common_word(searcher):
    sch = searcher.schema

    def units(field, phrase, pairs=True):
        return {(f, t.decode()): places for (f, t), places in
                search._phrase_units(sch, field, [w.encode() for w in phrase.split()],
                                     pairs).items()}

    assert units("text_xx", "cat ant dog eel bee ant") == {
        ("pairs_xx", "cat ant"): [0], ("pairs_xx", "ant dog"): [1],
        ("pairs_xx", "eel bee"): [3], ("pairs_xx", "bee ant"): [4]}
    assert units("text_xx", "cat dog ant eel fox") == {
        ("text_xx", "cat"): [0], ("pairs_xx", "dog ant"): [1], ("pairs_xx", "ant eel"): [2],
        ("text_xx", "fox"): [4]}
    assert units("text_xx", "ant bee ant bee") == {
        ("pairs_xx", "ant bee"): [0, 2], ("pairs_xx", "bee ant"): [1]}
    assert units("text_xx", "cat dog cat") == {("text_xx", "cat"): [0, 2], ("text_xx", "dog"): [1]}
    # a phrase with slop: its words, each word's places (pairs stand for adjacent words)
    assert units("text_xx", "ant bee ant", pairs=False) == {("text_xx", "ant"): [0, 2],
                                                            ("text_xx", "bee"): [1]}
    # no pairs field, or one made from other terms: the words
    assert units("body", "cat ant") == {("body", "cat"): [0], ("body", "ant"): [1]}
    other = fields.Schema(text_xx=fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer()),
                          pairs_xx=fields.FieldType(formats.Positions(),
                                                   analysis.RegexTokenizer()
                                                   | indexer_schema.CommonPairFilter(COMMON)))
    assert search._phrase_units(other, "text_xx", [b"cat", b"ant"]) == {
        ("text_xx", b"cat"): [0], ("text_xx", b"ant"): [1]}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=phrases, field=st.sampled_from(["body", "title", "text_xx"]),
       slop=st.integers(2, 8))
@example(words=["ant", "ant", "ant"], field="body", slop=3)  # a word repeated
@example(words=["gnu", "ant"], field="body", slop=8)  # 2- and 4-byte gaps ("far" documents)
@example(words=["ant", "bee", "ant"], field="text_xx", slop=2)  # pairs' field: words read
@example(words=[RARE, "bee"], field="body", slop=2)  # an inlined posting
def test_sloppy_phrase_documents_are_whooshs(searcher, words, field, slop, monkeypatch):
    """A phrase with slop is found from its words' positions in arrays, not by Whoosh's
    span matcher, and finds the documents Whoosh's SpanNear2 finds."""
    q = wq.Phrase(field, words, slop=slop)
    expected = frozenset(searcher.docs_for_query(q))
    with monkeypatch.context() as m:
        m.setattr(searcher, "docs_for_query", None)  # (not asked)
        found = _phrase_docs(searcher, q).tolist()
    assert found == sorted(expected)
    # slop only widens
    assert set(found) >= set(_phrase_docs(searcher, wq.Phrase(field, words)).tolist())


def _scores(searcher, q) -> list[tuple[float, int]]:
    return [(h.score, h.docnum) for h in searcher.search(q, limit=None)]


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=phrases, b=phrases, word=st.sampled_from(VOCAB), shape=st.sampled_from("pOAN"),
       field=st.sampled_from(["body", "text_xx"]), slop=st.sampled_from([1, 1, 2, 5]))
@example(a=["ant", "hen"], b=["bee", "bee"], word="hen", shape="N", field="body", slop=1)
# (Whoosh's bug, below)
@example(a=["gnu", "ant"], b=["gnu", "ant"], word="gnu", shape="N", field="body", slop=1)
# (two pages)
@example(a=["ant", "cat", "ant"], b=["bee", "bee"], word="ant", shape="O", field="body",
         slop=3)
def test_known_phrases_score_exactly_as_whoosh(searcher, a, b, word, shape, field, slop):
    """Alone, or in OR / AND / AND NOT with another phrase and a word: the same documents,
    the same scores to the last bit, in the same order, top page or all. (A phrase found
    from pairs is scored by its words, as Whoosh scores it; so is a phrase with slop.)"""
    pa, pb, term = (wq.Phrase(field, a, slop=slop), wq.Phrase("title", b),
                    wq.Term(field, word))
    q = {"p": pa, "O": wq.Or([pa, pb, term]), "A": wq.And([pa, term]),
         "N": wq.AndNot(wq.Or([pa, term]), pb)}[shape]
    known = _known_phrases(searcher, q, _no_cache)
    assert _scores(searcher, known) == _scores(searcher, q)
    pages = [[(h.score, h.docnum) for h in searcher.search(q, limit=5, optimize=optimize)]
             for optimize in (True, False)]
    if shape != "N":
        assert pages[0] == pages[1]
    # Whoosh's AND NOT matcher can keep a first document that its NOT part has (below), and
    # whether it does depends on whether Whoosh's collector skips blocks by their quality
    # (optimize): then Whoosh has two top pages, and a known phrase's is one of them.
    assert [(h.score, h.docnum) for h in searcher.search(known, limit=5)] in pages
    if shape == "N":  # what it means: Whoosh's AND NOT matcher can keep a first document
        # that its NOT part has (test_and_not_inside_or_ranks_by_what_it_means)
        expected = (frozenset(searcher.docs_for_query(q.a))
                    - frozenset(searcher.docs_for_query(q.b)))
    else:
        expected = frozenset(searcher.docs_for_query(q))
    assert _docs(searcher, known).tolist() == sorted(expected)


@pytest.mark.parametrize("words", [["ant"], ["hen", RARE], VOCAB, ["absent"], ["ant", "absent"]])
def test_word_document_sets_are_whooshs(searcher, words):
    for field in ("body", "title"):
        expected = frozenset(searcher.docs_for_query(wq.Or([wq.Term(field, w) for w in words])))
        assert _term_docs(searcher, field, [w.encode() for w in words]).tolist() == sorted(expected)
        if len(words) == 1:
            assert _docs(searcher, wq.Term(field, words[0])).tolist() == sorted(expected)
    prefix = wq.Prefix("body", "e")
    expanded = _Expanded(prefix, tuple(prefix._btexts(searcher.reader())))
    assert _docs(searcher, expanded).tolist() == sorted(set(searcher.docs_for_query(prefix)))
    assert _term_docs(searcher, "no_such_field", [b"ant"]).tolist() == []


words_in = st.sampled_from(VOCAB + [RARE, "absent"])
leaves = st.one_of(
    st.builds(wq.Term, st.sampled_from(["body", "title", "text_xx"]), words_in,
              boost=st.sampled_from([1.0, 1.0, 0.5, 3.0])),
    st.builds(wq.Phrase, st.sampled_from(["body", "title", "text_xx"]), phrases))
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.builds(wq.Or, st.lists(inner, min_size=2, max_size=4)),
    st.builds(wq.And, st.lists(inner, min_size=2, max_size=3))), max_leaves=6)
# AND NOT on top only: below, Whoosh's AND NOT matcher can keep a first document that its NOT
# part has, or read past its postings, and there is then no right answer to compare with
queries = st.one_of(trees, st.builds(wq.AndNot, trees, trees))


# a query, a share of its documents to rank (a search ranks some of _docs'), a seed to pick
# them, and the kind of OR matcher: in these small segments Whoosh sums an OR of more than
# two parts in an array (AUTO); DEFAULT makes it a tree of pairs, as in segments over 5,000
# documents
ranking_cases = {"q": queries, "keep": st.floats(0.05, 1.0), "seed": st.integers(0, 99),
                 "tree": st.sampled_from([wq.Or.AUTO_MATCHER, wq.Or.DEFAULT_MATCHER])}
ranking_settings = settings(max_examples=200, deadline=None,
                            suppress_health_check=[HealthCheck.function_scoped_fixture])


@contextmanager
def ranking_case(searcher, q, keep, seed, tree):
    """(q with its phrases known, the documents to rank), with Or's matcher set to tree."""
    known = _known_phrases(searcher, q, _no_cache)
    matched = _docs(searcher, known).tolist()
    final = set(random.Random(seed).sample(matched, round(len(matched) * keep)))
    saved, wq.Or.matcher_type = wq.Or.matcher_type, tree
    try:
        yield known, final
    finally:
        wq.Or.matcher_type = saved


@ranking_settings
@given(limit=st.sampled_from([1, 10, 1000]), **ranking_cases)
def test_known_documents_rank_exactly_as_whoosh(searcher, q, keep, limit, tree, seed):
    """Any tree of words, phrases, OR, AND and AND NOT, over all its documents or some of
    them, either kind of OR matcher: the best documents by Whoosh's scores, in Whoosh's order
    (score, then document number), with scores equal to the last bit."""
    with ranking_case(searcher, q, keep, seed, tree) as (known, final):
        ours = _score_all(searcher, known, final, limit)
        # every match scored (a top-k search skips blocks by estimates that can be low)
        every = [(h.score, h.docnum)
                 for h in searcher.search(known, limit=None, filter=final or {-1})]
    assert ours == sorted(every, key=lambda sd: (-sd[0], sd[1]))[:limit]


@ranking_settings
@given(limit=st.sampled_from([1, 3, 10]), **ranking_cases)
@example(q=wq.Phrase("text_xx", ["ant", "bee"]), keep=1.0, limit=3, seed=0,
         tree=wq.Or.DEFAULT_MATCHER)  # common words: bounds from the block headers
def test_bounds_are_never_under_the_scores(searcher, q, keep, limit, tree, seed):
    """Each document's bound (block headers' largest weights, the document's length) is at
    least its score, so the ranking that scores only documents whose bounds can reach the
    page is the ranking that scores them all, to the last bit."""
    saved_from, search.BOUNDED_FROM = search.BOUNDED_FROM, 0
    try:
        with ranking_case(searcher, q, keep, seed, tree) as (known, final):
            numbers, scores = _exact_arrays(searcher, _unaligned(known), final)
            exact = dict(zip(numbers.tolist(), scores.tolist(), strict=True))
            context = searcher.context()
            for sub, offset, local in _segments_of(searcher, final):
                m = _unaligned(known).matcher(sub, context)
                try:
                    bounds = _bulk_bounds(m, local, set(local), sub)
                except search._Unsupported:  # a scored word below an OR: all are scored
                    continue
                assert set(bounds) >= set(local)
                assert all(bounds[d] >= exact[d + offset] for d in local)
            assert _score_top(searcher, known, final, limit) == _score_all(searcher, known,
                                                                           final, limit)
    finally:
        search.BOUNDED_FROM = saved_from


def test_bounds_leave_most_documents_unscored(searcher, tmp_path, monkeypatch):
    """A phrase of two common words, found from their pair in a thousand documents (so
    their weights were not read), ten of which have it many times: the first page is
    ranked exactly, scoring a small share of them (the other blocks' largest weights keep
    their documents under the page). The same phrase on a field without pairs had its
    weights read when its documents were found: every document is scored from those."""
    monkeypatch.setattr(search, "BOUNDED_FROM", 0)
    scored, every = [], []

    def rescored(segments, docs, how=None):
        if how is None:
            scored.extend(docs)
        return _rescored(segments, docs, how)

    def score_all(s, q, docs, limit):
        every.extend(docs)
        return _score_all(s, q, docs, limit)
    monkeypatch.setattr(search, "_rescored", rescored)
    monkeypatch.setattr(search, "_score_all", score_all)
    ix = index.create_in(str(tmp_path), fields.Schema(
        body=fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer()), **pair_fields()))
    w = ix.writer()
    rng = random.Random(3)
    for i in range(1000):
        words = rng.choices(VOCAB[2:], k=60)
        for _ in range(6 if i < 10 else 1):
            at = rng.randrange(len(words))
            words[at:at] = ["ant", "bee"]
        w.add_document(body=" ".join(words), text_xx=" ".join(words),
                       pairs_xx=" ".join(words))
    w.commit()
    with ix.searcher() as s:
        for field in ("text_xx", "body"):
            q = _known_phrases(s, wq.Phrase(field, ["ant", "bee"]), _no_cache)
            final = set(_docs(s, q).tolist())
            assert len(final) == 1000
            top = _score_top(s, q, final, 10)
            assert top == sorted(((h.score, h.docnum) for h in s.search(q, limit=None)),
                                 key=lambda sd: (-sd[0], sd[1]))[:10]
            assert {d for _, d in top} == set(range(10))
            if field == "text_xx":
                assert 0 < len(scored) < len(final) / 3 and not every
            else:
                assert set(every) == final


@pytest.mark.parametrize("boost", [1.0, 0.1])  # 0.1: weights that are not whole numbers
def test_common_words_weights_are_kept_for_the_next_search(tmp_path, monkeypatch, boost):
    """A phrase's common words, found from their pairs, have their weights read whole once
    per segment (deleted documents too) and kept: the next search's ranking reads none of
    their blocks, and both rank exactly as Whoosh. Other words are read as before."""
    monkeypatch.setattr(search, "_WEIGHTS", search._KeptArrays(10**6))
    words = analysis.SpaceSeparatedTokenizer()
    ix = index.create_in(str(tmp_path), fields.Schema(
        id=fields.ID(unique=True), text_xx=fields.TEXT(analyzer=words, field_boost=boost),
        pairs_xx=pair_fields()["pairs_xx"]))
    rng = random.Random(11)
    for segment in range(2):
        w = ix.writer()
        for i in range(600):
            body = " ".join(rng.choices(VOCAB[:4], k=rng.randint(2, 60)))
            w.add_document(id=f"{segment}-{i}", text_xx=body, pairs_xx=body)
        for i in range(0, 600, 9):
            w.delete_by_term("id", f"{segment - 1}-{i}")  # (the segment before's)
        w.commit(merge=False)
    read: list[bytes] = []

    def weight_blocks(m, wanted):
        read.append((m.child if isinstance(m, FilterMatcher) else m).term()[1])
        return weight_blocks.original(m, wanted)
    weight_blocks.original = search._weight_blocks
    monkeypatch.setattr(search, "_weight_blocks", weight_blocks)
    with ix.searcher() as s:
        assert s.reader().has_deletions() and len(s.reader().leaf_readers()) == 2
        for words_ in (["ant", "bee", "cat"], ["cat", "ant", "dog"], ["ant", "bee", "cat"]):
            q = _known_phrases(s, wq.Phrase("text_xx", words_), _no_cache)
            final = set(_docs(s, q).tolist())
            assert len(final) > 100
            read.clear()
            ours = _score_all(s, q, final, len(final))
            assert ours == sorted(((h.score, h.docnum) for h in s.search(q, limit=None)),
                                  key=lambda sd: (-sd[0], sd[1]))
        sub = s.leaf_searchers()[0][0]
        assert search._common_word_weights(sub, ("text_xx", b"cat")) is None
        [(ids, weights)] = search._common_word_weights(sub, ("text_xx", b"ant"))
        assert len(ids) == sub.reader().doc_frequency("text_xx", b"ant")  # deleted ones too
        assert weights.dtype == np.float32  # (as Whoosh writes them: kept at half the size)
    # ant, bee: kept for both segments by the first search; the third read only cat again
    assert sorted(key[1:] for key in search._WEIGHTS._kept) == [("text_xx", b"ant")] * 2 + [
        ("text_xx", b"bee")] * 2
    assert set(read) == {b"cat"}


def test_the_most_frequent_common_words_are_kept_first(searcher, monkeypatch):
    """Before a server forks, its common words are read (search._keep_common_words): the
    most frequent, as many as are kept, the most frequent the last to go."""
    frequency = {(r.segment().segment_id(), "text_xx", w): r.doc_frequency("text_xx", w)
                 for r, _ in searcher.reader().leaf_readers() for w in (b"ant", b"bee")
                 if ("text_xx", w) in r}
    assert len(frequency) >= 6
    monkeypatch.setattr(search, "_WEIGHTS", search._KeptArrays(10**9))
    search._keep_common_words(searcher)
    kept = list(search._WEIGHTS._kept)  # least recently used first
    assert set(kept) == set(frequency)
    assert [frequency[k] for k in kept] == sorted(frequency.values())
    most = max(frequency.values())
    monkeypatch.setattr(search, "_WEIGHTS", search._KeptArrays(most))
    search._keep_common_words(searcher)
    assert [frequency[k] for k in search._WEIGHTS._kept] == [most]


@pytest.mark.parametrize("a_field", ["title", "body"])
@pytest.mark.parametrize("a, b", [("ant", "ant"), ("ant", "bee"), ("bee", "cat"), ("cat", "ant")])
def test_and_not_inside_or_ranks_by_what_it_means(searcher, a_field, a, b):
    """x OR (a AND NOT b): Whoosh's AND NOT matcher steps over a's first documents that b
    has when it starts (and, a Whoosh bug, can keep one), so its matchers stand past
    documents the OR still ranks; each is scored x + a exactly when it has a and not b."""
    x = wq.Term("body", "ant")
    pos, neg = wq.Term(a_field, a), wq.Term("body", b)
    q = wq.Or([x, wq.AndNot(pos, neg)])
    final = set(_docs(searcher, q).tolist())
    alone = {t: {h.docnum: h.score for h in searcher.search(t, limit=None)}
             for t in (x, pos)}
    negs = set(searcher.docs_for_query(neg))
    expected = []
    for d in final:
        score = alone[x].get(d)
        if d in alone[pos] and d not in negs:
            score = alone[pos][d] if score is None else score + alone[pos][d]
        expected.append((score, d))
    assert _score_all(searcher, q, final, len(final)) == sorted(expected,
                                                               key=lambda sd: (-sd[0], sd[1]))


def test_one_byte_gaps_are_read_from_the_bytes(monkeypatch):
    """Postings whose gaps all fit a byte (most of a common word's) take the fast path:
    neither the gap-by-gap walk nor Whoosh's decoder."""
    def unexpected(*args):
        raise AssertionError("not the one-byte path")
    monkeypatch.setattr(search, "_walked_keys", unexpected)
    monkeypatch.setattr(formats.Positions, "decode_positions", unexpected)
    fmt = formats.Positions()
    rows = [[0], [3, 4, 200], [255], [1, 2, 3, 258]]
    values = [fmt.encode(r) for r in rows]
    assert _position_keys(values).tolist() == [
        i << 32 | p for i, r in enumerate(rows) for p in r]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries, room=st.sampled_from([0, 50, 10**6]))
def test_blocks_remembered_while_finding_documents_score_the_same(searcher, q, room):
    """In a search, the blocks read to find a word's documents keep their document numbers
    and weights (up to REMEMBERED_POSTINGS), and scoring takes them from there: the same
    ranking, to the last bit, as reading the postings again."""
    known = _known_phrases(searcher, q, _no_cache)
    final = set(_docs(searcher, known).tolist())
    expected = _score_all(searcher, known, final, 1000)
    saved = search.REMEMBERED_POSTINGS
    search.REMEMBERED_POSTINGS = room
    try:
        with search._remembering_blocks():
            assert set(_docs(searcher, known).tolist()) == final
            remembered = sum(len(ids) for ids, _ in search._reading.blocks.values())
            assert remembered <= room
            assert _score_all(searcher, known, final, 1000) == expected
    finally:
        search.REMEMBERED_POSTINGS = saved
    assert search._reading.blocks is None  # nothing kept after the search
    if room == 10**6 and any(isinstance(t, wq.Term) and t.text in VOCAB
                             for t in known.leaves()):
        assert remembered  # (a word of many postings: its blocks were kept)


@pytest.fixture(scope="module")
def live(searcher):
    """Another searcher of the same index, its segment readers prepared as CorpusIndex
    prepares them (search._prepare_readers): lazy deletion filters."""
    s = searcher._ix.searcher()
    search._prepare_readers(s)
    made = [(r.has_deletions(), type(r.postings("body", "ant")))
            for r, _ in s.reader().leaf_readers()]
    assert {kind for deletions, kind in made if deletions} == {search._LiveFilter}
    assert search._LiveFilter not in {kind for deletions, kind in made if not deletions}
    yield s
    s.close()


def test_a_prepared_reader_reads_no_block_to_make_a_matcher(searcher, live, monkeypatch):
    """Whoosh's FilterMatcher moves to its first live document when made, which reads the
    word's first block; a _LiveFilter waits until it is asked. Asked, it stands on the
    first live document, as FilterMatcher does (document 0, the first, is deleted)."""
    reads = []
    read_ids = search.W3LeafMatcher._read_ids
    monkeypatch.setattr(search.W3LeafMatcher, "_read_ids",
                        lambda m: (reads.append(m), read_ids(m))[1])
    plain, ours = (s.reader().leaf_readers()[0][0] for s in (searcher, live))
    whooshs = plain.postings("body", "ant")
    assert reads and plain.is_deleted(0) and whooshs.id() > 0
    reads.clear()
    m = ours.postings("body", "ant")
    assert reads == [] and m.pending
    assert m.id() == whooshs.id() and not m.pending and reads


@pytest.mark.parametrize("field", ["body", "text_xx"])
def test_scoring_a_phrase_found_moves_none_of_its_words_filters(live, monkeypatch, field):
    """Scoring the documents of a phrase just found asks whether its words together may
    still match (_may_match); on a segment with deletions, asking must not move the words'
    lazy filters, which reads each word's first block whole, positions included. The
    ranking is still Whoosh's."""
    reads = []
    read_ids = search.W3LeafMatcher._read_ids
    monkeypatch.setattr(search.W3LeafMatcher, "_read_ids",
                        lambda m: (reads.append(m), read_ids(m))[1])
    phrase = wq.Phrase(field, ["cat", "dog"])
    q = _known_phrases(live, phrase, _no_cache)
    final = set(_docs(live, q).tolist())
    assert any(d < 400 and live.reader().is_deleted(d) for d in range(0, 400, 7))
    assert any(d < 400 for d in final)  # (found in the segment with deletions)
    reads.clear()
    top = _score_all(live, q, final, 10)
    assert reads == []
    assert top == sorted(((h.score, h.docnum) for h in live.search(phrase, limit=None)),
                         key=lambda sd: (-sd[0], sd[1]))[:10]


live_operations = st.lists(st.one_of(
    st.tuples(st.just("next")), st.tuples(st.just("skip_to"), st.integers(0, 1300)),
    st.tuples(st.just("reset")), st.tuples(st.just("replace")), st.tuples(st.just("all_ids")),
    st.tuples(st.just("look"))), max_size=12)


def _state(m) -> tuple:
    if not m.is_active():
        return (False,)
    return True, m.id(), m.score(), m.weight(), m.value(), m.max_quality()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["body", "title", "text_xx"]), word=words_in, ops=live_operations,
       segment=st.integers(0, 3), first=st.sampled_from(["is_active", "id", "score", "value"]),
       deleted=st.one_of(st.just("all"), st.just("first"),
                         st.sets(st.integers(0, 450), max_size=400)))
@example(field="body", word="ant", ops=[("reset",), ("next",), ("look",)], segment=0,
         first="id", deleted="first")  # moved from an unmoved start: past the deleted first
def test_live_filters_walk_as_whooshs_filters(searcher, field, word, ops, segment, first,
                                              deleted):
    """A word's postings with any documents deleted (none, the first, some, all of them),
    through any sequence of moves, resets and replacements (Whoosh's leaf matchers cannot
    be copied), whatever it is asked first: a _LiveFilter answers as Whoosh's FilterMatcher
    (the same documents, scores, weights, values)."""
    sub, _ = searcher.leaf_searchers()[segment]
    reader = sub.reader()
    if (field, word) not in reader:
        return
    text = word.encode()

    def postings():
        return reader._terms.matcher(field, text, reader.schema[field].format,
                                     scorer=sub.weighting.scorer(sub, field, text))

    if deleted == "all":
        deleted = list(postings().all_ids())
    elif deleted == "first":
        deleted = [postings().id()]
    a = search.FilterMatcher(postings(), frozenset(deleted), exclude=True)
    b = search._LiveFilter(postings(), frozenset(deleted))
    if first == "is_active" or not a.is_active():
        assert a.is_active() == b.is_active()
    else:
        assert getattr(a, first)() == getattr(b, first)()
    for op, *args in ops:
        if op == "all_ids":
            assert list(a.all_ids()) == list(b.all_ids())
            continue
        if op == "replace":
            a, b = a.replace(), b.replace()
        elif op == "look":  # (asking moves an unmoved one: not after every move)
            assert _state(a) == _state(b)
        elif a.is_active():  # (moving an inactive matcher is not asked of either)
            getattr(a, op)(*args)
            getattr(b, op)(*args)
    assert _state(a) == _state(b)


union_operations = st.lists(st.one_of(
    st.tuples(st.just("next")), st.tuples(st.just("skip_to"), st.integers(0, 1300)),
    st.tuples(st.just("skip_to_quality"), st.floats(0, 8)), st.tuples(st.just("all_ids")),
    st.tuples(st.just("look"))), max_size=12)


def _union_state(m) -> tuple:
    if not m.is_active():
        return (False,)
    return True, m.id(), m.score(), m.max_quality(), m.block_quality()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(words_in, min_size=3, max_size=5), boost=st.sampled_from([1.0, 1.5]),
       segment=st.integers(0, 4), ops=union_operations,
       first=st.sampled_from(["is_active", "id", "score", "block_quality"]))
def test_lazy_unions_read_nothing_when_made_and_walk_as_whooshs(searcher, live, monkeypatch,
                                                                words, boost, segment, ops,
                                                                first):
    """An OR of three or more words in a segment of at most 5,000 documents: Whoosh's
    matcher is an ArrayUnionMatcher, which reads its words' blocks when made; the one
    _bulk_scores reads (_unaligned: a _LazyUnion) reads none until asked, and then answers
    as Whoosh's does (the same documents, scores and bounds) through any sequence of
    moves, whatever it is asked first (on prepared readers, whose words read nothing when
    made either)."""
    sub, _ = searcher.leaf_searchers()[segment]
    q = wq.Or([wq.Term("body", w) for w in words], boost=boost)
    a = q.matcher(sub, sub.context())
    assert type(a) is ArrayUnionMatcher
    reads = []
    read_ids = search.W3LeafMatcher._read_ids
    monkeypatch.setattr(search.W3LeafMatcher, "_read_ids",
                        lambda m: (reads.append(m), read_ids(m))[1])
    sub, _ = live.leaf_searchers()[segment]
    b = _unaligned(q).matcher(sub, sub.context())
    assert type(b) is search._LazyUnion and b.pending and reads == []
    if first == "is_active" or not a.is_active():
        assert a.is_active() == b.is_active()
    else:
        assert getattr(a, first)() == getattr(b, first)()
    assert not b.pending
    for op, *args in ops:
        if op == "all_ids":
            assert list(a.all_ids()) == list(b.all_ids())
        elif op == "look":
            assert _union_state(a) == _union_state(b)
        elif a.is_active():
            getattr(a, op)(*args)
            getattr(b, op)(*args)
    assert _union_state(a) == _union_state(b)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(words_in, min_size=1, max_size=3),
       field=st.sampled_from(["body", "title", "text_xx"]), segment=st.integers(0, 4),
       asked=st.sampled_from(["all", "odd", "from 300"]))
def test_words_scored_as_arrays_as_whooshs_intersection(searcher, live, words, field, segment,
                                                        asked):
    """A phrase's words scored as arrays (_words_scores: their postings' intersection, each
    in its segment's deletion filter) give, for any documents asked, deleted ones among
    them, what Whoosh's own intersection of the words gives when walked: the same
    documents, the same scores to the last bit."""
    plain, _ = searcher.leaf_searchers()[segment]
    ours, _ = live.leaf_searchers()[segment]
    q = [wq.Term(field, w) for w in words]
    whooshs = make_binary_tree(IntersectionMatcher,
                               [t.matcher(plain, plain.context()) for t in q])
    expected = {}
    while whooshs.is_active():
        expected[whooshs.id()] = whooshs.score()
        whooshs.next()
    wanted = np.arange(plain.doc_count_all())
    wanted = {"all": wanted, "odd": wanted[1::2], "from 300": wanted[300:]}[asked]
    expected = {d: x for d, x in expected.items() if d in set(wanted.tolist())}
    tree = make_binary_tree(search._Unaligned, [t.matcher(ours, ours.context()) for t in q])
    docs, scores = search._words_scores(tree, wanted, ours, None)
    assert dict(zip(docs.tolist(), scores.tolist(), strict=True)) == expected


@settings(max_examples=300, deadline=None)
@given(docs=st.sets(st.integers(0, 3000), max_size=200),
       ids=st.sets(st.integers(0, 3000), max_size=200))
def test_members_of_a_deletion_set_as_numpys_isin(docs, ids):
    """_members (binary search from the smaller side) keeps what np.isin keeps, whichever
    of the two is larger, either empty, with the ends of one past the other's."""
    d = np.array(sorted(docs), np.int64)
    i = np.array(sorted(ids), np.int64)
    assert search._members(d, i).tolist() == np.isin(d, i).tolist()
    assert search._members(d, search._id_array(frozenset(ids))).tolist() == np.isin(d, i).tolist()


@settings(max_examples=300, deadline=None)
@given(scored=st.dictionaries(st.integers(0, 10**6), st.sampled_from([0.0, 0.5, 1.25, 2.0, 7.5]),
                              max_size=60),
       limit=st.integers(0, 70))
def test_best_of_scored_documents_as_heapqs_nsmallest(scored, limit):
    """_best (a partition at the limit-th score, then a sort) keeps and orders what
    heapq.nsmallest keeps by (higher score, lower document number), ties at the limit
    included, whatever the limit."""
    docs = np.array(list(scored), np.int64)
    scores = np.array(list(scored.values()), np.float64)
    expected = heapq.nsmallest(limit, [(x, d) for d, x in scored.items()],
                               key=lambda sd: (-sd[0], sd[1]))
    assert search._best(docs, scores, limit) == expected


@ranking_settings
@given(limit=st.sampled_from([1, 10, 1000]), **ranking_cases)
def test_prepared_readers_find_and_rank_as_whoosh(searcher, live, q, keep, limit, tree, seed):
    """Documents, ranking (every document scored, or bounded) and Whoosh's own search on the
    prepared readers are those of Whoosh on its own readers, to the last bit."""
    with ranking_case(searcher, q, keep, seed, tree) as (known, final):
        every = [(h.score, h.docnum)
                 for h in searcher.search(known, limit=None, filter=final or {-1})]
        expected = sorted(every, key=lambda sd: (-sd[0], sd[1]))[:limit]
        whooshs = [(h.score, h.docnum) for h in searcher.search(known, limit=None)]
        known_live = _known_phrases(live, q, _no_cache)
        assert _docs(live, known_live).tolist() == _docs(searcher, known).tolist()
        assert _score_all(live, known_live, final, limit) == expected
        saved, search.BOUNDED_FROM = search.BOUNDED_FROM, 0
        try:
            assert _score_top(live, known_live, final, limit) == expected
        finally:
            search.BOUNDED_FROM = saved
        assert [(h.score, h.docnum) for h in live.search(known_live, limit=None)] == whooshs
