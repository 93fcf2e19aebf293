"""Reading the document numbers and weights of a Whoosh postings block without its positions.

A block of Whoosh's W3 postings (whoosh/codec/whoosh3.py) is one zlib-compressed pickle of
(document numbers, weights, values): numbers delta-coded, weights None (all 1.0), one float
(all the same) or a float each, values each document's encoded positions. Whoosh reads a
block whole, so finding which documents hold a common word, or scoring them, decompresses
and unpickles every position of it: on this project's corpora ~90% of a block of `the`.

Blocks pickled in protocol 4 (every block `indexer.writer` writes) lay out the first two
parts first, so a block's head is a prefix of the pickle: `head()` decompresses only that
much (at most 14 bytes a posting) and unpickles it. Anything it does not recognise, and
whatever fails its checks, gives None, and the caller reads the block whole as Whoosh does.
"""

from __future__ import annotations

import zlib
from array import array
from pickle import loads

import numpy as np

_PROTO_FRAME = b"\x80\x04\x95"  # PROTO 4, then FRAME and its 8-byte length
_START = 11  # the first opcode after them
_MARK, _TUPLE, _MEMOIZE = 0x28, b"t", b"\x94"
_NONE, _FLOAT = 0x4E, 0x47  # N, BINFLOAT (8 bytes)
_END = b"\x86."  # TUPLE2, STOP: (numbers, weights)
# MARK, 5 bytes a number (BININT), TUPLE MEMOIZE; MARK, 9 bytes a weight, TUPLE MEMOIZE
_MOST_PER_POSTING, _MOST_ELSE = 14, 6
_BININT1, _BININT2, _BININT = 0x4B, 0x4D, 0x4A  # K, M, J: 1, 2 and 4 bytes (little-endian)


def head(raw: bytes, compression: int, count: int, last_id: int
         ) -> tuple[tuple[int, ...], object] | None:
    """(delta-coded document numbers, weights as pickled) of one block's data `raw`, or None.

    count and last_id are the block's, from its info (W3LeafMatcher._blocklength, _maxid):
    the numbers must be `count` and add up to `last_id`, or the head is not trusted.

    >>> import pickle, zlib
    >>> block = ((3, 1, 4, 1, 5), (1.0, 2.0, 1.0, 1.0, 3.0), (b"a", b"b", b"c", b"d", b"e"))
    >>> head(zlib.compress(pickle.dumps(block, 4), 3), 3, 5, 14)
    ((3, 1, 4, 1, 5), (1.0, 2.0, 1.0, 1.0, 3.0))
    >>> head(zlib.compress(pickle.dumps(block, 2), 3), 3, 5, 14) is None  # protocol 2
    True
    """
    buf = _prefix(raw, compression, count)
    return None if buf is None else _parsed(buf, count, last_id)


def _prefix(raw: bytes, compression: int, count: int) -> bytes | None:
    """The block's first bytes, as many as its head can take, decompressed; None for a block
    too small to have a head (pickled with TUPLE1-3, no MARK: read whole) or not one of ours."""
    if count <= 3:
        return None
    most = _MOST_PER_POSTING * count + _MOST_ELSE + _START
    try:
        buf = zlib.decompressobj().decompress(raw, most) if compression else raw[:most]
    except zlib.error:
        return None
    if len(buf) <= _START or not buf.startswith(_PROTO_FRAME) or buf[_START] != _MARK:
        return None
    return buf


def _parsed(buf: bytes, count: int, last_id: int) -> tuple[tuple[int, ...], object] | None:
    """head() of a block whose _prefix() is buf."""
    # The numbers are BININT1/2/4 opcodes; "t\x94" (TUPLE, MEMOIZE) ends them. The pair can
    # also be two bytes of a number's argument. Unpickling still reads the true opcodes from
    # the start, so that number takes the pair as its argument, the prefix ends early, and
    # what comes out is not `count` numbers and their weights: the checks below refuse it
    # (tests/test_postings.py makes such numbers) and the block is read whole.
    end = buf.find(_TUPLE + _MEMOIZE, _START + 1)
    if end < 0:
        return None
    at = end + 2
    if at >= len(buf):
        return None
    kind = buf[at]
    if kind == _NONE:
        at += 1
    elif kind == _FLOAT:
        at += 9
    elif kind == _MARK:
        at += 1 + 9 * count
        if buf[at:at + 2] != _TUPLE + _MEMOIZE:
            return None
        at += 2
    else:
        return None
    try:
        ids, weights = loads(b"\x80\x04" + buf[_START:at] + _END)
    except Exception:  # noqa: BLE001 - any unpickling error: not a head we read
        return None
    if type(ids) is not tuple or len(ids) != count or sum(ids) != last_id:
        return None
    if not (weights is None or type(weights) is float
            or (type(weights) is tuple and len(weights) == count)):
        return None
    return ids, weights


