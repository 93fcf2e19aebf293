"""The build: seeds end to end, no-manifest extraction, incremental and atomic updates."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import build
from indexer import writer as writer_mod
from indexer.errors import CorpusError, IndexLockedError, IndexNotFoundError, ManifestError
from indexer.search import CorpusIndex

from .conftest import CORPUS, DATA, REPO, SEED_IDS, block_protocols, write_corpus
from .test_writer import record

# --------------------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds(corpus_index):
    with CorpusIndex(corpus_index) as ix:
        yield {doc_id: ix.document(doc_id) for doc_id in SEED_IDS}


def test_every_seed_is_indexed(corpus_index):
    with CorpusIndex(corpus_index) as ix:
        assert ix.document_ids() == SEED_IDS


def test_press_release_seed(seeds):
    d = seeds["000_fc7d4a9f0a56cd29"]
    assert d.title.startswith("Dozens of immigrant rights activists are Occupying the Amazon")
    assert (d.date.isoformat(), d.date.precision, d.provenance["date"]) == (
        "2018-07-10", "day", "text")
    assert (d.doc_type, d.provenance["doc_type"]) == ("press release", "text")
    assert d.outlet == "Movimiento Cosecha" and d.provenance["outlet"] == "manifest"
    assert {"U.S. Immigration and Customs Enforcement", "Movimiento Cosecha", "Amazon"} <= {
        e.name for e in d.organizations}
    assert [p.name for p in d.people] == ["Cata Santiago"]


def test_blog_seed_date_and_chrome(seeds):
    d = seeds["001_48559113dea98757"]
    assert d.date.isoformat() == "2019-08-01" and d.provenance["date"] == "text"
    assert d.doc_type == "blog post"
    assert d.title.startswith("CPD Network Leads Charge Against Amazon")
    assert "Header Image Mobile Header Image" in [r.text for r in d.removed]
    assert "Header Image" not in d.body


def test_interview_seed(seeds):
    d = seeds["002_2a4115fd894731b4"]
    assert d.doc_type == "interview"
    assert (d.date.isoformat(), d.date.precision) == ("2018-07", "month")
    assert d.title == ("Pressing Amazon to stop cooperating with ICE, with Cata Santiago of "
                       "Movimiento Cosecha")
    assert {"Cata Santiago", "Sarah Jaffe"} <= {p.name for p in d.people}


def test_translated_seed(seeds):
    d = seeds["003_bf74998e5c9b8689"]
    assert (d.language, d.original_language, d.translated) == ("en", "es", True)
    assert d.provenance["translated"] == "registry"
    assert d.outlet == "La Opinión"
    assert d.original_title.startswith("Exigen a Amazon")
    aliases = {e.name: e.aliases for e in d.organizations}
    assert "Migration and Customs Service" in aliases["U.S. Immigration and Customs Enforcement"]
    assert "Department of National Security" in aliases["U.S. Department of Homeland Security"]
    removed = [r.text for r in d.removed]
    for residue in ("Please enter your comment!", "Please enter your name here",
                    "Click on the star of Google News and follow us",
                    "Photo supplied / Photo supplied"):
        assert residue in removed and residue not in d.body
    # every sentence of the article survives
    for sentence in ("Union and religious leaders, families and allies of immigrants joined",
                     "As a result of protest actions, Police arrested 11 siblings",
                     "They said in the letter."):
        assert sentence in d.body


def test_newsweek_seed(seeds):
    d = seeds["004_3ef628bc7d8abaa3"]
    assert d.outlet == "Newsweek"
    assert (d.date.isoformat(), d.date.precision) == ("2019-08", "month")
    assert "Jews for Racial & Economic Justice" in {e.name for e in d.organizations}


def test_body_keeps_original_typography(seeds):
    assert "“I cannot be a bystander" in seeds["000_fc7d4a9f0a56cd29"].body
    assert "Amazon’s contracts" in seeds["000_fc7d4a9f0a56cd29"].body


def test_facts_the_text_carries_are_found_without_the_manifest(tmp_path):
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus_dir)
    (corpus_dir / "sources.toml").unlink()
    build.build_index(corpus_dir, tmp_path / "index")
    with CorpusIndex(tmp_path / "index") as ix:
        release = ix.document("000_fc7d4a9f0a56cd29")
        blog = ix.document("001_48559113dea98757")
        newsweek = ix.document("004_3ef628bc7d8abaa3")
    assert (release.date.isoformat(), release.provenance["date"]) == ("2018-07-10", "text")
    assert (blog.date.isoformat(), blog.provenance["date"]) == ("2019-08-01", "text")
    assert (newsweek.outlet, newsweek.provenance["outlet"]) == ("Newsweek", "text")


# --------------------------------------------------------------------------- incremental

STORY = ("Council Delays Vote on Drone Contract\n\nBy Ana Ruiz | Nov. 3, 2019\n\n"
         "The city council postponed a vote on a contract for police drones after residents "
         "objected, the clerk said on Tuesday.")


def _ids(index_dir: Path) -> list[str]:
    with CorpusIndex(index_dir) as ix:
        return ix.document_ids()


def test_incremental_add_update_unchanged_remove(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY, "sub/b.txt": STORY + " Two."})
    index_dir = tmp_path / "i"
    r1 = build.build_index(corpus_dir, index_dir)
    assert (sorted(r1.added), r1.rebuilt) == (["a", "sub/b"], True)

    (corpus_dir / "c.md").write_text("# New one\n\n" + STORY)
    (corpus_dir / "a.txt").write_text(STORY + " Changed.")
    r2 = build.build_index(corpus_dir, index_dir)
    assert (r2.added, r2.updated, r2.unchanged, r2.removed, r2.rebuilt) == (
        ["c"], ["a"], ["sub/b"], [], False)

    (corpus_dir / "sub" / "b.txt").unlink()
    r3 = build.build_index(corpus_dir, index_dir)
    assert (r3.removed, sorted(r3.unchanged)) == (["sub/b"], ["a", "c"])
    assert _ids(index_dir) == ["a", "c"]
    with CorpusIndex(index_dir) as ix:
        assert ix.document("a").body.endswith("Changed.")


def _aged(root: Path) -> Path:
    """Give every file of a corpus a modification time an hour ago: older than any build's
    trust margin (build.TRUST_MARGIN_NS)."""
    t = time.time() - 3600
    for f in root.rglob("*"):
        os.utime(f, (t, t))
    return root


def _rewrite_keeping_size_and_time(path: Path, text: str) -> None:
    st = path.stat()
    assert len(text.encode()) == st.st_size
    path.write_text(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_an_update_reads_only_files_whose_size_time_or_manifest_entry_changed(tmp_path):
    corpus_dir = _aged(write_corpus(tmp_path / "c", {
        "a.txt": STORY + " Alpha.", "b.txt": STORY + " Bravo.", "c.txt": STORY + " Carol.",
        "d.txt": STORY + " Delta."}))
    build.build_index(corpus_dir, tmp_path / "i")
    # Other bytes, same size and time: taken as unchanged without reading, as make and
    # rsync do (this is what an update trusts; --rebuild reads everything).
    _rewrite_keeping_size_and_time(corpus_dir / "a.txt", STORY + " Alphx.")
    os.utime(corpus_dir / "b.txt")  # a new time, same bytes: read, and found unchanged
    (corpus_dir / "c.txt").write_text(STORY + " Carol, longer.")
    (corpus_dir / "sources.toml").write_text('[d]\noutlet = "Valley Ledger"\n')
    r = build.build_index(corpus_dir, tmp_path / "i")
    assert (sorted(r.updated), sorted(r.unchanged)) == (["c", "d"], ["a", "b"])
    with CorpusIndex(tmp_path / "i") as ix:
        assert ix.document("a").body.endswith("Alpha.")
        assert ix.document("d").outlet == "Valley Ledger"
    build.build_index(corpus_dir, tmp_path / "i", rebuild=True)
    with CorpusIndex(tmp_path / "i") as ix:
        assert ix.document("a").body.endswith("Alphx.")


def test_a_file_as_new_as_the_build_that_saw_it_is_read_again(tmp_path):
    """It may have changed in the same clock tick after it was read: within the margin, an
    update hashes it whatever its size and time say."""
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY + " Alpha."})
    soon = time.time() + 60  # certainly within the margin of the build below
    os.utime(corpus_dir / "a.txt", (soon, soon))
    build.build_index(corpus_dir, tmp_path / "i")
    _rewrite_keeping_size_and_time(corpus_dir / "a.txt", STORY + " Alphx.")
    r = build.build_index(corpus_dir, tmp_path / "i")
    assert r.updated == ["a"]
    with CorpusIndex(tmp_path / "i") as ix:
        assert ix.document("a").body.endswith("Alphx.")


@pytest.mark.parametrize("damage", ["", "{not json", '{"scanned_ns": 1}',
                                    '{"scanned_ns": "x", "files": {"a.txt": [1]}}'])
def test_a_missing_or_damaged_file_record_means_every_file_is_read(tmp_path, damage):
    corpus_dir = _aged(write_corpus(tmp_path / "c", {"a.txt": STORY + " Alpha."}))
    build.build_index(corpus_dir, tmp_path / "i")
    gen = build.current_generation(tmp_path / "i")
    assert "a.txt" in build._read_files(gen)
    (gen / build.FILES).write_text(damage)
    _rewrite_keeping_size_and_time(corpus_dir / "a.txt", STORY + " Alphx.")
    assert build.build_index(corpus_dir, tmp_path / "i").updated == ["a"]
    assert "a.txt" in build._read_files(gen)  # and the record is whole again


def test_manifest_change_updates_only_that_document(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY, "b.txt": STORY})
    build.build_index(corpus_dir, tmp_path / "i")
    (corpus_dir / "sources.toml").write_text('[a]\noutlet = "Valley Ledger"\n')
    r = build.build_index(corpus_dir, tmp_path / "i")
    assert (r.updated, r.unchanged) == (["a"], ["b"])
    with CorpusIndex(tmp_path / "i") as ix:
        assert ix.document("a").outlet == "Valley Ledger"


def test_registry_change_reprocesses_everything_in_a_new_generation(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY})
    index_dir = tmp_path / "i"
    build.build_index(corpus_dir, index_dir)
    first = build.current_generation(index_dir)
    (corpus_dir / "organizations.toml").write_text('[[organization]]\nname = "Drone Union"\n')
    r = build.build_index(corpus_dir, index_dir)
    assert r.rebuilt and r.added == ["a"]
    assert any("registries changed" in w for w in r.warnings)
    assert build.current_generation(index_dir) != first


def test_changed_extraction_code_or_data_reprocesses_everything(tmp_path, monkeypatch):
    rules = tmp_path / "rules.txt"  # stands for a pipeline module or data file being edited
    rules.write_text("version one")
    monkeypatch.setattr(build, "PIPELINE_DATA", (*build.PIPELINE_DATA, str(rules)))
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY})
    index_dir = tmp_path / "i"
    build.build_index(corpus_dir, index_dir)
    assert not build.build_index(corpus_dir, index_dir).rebuilt
    rules.write_text("version two")
    r = build.build_index(corpus_dir, index_dir)
    assert r.rebuilt and r.added == ["a"]
    assert any("pipeline" in w for w in r.warnings)


def test_every_extraction_module_is_in_the_pipeline_fingerprint():
    here = REPO / "indexer"
    imported = set()
    for name in build.PIPELINE_MODULES:
        tree = ast.parse((here / f"{name}.py").read_text())
        imported |= {n.module for n in ast.walk(tree)
                     if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module}
    # what prepare() runs, and everything that imports, is fingerprinted (errors.py has no rules)
    assert imported - {"errors"} <= set(build.PIPELINE_MODULES)
    assert {"clean", "language", "metadata", "entities", "quotes"} <= set(build.PIPELINE_MODULES)


def test_rebuild_switches_generations_atomically(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY})
    index_dir = tmp_path / "i"
    build.build_index(corpus_dir, index_dir)
    gen1 = build.current_generation(index_dir)
    r = build.build_index(corpus_dir, index_dir, rebuild=True)
    gen2 = build.current_generation(index_dir)
    assert r.rebuilt and r.added == ["a"] and gen2 != gen1
    build.build_index(corpus_dir, index_dir, rebuild=True)
    # the live generation and the one before it are kept (readers may still hold it)
    gens = sorted(p.name for p in index_dir.glob("gen-*"))
    assert gens == [gen2.name, build.current_generation(index_dir).name]


def test_failed_build_leaves_previous_index(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY})
    index_dir = tmp_path / "i"
    build.build_index(corpus_dir, index_dir)
    (corpus_dir / "sources.toml").write_text("[a\nbroken")
    with pytest.raises(ManifestError):
        build.build_index(corpus_dir, index_dir, rebuild=True)
    assert _ids(index_dir) == ["a"]


def test_build_report_is_saved(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY, "empty.txt": ""})
    build.build_index(corpus_dir, tmp_path / "i")
    report = build.read_last_report(tmp_path / "i")
    assert report["added"] == ["a"]
    assert report["skipped"] == [{"path": "empty.txt", "reason": "empty file"}]


# --------------------------------------------------------------------------- bad documents


def test_bad_documents_are_skipped_with_their_reason_and_the_rest_lands(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {
        "good.txt": STORY,
        "empty.txt": "",
        "blank.md": "   \n\n  ",
        "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "nul.txt": b"text\x00with\x00nul" * 20,
        "big.txt": "word " * 300_000,
        "only-chrome.txt": "Share this:\nAdvertisement\nComments (2)",
        "story.html": "<p>One version</p>",
        "story.txt": "Another version of the same id.",
        "latin1.txt": "Crónica de la huelga en el almacén, según los trabajadores.".encode(
            "latin-1"),
    })
    os.symlink(tmp_path / "missing.txt", corpus_dir / "dangling.txt")
    r = build.build_index(corpus_dir, tmp_path / "i", max_bytes=1_000_000)
    reasons = {s.path: s.reason for s in r.skipped}
    assert reasons == {
        "empty.txt": "empty file", "blank.md": "no text: the file holds only whitespace",
        "binary.txt": "binary file (PNG image)",
        "nul.txt": "binary file (contains NUL bytes)",
        "big.txt": "too large: 1.5 MB, the limit is 1.0 MB",
        "only-chrome.txt": "no text left after cleaning",
        "story.txt": "duplicate id 'story' (already taken by story.html)",
        "dangling.txt": "broken or looping symbolic link",
    }
    assert sorted(r.added) == ["good", "latin1", "story"]
    with CorpusIndex(tmp_path / "i") as ix:
        assert "Crónica de la huelga" in ix.document("latin1").body


def test_a_document_that_turns_bad_keeps_its_indexed_version(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY})
    build.build_index(corpus_dir, tmp_path / "i")
    (corpus_dir / "a.txt").write_bytes(b"%PDF-1.4 garbage")
    r = build.build_index(corpus_dir, tmp_path / "i")
    assert r.removed == [] and "the version indexed before is kept" in r.skipped[0].reason
    assert _ids(tmp_path / "i") == ["a"]
    assert (r.kept, r.indexed) == (["a"], 1)  # the summary counts what the index holds


def test_a_document_that_prepares_to_nothing_keeps_its_indexed_version(tmp_path):
    # Read, then found empty by cleaning (not refused at reading, as above): the same.
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY, "b.txt": STORY + " Again."})
    build.build_index(corpus_dir, tmp_path / "i")
    (corpus_dir / "a.txt").write_text("Share | Tweet | Email\n", encoding="utf-8")
    r = build.build_index(corpus_dir, tmp_path / "i")
    assert [s.path for s in r.skipped] == ["a.txt"]
    assert r.skipped[0].reason.startswith("no text left after cleaning")
    assert "the version indexed before is kept" in r.skipped[0].reason
    assert (r.kept, r.unchanged, r.indexed) == (["a"], ["b"], 2)
    assert r.to_dict()["kept"] == ["a"] and not r.warnings
    assert _ids(tmp_path / "i") == ["a", "b"]


def test_missing_corpus_and_missing_index():
    with pytest.raises(CorpusError, match="does not exist"):
        build.build_index(Path("/nonexistent/corpus"), Path("/tmp/never"))
    with pytest.raises(IndexNotFoundError, match="corpus-search index --index"):
        CorpusIndex("/nonexistent/index").document("x")


# --------------------------------------------------------------------------- concurrency


def test_a_second_concurrent_build_is_refused(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY})
    index_dir = tmp_path / "i"
    index_dir.mkdir()
    with build.build_lock(index_dir):
        with pytest.raises(IndexLockedError, match="another build is running"):
            build.build_index(corpus_dir, index_dir)
        proc = subprocess.run(
            [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus_dir),
             "--index", str(index_dir)], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: another build is running") and "Traceback" not in \
        proc.stderr
    build.build_index(corpus_dir, index_dir)  # free again


def _big_corpus(root: Path, n: int) -> Path:
    texts = sorted(p for p in (DATA / "heldout").glob("*.txt"))
    files = {}
    for i in range(n):
        src = texts[i % len(texts)].read_text(encoding="utf-8")
        files[f"gen/{i:04d}.txt"] = f"{src}\n\nVariant {i}."
    return write_corpus(root, files)


@pytest.mark.parametrize("rebuild", [True, False])
def test_killed_build_leaves_previous_index_intact_and_next_build_completes(tmp_path, rebuild):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY, "b.txt": STORY + " B."})
    index_dir = tmp_path / "i"
    build.build_index(corpus_dir, index_dir)
    _big_corpus(corpus_dir, 400)
    cmd = [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus_dir),
           "--index", str(index_dir)] + (["--rebuild"] if rebuild else [])
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            cwd=REPO)
    # wait until the build is well under way, then kill it without warning
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if "(20%)" in line or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _ids(index_dir) == ["a", "b"]  # the previous index, whole and searchable
    r = build.build_index(corpus_dir, index_dir)
    assert len(r.added) == 400 and sorted(r.unchanged) == ["a", "b"] and not r.rebuilt
    assert len(_ids(index_dir)) == 402
    # the killed build's half-written generation was cleaned up
    assert len(list(index_dir.glob("gen-*"))) <= 2


# --------------------------------------------------------------------------- parallel build


def _snapshot(index_dir: Path) -> dict:
    """What a user can see of an index: documents, their fields and quotations, counts."""
    from indexer.search import make_query, make_quote_query

    with CorpusIndex(index_dir) as ix:
        docs = {i: ix.document(i).to_dict() for i in ix.document_ids()}
        searches = {q: ix.search(make_query(q=q, per_page=100)).total
                    for q in ("council", '"drone contract"', "variant", "")}
        quotes = ix.search_quotes(make_quote_query(per_page=100)).total
    return {"docs": docs, "searches": searches, "quotes": quotes}


def test_parallel_build_indexes_exactly_what_one_process_does(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 20)
    corpus_dir = _big_corpus(tmp_path / "c", 60)
    (corpus_dir / "broken.html").write_bytes(b"\x00\x01" * 10)  # skipped, with its reason
    one = build.build_index(corpus_dir, tmp_path / "one", workers=1)
    two = build.build_index(corpus_dir, tmp_path / "two", workers=2)
    assert one.added == two.added and len(two.added) == 60
    assert one.skipped == two.skipped and len(two.skipped) == 1
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "two")
    # the same corpus gives the same index, document numbers included
    again = build.build_index(corpus_dir, tmp_path / "two", workers=2, rebuild=True)
    assert again.added == two.added
    with CorpusIndex(tmp_path / "two") as ix:
        first = [h.id for h in ix.search(__import__("indexer").make_query(q="the")).hits]
    build.build_index(corpus_dir, tmp_path / "three", workers=2)
    with CorpusIndex(tmp_path / "three") as ix:
        assert [h.id for h in ix.search(__import__("indexer").make_query(q="the")).hits] == first


@pytest.mark.parametrize("limit, value, docs, segments", [
    ("SEGMENT_DOCS", build.BATCH, 70, 5),  # 70 documents in batches of 16: 5 segments
    ("SPILL_MB", 0, 40, 2),  # postings spilled after each batch: still one segment each
])
def test_workers_cut_their_output_into_bounded_segments(tmp_path, monkeypatch, limit, value,
                                                        docs, segments):
    """A worker closes its segment at SEGMENT_DOCS documents, and moves its postings to a
    temporary file once they take SPILL_MB of memory; either way the index reads the same
    as a one-process build's, and no temporary file is left."""
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 20)
    monkeypatch.setattr(build, limit, value)
    corpus_dir = _big_corpus(tmp_path / "c", docs)
    build.build_index(corpus_dir, tmp_path / "one", workers=1)
    build.build_index(corpus_dir, tmp_path / "many", workers=2)
    ix = whoosh_index.open_dir(str(build.current_generation(tmp_path / "many")))
    counts = [seg.doc_count() for seg in ix._segments()]
    ix.close()
    assert len(counts) == segments
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "many")
    assert not list(build.current_generation(tmp_path / "many").glob("*.tmp"))


