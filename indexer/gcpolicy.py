"""How a long-running search process (the server) sets Python's cyclic garbage collector.

Search results are freed by reference counting as soon as they are answered: the cyclic
collector only finds the odd cycle (a closure calling itself, ~13 objects a search). But it
walks every container of the generation it collects, entry by entry, and a search process
holds large ones: the cached document sets (1.5 million entries at most, `_ReaderData`) and
the index's tables. At 100,000 documents a full collection took 75-90 ms, and CPython's
defaults ran one every ~40 searches, besides a young collection every 700 allocations (the
larger of a phrase's document sets were walked there too): 4-5% of the query mix's time.

for_serving():
- collects once, then freezes what survives (gc.freeze: the modules, the index's tables
  built before the server forks): never walked again, and the collector does not write to
  their pages, which a forked server process would otherwise copy;
- collects the young generation every YOUNG allocations instead of 700, and the oldest
  only after OLD collections of the middle one instead of 10 (plus CPython's own rule: not
  before the objects new to it are a quarter of those it holds), so that the cycles are
  still freed, every few thousand searches.

Measured at 100,000 documents (bench.run's index and query mix, 120 searches after a
warm-up, three runs each way): the collector's time 0.43-0.51 s -> 0.10-0.15 s, of 9-10 s;
and under bench.load (16 clients, 60 s, two runs each way, alternating) the server's
memory (PSS) 849-864 -> 779-794 MB, as the forked processes no longer copy the pages of
the tables the collector used to write to. Requests per second did not change beyond
this machine's noise (19.6 and 22.4 before, 22.9 and 19.5 after).

It changes the whole process: the server calls it, and bench.run's query timing (which
measures the server's searches in-process) runs inside serving(); a script that imports
the package is left with Python's defaults.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 10_000  # CPython: 700
MIDDLE = 10  # CPython: 10
OLD = 100  # CPython: 10


def for_serving() -> None:
    """Set this process's collector for serving searches (see the module's text)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLD)


@contextmanager
def serving() -> Iterator[None]:
    """for_serving() inside a with block; then the thresholds as they were, nothing frozen
    (bench.run's query timing, in a process that goes on to other things)."""
    before = gc.get_threshold()
    for_serving()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
