"""A real Redis server for the tests that claim sharing through Redis works: Debian's
`redis-server`, started on a free loopback port, without persistence, and stopped after; over TLS
(`rediss://`) with a self-signed certificate made for it by the `openssl` command.
Tests that need it skip, saying why, only when redis-server is not installed (CI installs it:
.ci/run), or, for TLS, when openssl is missing or this redis-server was built without TLS."""

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
OPENSSL = shutil.which("openssl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(folder: str) -> tuple[str, str]:
    """A key and a self-signed certificate for 127.0.0.1 (its own CA), made by `openssl`."""
    if OPENSSL is None:
        pytest.skip("the openssl command is not installed: the TLS test makes its certificate with it")
    key, cert = os.path.join(folder, "server.key"), os.path.join(folder, "server.crt")
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   check=True, capture_output=True, timeout=60)
    return key, cert


@contextlib.contextmanager
def redis_server(password: str | None = None, *, tls: bool = False) -> Iterator[str]:
    """A running redis-server; yields its URL (redis://[:password@]127.0.0.1:port/0). With `tls`, it
    listens over TLS only, with a self-signed certificate for 127.0.0.1, and the URL is
    rediss://[:password@]127.0.0.1:port/0?ssl_ca_certs=<that certificate> (redis-py trusts it so)."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server): the Redis limiter's tests "
                    "need a real one")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="redis-test-")
    command = [REDIS_SERVER, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", folder, "--daemonize", "no", "--loglevel", "warning"]
    command += ["--port", str(port)] if not tls else []
    if tls:
        key, cert = self_signed_certificate(folder)
        command += ["--port", "0", "--tls-port", str(port), "--tls-cert-file", cert, "--tls-key-file", key,
                    "--tls-ca-cert-file", cert, "--tls-auth-clients", "no"]
    if password:
        command += ["--requirepass", password]
    log = open(os.path.join(folder, "stderr"), "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    said = log.read()
                    if tls and "tls" in said.lower():
                        pytest.skip(f"this redis-server has no TLS (built without BUILD_TLS?): {said.strip()[-300:]}")
                    raise AssertionError(f"redis-server exited at start: {said.strip()[-300:]}") from None
                assert time.monotonic() < deadline, "redis-server did not start within 10 s"
                time.sleep(0.02)
        auth = f":{password}@" if password else ""
        if tls:
            yield f"rediss://{auth}127.0.0.1:{port}/0?ssl_ca_certs={cert}"
        else:
            yield f"redis://{auth}127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
