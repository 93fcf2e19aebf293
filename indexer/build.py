"""prepare(raw) -> Document; the incremental, atomic index build and its report.

Index folder layout:

    index/
      CURRENT          name of the live generation ("gen-000003"), replaced atomically
      gen-000003/      a Whoosh index, plus pipeline.json (what built it)
      build.lock       held (flock) by the one build allowed at a time
      last-build.json  the report of the last build

An incremental build updates the live generation in one Whoosh commit (atomic: Whoosh writes
its table of contents last and renames it into place). A full build (--rebuild, or when the
pipeline that made the index changed) writes a new generation beside the live one and switches
CURRENT only when it is complete, so a failed or killed build leaves the old index searchable.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import multiprocessing
import os
import queue
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import MERGE_SMALL

from . import clean, corpus, language, metadata, quotes, schema
from . import writer as writer_mod
from .errors import (
    CorpusError,
    DocumentError,
    IndexLockedError,
    IndexNotFoundError,
    IndexWriteError,
)
from .models import BuildReport, Document, Entity, RawDocument, Skipped, SourceFacts

#: The modules and data that decide what a document becomes: when any of them changes (a new
#: rule, a fixed bug), every document is processed again, in a new generation.
PIPELINE_MODULES = ("corpus", "clean", "language", "metadata", "entities", "quotes", "schema",
                    "textutil", "models", "build")
PIPELINE_DATA = ("data/given_names.txt",)

CURRENT = "CURRENT"
LOCK = "build.lock"
REPORT = "last-build.json"
PIPELINE = "pipeline.json"
#: Size, modification time and content hash of every corpus file a build saw, so that the
#: next update reads only files whose size, time or manifest entry changed (as make, rsync
#: and git do). A file whose time is within TRUST_MARGIN_NS of the build that saw it is read
#: again all the same: it could have been changed in the same clock tick after being read.
FILES = "files.json"
#: The registry's and the gazetteers' names, for the search side: a filter or field query
#: naming an outlet, organization or person by another of its names finds it (names_of).
NAMES = "names.json"
TRUST_MARGIN_NS = 2_000_000_000  # coarse file-system clocks: FAT keeps 2 s

#: progress(done, total, path): called once per corpus file as it is dealt with.
Progress = Callable[[int, int, str], None]

#: Below this many documents to (re)process, one process does it all: starting workers costs
#: more than it saves.
PARALLEL_MIN_DOCS = 200
BATCH = 16  # documents per message to a worker
#: A worker closes its segment after this many documents and starts another. Few large
#: segments search faster than many small ones: each search does some work per segment
#: (every word looked up in a dozen fields, a matcher made): at 100,000 documents, an index
#: of 2 segments answered the query mix in 0.65-0.74 times the time of one of 14
#: (bench/HISTORY.md). What bounds a segment is the disk its spilled postings take while
#: it is written (below): ~0.4 GB per 10,000 news articles of 600 words.
SEGMENT_DOCS = 100_000
#: A worker moves the postings it keeps in memory to a temporary file (beside the index)
#: once they take this much (indexer/writer.py: ~40 MB per 1,000 news articles of 600
#: words), and reads them back when it writes the segment: its memory stays bounded.
SPILL_MB = 512
# Writers pass compound=False: Whoosh reads a file inside a compound segment by copying it
# whole into memory (BytesIO), once per reader, and a server has a reader per thread: at
# 100,000 documents that was 16 GB. Separate files are read from the page cache instead.


# --------------------------------------------------------------------------- prepare


def prepare(raw: RawDocument, resources: corpus.Resources) -> Document:
    """Decode, clean, detect language and extract metadata: one file becomes a Document."""
    text, _encoding = corpus.decode(raw.data, raw.format)
    page = None
    front: dict[str, str] = {}
    heading = None
    if raw.format == "html":
        soup = clean.parse_html(text)
        page = metadata.read_page_meta(soup)
        cleaned = clean.clean_html(soup, *metadata.stated_facts(page))
    elif raw.format == "markdown":
        front, md = clean.split_front_matter(clean.normalize_display(text))
        cleaned = clean.clean_text(clean.markdown_to_text(md))
        heading = clean.markdown_title(md)
    else:
        cleaned = clean.clean_text(text)
    if len(cleaned.text.strip()) < 2:
        raise DocumentError("no text left after cleaning")

    facts = raw.source or SourceFacts()
    paragraphs = cleaned.paragraphs
    prov: dict[str, str] = {}
    guess = language.detect_language(cleaned.text)
    lang, confidence = guess.code, guess.confidence
    prov["language"] = "text"
    hinted = facts.language or front.get("lang") or front.get("language")
    if facts.language:
        lang, prov["language"] = facts.language, "manifest"
    elif hinted:
        lang, prov["language"] = hinted.split("-")[0].lower(), "front-matter"
    elif lang == language.UNDETERMINED and page is not None and page.html_lang:
        lang, prov["language"] = page.html_lang.split("-")[0].lower(), "html-meta"
    para_langs = language.detect_paragraph_languages(paragraphs, lang)

    meta = metadata.extract_metadata(cleaned, resources, facts, page, front, language=lang,
                                     heading=heading)
    registry = metadata.OutletRegistry(resources.outlets)
    trans = language.infer_translation(
        lang, facts.translated, facts.original_language,
        language.find_translation_note(paragraphs), registry.languages(meta.outlet),
    )
    prov.update(meta.provenance)
    also_in = tuple(dict.fromkeys(registry.canonical(n) for n in facts.also_in
                                  if registry.canonical(n) != meta.outlet))
    for key, value in (("also_in", also_in), ("series", facts.series)):
        if value:
            prov[key] = "manifest"
    found_quotes, new_speakers = quotes.extract_quotes(
        cleaned.text, meta.people, meta.organizations, meta.doc_type, meta.author)
    people = meta.people + tuple(Entity(n, (), "text") for n in new_speakers)
    if trans.source:
        prov["translated"] = trans.source
        if trans.original_language:
            prov["original_language"] = trans.source
    return Document(
        id=raw.id, path=raw.path, format=raw.format, content_hash=raw.content_hash,
        body=cleaned.text, title=meta.title, original_title=meta.original_title,
        outlet=meta.outlet, url=meta.url, author=meta.author, doc_type=meta.doc_type,
        date=meta.date, language=lang, language_confidence=confidence,
        paragraph_languages=para_langs, original_language=trans.original_language,
        translated=trans.translated, organizations=meta.organizations,
        people=tuple(sorted(people, key=lambda e: e.name.lower())),
        provenance=prov, removed=cleaned.removed, quotes=found_quotes,
        also_in=also_in, series=facts.series,
    )


# --------------------------------------------------------------------------- index folder


def current_generation(index_dir: Path) -> Path | None:
    """The live Whoosh index folder, or None if there is no index yet."""
    try:
        name = (Path(index_dir) / CURRENT).read_text().strip()
    except OSError:
        return None
    gen = Path(index_dir) / name
    return gen if name and gen.is_dir() else None


def open_index(index_dir: Path):
    """Open the live index for reading; IndexNotFoundError names the command that builds it."""
    gen = current_generation(Path(index_dir))
    if gen is None or not whoosh_index.exists_in(str(gen)):
        raise IndexNotFoundError(str(index_dir))
    return whoosh_index.open_dir(str(gen))


def pipeline_fingerprint(resources: corpus.Resources) -> str:
    """Changes when the extraction code, its data, the schema or the registries change."""
    h = hashlib.sha256()
    h.update(f"schema={schema.SCHEMA_VERSION};".encode())
    here = Path(__file__).parent
    for name in PIPELINE_MODULES:
        h.update((here / f"{name}.py").read_bytes())
    for name in PIPELINE_DATA:
        h.update((here / name).read_bytes())
    h.update(resources.fingerprint.encode())
    return h.hexdigest()


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder; the lock dies with its process."""
    path = Path(index_dir) / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexWriteError(f"cannot write to {index_dir}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise IndexLockedError(
                f"another build is running on {index_dir} (pid {holder}); wait for it to "
                f"finish, then run the command again"
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _LOCK_FDS.add(fd)
        yield
    finally:
        _LOCK_FDS.discard(fd)
        os.close(fd)


_LOCK_FDS: set[int] = set()  # a forked worker closes these: the lock must die with the parent


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _new_generation(index_dir: Path) -> Path:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    gen = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
    gen.mkdir()
    return gen


def _discard_unfinished(gen: Path) -> None:
    """After a failed update: delete the segments and temporary files it left in the live
    generation (a full disk stays full otherwise). Only what the live table of contents
    does not list goes, as Whoosh's own commit does; the build lock keeps writers out."""
    try:
        ix = whoosh_index.open_dir(str(gen))
        try:
            whoosh_index.clean_files(ix.storage, ix.indexname, ix.latest_generation(),
                                     ix._segments())
        finally:
            ix.close()
    except Exception:  # noqa: BLE001 - best effort; the index itself is untouched either way
        pass
    for tmp in gen.glob("*.tmp"):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)