def test_one_process_spills_its_postings_and_reads_the_same(tmp_path, monkeypatch):
    corpus_dir = _big_corpus(tmp_path / "c", 30)
    build.build_index(corpus_dir, tmp_path / "kept", workers=1)
    spilled = []
    real = writer_mod.SegmentWriter.spill
    monkeypatch.setattr(writer_mod.SegmentWriter, "spill",
                        lambda w: spilled.append(w.pool_bytes()) or real(w))
    monkeypatch.setattr(build, "SPILL_MB", 0)
    build.build_index(corpus_dir, tmp_path / "spilled", workers=1)
    assert len(spilled) == 30 and all(spilled)  # after each document
    assert _snapshot(tmp_path / "kept") == _snapshot(tmp_path / "spilled")
    assert not list(build.current_generation(tmp_path / "spilled").glob("*.tmp"))


def test_an_update_deletes_what_a_killed_build_spilled(tmp_path):
    """Spilled postings are named after their segment (writer.SegmentWriter.spill), so the
    next build's commit deletes those of a killed build, as it does its segment files."""
    corpus_dir = _big_corpus(tmp_path / "c", 5)
    build.build_index(corpus_dir, tmp_path / "i", workers=1)
    gen = build.current_generation(tmp_path / "i")
    ix = whoosh_index.open_dir(str(gen))
    w = writer_mod.SegmentWriter(ix, compound=False)
    w.add_document(**record(0, "The port strike ended."))
    w.spill()
    left = list(gen.glob("*.postings.tmp"))
    assert len(left) == 1
    w.writelock.release()  # killed: nothing else of it happens
    build.build_index(corpus_dir, tmp_path / "i", workers=1)  # nothing changed
    assert not left[0].exists()


