"""Whoosh segments written with less Python per posting: Whoosh's files, read by its reader.

Whoosh's SegmentWriter analyses each text field through a chain of generators that update
a Token object per word, puts every posting in a tuple in a pool that pickles sorted runs
to disk past `limitmb` and merges them back, then hands the postings to the codec one call
at a time, each looking its document's field length up in a column. At ~1,000 postings per
document that was half of a build's time (bench/profile.txt). SegmentWriter here:

- analyses text fields whose analyzer is schema.analyzer's with schema.terms_of (tested
  equal to the analyzer), and encodes their positions as Whoosh's Positions format does;
- keeps a field's postings in flat arrays, ordered once by numpy when the segment is
  written, with the field lengths read from the column in one go;
- when asked (spill), moves them to a temporary file, ordered as the segment needs them,
  and reads the files back a window at a time when the segment is written, merged by
  term: a segment of any size is written in bounded memory (a build makes few large
  segments, which search faster than many small ones);
- writes each block of postings as Whoosh's W3PostingsWriter._write_block does and each
  term through W3FieldWriter.finish_term, so the encoding is Whoosh's, but for the pickle
  protocol of a block and how many postings it holds (use_our_blocks, below).

tests/test_writer.py checks that a segment's files are those Whoosh's SegmentWriter writes
from the same documents, byte for byte (with the same blocks), and that Whoosh's
own reader reads the same postings from them as from the files of Whoosh's own writer,
spilled or not. The build (indexer/build.py) writes every segment with it.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import os
import pickle
import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from pickle import dumps

import numpy as np
from whoosh import formats
from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
)
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter as _WhooshSegmentWriter

from . import schema

#: The pickle protocol of a block of postings. Whoosh pickles a block (its documents,
#: weights and the positions of each document, a bytes object each) with protocol 2, which
#: has no opcode for bytes: each is pickled as a call of _codecs.encode on a str, and
#: unpickling one is a function call. Protocol 4 stores them as bytes. Whoosh's reader
#: unpickles any protocol (pickle.loads) into the same tuple. Measured on the blocks of
#: three common words of the 100,000-document bench index: unpickling 110 -> 17 ms,
#: decompressing 62 -> 50 ms, 6.7 -> 4.8 MB compressed.
BLOCK_PROTOCOL = 4
#: Postings in a block (Whoosh writes 128: W3Codec's blocklimit; its reader takes each
#: block's count from the block). A search pays for each block it reads, whether it wants
#: one posting of it or all: a header, a pickle, arrays made, a matcher moved. The same
#: documents with blocks of 128 and of 512 (`bench.compare_indexes`, summed time of 512 /
#: 128): at 100,000, words 0.80 and 0.96, AND 0.90 and 0.90, phrases 0.89 and 0.94,
#: filtered phrases 0.98 and 0.97 (two runs); at 10,000 blocks of 1,024 gained 0.96-1.00
#: more. A search wanting one posting of a block decompresses more of it, which the
#: filtered phrases (a few hundred hits) show least gain from.
BLOCK_POSTINGS = 512
#: Postings made Python objects at a time when a segment is written (bounds that memory).
WINDOW = 1 << 16
_NOT_OURS = object()  # a field analysed some other way: Whoosh's field.index does it
#: Values of fields that Whoosh's field.index analyses (ids, facets, dates, numbers) whose
#: postings a writer keeps, at most this many (then it starts again).
MEMO_VALUES = 20_000
_MEMO_TYPES = (str, int, float, bool, datetime)


def analysis_language(field) -> str | None | object:
    """The language `field` is analysed in if its analyzer is schema.analyzer(language) and
    its postings are Positions (None: not stemmed), else _NOT_OURS."""
    ana = getattr(field, "analyzer", None)
    if type(field.format) is not formats.Positions or type(ana) is not CompositeAnalyzer:
        return _NOT_OURS
    return _chain_language(list(ana.items))


def pair_analysis(field) -> tuple[str | None, frozenset[str]] | None:
    """(language, common terms) if `field`'s analyzer is schema.pair_analyzer(language) and
    its postings are Positions, else None."""
    found = schema.pair_filter(field)
    if found is None or type(field.format) is not formats.Positions:
        return None
    items, pairs = found
    language = _chain_language(items)
    return None if language is _NOT_OURS else (language, pairs.common)


def _chain_language(items: list) -> str | None | object:
    if len(items) not in (3, 4):
        return _NOT_OURS
    tok, low, chars = items[:3]
    if not (type(tok) is RegexTokenizer and tok.expression.pattern == schema.TOKEN_PATTERN
            and not tok.gaps and type(low) is LowercaseFilter
            and type(chars) is CharsetFilter and chars.charmap == accent_map):
        return _NOT_OURS
    if len(items) == 3:
        return None
    stem = items[3]
    if (type(stem) is not StemFilter or stem.lang not in schema.STEMMED_LANGUAGES
            or stem.ignore):
        return _NOT_OURS
    return stem.lang


def word_values(text: str, language: str | None, field_boost: float
                ) -> list[tuple[str, int, float, bytes]]:
    """What Whoosh's Positions.word_values yields for `text` under schema.analyzer(language):
    (term, frequency, weight, positions encoded), in order of first appearance."""
    return word_values_of(text_terms(text, language), field_boost)


def text_terms(text: str, language: str | None) -> list[str]:
    """The terms of text under schema.analyzer(language), in order."""
    return schema.terms_of(schema.TOKEN_RE.findall(text), language)


def word_values_of(terms: list[str], field_boost: float) -> list[tuple[str, int, float, bytes]]:
    """word_values of a text whose terms are `terms`."""
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for pos, term in enumerate(terms):
        positions[term].append(pos)
    return _values(positions, field_boost)


def pair_values(terms: list[str], common: frozenset[str], field_boost: float
                ) -> list[tuple[str, int, float, bytes]]:
    """What Whoosh's Positions.word_values yields for a text under
    schema.pair_analyzer(language), given the text's terms under schema.analyzer(language)
    (schema.terms_of)."""
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for pos, pair in schema.common_pairs(terms, common):
        positions[pair].append(pos)
    return _values(positions, field_boost)


def _values(positions: dict[str, list[int]], field_boost: float
            ) -> list[tuple[str, int, float, bytes]]:
    out = []
    for term, poslist in positions.items():
        n = len(poslist)
        if n == 1:  # most words of a text: their encodings repeat
            value = _one_position(poslist[0])
        else:
            deltas = [poslist[0]]
            deltas += [b - a for a, b in zip(poslist, poslist[1:])]  # noqa: B905 (one shorter)
            value = pack_uint(n) + dumps(deltas, 2)
        # a token's boost is 1.0, summed per word: float(n) exactly, then the field's boost
        out.append((term, n, float(n) * field_boost, value))
    return out


@lru_cache(maxsize=1 << 16)
def _one_position(pos: int) -> bytes:
    return pack_uint(1) + dumps([pos], 2)


class _FieldPostings:
    """One field's postings in the order added: term number, document, weight, value."""

    __slots__ = ("terms", "tids", "docs", "weights", "values", "ends")

    def __init__(self) -> None:
        self.terms: dict[bytes, int] = {}
        self.tids = array("I")
        self.docs = array("I")
        self.weights = array("d")
        self.values = bytearray()
        self.ends = array("q")

    def add(self, docnum: int, tbytes: list[bytes], weights: list[float],
            values: list[bytes]) -> None:
        terms = self.terms
        self.tids.extend([terms.setdefault(t, len(terms)) for t in tbytes])
        self.docs.extend([docnum] * len(tbytes))
        self.weights.extend(weights)
        ends = accumulate(map(len, values), initial=len(self.values))
        next(ends)  # where the first value starts
        self.ends.extend(ends)
        self.values += b"".join(values)

    def nbytes(self) -> int:
        """Roughly the memory held: 24 bytes a posting in the arrays, its value bytes, and
        ~100 bytes a term in the dictionary."""
        return len(self.tids) * 24 + len(self.values) + 100 * len(self.terms)

    def _order(self) -> tuple[list[bytes], np.ndarray, list[int]]:
        """(the terms sorted, the postings' order: by term then document, where each term's
        postings start and end in that order)."""
        keys = sorted(self.terms)
        rank = np.empty(len(keys), np.int64)
        rank[[self.terms[k] for k in keys]] = np.arange(len(keys))
        ranks = rank[np.frombuffer(self.tids, np.uint32)]
        order = np.lexsort((np.frombuffer(self.docs, np.uint32), ranks))
        bounds = np.concatenate(([0], np.cumsum(np.bincount(ranks, minlength=len(keys)))))
        return keys, order, bounds.tolist()

    def _spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each posting's value starts and ends in self.values."""
        ends = np.frombuffer(self.ends, np.int64)
        return np.concatenate(([0], ends[:-1])), ends

    def ordered(self):
        """(term bytes, its postings' documents, weights, values) by term, then document.
        Postings become Python objects WINDOW at a time (a term's all at once)."""
        keys, order, bounds = self._order()
        docs, weights = np.frombuffer(self.docs, np.uint32), np.frombuffer(self.weights)
        starts, ends = self._spans()
        blob = bytes(self.values)
        for k, last, _, at in _windows(bounds, order):
            wdocs, wweights = docs[at].tolist(), weights[at].tolist()
            wvalues = [blob[s:e] for s, e in zip(starts[at].tolist(), ends[at].tolist(),
                                                 strict=True)]
            yield from _by_term(keys, bounds, k, last, wdocs, wweights, wvalues)

    def spill(self, f) -> _Spilled:
        """Write the postings to file f in the order ordered() gives them (documents,
        weights, value lengths, values, then the terms and their posting counts), and
        where they are; the caller forgets these postings."""
        keys, order, bounds = self._order()
        at = f.tell()
        f.write(np.frombuffer(self.docs, np.uint32)[order].tobytes())
        f.write(np.frombuffer(self.weights)[order].tobytes())
        starts, ends = self._spans()
        starts, ends = starts[order], ends[order]
        f.write((ends - starts).astype(np.uint32).tobytes())
        values = bytes(self.values)  # (slices of bytes: a third of the time of a memoryview's)
        for lo in range(0, len(order), WINDOW):
            f.write(b"".join([values[a:b] for a, b in zip(starts[lo:lo + WINDOW].tolist(),
                                                          ends[lo:lo + WINDOW].tolist(),
                                                          strict=True)]))
        terms_at = f.tell()
        f.write(dumps((keys, bounds), 4))
        return _Spilled(f.name, at, len(order), terms_at, f.tell() - terms_at)


