"""indexer/postings.py: a block's document numbers and weights read from its head are those
Whoosh reads from the whole block, or the head is refused (None) and the block read whole;
never different ones. Checked on every block of indexes our writer wrote, on blocks made to
trip the reader (numbers whose bytes spell the end of the numbers), and through searches."""

from __future__ import annotations

import functools
import pickle
import random
import zlib
from itertools import accumulate

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

from indexer import postings, schema, search, writer
from tests.conftest import postings_blocks
from tests.test_writer import blocks_of, many_blocks, record


def whole(raw: bytes, compression: int) -> tuple:
    """(numbers, weights) as Whoosh reads them: the whole block unpickled."""
    return pickle.loads(zlib.decompress(raw) if compression else raw)[:2]


def block(ids: list[int], weights, values: list[bytes], protocol: int = 4, level: int = 3
          ) -> tuple[bytes, int, int, int]:
    """(raw data, compression, count, last id) of a block, pickled as the writers do."""
    deltas = tuple(b - a for a, b in zip([0, *ids[:-1]], ids, strict=True))
    raw = pickle.dumps((deltas, weights, tuple(values)), protocol)
    return (zlib.compress(raw, level) if level else raw), level, len(ids), ids[-1]


def as_arrays(found, count: int):
    """head()'s (gaps, weights) as head_arrays gives them: numbers summed, weights as
    W3LeafMatcher.weight() gives them."""
    gaps, weights = found
    return (list(accumulate(gaps)),
            np.asarray(postings.weights_array(weights, count), np.float64).tolist())


def arrays_read(raw: bytes, compression: int, count: int, last: int):
    found = postings.head_arrays(raw, compression, count, last)
    if found is None:
        return None
    ids, weights = found
    assert ids.dtype == np.int64 and weights.dtype == np.float64
    return ids.tolist(), weights.tolist()


def leaf_blocks(folder):
    """(raw data, compression, count, last id, byte ids) of every block of every term."""
    ix = whoosh_index.open_dir(folder)
    with ix.reader() as reader:
        blocks = list(postings_blocks(reader))
    ix.close()
    return blocks


def written(folder, writer_class, records) -> None:
    ix = whoosh_index.create_in(folder, schema.build_schema())
    w = writer.use_our_blocks(writer_class(ix, compound=False))
    for r in records:
        w.add_document(**r)
    w.commit()
    ix.close()


@pytest.mark.parametrize("writer_class", [writer.SegmentWriter, WhooshSegmentWriter])
def test_every_block_our_writers_write_has_its_head_read_exactly(tmp_path, writer_class,
                                                                 block_postings):
    written(tmp_path, writer_class, blocks_of(block_postings))
    read = refused = 0
    for raw, compression, count, last, byteids in leaf_blocks(tmp_path):
        assert not byteids
        found = postings.head(raw, compression, count, last)
        if found is None:
            refused += 1
            assert count <= 3, "a block of more than three postings refused"
        else:
            read += 1
            assert found == whole(raw, compression)
    assert read > 20 and refused > 0  # blocks of 4 postings or more, and small ones read whole


@pytest.mark.parametrize("writer_class", [writer.SegmentWriter, WhooshSegmentWriter])
def test_every_block_read_as_arrays_is_read_exactly(tmp_path, writer_class, block_postings):
    """head_arrays gives what Whoosh reads from the whole block, for every block head()
    reads (and blocks too small to have a head are read whole)."""
    written(tmp_path, writer_class, blocks_of(block_postings))
    read = 0
    for raw, compression, count, last, _ in leaf_blocks(tmp_path):
        found = arrays_read(raw, compression, count, last)
        if count <= 3:
            assert found is None
        elif postings.head(raw, compression, count, last) is not None:
            read += 1
            assert found == as_arrays(whole(raw, compression), count)
        else:
            assert found is None or found == as_arrays(whole(raw, compression), count)
    assert read > 10


def test_blocks_of_whooshs_own_protocol_are_left_to_whoosh(tmp_path):
    ix = whoosh_index.create_in(tmp_path, schema.build_schema())
    w = WhooshSegmentWriter(ix, compound=False)  # protocol 2, as Whoosh pickles them
    for r in many_blocks():
        w.add_document(**r)
    w.commit()
    ix.close()
    blocks = [b for b in leaf_blocks(tmp_path) if b[2] > 3]
    assert blocks
    assert all(postings.head(*b[:4]) is None for b in blocks)