def _probe_writable(folder: Path) -> None:
    probe = folder / f".probe.{os.getpid()}"
    with open(probe, "wb") as fh:
        fh.write(b"probe")
    probe.unlink()


def _generation_number(gen: Path) -> int:
    return int(gen.name[4:]) if gen.name[4:].isdigit() else -1


def _remove_stale_generations(index_dir: Path, live: Path | None) -> None:
    """Keep the live generation and the one before it (a reader may still hold it); drop
    older ones, and newer ones, which are builds that died half way."""
    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=_generation_number)
    if live is None:
        keep: set[Path] = set()
    else:
        older = [g for g in gens if _generation_number(g) < _generation_number(live)]
        keep = {live, *older[-1:]}
    for gen in gens:
        if gen not in keep:
            shutil.rmtree(gen, ignore_errors=True)


# --------------------------------------------------------------------------- build


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    rebuild: bool = False,
    progress: Progress | None = None,
    max_bytes: int = corpus.DEFAULT_MAX_BYTES,
    workers: int | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus: add, update and remove what changed.

    `workers` processes (default: one per CPU) prepare and index documents in parallel, each
    writing its own Whoosh segment, when there are enough documents to make it worth it.
    """
    started = time.monotonic()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexWriteError(f"cannot create {index_dir}: {exc.strerror}") from exc
    workers = max(1, workers or os.cpu_count() or 1)

    with build_lock(index_dir):
        manifest = corpus.load_manifest(corpus_dir)
        resources = corpus.load_resources(corpus_dir)
        fingerprint = pipeline_fingerprint(resources)
        live = current_generation(index_dir)
        _remove_stale_generations(index_dir, live)
        report = BuildReport()
        full = rebuild or live is None or _read_fingerprint(live) != fingerprint
        if full and live is not None and not rebuild:
            report.warnings.append("the extraction pipeline or registries changed: full rebuild")
        report.rebuilt = full

        try:
            if full:
                gen = _new_generation(index_dir)
                ix = whoosh_index.create_in(str(gen), schema.build_schema())
                existing: dict[str, str] = {}
            else:
                gen = live
                _probe_writable(gen)  # fail now, not after preparing every document
                ix = whoosh_index.open_dir(str(gen))
                existing = _indexed_hashes(ix)
        except OSError as exc:
            raise _write_error(index_dir, exc) from exc

        writer = None
        pool: _Workers | None = None
        known = {} if full else _read_files(live)
        states: dict[str, corpus.FileState] = {}
        scanned_ns = time.time_ns()
        try:
            todo, paths = _scan(corpus_dir, manifest, existing, report, progress, max_bytes,
                                known, states)
            if workers > 1 and len(todo) >= PARALLEL_MIN_DOCS:
                # workers are forked before the writer exists: they hold no lock of its
                pool = _Workers(min(workers, len(todo) // BATCH or 1), gen, corpus_dir,
                                resources, max_bytes)
            try:
                writer = writer_mod.SegmentWriter(ix, compound=False)
            except LockError as exc:
                raise IndexLockedError(
                    f"the index in {index_dir} is locked by another writer") from exc
            done = paths - len(todo)
            if pool is not None:
                segments = pool.run(todo, writer, report, progress, done, paths)
                pool = None
                # existing segments (small ones merged), then the workers' new ones
                writer.commit(mergetype=lambda w, segs: MERGE_SMALL(w, segs) + segments)
            else:
                for item in todo:
                    outcome = _process(writer, corpus_dir, item, resources, max_bytes)
                    _record(outcome, report)
                    if writer.pool_bytes() > SPILL_MB << 20:
                        writer.spill()
                    done += 1
                    if progress:
                        progress(done, paths, item.path)
                _remove_replaced(writer, report)
                writer.commit()
        except BaseException as exc:
            if pool is not None:
                pool.stop()
            try:  # best effort: on a full disk, cancelling writes too, and fails the same way
                if writer is not None and not writer.is_closed:
                    writer.cancel()
                ix.close()
            except OSError:
                pass
            if full:
                shutil.rmtree(gen, ignore_errors=True)
            else:
                _discard_unfinished(gen)
            if isinstance(exc, OSError):
                raise _write_error(index_dir, exc) from exc
            raise
        ix.close()

        try:
            _write_atomic(gen / PIPELINE, json.dumps({"fingerprint": fingerprint,
                                                      "schema": schema.SCHEMA_VERSION}))
            _write_files(gen, states, scanned_ns)
            _write_atomic(gen / NAMES, json.dumps(names_of(resources), ensure_ascii=False))
            if full:
                _write_atomic(index_dir / CURRENT, gen.name + "\n")
                _remove_stale_generations(index_dir, gen)
        except OSError as exc:
            raise _write_error(index_dir, exc) from exc

        for name in ("added", "updated", "unchanged", "removed", "kept"):
            getattr(report, name).sort()
        report.skipped.sort(key=lambda sk: sk.path)
        unknown = sorted(set(manifest) - set(report.added) - set(report.updated)
                         - set(report.unchanged) - set(report.kept))
        if unknown:
            report.warnings.append(
                f"{corpus.MANIFEST} has entries for ids not in the corpus: {', '.join(unknown)}"
            )
        report.seconds = time.monotonic() - started
        try:
            _write_atomic(index_dir / REPORT, json.dumps(report.to_dict(), indent=1))
        except OSError:
            report.warnings.append(f"could not save the build report in {index_dir}")
        return report


@dataclass(frozen=True)
class _Todo:
    """A corpus file whose document is new or changed: to be read again and prepared."""

    path: str  # relative to the corpus, posix
    id: str
    facts: SourceFacts | None
    existed: bool


def _scan(corpus_dir: Path, manifest, existing: dict[str, str], report: BuildReport,
          progress: Progress | None, max_bytes: int, known: dict[str, corpus.FileState],
          states: dict[str, corpus.FileState]) -> tuple[list[_Todo], int]:
    """Read and hash every file not `known` unchanged: what is unchanged, skipped or gone is
    settled here, the rest is returned to be prepared. Returns (to do, number of files)."""
    paths = corpus.walk(corpus_dir)
    seen: set[str] = set()
    todo: list[_Todo] = []
    done = 0
    for item in corpus.iter_corpus(corpus_dir, manifest, max_bytes, paths=paths,
                                   known=known, states=states):
        if isinstance(item, Skipped):
            doc_id = corpus.id_for(item.path)
            if doc_id in existing:
                seen.add(doc_id)  # keep the version already indexed
                report.kept.append(doc_id)
                item = replace(item, reason=item.reason + " (the version indexed before is kept)")
            report.skipped.append(item)
        else:
            seen.add(item.id)
            if existing.get(item.id) == item.content_hash:
                report.unchanged.append(item.id)
            else:
                todo.append(_Todo(item.path, item.id, item.source, item.id in existing))
                continue
        done += 1
        if progress:
            progress(done, len(paths), item.path)
    report.removed.extend(sorted(set(existing) - seen))
    return todo, len(paths)


def _process(writer, corpus_dir: Path, item: _Todo, resources: corpus.Resources,
             max_bytes: int) -> tuple[str, _Todo, str | None]:
    """Read, prepare and add one document: ("added", item, None) or ("skipped", item, why).
    The file is read again: what is indexed is what was hashed with it, even if it changed
    since the scan."""
    try:
        data = corpus.read_file(corpus_dir, Path(item.path), max_bytes)
        raw = RawDocument(id=item.id, path=item.path, format=corpus.FORMATS[
            Path(item.path).suffix.lower()], data=data,
            content_hash=corpus.content_hash(data, item.facts), source=item.facts)
        doc = prepare(raw, resources)
    except DocumentError as exc:
        return "skipped", item, str(exc)
    except RecursionError:
        return "skipped", item, "too deeply nested to parse"
    for fields in schema.record_fields(doc):
        writer.add_document(**fields)
    return "added", item, None


def _record(outcome: tuple[str, _Todo, str | None], report: BuildReport) -> None:
    """Note one document's outcome: a new version replaces the old one (see
    _remove_replaced), a failed one keeps it."""
    status, item, why = outcome
    if status == "skipped":
        kept = " (the version indexed before is kept)" if item.existed else ""
        report.skipped.append(Skipped(item.path, f"{why}{kept}"))
        if item.existed:
            report.kept.append(item.id)
        return
    if item.existed:
        report.updated.append(item.id)
    else:
        report.added.append(item.id)


def _remove_replaced(writer, report: BuildReport) -> None:
    """Delete the old versions of updated documents (with their quotations) and removed
    ones. A writer deletes only from committed segments: what this build added is safe."""
    for doc_id in report.updated + report.removed:
        writer.delete_by_term("doc_id", doc_id)


# --------------------------------------------------------------------------- workers


class _Workers:
    """Processes that each prepare documents and write them into a segment of their own.

    Work is dealt in fixed turns (batch i goes to worker i mod n), so the same corpus gives
    the same index. The parent keeps the Whoosh lock and commits the workers' segments in
    one table of contents: until then nothing they wrote is visible. Workers die with the
    parent (a killed build leaves no orphan holding the lock).
    """

    def __init__(self, n: int, gen: Path, corpus_dir: Path, resources: corpus.Resources,
                 max_bytes: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.results = ctx.Queue()
        self.tasks = [ctx.Queue(maxsize=4) for _ in range(n)]
        self.procs = [ctx.Process(target=_worker, name=f"corpus-search worker {k}", daemon=True,
                                  args=(k, str(gen), str(corpus_dir), resources, max_bytes,
                                        self.tasks[k], self.results, os.getpid()))
                      for k in range(n)]
        for proc in self.procs:
            proc.start()
        self.segments: list[list] = [[] for _ in range(n)]  # each worker's, in order
        self.finished: set[int] = set()

    def run(self, todo: list[_Todo], writer, report: BuildReport, progress: Progress | None,
            done: int, total: int) -> list:
        """Deal the documents out, collect the outcomes; the workers' segments, in order."""
        state = {"done": done}

        def collect(timeout: float) -> None:
            try:
                message = self.results.get(timeout=timeout)
            except queue.Empty:
                self._check_alive()
                return
            kind, k, payload = message
            if kind == "doc":
                _record(payload, report)
                state["done"] += 1
                if progress:
                    progress(state["done"], total, payload[1].path)
            elif kind == "segment":
                self.segments[k].append(payload)
            elif kind == "done":
                self.finished.add(k)
            elif kind == "oserror":  # a full disk and the like: reported as the parent's own
                raise OSError(*payload)
            else:  # "error"
                raise IndexWriteError(f"a worker process failed:\n{payload}")

        n = len(self.tasks)
        batches = [todo[i:i + BATCH] for i in range(0, len(todo), BATCH)]
        for i, batch in enumerate([*batches, *([None] * n)]):
            target = self.tasks[i % n] if batch is not None else self.tasks[i - len(batches)]
            while True:
                try:
                    target.put(batch, timeout=0.05)
                    break
                except queue.Full:
                    collect(0.05)
            while not self.results.empty():
                collect(0)
        while len(self.finished) < n:
            collect(0.5)
        for proc in self.procs:
            proc.join()
        self._close_queues()
        _remove_replaced(writer, report)
        return [segment for segments in self.segments for segment in segments]

    def _check_alive(self) -> None:
        for k, proc in enumerate(self.procs):
            if k not in self.finished and proc.exitcode is not None:
                raise IndexWriteError(f"a worker process stopped unexpectedly (exit code "
                                      f"{proc.exitcode}); the previous index is unchanged")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
        for proc in self.procs:
            proc.join(timeout=5)
        for q in [*self.tasks, self.results]:
            q.cancel_join_thread()  # what is left in them is dropped, not waited for
        self._close_queues()

    def _close_queues(self) -> None:
        for q in [*self.tasks, self.results]:
            q.close()


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this (forked) process when its parent dies, however it dies."""
    try:  # Linux: the kernel kills this process when the parent dies, however it dies
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def _worker(k: int, gen: str, corpus_dir: str, resources: corpus.Resources, max_bytes: int,
            tasks, results, parent: int) -> None:
    for fd in _LOCK_FDS:  # the parent's copy keeps the build lock; this one must not
        os.close(fd)
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        ix = whoosh_index.open_dir(gen)
        # _lk=False and _finalize_segment: as Whoosh's own multiprocessing writer does; the
        # parent holds the lock and writes the table of contents
        writer = writer_mod.SegmentWriter(ix, _lk=False, compound=False)
        in_segment = 0
        while True:
            try:
                batch = tasks.get(timeout=1.0)
            except queue.Empty:
                if os.getppid() != parent:
                    os._exit(1)
                continue
            if batch is None:
                break
            for item in batch:
                results.put(("doc", k, _process(writer, Path(corpus_dir), item, resources,
                                                 max_bytes)))
            in_segment += len(batch)
            if writer._added and in_segment >= SEGMENT_DOCS:
                results.put(("segment", k, writer._finalize_segment()))
                writer = writer_mod.SegmentWriter(ix, _lk=False, compound=False)
                in_segment = 0
            elif writer.pool_bytes() > SPILL_MB << 20:
                writer.spill()
        if writer._added:
            results.put(("segment", k, writer._finalize_segment()))
        else:
            writer._close_segment()
        results.put(("done", k, None))
    except OSError as exc:  # the parent explains it (disk full, read-only) and cancels
        results.put(("oserror", k, (exc.errno, exc.strerror or str(exc))))
    except BaseException:  # report it: the parent cancels the build
        results.put(("error", k, traceback.format_exc()))


def _indexed_hashes(ix) -> dict[str, str]:
    """id -> content hash of every indexed document, from columns (no stored field is read)."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        out = {}
        for docnum in reader.all_doc_ids():
            h = hashes[docnum]
            if h:  # quotation records have none
                out[ids[docnum]] = h
        return out


