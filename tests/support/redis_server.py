"""A real Redis server for the tests that claim sharing through Redis works: Debian's
`redis-server`, started on a free loopback port, without persistence, and stopped after.
Tests that need it skip, saying why, only when redis-server is not installed (CI installs it:
.ci/run)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(password: str | None = None) -> Iterator[str]:
    """A running redis-server; yields its URL (redis://[:password@]127.0.0.1:port/0)."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server): the Redis limiter's tests "
                    "need a real one")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="redis-test-")
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", folder, "--daemonize", "no", "--loglevel", "warning"]
    if password:
        command += ["--requirepass", password]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None, "redis-server exited at start"
                assert time.monotonic() < deadline, "redis-server did not start within 10 s"
                time.sleep(0.02)
        auth = f":{password}@" if password else ""
        yield f"redis://{auth}127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
