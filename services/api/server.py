"""Serving the app on waitress, with a graceful shutdown.

On SIGTERM or SIGINT the server stops accepting connections and ``/ready`` answers 503 (the
app is *draining*); requests already received are answered and written out, idle keep-alive
connections are closed, and after at most ``api.shutdown_grace`` seconds the process exits.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

log = logging.getLogger(__name__)

_TICK = 0.2  # seconds between looks at the stop flag


def serve(
    app: Flask,
    *,
    host: str,
    port: int,
    threads: int,
    grace: float,
    draining: threading.Event,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Serve ``app`` until a signal asks to stop, then drain (setting ``draining``)."""
    server = create_server(app, host=host, port=port, threads=threads, ident="skillgraph")
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        log.info("%s: draining (at most %g s)", signal.Signals(signum).name, grace)
        draining.set()
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if on_listening is not None:
            on_listening(f"http://{host}:{_bound_port(server, port)}")
        while not stop.is_set():
            wasyncore.loop(timeout=_TICK, map=_socket_map(server), count=1)
        _drain(server, grace)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def serving_in_thread(app: Flask, threads: int = 4) -> Iterator[str]:
    """``app`` on a free loopback port in a background thread, for as long as the block runs
    (tests, benchmarks, figure scripts); yields its base URL."""
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


def _drain(server, grace: float) -> None:
    listeners = _listeners(server)
    for listener in listeners:
        listener.accepting = False
        listener.del_channel()
        listener.socket.close()
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        busy = False
        for channel in [c for c in _socket_map(server).values() if isinstance(c, HTTPChannel)]:
            if channel.requests or channel.total_outbufs_len or channel.close_when_flushed:
                busy = True
            else:
                channel.handle_close()  # idle keep-alive: nothing in flight to lose
        if not busy:
            break
        wasyncore.loop(timeout=0.05, map=_socket_map(server), count=1)
    else:
        log.warning("shutdown grace of %g s over: closing busy connections", grace)
    listeners[0].task_dispatcher.shutdown(timeout=1)  # one dispatcher serves every listener
    wasyncore.close_all(_socket_map(server))
    log.info("stopped")


def _listeners(server) -> list[BaseWSGIServer]:
    return [d for d in list(_socket_map(server).values()) if isinstance(d, BaseWSGIServer)]


def _socket_map(server) -> dict:
    # One listener is a TcpWSGIServer (its map is _map); several, a MultiSocketServer (map).
    return server.map if hasattr(server, "map") else server._map


def _bound_port(server, asked: int) -> int:
    listeners = _listeners(server)
    return listeners[0].socket.getsockname()[1] if listeners else asked
