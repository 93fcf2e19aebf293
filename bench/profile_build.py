"""Where index-build time goes, per stage, in one process (cProfile and stage timers).

    python -m bench.profile_build [--n 1000] [--top 25]

Builds the first N documents of the generated corpus with one process, timing each stage
of preparing a document and the index writer's share (indexer/writer.py: add_document,
commit), then prints the stage table and the functions with the most own time. Writes
bench/profile.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from . import measure
from .generate import generate

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "profile.txt")
    a = p.parse_args(argv)

    import whoosh.writing as ww

    from indexer import build, clean, language, metadata, quotes, schema, writer

    data = generate(a.n, REPO / "bench" / "data" / f"n{a.n}-s{a.seed}", a.seed)
    spent: dict[str, float] = defaultdict(float)

    def timed(owner, name: str, label: str) -> None:
        setattr(owner, name, measure.timed(getattr(owner, name), spent, label))

    for owner, name, label in [
        (build, "prepare", "prepare (all of it)"),
        (clean, "clean_html", "  clean: HTML"), (clean, "clean_text", "  clean: text"),
        (language, "detect_language", "  language: document"),
        (language, "detect_paragraph_languages", "  language: paragraphs"),
        (metadata, "extract_metadata", "  metadata and entities"),
        (quotes, "extract_quotes", "  quotations"),
        (schema, "record_fields", "index records"),
        (writer.SegmentWriter, "add_document", "writer: add_document"),
        (ww.SegmentWriter, "commit", "writer: commit (postings written)"),
    ]:
        timed(owner, name, label)

    out_dir = Path(tempfile.mkdtemp(prefix="profile-index-"))
    profiler = cProfile.Profile()
    started = time.perf_counter()
    try:
        profiler.enable()
        report = build.build_index(data / "corpus", out_dir, workers=1)
        profiler.disable()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    total = time.perf_counter() - started

    lines = [f"Build of {len(report.added)} documents in one process: {total:.1f} s "
             f"({total / max(1, len(report.added)) * 1000:.1f} ms per document; the profiler "
             f"adds to the times)", "", f"{'stage':40s} {'s':>8} {'share':>7}"]
    for label, seconds in spent.items():
        lines.append(f"{label:40s} {seconds:8.1f} {seconds / total:7.0%}")
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(a.top)
    text = "\n".join(lines) + "\n\nFunctions by own time:\n" + stream.getvalue()
    a.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
