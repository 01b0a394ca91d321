"""User access tokens for long jobs: refreshed ahead of expiry and when an answer rejects one
(docs/api-facts.md §0.4-0.5, §4), through `POST /open-apis/authen/v2/oauth/token`.

Refresh tokens are single use, so every rotated pair is written to a `TokenFile` before it is
used: a run killed right after a refresh must not lose the only live refresh token. One refresh
at a time: an asyncio lock for this run's workers, and a lock file for other processes sharing
the same token file (a second job of the same app). No token or secret reaches a message, a log
record or a repr.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from batch_updater.errors import BatchUpdaterError, CredentialsRefused, UsageError
from batch_updater.feishu.codes import Action, lookup
from batch_updater.feishu.credentials import REFRESH_VARS, api_identity
from batch_updater.feishu.failures import no_answer
from batch_updater.i18n import N_, tr
from batch_updater.paths import atomic_path, private_dir, state_dir

__all__ = ["REFRESH_PATH", "TokenFile", "TokenPair", "UserTokens", "fingerprint"]

REFRESH_PATH = "/open-apis/authen/v2/oauth/token"
REFRESH_AHEAD_S = 300.0  # lark-cli refreshes 5 minutes before expiry
DEFAULT_ACCESS_TTL_S = 7200  # when an answer lacks expires_in (docs/api-facts.md §4.1)
DEFAULT_REFRESH_TTL_S = 604800  # when it lacks refresh_token_expires_in, as lark-cli does
RETRY_DELAY_S = 1.0
AUTHORIZE_AGAIN = N_("the user must authorize the app again: run the OAuth flow with the offline_access "
                   "scope and set FEISHU_REFRESH_TOKEN and FEISHU_USER_ACCESS_TOKEN to the new tokens")

FROM_FILE = N_("; this refresh token came from that file, which an earlier run saved: if that run talked to "
             "another server (a sandbox since restarted), delete the file and run again")

log = logging.getLogger("batch_updater")


def fingerprint(token: str) -> str:
    """Names a refresh token without revealing it."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class TokenPair:
    access_token: str = field(repr=False)  # "" when unknown: refresh before the first use
    refresh_token: str = field(repr=False)
    expires_at: float | None = None  # epoch seconds; None: unknown (a token given by the env)
    refresh_expires_at: float | None = None
    refresh_at: float | None = None  # when to refresh ahead of expiry


