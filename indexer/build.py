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

import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from . import clean, corpus, language, metadata, quotes, schema
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

Progress = Callable[[int, int, str], None]


# --------------------------------------------------------------------------- prepare


def prepare(raw: RawDocument, resources: corpus.Resources) -> Document:
    """Decode, clean, detect language and extract metadata: one file becomes a Document."""
    text, _encoding = corpus.decode(raw.data, raw.format)
    page = None
    front: dict[str, str] = {}
    if raw.format == "html":
        soup = clean.parse_html(text)
        page = metadata.read_page_meta(soup)
        cleaned = clean.clean_html(soup)
    elif raw.format == "markdown":
        front, md = clean.split_front_matter(clean.normalize_display(text))
        cleaned = clean.clean_text(clean.markdown_to_text(md))
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

    meta = metadata.extract_metadata(cleaned, resources, facts, page, front, language=lang)
    registry = metadata.OutletRegistry(resources.outlets)
    trans = language.infer_translation(
        lang, facts.translated, facts.original_language,
        language.find_translation_note(paragraphs), registry.languages(meta.outlet),
    )
    prov.update(meta.provenance)
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
        yield
    finally:
        os.close(fd)


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
) -> BuildReport:
    """Bring the index in line with the corpus: add, update and remove what changed."""
    started = time.monotonic()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexWriteError(f"cannot create {index_dir}: {exc.strerror}") from exc

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
                ix = whoosh_index.open_dir(str(gen))
                existing = _indexed_hashes(ix)
        except OSError as exc:
            raise _write_error(index_dir, exc) from exc

        try:
            writer = ix.writer(limitmb=128)
        except LockError as exc:
            raise IndexLockedError(f"the index in {index_dir} is locked by another writer") from exc
        try:
            _apply_changes(writer, corpus_dir, manifest, resources, existing, report, progress,
                           max_bytes)
            writer.commit()
        except BaseException as exc:
            writer.cancel()
            ix.close()
            if full:
                shutil.rmtree(gen, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _write_error(index_dir, exc) from exc
            raise
        ix.close()

        try:
            _write_atomic(gen / PIPELINE, json.dumps({"fingerprint": fingerprint,
                                                      "schema": schema.SCHEMA_VERSION}))
            if full:
                _write_atomic(index_dir / CURRENT, gen.name + "\n")
                _remove_stale_generations(index_dir, gen)
        except OSError as exc:
            raise _write_error(index_dir, exc) from exc

        unknown = sorted(set(manifest) - set(report.added) - set(report.updated)
                         - set(report.unchanged))
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


def _apply_changes(writer, corpus_dir, manifest, resources, existing, report, progress,
                   max_bytes) -> None:
    paths = list(corpus.walk(corpus_dir))
    seen: set[str] = set()
    done = 0
    for item in corpus.iter_corpus(corpus_dir, manifest, max_bytes, paths=paths):
        done += 1
        if isinstance(item, Skipped):
            doc_id = corpus.id_for(item.path)
            if doc_id in existing:
                seen.add(doc_id)  # keep the version already indexed
                item = replace(item, reason=item.reason + " (the version indexed before is kept)")
            report.skipped.append(item)
            if progress:
                progress(done, len(paths), item.path)
            continue
        seen.add(item.id)
        if existing.get(item.id) == item.content_hash:
            report.unchanged.append(item.id)
        else:
            try:
                doc = prepare(item, resources)
            except DocumentError as exc:
                if item.id in existing:
                    report.skipped.append(Skipped(
                        item.path, f"{exc} (the version indexed before is kept)"))
                else:
                    report.skipped.append(Skipped(item.path, str(exc)))
            except RecursionError:
                report.skipped.append(Skipped(item.path, "too deeply nested to parse"))
            else:
                writer.delete_by_term("doc_id", doc.id)  # the document and its quotations
                for fields in schema.record_fields(doc):
                    writer.add_document(**fields)
                (report.updated if item.id in existing else report.added).append(item.id)
        if progress:
            progress(done, len(paths), item.path)
    for doc_id in sorted(set(existing) - seen):
        writer.delete_by_term("doc_id", doc_id)
        report.removed.append(doc_id)


def _indexed_hashes(ix) -> dict[str, str]:
    with ix.searcher() as s:
        return {f["id"]: f.get("content_hash", "") for f in s.all_stored_fields()
                if f.get("record", "doc") == "doc"}


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


def read_last_report(index_dir: Path) -> dict | None:
    try:
        return json.loads((Path(index_dir) / REPORT).read_text())
    except (OSError, ValueError):
        return None
