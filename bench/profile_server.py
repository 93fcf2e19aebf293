"""Where the server's CPU goes under load: py-spy samples `corpus-search serve` while
bench.load's clients query it.

    python -m bench.profile_server [--n 100000] [--clients 16] [--seconds 30] [--top 30]

The load is bench.run's HTTP measurement (the index bench.run built for N, warm-up, then
closed-loop clients cycling for --seconds over its 2,000 /api/search requests). During it, py-spy
(`py-spy record --gil --subprocesses`) samples, 50 times a second, the thread holding the
GIL in each server process: the Python that runs, since a process runs one thread at a
time. Writes bench/profile_server.txt: functions by their share of the samples, in their
own code (self) and anywhere on the stack (total). py-spy pauses the server to sample
it, so the requests per second printed are lower than bench.run's.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from .run import built_index, index_arguments, load_ours

REPO = Path(__file__).resolve().parent.parent
RATE = 50  # samples a second
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def py_spy() -> str:
    """The py-spy next to this Python (the dev extra installs it), else on PATH."""
    here = Path(sys.executable).with_name("py-spy")
    found = str(here) if here.exists() else shutil.which("py-spy")
    if not found:
        sys.exit("py-spy is not installed: `pip install -e '.[dev]'` (or `make test`) does it")
    return found


def read_stacks(raw: str) -> tuple[Counter[tuple[str, ...]], set[str]]:
    """py-spy's raw output ("frame;frame;... count" per line, the outermost frame first, then
    with --subprocesses the processes, `process PID:"command"`) as stacks of "function
    (file)" with their sample counts, and the processes sampled."""
    stacks: Counter[tuple[str, ...]] = Counter()
    processes: set[str] = set()
    for line in raw.splitlines():
        frames, _, count = line.rpartition(" ")
        if not frames or not count.isdigit():
            continue
        stack, process = [], "this process"
        for frame in frames.split(";"):
            if frame.startswith("process "):
                process = frame.split(":", 1)[0]
                continue
            m = _FRAME.match(frame)
            if m:
                stack.append(f"{m['function']} ({m['file']})")
        if stack:
            stacks[tuple(stack)] += int(count)
            processes.add(process)
    return stacks, processes


def report(stacks: Counter[tuple[str, ...]], possible: int, top: int) -> list[str]:
    """Functions by share of samples: own code (the innermost frame; time in C, zlib say,
    counts as its Python caller's), and anywhere on the stack. possible: the samples of a
    process holding the GIL all the time."""
    total = sum(stacks.values())
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for stack, n in stacks.items():
        own[stack[-1]] += n
        for function in set(stack):
            anywhere[function] += n
    lines = [f"{total:,} samples of {possible:,} possible: a server thread held the GIL in "
             f"{100 * total / possible:.0f}% of them", "",
             "by own code:", "  self%  total%  function (file)"]
    lines += [f"  {100 * n / total:5.1f}  {100 * anywhere[f] / total:6.1f}  {f}"
              for f, n in own.most_common(top)]
    lines += ["", "by time on the stack:", "  total%  self%  function (file)"]
    lines += [f"  {100 * n / total:6.1f}  {100 * own[f] / total:5.1f}  {f}"
              for f, n in anywhere.most_common(top)]
    return lines


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    index_arguments(p)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--out", type=Path, default=REPO / "bench" / "profile_server.txt")
    a = p.parse_args(argv)
    data, index = built_index(a.data, a.n, a.seed)
    spy = py_spy()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.txt"

        def during(pid: int):
            proc = subprocess.Popen(
                [spy, "record", "--pid", str(pid), "--subprocesses", "--gil", "--format",
                 "raw", "--rate", str(RATE), "--duration", str(max(1, round(a.seconds))),
                 "--output", str(raw)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            return lambda: proc.communicate(timeout=a.seconds + 60)

        load = load_ours(index, data / "meta.jsonl", a.clients, a.seconds, during)
        if not raw.exists():
            sys.exit("py-spy wrote no samples (is ptrace allowed here?)")
        stacks, processes = read_stacks(raw.read_text())
    possible = len(processes) * RATE * max(1, round(a.seconds))
    head = [f"/api/search of `corpus-search serve` on {a.n:,} documents, {a.clients} clients "
            f"for {a.seconds:.0f} s: {load['rps']} requests/s under py-spy, {load['errors']} "
            f"errors. py-spy --gil --subprocesses, {RATE} samples a second of the running "
            f"thread of each of {len(processes)} server processes. Command: "
            "python -m bench.profile_server "
            + " ".join(sys.argv[1:] if argv is None else argv), ""]
    text = "\n".join(head + report(stacks, possible, a.top)) + "\n"
    a.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