class TokenFile:
    """The latest pair of one app, in `<state dir>/tokens/<app_id>.json` or $FEISHU_TOKEN_FILE.

    Written atomically (a temp file in the same directory, then os.replace), mode 0600.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def for_app(cls, app_id: str, env: Mapping[str, str]) -> TokenFile:
        if env.get("FEISHU_TOKEN_FILE"):
            return cls(Path(env["FEISHU_TOKEN_FILE"]).expanduser())
        return cls(state_dir(env) / "tokens" / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', app_id)}.json")

    def __repr__(self) -> str:
        return f"TokenFile({str(self.path)!r})"

    def load(self) -> dict[str, Any] | None:
        """The saved record; None if there is none or it cannot be read."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            log.warning("token file %s unreadable (%s); ignoring it", self.path, type(e).__name__,
                        extra={"event": "token_file_unreadable", "token_file": str(self.path)})
            return None
        needed = {"app_id": str, "seed": str, "access_token": str, "refresh_token": str}
        if not isinstance(data, dict) or any(not isinstance(data.get(k), t) for k, t in needed.items()):
            return None
        return data

    def _ensure_dir(self) -> None:
        if not self.path.parent.is_dir():
            private_dir(self.path.parent)

    def save(self, record: Mapping[str, Any]) -> None:
        """Atomically replace the file (0600, synced to disk: a refresh token is spent once);
        on failure the old file is left as it was."""
        self._ensure_dir()
        with atomic_path(self.path) as tmp, tmp.open("w", encoding="utf-8") as f:
            json.dump(record, f, indent=1)
            f.flush()
            os.fsync(f.fileno())

    async def aload(self) -> dict[str, Any] | None:
        """`load`, as a refresh reads it (a file shared through another store reads that too)."""
        return self.load()

    async def asave(self, record: Mapping[str, Any]) -> None:
        """`save`, as a refresh writes it (a file shared through another store writes that too)."""
        self.save(record)

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Held across a refresh and its save, so two processes never spend one refresh token."""
        self._ensure_dir()
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock


async def post_json(session: aiohttp.ClientSession, url: str, body: Mapping[str, Any],
                    timeout: aiohttp.ClientTimeout) -> tuple[int, str, str, dict[str, Any] | None]:
    """POST a JSON body to a token endpoint: (HTTP status, content type, text, the JSON object or None)."""
    async with session.post(url, data=json.dumps(body).encode(), timeout=timeout, allow_redirects=False,
                            headers={"Content-Type": "application/json; charset=utf-8"}) as resp:
        status, kind, text = resp.status, resp.content_type, await resp.text(errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return status, kind, text, data if isinstance(data, dict) else None


class UserTokens:
    """The user access token of a run: `current()` before each request, `refresh(rejected)` when
    an answer says the token `rejected` expired or is invalid (99991677, 99991668, 99991663).

    :param session: the run's aiohttp session.
    :param base_url: the API origin, e.g. https://open.feishu.cn.
    :param clock: epoch seconds (the file keeps absolute times).
    :param sleep: waits before the one retry of a 20050 / 20072 refresh.
    """

    def __init__(self, session: aiohttp.ClientSession, base_url: str, app_id: str, app_secret: str,
                 refresh_token: str, access_token: str = "", *, token_file: TokenFile,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep, timeout: float = 30.0) -> None:
        self.session = session
        self.url = base_url.rstrip("/") + REFRESH_PATH
        self.server = api_identity(base_url.rstrip("/").lower())  # the API as the token file names it
        self.app_id = app_id
        self._secret = app_secret
        self.token_file = token_file
        self.clock = clock
        self.sleep = sleep
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.seed = fingerprint(refresh_token)
        self.refreshes = 0
        self.source = "env"
        self._pair = TokenPair(access_token, refresh_token)
        self._lock = asyncio.Lock()
        self._failure: BatchUpdaterError | None = None  # once refused, refused for every worker
        if self._adopt(token_file.load()):
            self.source = "file"  # the env's refresh token was spent by an earlier run
        log.info("user token from the %s; token file %s", self.source, token_file.path,
                 extra={"event": "token_source", "source": self.source, "token_file": str(token_file.path)})

    @classmethod
    def from_env(cls, env: Mapping[str, str], session: aiohttp.ClientSession, base_url: str,
                 **kwargs: Any) -> UserTokens | None:
        """None unless FEISHU_APP_ID, FEISHU_APP_SECRET and FEISHU_REFRESH_TOKEN are all set."""
        values = {name: env.get(name, "").strip() for name in REFRESH_VARS}
        if not all(values.values()):
            if any(values.values()):
                missing = [name for name, value in values.items() if not value]
                log.warning("token refresh is off: %s not set", ", ".join(missing),
                            extra={"event": "token_refresh_off", "missing": missing})
            return None
        app_id = values["FEISHU_APP_ID"]
        kwargs.setdefault("token_file", TokenFile.for_app(app_id, env))
        return cls(session, base_url, app_id, values["FEISHU_APP_SECRET"], values["FEISHU_REFRESH_TOKEN"],
                   env.get("FEISHU_USER_ACCESS_TOKEN", "").strip(), **kwargs)

    def __repr__(self) -> str:
        return (f"UserTokens(app_id={self.app_id!r}, source={self.source!r}, "
                f"expires_at={self._pair.expires_at!r}, token_file={self.token_file!r})")

    @property
    def expires_at(self) -> float | None:
        return self._pair.expires_at

    async def current(self) -> str:
        """The token to send now, refreshed first if it expires within 5 minutes."""
        if not self._due():
            return self._pair.access_token
        async with self._lock:
            if self._due():
                await self._refresh_shared("expiring" if self._pair.access_token else "start", None)
            return self._pair.access_token

    async def refresh(self, rejected: str) -> str:
        """A token to use instead of `rejected`; refreshes only if no one has since `rejected` was sent."""
        async with self._lock:
            if self._pair.access_token == rejected:
                await self._refresh_shared("rejected", rejected)
            return self._pair.access_token

    # -- inside the lock ----------------------------------------------------------------
    def _due(self) -> bool:
        pair = self._pair
        return not pair.access_token or (pair.refresh_at is not None and self.clock() >= pair.refresh_at)

    def _adopt(self, saved: Mapping[str, Any] | None) -> bool:
        """Take the saved pair if it descends from our seed, came from the server we talk to (a file
        an earlier version wrote names none), and is newer than ours. A sandbox restarted with the
        same seed prints the same first tokens but forgets the pairs it rotated: on its new port,
        the file of the last one is not taken."""
        if (saved is None or saved["app_id"] != self.app_id or saved["seed"] != self.seed
                or saved.get("server", self.server) != self.server
                or saved["refresh_token"] == self._pair.refresh_token):
            return False
        expires_at = _number(saved.get("expires_at"))
        self._pair = TokenPair(saved["access_token"], saved["refresh_token"], expires_at,
                               _number(saved.get("refresh_expires_at")),
                               None if expires_at is None else expires_at - REFRESH_AHEAD_S)
        return True

    async def _refresh_shared(self, reason: str, rejected: str | None) -> None:
        if self._failure is not None:  # one refusal stops every worker, without asking again
            raise type(self._failure)(str(self._failure))
        async with self.token_file.locked():
            if self._adopt(await self.token_file.aload()):  # another process refreshed
                log.info("user token taken from the token file", extra={
                    "event": "token_adopted", "token_file": str(self.token_file.path)})
                if self._pair.access_token != rejected and not self._due():
                    return
            try:
                fields = await self._call()
            except CredentialsRefused as e:
                self._failure = e
                raise
            await self._store(fields, reason)

    async def _call(self) -> dict[str, Any]:
        """The refresh request, retried once on 20050 / 20072; the success fields."""
        for attempt in (1, 2):
            code, fields, detail = await self._post()
            if code == 0:
                return fields
            entry = lookup(code) if code is not None else None
            if entry is not None and entry.action is Action.RETRY_ONCE and attempt == 1:
                log.warning("token refresh answered %s; retrying once", code,
                            extra={"event": "token_refresh_retry", "code": code})
                await self.sleep(RETRY_DELAY_S)
                continue
            if entry is not None and entry.action is Action.REAUTHORIZE:
                raise CredentialsRefused(
                    tr("the refresh token was refused ({code}: {meaning}); it cannot be used again and {again} "
                       "(token file {path})", code=code, meaning=tr(entry.meaning), again=tr(AUTHORIZE_AGAIN),
                       path=self.token_file.path) + (tr(FROM_FILE) if self.source == "file" else ""))
            if attempt == 2:
                raise CredentialsRefused(tr("the user token could not be refreshed (after one retry): {detail}",
                                            detail=detail))
            raise CredentialsRefused(tr("the user token could not be refreshed: {detail}", detail=detail))
        raise AssertionError("unreachable")

    async def _post(self) -> tuple[int | None, dict[str, Any], str]:
        """(code or None, body, a description without secrets)."""
        body = {"grant_type": "refresh_token", "client_id": self.app_id, "client_secret": self._secret,
                "refresh_token": self._pair.refresh_token}
        try:
            status, kind, text, data = await post_json(self.session, self.url, body, self.timeout)
        except (TimeoutError, aiohttp.ClientError) as e:
            raise CredentialsRefused(tr("the user token could not be refreshed: {detail}",
                                        detail=self._scrub(no_answer(self.url, e, self.timeout.total)))) from None
        if data is None or not isinstance(data.get("code"), int):
            return None, {}, tr("HTTP {status} with a non-API answer ({kind}): {snippet}", status=status, kind=kind,
                                snippet=self._scrub(text)[:80])
        msg = data.get("error_description") or data.get("msg") or data.get("error") or ""
        return data["code"], data, tr("HTTP {status}, code {code}: {msg}", status=status, code=data["code"],
                                      msg=self._scrub(str(msg)))

    async def _store(self, fields: Mapping[str, Any], reason: str) -> None:
        """Save the new pair, then (only then) hand it out."""
        access, refresh = fields.get("access_token"), fields.get("refresh_token")
        if not isinstance(access, str) or not access or not isinstance(refresh, str) or not refresh:
            self._failure = CredentialsRefused(tr(
                "the refresh answer has no access_token or refresh_token (is offline_access granted?); {again}",
                again=tr(AUTHORIZE_AGAIN)))
            raise self._failure
        now = self.clock()
        access_ttl = _number(fields.get("expires_in")) or DEFAULT_ACCESS_TTL_S
        refresh_ttl = _number(fields.get("refresh_token_expires_in")) or DEFAULT_REFRESH_TTL_S
        pair = TokenPair(access, refresh, now + access_ttl, now + refresh_ttl,
                         now + access_ttl - min(REFRESH_AHEAD_S, access_ttl / 2))
        record = {"app_id": self.app_id, "seed": self.seed, "server": self.server, "access_token": access,
                  "refresh_token": refresh,
                  "expires_at": pair.expires_at, "refresh_expires_at": pair.refresh_expires_at,
                  "saved_at": now}
        try:
            await self.token_file.asave(record)
        except OSError as e:
            self._failure = UsageError(tr(
                "cannot write the token file {path} ({reason}); the refresh token was already spent, so {again}; "
                "point FEISHU_TOKEN_FILE at a writable path", path=self.token_file.path,
                reason=e.strerror or type(e).__name__, again=tr(AUTHORIZE_AGAIN)))
            raise self._failure from None
        self._pair = pair
        self.refreshes += 1
        log.info("user token refreshed (%s), valid %d s", reason, access_ttl, extra={
            "event": "token_refreshed", "reason": reason, "expires_in": access_ttl,
            "refresh_expires_in": refresh_ttl, "token_file": str(self.token_file.path)})

    def _scrub(self, text: str) -> str:
        for secret in (self._secret, self._pair.refresh_token, self._pair.access_token):
            if secret:
                text = text.replace(secret, "***")
        return text


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None


TENANT_PATH = "/open-apis/auth/v3/tenant_access_token/internal"


class TenantToken:
    """The app's tenant_access_token, which reading a ticket needs (docs/api-facts.md §4.3, §5).

    Cached until 10 minutes before it expires, as lark-oapi does; `refresh(rejected)` gets a
    new one when an answer said it is invalid. One request at a time, shared by all workers.
    """

    def __init__(self, session: aiohttp.ClientSession, base_url: str, app_id: str, app_secret: str, *,
                 clock: Callable[[], float] = time.time, timeout: float = 30.0, for_docs: bool = False) -> None:
        self.session = session
        self.for_docs = for_docs  # its refusal speaks of a Base or sheet, not of tickets
        self.url = base_url.rstrip("/") + TENANT_PATH
        self.app_id = app_id
        self._secret = app_secret
        self.clock = clock
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._token = ""
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str], session: aiohttp.ClientSession, base_url: str,
                 **kwargs: Any) -> TenantToken | None:
        """None unless FEISHU_APP_ID and FEISHU_APP_SECRET are set."""
        app_id, secret = env.get("FEISHU_APP_ID", "").strip(), env.get("FEISHU_APP_SECRET", "").strip()
        return cls(session, base_url, app_id, secret, **kwargs) if app_id and secret else None

    def __repr__(self) -> str:
        return f"TenantToken(app_id={self.app_id!r})"

    async def current(self) -> str:
        async with self._lock:
            if not self._token or self.clock() >= self._expires_at - 600:
                await self._fetch()
            return self._token

    async def refresh(self, rejected: str) -> str:
        async with self._lock:
            if self._token == rejected:
                await self._fetch()
            return self._token

    async def _fetch(self) -> None:
        body = {"app_id": self.app_id, "app_secret": self._secret}
        try:
            status, _, _, data = await post_json(self.session, self.url, body, self.timeout)
        except (TimeoutError, aiohttp.ClientError) as e:  # as `run` says it: "cannot reach <origin>: ..."
            raise CredentialsRefused(no_answer(self.url, e, self.timeout.total)) from None
        if data is None or data.get("code") != 0 or not data.get("tenant_access_token"):
            code = data.get("code") if data is not None else None
            known = lookup(code) if isinstance(code, int) else None
            if known:
                what = tr(known.meaning)
            elif data is not None:
                what = str(data.get("msg", ""))[:120]
            else:
                what = tr("HTTP {status}, not the API's JSON", status=status)
            if self.for_docs:
                raise CredentialsRefused(tr(
                    "a Feishu Base or sheet needs a tenant access token, and the app's credentials were refused "
                    "({code}: {what}); check FEISHU_APP_ID and FEISHU_APP_SECRET", code=code, what=what))
            raise CredentialsRefused(tr(
                "reading tickets needs a tenant access token, and the app's credentials were refused "
                "({code}: {what}); check FEISHU_APP_ID and FEISHU_APP_SECRET", code=code, what=what))
        self._token = str(data["tenant_access_token"])
        self._expires_at = self.clock() + float(data.get("expire") or 7200)
