"""Reading the index: documents, statistics and (see SearchQuery) search.

Whoosh objects never leave this module; callers get dataclasses from models.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import build, schema
from .errors import DocumentNotFoundError, IndexNotFoundError
from .models import Document


@dataclass(frozen=True)
class IndexStats:
    """What is in the index."""

    documents: int
    by_outlet: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    by_year: dict[str, int] = field(default_factory=dict)
    by_doc_type: dict[str, int] = field(default_factory=dict)
    translated: int = 0
    index_bytes: int = 0
    generation: str = ""
    last_build: dict | None = None

    def to_dict(self) -> dict:
        return {
            "documents": self.documents, "by_outlet": self.by_outlet,
            "by_language": self.by_language, "by_year": self.by_year,
            "by_doc_type": self.by_doc_type, "translated": self.translated,
            "index_bytes": self.index_bytes, "generation": self.generation,
            "last_build": self.last_build,
        }


class CorpusIndex:
    """A handle on an index folder: one searcher, kept open and refreshed when the index changes.

    Safe to share between threads: the searcher is swapped under a lock and never closed while
    a call may still be using it (the old one is left to the garbage collector).
    """

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._gen: Path | None = None
        self._ix = None
        self._searcher = None

    def _current(self):
        """The searcher for the live index, reopened if a build changed it."""
        with self._lock:
            gen = build.current_generation(self.index_dir)
            if gen is None:
                raise IndexNotFoundError(str(self.index_dir))
            if gen != self._gen or self._searcher is None:
                self._ix = build.open_index(self.index_dir)
                self._searcher = self._ix.searcher()
                self._gen = gen
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            return self._searcher

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._ix = self._gen = None

    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ documents

    def document(self, doc_id: str) -> Document:
        """The stored document with this id."""
        s = self._current()
        stored = s.document(id=doc_id)
        if stored is None:
            raise DocumentNotFoundError(f"no document with id '{doc_id}' in {self.index_dir}")
        return schema.document_from_stored(stored)

    def document_ids(self) -> list[str]:
        s = self._current()
        return sorted(f["id"] for f in s.all_stored_fields())

    def __len__(self) -> int:
        return self._current().doc_count()

    # ------------------------------------------------------------------ stats

    def stats(self) -> IndexStats:
        """Documents per outlet, language, year and type; size on disk."""
        s = self._current()
        total = s.doc_count()

        def counts(fieldname: str) -> dict[str, int]:
            out = {}
            for term in s.lexicon(fieldname):
                value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                n = s.doc_frequency(fieldname, term)
                if n:
                    out[value] = n
            missing = total - sum(out.values())
            out = dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))
            if missing > 0:
                out["(unknown)"] = missing
            return out

        translated = sum(1 for f in s.all_stored_fields() if f.get("translated"))
        gen = self._gen
        size = sum(p.stat().st_size for p in gen.iterdir() if p.is_file()) if gen else 0
        return IndexStats(
            documents=total, by_outlet=counts("outlet"), by_language=counts("language"),
            by_year=dict(sorted(counts("year").items())), by_doc_type=counts("doc_type"),
            translated=translated, index_bytes=size, generation=gen.name if gen else "",
            last_build=build.read_last_report(self.index_dir),
        )