def _windows(bounds: list[int], order):
    """(first term, term after the last, first posting, order[its postings]) of each run of
    whole terms holding about WINDOW postings (at least one term)."""
    k = 0
    while k < len(bounds) - 1:
        lo = bounds[k]
        last = max(k + 1, bisect.bisect_right(bounds, lo + WINDOW, k) - 1)
        yield k, last, lo, order[lo:bounds[last]]
        k = last


def _by_term(keys: list[bytes], bounds: list[int], k: int, last: int, docs: list,
             weights: list, values: list):
    """(term, documents, weights, values) of terms k to last (not included), from the
    postings of a window (_windows) made Python objects."""
    lo = bounds[k]
    for j in range(k, last):
        a, b = bounds[j] - lo, bounds[j + 1] - lo
        yield keys[j], docs[a:b], weights[a:b], values[a:b]


@dataclass(frozen=True)
class _Spilled:
    """One field's postings that a writer spilled to a file (_FieldPostings.spill)."""

    path: str
    at: int  # where its documents start
    count: int  # postings
    terms_at: int  # where its (terms, bounds) pickle starts
    terms_size: int

    def ordered(self):
        """What _FieldPostings.ordered gave when these postings were spilled, read back a
        window at a time."""
        n = self.count
        with open(self.path, "rb") as f:
            f.seek(self.terms_at)
            keys, bounds = pickle.loads(f.read(self.terms_size))
            docs_at, weights_at, lengths_at = self.at, self.at + 4 * n, self.at + 12 * n
            values_at = self.at + 16 * n
            for k, last, lo, _ in _windows(bounds, range(n)):
                hi = bounds[last]
                wdocs = _read_array(f, docs_at + 4 * lo, hi - lo, np.uint32).tolist()
                wweights = _read_array(f, weights_at + 8 * lo, hi - lo, np.float64).tolist()
                lengths = _read_array(f, lengths_at + 4 * lo, hi - lo, np.uint32)
                ends = np.cumsum(lengths, dtype=np.int64)
                f.seek(values_at)
                blob = f.read(int(ends[-1]))
                values_at += len(blob)
                wvalues = [blob[a:b] for a, b in zip((ends - lengths).tolist(), ends.tolist(),
                                                     strict=True)]
                yield from _by_term(keys, bounds, k, last, wdocs, wweights, wvalues)


