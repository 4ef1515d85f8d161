"""``skillgraph serve`` as deployed: a real process with API keys from the environment, JSON
access logs on stderr, and a graceful shutdown on SIGTERM that answers the request in flight."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

SKILLGRAPH = str(Path(sys.executable).with_name("skillgraph"))
KEY = "e2e-secret-key"
# A long ad: its extraction is still running when SIGTERM arrives.
LONG_AD = " ".join(
    f"You will maintain {n} Python services, write SQL reports and mentor {n} engineers."
    for n in range(300)
)


@pytest.fixture
def server():
    environ = {**os.environ, "SKILLGRAPH_API__KEYS": KEY, "SKILLGRAPH_API__SHUTDOWN_GRACE": "60"}
    process = subprocess.Popen(
        [SKILLGRAPH, "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    url = None
    deadline = time.monotonic() + 180
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        assert line or process.poll() is None, process.stderr.read()
        if found := re.search(r"SkillGraph API on (http://\S+) ", line):
            url = found.group(1)
    assert url, "the server did not say where it listens"
    yield process, url
    if process.poll() is None:
        process.kill()
        process.wait()


def test_keys_logs_and_a_graceful_stop(server):
    process, url = server
    assert requests.get(f"{url}/ready", timeout=10).status_code == 200
    ask = {"json": {"text": "You know Python.", "top_k": 3}, "timeout": 30}
    assert requests.post(f"{url}/v1/extract", **ask).status_code == 401
    keyed = requests.post(f"{url}/v1/extract", headers={"X-API-Key": KEY}, **ask)
    assert keyed.status_code == 200 and keyed.json()["skills"]

    answers: list[requests.Response] = []
    answered_at: list[float] = []

    def long_request() -> None:
        answers.append(
            requests.post(
                f"{url}/v1/extract",
                headers={"Authorization": f"Bearer {KEY}", "X-Request-Id": "in-flight"},
                json={"text": LONG_AD},
                timeout=120,
            )
        )
        answered_at.append(time.monotonic())

    flight = threading.Thread(target=long_request)
    flight.start()
    time.sleep(0.5)  # the long ad is being extracted
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    flight.join(timeout=120)
    assert answered_at and answered_at[0] > signalled  # it was in flight when the signal came
    assert answers and answers[0].status_code == 200  # answered, not cut off
    assert answers[0].json()["skills"]
    assert process.wait(timeout=60) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/health", timeout=5)

    access = [
        json.loads(line) for line in process.stderr.read().splitlines() if line.startswith("{")
    ]
    by_id = {line.get("request_id"): line for line in access}
    assert by_id["in-flight"]["status"] == 200 and by_id["in-flight"]["path"] == "/v1/extract"
    assert [line["status"] for line in access if line.get("path") == "/v1/extract"][:2] == [
        401,
        200,
    ]
    assert all(line["ts"].endswith("+00:00") for line in access)
    assert KEY not in json.dumps(access)
