"""Shared fixtures: paths, registries, a real index of corpus/ built once per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer import build, corpus, writer
from indexer.models import Document, RawDocument, SourceFacts
from indexer.search import CorpusIndex

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
CORPUS = REPO / "corpus"
SHARED = Path(os.environ.get("CORPUS_SEARCH_SHARED", REPO.parent / "shared"))
SEED_IDS = sorted(p.stem for p in CORPUS.glob("*.txt"))
WHOOSH_BLOCK_POSTINGS = 128  # W3Codec's blocklimit


@pytest.fixture(scope="session", autouse=True)
def build_block_postings():
    """Postings blocks of Whoosh's own size (128) in every index the tests write in this
    process; the size the build writes (writer.BLOCK_POSTINGS), which this gives, holds
    more postings than most test indexes have for a word, and the tests that make words of
    several blocks (skipping them, bounds from their headers, the head of each) would then
    test one. tests/test_writer.py writes and reads blocks of both sizes."""
    built = writer.BLOCK_POSTINGS
    writer.BLOCK_POSTINGS = WHOOSH_BLOCK_POSTINGS
    yield built
    writer.BLOCK_POSTINGS = built


@pytest.fixture(params=["whoosh", "build"])
def block_postings(request, monkeypatch, build_block_postings) -> int:
    """Postings blocks of Whoosh's size, then of the build's (writer.BLOCK_POSTINGS)."""
    size = WHOOSH_BLOCK_POSTINGS if request.param == "whoosh" else build_block_postings
    monkeypatch.setattr(writer, "BLOCK_POSTINGS", size)
    return size


@pytest.fixture(scope="session")
def shared_pages() -> Path:
    """../shared/testdata/pages: real news pages with truth.json (see their README)."""
    pages = SHARED / "testdata" / "pages"
    if not pages.is_dir():
        pytest.fail(f"the shared test pages are missing at {pages}: put ../shared beside the "
                    f"repository or set CORPUS_SEARCH_SHARED")
    return pages


@pytest.fixture(scope="session")
def resources() -> corpus.Resources:
    """The project's outlet registry and gazetteers (corpus/*.toml)."""
    return corpus.load_resources(CORPUS)


@pytest.fixture(scope="session")
def no_resources() -> corpus.Resources:
    return corpus.Resources()


def postings_blocks(reader):
    """(raw data, compression, count, last id, byte ids) of every block of postings in the
    index of Whoosh `reader`, read from the files as Whoosh's reader reads a block.
    Postings inlined in the term dictionary have no block."""
    for sub, _offset in reader.leaf_readers():
        for fieldname, text in sub.all_terms():
            m = sub.postings(fieldname, text)
            while hasattr(m, "child"):  # (a reader with deletions wraps it)
                m = m.child
            if not hasattr(m, "_dataoffset"):
                continue
            while True:
                yield (m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset),
                       m._compression, m._blocklength, m._maxid, m._byteids)
                if m._lastblock:
                    break
                m._next_block()


def block_protocols(reader) -> dict[int, int]:
    """How many blocks of postings in the index of Whoosh `reader` are pickled in each
    protocol (the second byte of a pickle)."""
    import zlib
    from collections import Counter

    return dict(Counter((zlib.decompress(data) if compression else data)[1]
                        for data, compression, *_ in postings_blocks(reader)))


def make_raw(text: str | bytes, fmt: str = "text", doc_id: str = "doc",
             facts: SourceFacts | None = None) -> RawDocument:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return RawDocument(id=doc_id, path=f"{doc_id}.txt", format=fmt, data=data,
                       content_hash=corpus.content_hash(data, facts), source=facts)


@pytest.fixture
def prepare(no_resources):
    """prepare(text, fmt="text", resources=None, facts=None) -> Document."""

    def run(text: str | bytes, fmt: str = "text", resources: corpus.Resources | None = None,
            facts: SourceFacts | None = None) -> Document:
        return build.prepare(make_raw(text, fmt, facts=facts), resources or no_resources)

    return run


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory) -> Path:
    """A private copy of corpus/ (tests may not touch the real one)."""
    dest = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, corpus_copy) -> Path:
    """A real Whoosh index of the seed corpus, built once for the session."""
    index_dir = tmp_path_factory.mktemp("index") / "index"
    build.build_index(corpus_copy, index_dir)
    return index_dir


def write_corpus(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create a corpus folder from {relative path: content}."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return root


@contextmanager
def indexed(tmp_path: Path, files: dict[str, str | bytes]) -> Iterator[CorpusIndex]:
    """The index of a corpus made of {relative path: content}, built and open: the three
    steps a test of what a few written documents give takes first."""
    build.build_index(write_corpus(tmp_path / "c", files), tmp_path / "i")
    with CorpusIndex(tmp_path / "i") as index:
        yield index


# --------------------------------------------------------------------------- web


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory) -> Path:
    """Seeds, held-out documents and a hostile one, for the web tests."""
    root = tmp_path_factory.mktemp("web") / "corpus"
    shutil.copytree(CORPUS, root)
    for folder in ("heldout", "heldout2"):
        (root / folder).mkdir()
        for f in (DATA / folder).iterdir():
            if f.name not in ("truth.json", "README.md"):
                shutil.copy(f, root / folder / f.name)
    (root / "hostile.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    return root


HOSTILE_PAGE = """<html><head><title>=cmd|' /C calc'!A0 <script>alert('title')</script></title>
<meta property="og:title" content="=HYPERLINK(&quot;x&quot;) <img src=x onerror=alert('og')>">
<meta property="og:site_name" content="<b>Evil Outlet</b>">
</head><body><article>
<p>Protesters said the <script>alert('body')</script> contract was wrong, and the council
<img src=x onerror="alert('img')"> agreed to review it, the Evil Coalition (EC) said.</p>
<p>&lt;script&gt;alert('escaped')&lt;/script&gt; appeared in the text as a string, twice over.</p>
</article></body></html>"""


@pytest.fixture(scope="session")
def web_index(tmp_path_factory, web_corpus) -> Path:
    index_dir = web_corpus.parent / "index"
    build.build_index(web_corpus, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def app(web_index):
    from search_ui import create_app

    return create_app({"INDEX_DIR": str(web_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