def head_arrays(raw: bytes, compression: int, count: int, last_id: int
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """What head() reads, as numpy arrays: (document numbers, int64, summed from their
    gaps; weights, float64, each what W3LeafMatcher.weight() gives), or None where head()
    gives None, and the caller reads the block whole.

    The common layout of a block of a frequent word is read without unpickling: the first
    number any size, every later gap under 256 (one BININT1 opcode and its byte, so each
    gap's byte is at a known place), the weights None, one float or a float each (BINFLOAT,
    9 bytes), all in the pickle's first frame. Any other head is unpickled as head() does,
    from the same decompressed bytes, then made arrays.

    >>> import pickle, zlib
    >>> block = ((300, 1, 4, 1, 5), (1.0, 2.0, 1.0, 1.0, 3.0), (b"a", b"b", b"c", b"d", b"e"))
    >>> ids, weights = head_arrays(zlib.compress(pickle.dumps(block, 4), 3), 3, 5, 311)
    >>> ids.tolist(), weights.tolist()
    ([300, 301, 305, 306, 311], [1.0, 2.0, 1.0, 1.0, 3.0])
    """
    buf = _prefix(raw, compression, count)
    if buf is None:
        return None
    found = _arrays(buf, count, last_id)
    if found is not None:
        return found
    found = _parsed(buf, count, last_id)  # another layout: unpickled, then made arrays
    if found is None:
        return None
    gaps, weights = found
    return (np.cumsum(np.asarray(gaps, np.int64)),
            np.asarray(weights_array(weights, count), np.float64))


def _arrays(buf: bytes, count: int, last_id: int) -> tuple[np.ndarray, np.ndarray] | None:
    """head_arrays() of a block whose _prefix() is buf, if it has the common layout."""
    if len(buf) < _START + 6:
        return None
    op, at = buf[_START + 1], _START + 2
    if op == _BININT1:
        first, at = buf[at], at + 1
    elif op == _BININT2:
        first, at = int.from_bytes(buf[at:at + 2], "little"), at + 2
    elif op == _BININT:
        first, at = int.from_bytes(buf[at:at + 4], "little", signed=True), at + 4
    else:
        return None
    end = at + 2 * (count - 1)  # the later gaps: an opcode and a byte each
    if buf[end:end + 2] != _TUPLE + _MEMOIZE:
        return None
    b = np.frombuffer(buf, np.uint8)
    if not (b[at:end:2] == _BININT1).all():
        return None
    gaps = np.empty(count, np.int64)
    gaps[0] = first
    gaps[1:] = b[at + 1:end:2]
    at = end + 2
    kind = buf[at] if at < len(buf) else None
    if kind == _NONE:
        weights, at = np.ones(count), at + 1
    elif kind == _FLOAT:  # one weight for all: Whoosh makes an array("f") of it
        one = np.frombuffer(buf, ">f8", 1, at + 1)
        weights, at = np.full(count, one.astype(np.float32)[0], np.float64), at + 9
    elif kind == _MARK:
        rows = b[at + 1:at + 1 + 9 * count]
        at += 1 + 9 * count
        if rows.size != 9 * count or buf[at:at + 2] != _TUPLE + _MEMOIZE:
            return None
        rows = rows.reshape(count, 9)
        if not (rows[:, 0] == _FLOAT).all():
            return None
        weights = rows[:, 1:].copy().view(">f8").ravel().astype(np.float64)
        at += 2
    else:
        return None
    # the whole head in the first frame: no FRAME opcode can stand between its opcodes
    if int.from_bytes(buf[3:_START], "little") < at - _START:
        return None
    ids = np.cumsum(gaps)
    if first < 0 or int(ids[-1]) != last_id:
        return None
    return ids, weights


def weights_array(weights: object, count: int):
    """A block's weights as W3LeafMatcher._read_weights makes them from the pickled ones."""
    if weights is None:
        return array("f", (1.0 for _ in range(count)))
    if isinstance(weights, float):
        return array("f", (weights for _ in range(count)))
    return weights


def read_head(m) -> tuple[tuple[int, ...], object] | None:
    """head() of the block W3LeafMatcher m is on (its data not yet read), or None."""
    return _read(m, head)


def read_head_arrays(m) -> tuple[np.ndarray, np.ndarray] | None:
    """head_arrays() of the block W3LeafMatcher m is on (its data not yet read), or None."""
    return _read(m, head_arrays)


def _read(m, how):
    if m._byteids or m._blocklength <= 3:  # (both refuse those: not read for nothing)
        return None
    raw = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    return how(raw, m._compression, m._blocklength, m._maxid)