def _read_array(f, at: int, count: int, dtype) -> np.ndarray:
    f.seek(at)
    return np.frombuffer(f.read(count * np.dtype(dtype).itemsize), dtype)


def _merged(parts: list):
    """The (term, documents, weights, values) of parts (ordered() iterators of the same
    field, each one's documents after the previous one's), one item per term: a term in
    several parts has their postings one after the other, so its documents ascend."""
    current = None
    for term, docs, weights, values in heapq.merge(*parts, key=itemgetter(0)):
        if current is not None and current[0] == term:
            current[1].extend(docs)
            current[2].extend(weights)
            current[3].extend(values)
            continue
        if current is not None:
            yield current
        current = (term, list(docs), list(weights), list(values))
    if current is not None:
        yield current


class _Pool:
    """Stands in for Whoosh's PostingPool: postings by field, in memory."""

    def __init__(self) -> None:
        self.fields: dict[str, _FieldPostings] = {}
        self.spilled: dict[str, list[_Spilled]] = {}  # by field, in the order spilled
        self.files: list[str] = []

    def add(self, item) -> None:
        """One (fieldname, term bytes, docnum, weight, value) posting: Whoosh's interface,
        used when segments are merged into this writer."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.field(fieldname).add(docnum, [tbytes], [weight], [vbytes or b""])

    def field(self, fieldname: str) -> _FieldPostings:
        postings = self.fields.get(fieldname)
        if postings is None:
            postings = self.fields[fieldname] = _FieldPostings()
        return postings

    def nbytes(self) -> int:
        """Roughly what the postings in memory take."""
        return sum(p.nbytes() for p in self.fields.values())

    def spill(self, path: str) -> None:
        """Move the postings in memory to a new file at path (read back when the segment is
        written, then deleted)."""
        self.files.append(path)
        with open(path, "xb") as f:
            for fieldname, postings in self.fields.items():
                self.spilled.setdefault(fieldname, []).append(postings.spill(f))
        self.fields = {}

    def names(self) -> list[str]:
        """The fields with postings, sorted."""
        return sorted(set(self.fields) | set(self.spilled))

    def ordered(self, fieldname: str):
        """A field's (term, documents, weights, values) by term, then document: its spilled
        postings, then those in memory, which came after them."""
        parts = [spilled.ordered() for spilled in self.spilled.get(fieldname, [])]
        if fieldname in self.fields:
            parts.append(self.fields[fieldname].ordered())
        return parts[0] if len(parts) == 1 else _merged(parts)

    def cleanup(self) -> None:
        self.fields, self.spilled = {}, {}
        for path in self.files:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        self.files = []


class _PostingsWriter(W3PostingsWriter):
    """W3PostingsWriter with its blocks pickled in BLOCK_PROTOCOL (of the postings writer's
    blocklimit: BLOCK_POSTINGS through use_our_blocks)."""

    def _write_block(self, last=False) -> None:
        # W3PostingsWriter._write_block (whoosh/codec/whoosh3.py) but for the protocol of
        # the data; the block's info (six numbers, no bytes) stays as Whoosh pickles it
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes = dumps(data, BLOCK_PROTOCOL)
        comp = self._compression  # (Whoosh leaves small blocks compressed too)
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        infobytes = dumps((len(ids), ids[-1], self._maxweight, comp,
                           length_to_byte(self._minlength), length_to_byte(self._maxlength)),
                          2)
        postfile = self._postfile
        blocklength = len(infobytes) + len(databytes)
        postfile.write_int(-blocklength if last else blocklength)  # the last one negative
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class _BlockCodec(W3Codec):
    """W3Codec whose postings writer is _PostingsWriter. Only a writer's field writer holds
    it: a segment keeps Whoosh's W3Codec, which the index's table of contents pickles."""

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)


def use_our_blocks(w):
    """Whoosh SegmentWriter `w`, its postings blocks (new documents' and merged segments')
    now of BLOCK_POSTINGS postings, pickled in BLOCK_PROTOCOL. A writer with another codec
    is left as it is."""
    codec, fields = w.codec, w.fieldwriter
    if type(codec) is W3Codec and type(fields) is W3FieldWriter:
        fields._codec = _BlockCodec(BLOCK_POSTINGS, codec._compression, codec._inlinelimit)
    return w


class SegmentWriter(_WhooshSegmentWriter):
    """Whoosh's SegmentWriter (same arguments, same files), with the postings kept and
    written as described at the top of this module."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        use_our_blocks(self)
        unsupported = [name for name, field in self.schema.items()
                       if field.separate_spelling() or field.vector]
        if unsupported:  # not written here (our schema has none): Whoosh's writer does it
            raise ValueError(f"fields with spelling or vectors: {', '.join(unsupported)}")
        self.pool = _Pool()
        self._languages = {name: analysis_language(field) for name, field in self.schema.items()}
        self._pairs = {name: found for name, field in self.schema.items()
                       if (found := pair_analysis(field)) is not None}
        # this document's (id of text, language) -> (text, its terms): a field and its pairs
        # field hold the same text (schema.document_fields), analysed once
        self._terms_of: dict[tuple[int, str | None], tuple[str, list[str]]] = {}
        self._memo: dict[tuple, list] = {}  # (field, type, value) -> its postings (_indexed)

    def pool_bytes(self) -> int:
        """Roughly the memory the postings not yet spilled hold."""
        return self.pool.nbytes()

    def spill(self) -> None:
        """Move the postings added so far to a temporary file beside the segment's (a
        `.tmp` file: a failed build deletes it), so that a segment of any size is
        written with the memory of a few of its documents. The segment is written as it
        would have been without (tests/test_writer.py)."""
        if self.pool.fields:
            path = self.storage._fpath(f"{self.newsegment.segment_id()}.{len(self.pool.files)}"
                                       f".postings.tmp")
            self.pool.spill(path)

    def add_document(self, **fields) -> None:
        # Whoosh 2.7's SegmentWriter.add_document (whoosh/writing.py), with postings added to
        # the field's arrays and text analysed by word_values when the analyzer is ours
        self._check_state()
        perdocwriter = self.perdocwriter
        schema_ = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema_, fieldnames)

        perdocwriter.start_doc(docnum)
        self._terms_of.clear()
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema_[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    language = self._languages.get(fieldname, _NOT_OURS)
                    pairs = self._pairs.get(fieldname)
                    if language is not _NOT_OURS and isinstance(value, str):
                        items = [(t.encode("utf-8"), n, w, v) for t, n, w, v in word_values_of(
                            self._terms(value, language), field.format.field_boost)]
                    elif pairs is not None and isinstance(value, str):
                        items = [(t.encode("utf-8"), n, w, v) for t, n, w, v in pair_values(
                            self._terms(value, pairs[0]), pairs[1], field.format.field_boost)]
                    else:
                        items = self._indexed(fieldname, field, value)
                    if items:
                        if field.scorable:
                            length = sum(freq for _t, freq, _w, _v in items)
                        self.pool.field(fieldname).add(
                            docnum, [t for t, _n, _w, _v in items],
                            [w * fieldboost for _t, _n, w, _v in items],
                            [v for _t, _n, _w, v in items])
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None,
                                       length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column,
                                                  field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _indexed(self, fieldname: str, field, value) -> list:
        """list(field.index(value)), once per field and value while MEMO_VALUES allows:
        facets, dates and sort keys (Whoosh makes 4-8 terms of a date) repeat from one
        record to the next, and a document's quotation records repeat its values."""
        if not isinstance(value, _MEMO_TYPES):
            return list(field.index(value))
        key = (fieldname, type(value), value)
        items = self._memo.get(key)
        if items is None:
            if len(self._memo) >= MEMO_VALUES:
                self._memo.clear()
            items = self._memo[key] = list(field.index(value))
        return items

    def _terms(self, text: str, language: str | None) -> list[str]:
        """text_terms, once for a text that a field and its pairs field both hold."""
        known = self._terms_of.get((id(text), language))
        if known is not None and known[0] is text:
            return known[1]
        terms = text_terms(text, language)
        self._terms_of[(id(text), language)] = (text, terms)
        return terms

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        try:
            for fieldname in self.pool.names():
                if fieldname in self.schema:
                    self._write_field(fieldname, lengths)
            self.fieldwriter.close()
        finally:
            if lengths is not None:
                lengths.close()
        self.pool.cleanup()

    def _write_field(self, fieldname: str, lengths) -> None:
        """A field's terms and postings, as FieldWriter.add_postings and W3PostingsWriter
        write them, a block at a time."""
        fw = self.fieldwriter
        fw.start_field(fieldname, self.schema[fieldname])
        pw = fw._postwriter
        limit = pw._blocklimit
        length_of = _field_lengths(lengths, fieldname, self.docnum)
        for tbytes, docs, weights, values in self.pool.ordered(fieldname):
            fw.start_term(tbytes)
            for lo in range(0, len(docs), limit):
                hi = lo + limit
                pw._ids = array("I", docs[lo:hi])
                w = weights[lo:hi]
                pw._weights = array("f", w)
                top = max(w)
                pw._maxweight = top if top > 0 else 0
                pw._values = [v for v in values[lo:hi] if v]
                known = [n for n in map(length_of.__getitem__, docs[lo:hi]) if n]
                pw._minlength = min(known) if known else None
                pw._maxlength = max(known) if known else 0
                if hi < len(docs):
                    pw._write_block()
            fw.finish_term()  # writes the last block (W3PostingsWriter.finish_postings)
        fw.finish_field()


def _field_lengths(lengths, fieldname: str, doccount: int) -> list[int]:
    """docnum -> the length FieldWriter.add_postings passes for a field: the length column's
    byte as a length, 0 when the byte is 0 or there is no column."""
    if lengths is None or not lengths.has_column(_lenfield(fieldname)):
        return [0] * doccount
    column = lengths.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return [byte_to_length(b) if b else 0 for b in (column[d] for d in range(doccount))]
