"""Where the query mix's time goes, stage by stage: each search of bench.run's mix timed
through the Python API, its time split between the stages of CorpusIndex._search.

    python -m bench.query_stages [--n 100000]

The mix runs as bench.run times it: once, after a warm-up on another mix, with the garbage
collector set as the server sets it. The highlight class, whose time is highlighting alone,
is left out. Prints per class the summed time of its searches and each stage's share:

    find    the words and phrases to documents (CorpusIndex._compile: phrases found here)
    filter  the words' documents and the filters' (CorpusIndex._sets)
    rank    the page: scoring or date order, and the hits' stored fields (_page)
    hits    each hit's snippets and highlighted title (_hit)
    facets  the six facets' counts (_count_facets)
    rest    the rest of the search: the month timeline, parsing, result objects
"""

from __future__ import annotations

import argparse
import contextlib
from collections import Counter
from collections.abc import Iterator

from . import queries
from .measure import timed
from .run import WARM_SEED, built_index, index_arguments, time_query

#: stage -> the CorpusIndex method that is that stage of a search
STAGES = {"find": "_compile", "filter": "_sets", "rank": "_page", "hits": "_hit",
          "facets": "_count_facets"}


@contextlib.contextmanager
def timing(spent: Counter) -> Iterator[None]:
    """Within: the seconds each stage of every search takes are added to spent[stage]."""
    from indexer.search import CorpusIndex

    saved = {name: CorpusIndex.__dict__[name] for name in STAGES.values()}

    try:
        for stage, name in STAGES.items():
            method = saved[name]
            if isinstance(method, staticmethod):
                setattr(CorpusIndex, name, staticmethod(timed(method.__func__, spent, stage)))
            else:
                setattr(CorpusIndex, name, timed(method, spent, stage))
        yield
    finally:
        for name, method in saved.items():
            setattr(CorpusIndex, name, method)


def stages(index, meta) -> dict[str, Counter]:
    """class -> seconds per stage (and "total") over the mix's searches of that class."""
    from indexer import CorpusIndex, gcpolicy

    out: dict[str, Counter] = {}
    with CorpusIndex(index) as ix:
        ix.warm()
        with gcpolicy.serving():
            for q in queries.query_mix(meta, WARM_SEED):
                time_query(ix, q)
            for q in queries.query_mix(meta):
                if q.cls == "highlight":
                    continue
                spent: Counter = Counter()
                with timing(spent):
                    spent["total"] = time_query(ix, q)[0]
                out.setdefault(q.cls, Counter()).update(spent)
    return out


def report(by_class: dict[str, Counter]) -> list[str]:
    """The table's lines: per class, its summed time and each stage's share of it."""
    names = [*STAGES, "rest"]
    lines = [f"{'class':16} {'ms':>8} " + " ".join(f"{n:>7}" for n in names)]
    for cls, spent in by_class.items():
        total = spent["total"]
        shares = [spent[n] / total for n in STAGES]
        shares.append(1 - sum(shares))
        lines.append(f"{cls:16} {total * 1000:>8.0f} " + " ".join(f"{s:>7.0%}" for s in shares))
    return lines


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    index_arguments(p)
    a = p.parse_args(argv)
    data, index = built_index(a.data, a.n, a.seed)
    print("\n".join(report(stages(index, data / "meta.jsonl"))))


if __name__ == "__main__":
    main()
