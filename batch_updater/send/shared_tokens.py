"""One token refresher for processes on several machines (FACTS §4: a refresh token is single use).

On one machine, processes that share a user token already take turns through the state folder's
token file (feishu/tokens.py: a `flock`, and the new pair written before it is used). Across
machines, `RedisTokenFile` adds the same through the Redis of `--limiter`: a lock (SET NX with an
expiry, released only by its holder) held around a refresh, and the newest pair, read before a
refresh (another machine may have refreshed: its pair is adopted, no refresh is made) and written
after one. The pair is stored only when that Redis asks a password or is reached over TLS
(`LimiterSpec.secure`); the key names the app, the API and the refresh token's lineage by a digest.
The local token file is still written first: it is what survives if Redis forgets.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from batch_updater.errors import CredentialsRefused
from batch_updater.feishu.tokens import TokenFile
from batch_updater.i18n import tr

LOCK_MS = 30_000  # a refresh holds the lock at most this long (a holder killed mid-refresh frees it then)
WAIT_S = 60.0  # how long a process waits for another's refresh
log = logging.getLogger("batch_updater")
# i18n: en (a Lua script, not a message)
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def token_key(app_id: str, server: str, seed: str) -> str:
    """The Redis key of one lineage of user tokens (its first refresh token's fingerprint: `seed`)."""
    digest = hashlib.sha256(f"{app_id}\n{server}\n{seed}".encode()).hexdigest()[:24]
    return f"batch-updater:tokens:{digest}"


class RedisTokenFile(TokenFile):
    """The token file, shared through Redis as well (see the module's docstring)."""

    def __init__(self, path: Path, client: Any, key: str, *, wait_s: float = WAIT_S) -> None:
        super().__init__(path)
        self.client, self.key, self.lock_key = client, key, f"{key}:lock"
        self.wait_s = wait_s
        self._release = client.register_script(_RELEASE)

    def __repr__(self) -> str:
        return f"RedisTokenFile({str(self.path)!r})"

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        async with super().locked():  # this machine's processes first
            mine = os.urandom(8).hex()
            deadline = time.monotonic() + self.wait_s
            while not await self._redis(self.client.set(self.lock_key, mine, nx=True, px=LOCK_MS), True):
                if time.monotonic() > deadline:
                    raise CredentialsRefused(tr("another process has held the token refresh lock in Redis for over "
                                                "{seconds} s; try again later", seconds=f"{self.wait_s:.0f}"))
                await asyncio.sleep(0.05)
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    await self._release(keys=[self.lock_key], args=[mine])

    async def aload(self) -> dict[str, Any] | None:
        """The newer of this machine's file and the pair in Redis."""
        local = self.load()
        raw = await self._redis(self.client.get(self.key), None)
        try:
            remote = json.loads(raw) if raw else None
        except ValueError:
            remote = None
        if not isinstance(remote, dict):
            return local
        if local is None or float(remote.get("saved_at") or 0) > float(local.get("saved_at") or 0):
            return remote
        return local

    async def asave(self, record: Mapping[str, Any]) -> None:
        self.save(record)  # the file first: it is what survives if Redis forgets
        ttl = float(record.get("refresh_expires_at") or 0) - time.time()
        await self._redis(self.client.set(self.key, json.dumps(dict(record)), px=max(60_000, int(ttl * 1000))), None)

    async def _redis(self, call: Any, otherwise: Any) -> Any:
        """A Redis call; if Redis fails, `otherwise` (this machine's lock and file still hold)."""
        try:
            return await call
        except Exception as e:  # noqa: BLE001 (redis-py's errors, an OSError, a timeout)
            log.warning("the token pair cannot be shared through Redis (%s); this machine's token file is used",
                        type(e).__name__, extra={"event": "token_share_failed"})
            return otherwise