def _read_files(gen: Path) -> dict[str, corpus.FileState]:
    """The file states a generation's last build saw that can be trusted (see FILES); none if
    the record is missing or damaged: every file is then read, as before it existed."""
    try:
        saved = json.loads((gen / FILES).read_text(encoding="utf-8"))
        trusted_before = saved["scanned_ns"] - TRUST_MARGIN_NS
        states = {path: corpus.FileState(*entry) for path, entry in saved["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {path: st for path, st in states.items() if st.mtime_ns < trusted_before}


def _write_files(gen: Path, states: dict[str, corpus.FileState], scanned_ns: int) -> None:
    _write_atomic(gen / FILES, json.dumps(
        {"scanned_ns": scanned_ns,
         "files": {path: [st.size, st.mtime_ns, st.facts, st.content_hash]
                   for path, st in states.items()}}, ensure_ascii=False))


def _read_fingerprint(gen: Path) -> str | None:
    try:
        return json.loads((gen / PIPELINE).read_text())["fingerprint"]
    except (OSError, ValueError, KeyError):
        return None


def _write_error(index_dir: Path, exc: OSError) -> IndexWriteError:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "the index folder is not writable"
    else:
        why = exc.strerror or str(exc)
    return IndexWriteError(f"cannot write the index in {index_dir}: {why}; "
                           f"the previous index is unchanged")


def names_of(resources: corpus.Resources) -> dict[str, dict[str, list[str]]]:
    """facet (outlet, organization, person) -> each registered name -> its other names (an
    outlet's domains among them: outlet=nytimes.com)."""
    return {
        "outlet": {o.name: list(dict.fromkeys((*o.aliases, *o.domains)))
                   for o in resources.outlets},
        "organization": {e.name: list(e.aliases) for e in resources.organizations},
        "person": {e.name: list(e.aliases) for e in resources.people},
    }


def read_names(gen: Path) -> dict[str, dict[str, list[str]]]:
    """names_of() as a build wrote it in generation gen; none for an index built before."""
    try:
        names = json.loads((gen / NAMES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return names if isinstance(names, dict) else {}


def read_last_report(index_dir: Path) -> dict | None:
    try:
        return json.loads((Path(index_dir) / REPORT).read_text())
    except (OSError, ValueError):
        return None
