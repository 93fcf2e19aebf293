"""A bounded load test of the real server: C clients on 127.0.0.1 for S seconds, then stop.

    python -m bench.load --n 100000 [--clients 32] [--seconds 60]

Serves the index `python -m bench.run` built for that N (bench/data/n{N}-s1/work/index) with
`corpus-search serve` (default processes and threads), warms it on other queries, then sends
the 2,000 /api/search requests of the benchmark's 20 mixes in a cycle from closed-loop clients
over keep-alive connections, and reports requests per second, p50/p99 latency, errors and the
server's peak memory (as bench.run does). Writes bench/load.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .run import _commit, built_index, index_arguments, load_ours

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    index_arguments(p)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "load.json")
    a = p.parse_args(argv)

    data, index = built_index(a.data, a.n, a.seed)
    result = load_ours(index, data / "meta.jsonl", a.clients, a.seconds)
    result.update(documents=a.n, commit=_commit(),
                  command="python -m bench.load " + " ".join(sys.argv[1:] if argv is None
                                                             else argv))
    a.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
