"""Start `kefu serve --workers N` as a child process on a free port, for benchmarks and
smoke tests; stop it again (SIGTERM, then SIGKILL after a grace period)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(host: str, port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kefu serve exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"kefu serve did not answer /healthz within {timeout:.0f} s")


@contextmanager
def serving(
    *, workers: int = 2, threads: int = 4, env: dict[str, str] | None = None, timeout: float = 90
) -> Iterator[str]:
    """`kefu serve --workers N --threads T 127.0.0.1:<free port>`; yields the base URL.
    The server's output goes to a temporary file, shown in the error if it fails to start."""
    port = free_port()
    argv = [sys.executable, "-m", "kefu", "serve", "--workers", str(workers)]
    argv += ["--threads", str(threads), f"127.0.0.1:{port}"]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_healthy("127.0.0.1", port, proc, timeout)
        except RuntimeError as exc:
            _stop(proc)
            log.seek(0)
            raise RuntimeError(f"{exc}\n{log.read().decode(errors='replace')[-3000:]}") from exc
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the workers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
