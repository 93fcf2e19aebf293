"""Measuring tools for the benchmark: a process tree's peak memory, latency percentiles, an
HTTP load generator and a subprocess timer."""

from __future__ import annotations

import functools
import http.client
import itertools
import os
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def timed(fn, spent: Any, label: str):
    """fn, adding the seconds each call of it takes to spent[label] (a profile by hand)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - t
    return run


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)
    10
    >>> percentile([3, 1, 2], 50)
    2
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceiling
    return ordered[int(rank) - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2),
            "n": len(ms)}


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _tree(pid: int) -> Iterator[int]:
    """A process and its live descendants."""
    stack = [pid]
    while stack:
        p = stack.pop()
        stack += _children(p)
        yield p


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process and its live descendants have used so far."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (man 5 proc)
    return total / tick


def tree_memory_mb(pid: int) -> float:
    """Memory of a process and its descendants: the sum of their proportional set sizes
    (shared pages split between the processes sharing them, so forked workers are not
    counted twice); resident size where PSS is not available."""
    return _tree_memory(pid)[0]


def _tree_memory(pid: int) -> tuple[float, float]:
    """(PSS, anonymous PSS) of the tree in MB. The anonymous part leaves out file pages
    mapped from the index, which the kernel can drop and read again at will."""
    total_kb = anon_kb = 0
    for p in _tree(pid):
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
            key = "Pss:"
        except OSError:
            try:
                text = Path(f"/proc/{p}/status").read_text()
                key = "VmRSS:"
            except OSError:
                continue
        for line in text.splitlines():
            if line.startswith(key):
                total_kb += int(line.split()[1])
            elif line.startswith(("Pss_Anon:", "RssAnon:")):
                anon_kb += int(line.split()[1])
    return total_kb / 1024, anon_kb / 1024


class PeakMemory:
    """Samples a process tree's memory in the background; .peak_mb when stopped."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak_mb, self.peak_anon_mb = pid, interval, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pss, anon = _tree_memory(self.pid)
            self.peak_mb = max(self.peak_mb, pss)
            self.peak_anon_mb = max(self.peak_anon_mb, anon)
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak_mb, 1)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run a command; its wall time and the peak memory of its process tree (sampled), or
    the process's own peak RSS from the kernel if no sample was taken: a run shorter than
    one sampling interval is never reported as using nothing."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = PeakMemory(proc.pid)
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=n, f=f: output.__setitem__(n, f.read()))
               for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    for t in readers:
        t.join()
    # ru_maxrss only when no sample was taken: Linux counts in it the memory of the process
    # image the child replaced at exec, a fork of this one (which may hold a big index)
    peak = sampler.stop() or round(usage.ru_maxrss / 1024, 1)  # ru_maxrss is in KiB
    return Run(round(seconds, 2), peak, proc.returncode, output["out"], output["err"])


def directory_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20, 1)


def wait_for_http(url: str, timeout: float = 60) -> None:
    """Until url answers 200 (a server starting up)."""
    deadline = time.monotonic() + timeout
    parts = urlsplit(url)
    while True:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up in {timeout:.0f} s")
        time.sleep(0.2)


def http_load(base: str, paths: list[str], clients: int, seconds: float | None = None,
              server_pid: int | None = None) -> dict:
    """`clients` threads, each sending the next request as soon as the last one answered,
    over keep-alive connections to 127.0.0.1: for `seconds`, cycling over paths, or (seconds
    None) each of paths once, in order, whichever client is free taking the next. Requests
    per second, latency percentiles, errors (anything but 200, or no answer) and the
    server's peak memory.

    Each path once is what the benchmark measures: every run does the same requests, so the
    server's caches see the same repeats however fast it answers. Cycling for a time, a
    faster run wraps round the paths sooner and answers more of them from its caches,
    which made the figure swing with the machine's speed, amplified."""
    parts = urlsplit(base)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds if seconds is not None else None
    turns = itertools.count()  # the clients' requests in turn, paths[turn % len(paths)]
    sampler = PeakMemory(server_pid) if server_pid else None
    cpu_before = tree_cpu_seconds(server_pid) if server_pid else 0.0

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        while stop_at is None or time.monotonic() < stop_at:
            with lock:
                turn = next(turns)
            if stop_at is None and turn >= len(paths):
                break
            path = paths[turn % len(paths)]
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                why = f"HTTP {resp.status} for {path}"
            except (OSError, http.client.HTTPException) as exc:
                ok, why = False, f"{type(exc).__name__} for {path}"
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = time.perf_counter() - t
            if ok:
                mine.append(elapsed)
            else:
                with lock:
                    errors.append(why)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ms = [x * 1000 for x in latencies]
    result = {
        "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 1) if ms else None,
        "p99_ms": round(percentile(ms, 99), 1) if ms else None,
        "errors": len(errors), "error_examples": sorted(set(errors))[:5],
    }
    if stop_at is None:
        result["distinct"] = len(set(paths))
    if sampler:
        # CPU per answer: what throughput costs, steadier than requests/s when the
        # machine's speed drifts (its processes' own time, not the clients' or the wait)
        cpu = tree_cpu_seconds(server_pid) - cpu_before
        result["server_cpu_ms"] = round(1000 * cpu / len(latencies), 1) if latencies else None
        result["server_peak_mb"] = sampler.stop()
        result["server_peak_anon_mb"] = round(sampler.peak_anon_mb, 1)
    return result


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_info() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        mem_gb = None
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gb": mem_gb}