@pytest.mark.parametrize("weights", ["none", "same", "each"])
@pytest.mark.parametrize("level", [0, 1, 3, 9])
def test_each_kind_of_weights_and_compression(weights, level, block_postings):
    rng = random.Random(f"{weights}{level}{block_postings}")
    ids = sorted(rng.sample(range(50_000), block_postings))
    w = {"none": None, "same": 2.0, "each": tuple(float(rng.randrange(1, 9)) for _ in ids)}
    raw, compression, count, last = block(ids, w[weights], [bytes(rng.randrange(90))
                                                            for _ in ids], level=level)
    assert postings.head(raw, compression, count, last) == whole(raw, compression)
    assert list(accumulate(postings.head(raw, compression, count, last)[0])) == ids
    dense = sorted(rng.sample(range(70_000, 70_000 + 2 * block_postings), block_postings))
    raw, compression, count, last = block(dense, w[weights], [b"ab"] * len(dense),
                                          level=level)
    assert arrays_read(raw, compression, count, last) == as_arrays(whole(raw, compression),
                                                                   count)


def test_one_weight_for_all_is_read_as_whoosh_reads_it_in_single_precision():
    """Whoosh makes a block's one weight an array("f"): 0.1 is read as float32(0.1)."""
    raw, compression, count, last = block(list(range(10, 30)), 0.1, [b"v"] * 20)
    _, weights = postings.head_arrays(raw, compression, count, last)
    assert weights.tolist() == [float(np.float32(0.1))] * 20 != [0.1] * 20
    assert weights.tolist() == as_arrays(whole(raw, compression), count)[1]


def test_a_frame_ending_inside_the_head_is_not_read_by_place():
    """A pickle past 64 KiB comes in frames; a FRAME opcode inside the numbers or weights
    would move them, so a head longer than the first frame is unpickled, not read by the
    places of its bytes."""
    raw, _, count, last = block(list(range(5, 505)), tuple(float(i % 7 + 1) for i in
                                                           range(500)), [b"xy"] * 500, level=0)
    assert postings._arrays(postings._prefix(raw, 0, count), count, last) is not None
    short = raw[:3] + (100).to_bytes(8, "little") + raw[11:]  # the first frame: 100 bytes
    assert postings._arrays(postings._prefix(short, 0, count), count, last) is None
    assert arrays_read(short, 0, count, last) == as_arrays(whole(raw, 0), count)


# A number whose argument bytes are "t\x94" (TUPLE, MEMOIZE), the end of the numbers:
# BININT2 37,996 (0x9474) and BININT with those bytes in each place (needs gaps > 65,535).
TRAPS = (0x9474, 0x019474, 0x94740000 >> 8, 0x01749400 >> 8 << 8 | 0x74, 0x7494 << 16 | 0x74)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_numbers_that_spell_the_end_never_give_wrong_ones(data):
    count = data.draw(st.integers(4, 128))
    gaps = data.draw(st.lists(st.one_of(st.integers(1, 300), st.integers(1, 70_000),
                                        st.sampled_from(TRAPS)),
                              min_size=count, max_size=count))
    ids = list(accumulate(gaps))
    kind = data.draw(st.sampled_from(["none", "same", "each"]))
    weights = {"none": None, "same": 3.0,
               "each": tuple(data.draw(st.floats(0.5, 400, width=32)) for _ in ids)}[kind]
    values = [data.draw(st.binary(max_size=40)) for _ in ids]
    raw, compression, count, last = block(ids, weights, values,
                                          level=data.draw(st.sampled_from([0, 3])))
    found = postings.head(raw, compression, count, last)
    assert found is None or found == whole(raw, compression)
    if not any(g in TRAPS for g in gaps) and kind != "none":
        assert found is not None  # an ordinary block is read from its head
    arrays = arrays_read(raw, compression, count, last)
    assert arrays is None or arrays == as_arrays(whole(raw, compression), count)
    if found is not None:
        assert arrays is not None  # every head head() reads
    # the layout read by place (a number spelling the end is no trap there), the rest not
    direct = postings._arrays(postings._prefix(raw, compression, count), count, last)
    assert (direct is None) == any(g > 255 for g in gaps[1:])


