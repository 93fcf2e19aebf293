"""A bounded load test of the real server: C clients on 127.0.0.1 for S seconds, then stop.

    python -m bench.load --n 100000 [--clients 32] [--seconds 60]

Serves the index `python -m bench.run` built for that N (bench/data/n{N}-s1/work/index) with
`corpus-search serve` (default processes and threads), sends the benchmark's query mix to
/api/search from closed-loop clients over keep-alive connections, and reports requests per
second, p50/p99 latency, errors and the server's peak memory. Writes bench/load.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from . import queries
from .measure import free_port, http_load, wait_for_http

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "load.json")
    a = p.parse_args(argv)

    data = a.data / f"n{a.n}-s{a.seed}"
    index = data / "work" / "index"
    if not (index / "CURRENT").exists():
        sys.exit(f"no index in {index}: run `python -m bench.run --n {a.n}` first")
    mix = queries.query_mix(data / "meta.jsonl")
    urls = [q.url() for q in mix if q.cls != "highlight"]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--index", str(index),
                               "--port", str(port)], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/api/search?q=amazon")
        http_load(base, urls, a.clients, 5.0)  # warm every server thread and cache
        result = http_load(base, urls, a.clients, a.seconds, server_pid=server.pid)
    finally:
        server.terminate()
        server.wait()
    result.update(documents=a.n, queries=len(urls),
                  command="python -m bench.load " + " ".join(sys.argv[1:] if argv is None
                                                             else argv))
    a.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
