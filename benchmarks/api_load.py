"""API latency under load: a real `skillgraph serve` process, one or many concurrent clients.

.venv/bin/python benchmarks/api_load.py [--clients 8] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))


@dataclass(frozen=True)
class Load:
    clients: int
    requests: int
    failed: int  # answers other than 200
    p50_ms: float
    p99_ms: float
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(*flags: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """A `skillgraph serve` on a free loopback port, ready; its base URL and process."""
    port = free_port()
    process = subprocess.Popen(
        [SKILLGRAPH, "-q", *flags, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                requests.get(f"{base}/health", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the API server did not start") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait()


# Called, under a lock, for every answer: when it came (time.monotonic()), its latency in ms
# and its status (0: no answer, the request failed or timed out).
OnAnswer = Callable[[float, float, int], None]


def load(
    base: str,
    texts: Sequence[str],
    clients: int,
    seconds: float | None,
    on_answer: OnAnswer | None = None,
    timeout: float = 300,
) -> Load:
    """``clients`` threads posting ``texts`` in turn; each sends every text once, or keeps
    going for ``seconds`` when given. A request without an answer counts as failed."""
    latencies: list[float] = []
    failed = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds if seconds else None

    def client(offset: int) -> None:
        nonlocal failed
        with requests.Session() as http:
            position = offset
            while True:
                if stop is None and position - offset >= len(texts):
                    return
                if stop is not None and time.monotonic() >= stop:
                    return
                text = texts[position % len(texts)]
                started = time.perf_counter()
                try:
                    response = http.post(f"{base}/v1/extract", json={"text": text}, timeout=timeout)
                    status = response.status_code
                except requests.RequestException:
                    status = 0
                elapsed = 1000 * (time.perf_counter() - started)
                with lock:
                    latencies.append(elapsed)
                    failed += status != 200
                    if on_answer is not None:
                        on_answer(time.monotonic(), elapsed, status)
                position += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    p50, p99 = np.percentile(latencies, [50, 99])
    return Load(clients, len(latencies), failed, float(p50), float(p99), elapsed)


def main() -> None:
    from benchmarks.speed import job_ads

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with server() as (base, _):
        found = load(base, job_ads(200), args.clients, args.seconds)
    print(json.dumps({**found.__dict__, "per_second": found.per_second}, indent=2))


if __name__ == "__main__":
    main()