def test_segments_are_separate_files_never_compound(tmp_path, monkeypatch):
    """Whoosh copies a file of a compound segment into memory each time a reader opens it
    (a reader per server thread): every writer must keep segment files separate."""
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 20)
    corpus_dir = _big_corpus(tmp_path / "c", 40)
    build.build_index(corpus_dir, tmp_path / "i", workers=2)  # workers' segments
    (corpus_dir / "gen/0001.txt").write_text(STORY)
    build.build_index(corpus_dir, tmp_path / "i", workers=1)  # an update, merging
    build.build_index(corpus_dir, tmp_path / "one", workers=1)
    for index_dir in (tmp_path / "i", tmp_path / "one"):
        ix = whoosh_index.open_dir(str(build.current_generation(index_dir)))
        segments = ix._segments()
        ix.close()
        assert segments and not any(seg.is_compound() for seg in segments)
        assert not list(build.current_generation(index_dir).glob("*.seg"))


def test_every_writer_pickles_postings_blocks_in_protocol_4(tmp_path, monkeypatch):
    """Blocks in protocol 4 unpickle several times faster (indexer/writer.py): the workers'
    segments, an update merging segments, and one process spilling its postings to disk
    all write them."""
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 20)
    corpus_dir = _big_corpus(tmp_path / "c", 40)
    build.build_index(corpus_dir, tmp_path / "i", workers=2)
    (corpus_dir / "gen/0001.txt").write_text(STORY)
    build.build_index(corpus_dir, tmp_path / "i", workers=1)  # an update, merging
    monkeypatch.setattr(build, "SPILL_MB", 0)
    build.build_index(corpus_dir, tmp_path / "one", workers=1)
    for index_dir in (tmp_path / "i", tmp_path / "one"):
        ix = whoosh_index.open_dir(str(build.current_generation(index_dir)))
        with ix.reader() as reader:
            protocols = block_protocols(reader)
        ix.close()
        assert protocols.keys() == {4} and protocols[4] > 100


