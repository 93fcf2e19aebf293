"""indexer/gcpolicy.py: the server's collector runs less often, walks less, and still frees
cycles. Each case runs in its own interpreter: the collector's settings are the process's."""

from __future__ import annotations

import json
import subprocess
import sys

_CHURN = """
import gc, json, sys, weakref
from indexer import gcpolicy

class Node:
    pass

held = [[i] * 3 for i in range(200_000)]  # long-lived containers, as the caches are
if sys.argv[1] == "serving":
    gcpolicy.for_serving()
runs = {0: 0, 1: 0, 2: 0}
gc.callbacks.append(lambda phase, info: phase == "stop" and runs.__setitem__(
    info["generation"], runs[info["generation"]] + 1))
refs = []
for i in range(300_000):  # a search's worth of cyclic garbage, many times over
    a, b = Node(), Node()
    a.other, b.other = b, a
    if i % 1000 == 0:
        refs.append(weakref.ref(a))
    del a, b
print(json.dumps({"runs": runs, "freed": sum(r() is None for r in refs), "refs": len(refs),
                  "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}))
"""


def churn(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHURN, mode], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_serving_collects_less_often_and_still_frees_cycles():
    default, serving = churn("default"), churn("serving")
    from indexer import gcpolicy

    assert serving["threshold"] == [gcpolicy.YOUNG, gcpolicy.MIDDLE, gcpolicy.OLD]
    assert default["frozen"] == 0 and serving["frozen"] >= 200_000  # the held containers
    young = {k: sum(v.values()) for k, v in (("default", default["runs"]),
                                              ("serving", serving["runs"]))}
    assert young["serving"] * 5 < young["default"]
    # without any explicit gc.collect(), the cycles were freed all the same
    assert serving["freed"] >= 0.9 * serving["refs"]
    assert default["freed"] >= 0.9 * default["refs"]