@pytest.mark.parametrize("cut", [0, 1, 5, 12, 40])
def test_damaged_blocks_are_refused_not_misread(cut):
    ids = list(range(3, 3 + 7 * 100, 7))
    raw, compression, count, last = block(ids, tuple(1.0 + i % 3 for i in ids),
                                          [b"xy"] * 100)
    assert postings.head(raw[:cut], compression, count, last) is None  # the head cut off
    # cut after the head (positions lost): the head is still whole, and read
    assert postings.head(raw[:-1], compression, count, last) == whole(raw, compression)
    assert postings.head(raw, compression, count, last + 1) is None  # numbers do not add up
    assert postings.head(raw, compression, count + 1, last) is None
    for how in (postings.head, postings.head_arrays):
        assert how(raw[:cut], compression, count, last) is None
        assert how(raw, compression, count, last + 1) is None
        assert how(raw, compression, count + 1, last) is None
        assert how(raw, compression, count - 1, last) is None
    assert arrays_read(raw[:-1], compression, count, last) == as_arrays(
        whole(raw, compression), count)


def test_searches_read_heads_and_score_as_whoosh(tmp_path, monkeypatch):
    """Finding and scoring common words reads their blocks' heads, not the whole blocks,
    once in a search, and gives Whoosh's own documents and scores. (Or of many fields in a
    segment under 5,000 documents is Whoosh's ArrayUnionMatcher, which reads blocks itself:
    the queries here are those a large segment gets, a union tree of terms.)"""
    rng = random.Random(11)
    words = ["amazon", "workers", "contract", "ice", "protest", "the", "of", "and"]
    records = [record(n, " ".join(rng.choice(words) for _ in range(rng.randrange(5, 60))))
               for n in range(600)]
    written(tmp_path, writer.SegmentWriter, records)
    whole_reads, heads, arrays = [], [], []
    read_data, read_head = W3LeafMatcher._read_data, postings.read_head
    read_arrays = postings.read_head_arrays
    monkeypatch.setattr(W3LeafMatcher, "_read_data",
                        lambda m: (whole_reads.append(m._blocklength), read_data(m))[1])
    monkeypatch.setattr(postings, "read_head",
                        lambda m: (heads.append(m._blocklength), read_head(m))[1])
    monkeypatch.setattr(postings, "read_head_arrays",
                        lambda m: (heads.append(m._blocklength), found := read_arrays(m),
                                   arrays.append(found is not None))[1])
    term = functools.partial(wq.Term, "text_en")
    ix = whoosh_index.open_dir(tmp_path)
    with ix.searcher() as s:
        for q in (term("amazon"), wq.And([term("contract"), term("ice")]),
                  wq.Or([term("the"), term("workers")]),
                  wq.AndNot(term("protest"), term("of"))):
            heads.clear()
            whole_reads.clear()
            arrays.clear()
            docs = search._docs(s, q)
            numbers, scores = search._exact_arrays(s, q, docs)
            assert sum(arrays) >= 2, q  # blocks scored from their heads read as arrays
            assert sum(c > 3 for c in heads) >= 4, q  # heads of full blocks read,
            # and no full block whole but the first of a word, which Whoosh's intersection
            # matcher reads when it is made, to align its words
            assert len([c for c in whole_reads if c > 3]) <= len(list(q.leaves())), q
            theirs = sorted((-h.score, h.docnum) for h in s.search(q, limit=None))
            assert len(theirs) > 20
            assert sorted(zip((-scores).tolist(), numbers.tolist(), strict=True)) == theirs
        # a search remembers the blocks it read to find a word's documents, and scores
        # them from there: no block read again, neither its head nor whole
        for word in ("the", "amazon"):
            with search._remembering_blocks():
                heads.clear()
                arrays.clear()
                docs = search._docs(s, term(word))  # read from their heads, as arrays
                assert sum(c > 3 for c in heads) >= 2 and sum(arrays) >= 2, word
                heads.clear()
                whole_reads.clear()
                numbers, scores = search._exact_arrays(s, term(word), docs)
                assert heads == [] and [c for c in whole_reads if c > 3] == [], word
            theirs = sorted((-h.score, h.docnum) for h in s.search(term(word), limit=None))
            assert sorted(zip((-scores).tolist(), numbers.tolist(), strict=True)) == theirs
    ix.close()