def test_parallel_incremental_update(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 20)
    corpus_dir = _big_corpus(tmp_path / "c", 60)
    build.build_index(corpus_dir, tmp_path / "i", workers=2)
    for i in range(0, 60, 2):  # change half, remove five, add three
        path = corpus_dir / f"gen/{i:04d}.txt"
        path.write_text(path.read_text() + "\n\nCorrection: the quorum vote was moved.")
    for i in range(1, 11, 2):
        (corpus_dir / f"gen/{i:04d}.txt").unlink()
    for i in range(3):
        (corpus_dir / f"new/{i}.txt").parent.mkdir(exist_ok=True)
        (corpus_dir / f"new/{i}.txt").write_text(STORY + f" New {i}.")
    r = build.build_index(corpus_dir, tmp_path / "i", workers=2)
    assert (len(r.updated), len(r.removed), len(r.added), len(r.unchanged)) == (30, 5, 3, 25)
    build.build_index(corpus_dir, tmp_path / "fresh", workers=1)
    assert _snapshot(tmp_path / "i") == _snapshot(tmp_path / "fresh")


def test_a_worker_killed_mid_build_fails_the_build_cleanly(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c", {"a.txt": STORY})
    index_dir = tmp_path / "i"
    build.build_index(corpus_dir, index_dir)
    _big_corpus(corpus_dir, 600)
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus_dir), "--index",
         str(index_dir), "--workers", "2"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        text=True, cwd=REPO)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while not workers and time.monotonic() < deadline:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        workers = [int(p) for p in children.read_text().split()] if children.exists() else []
        time.sleep(0.05)
    assert workers, "the build started no worker processes"
    time.sleep(1.0)
    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer would
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Traceback" not in err
    assert "worker process stopped unexpectedly" in err
    assert _ids(index_dir) == ["a"]  # the previous index is untouched
    assert not [p for p in workers if Path(f"/proc/{p}").exists()]  # no orphan left
    r = build.build_index(corpus_dir, index_dir)
    assert len(r.added) == 600
