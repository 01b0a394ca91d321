"""The Feishu helpdesk client: headers, one request, the answer as a value.

aiohttp's errors are translated here and nowhere else. One answer is one
`Answer`; deciding what it means is `classify.py`'s job.
"""

from __future__ import annotations

import codecs
import enum
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from batch_updater.errors import UsageError
from batch_updater.feishu.clock import ClockOffset
from batch_updater.feishu.codes import TENANT_REJECTED, TOKEN_REJECTED, Action, lookup
from batch_updater.feishu.credentials import Credentials
from batch_updater.feishu.failures import NOT_CONNECTED_ERRORS, no_answer, not_connected_reason, origin, reason
from batch_updater.feishu.tokens import TenantToken, UserTokens
from batch_updater.i18n import language, tr

UPDATE_PATH = "/open-apis/helpdesk/v1/tickets/{ticket_id}"
LIST_PATH = "/open-apis/helpdesk/v1/tickets"  # the ticket list (docs/api-facts.md §5)
FIELDS_PATH = "/open-apis/helpdesk/v1/ticket_customized_fields"  # the custom-field list (§10)
JSON_TYPE = "application/json; charset=utf-8"
# Built once: json.dumps with any option builds a new encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_body(body: Mapping[str, Any]) -> bytes:
    """An update's JSON body as sent: UTF-8, compact."""
    return _ENCODER.encode(body).encode()


class Transport(enum.Enum):
    """A request that got no usable API answer, by what it proves."""

    NOT_CONNECTED = "not_connected"  # no connection (refused, DNS, TLS handshake): nothing was applied
    TIMEOUT = "timeout"  # sent, no answer in time: it may have been applied
    DISCONNECTED = "disconnected"  # the connection dropped: it may have been applied
    BAD_ANSWER = "bad_answer"  # an answer that is not the API's JSON (a gateway's HTML 502)


@dataclass(frozen=True, slots=True)
class Answer:
    http_status: int | None = None
    code: int | None = None
    msg: str = ""
    log_id: str = ""
    reset_after: float | None = None  # seconds, from x-ogw-ratelimit-reset (or Retry-After)
    troubleshooter: str = ""
    scopes: tuple[str, ...] = ()  # error.permission_violations[].subject
    transport: Transport | None = None
    data: Any = None  # the answer's `data` (a read ticket), kept out of reports
    def describe(self) -> str:
        """One line for the report's msg column."""
        if self.transport is not None and self.http_status is None:
            return self.msg
        text = self.msg
        if self.troubleshooter:
            text = f"{text} ({self.troubleshooter.removeprefix('Troubleshooting suggestions: ')})"
        known = lookup(self.code) if self.code is not None and language() != "en" else None
        if known is not None and known.action is not Action.OK:  # the API speaks English: say what it means
            text = tr("{answer} (meaning: {meaning})", answer=text, meaning=tr(known.meaning))
        return text


def _float(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number >= 0 else None


def parse_answer(status: int, headers: Any, text: str | bytes) -> Answer:
    """An HTTP answer as an Answer; a body that is not the API's JSON is a transport failure.

    `text` may be the raw bytes: JSON is UTF-8 (RFC 8259), and json.loads reads bytes as such."""
    log_id = headers.get("X-Tt-Logid") or headers.get("X-Request-Id") or ""
    reset = _float(headers.get("x-ogw-ratelimit-reset"))
    if reset is None:
        reset = _float(headers.get("Retry-After"))
    body = _json(text)
    if body is None and isinstance(text, bytes):  # JSON in another charset, or not JSON at all
        text = text.decode(_charset(headers) or "utf-8", errors="replace")
        body = _json(text)
    if not isinstance(body, dict) or not isinstance(body.get("code"), int):
        kind = headers.get("Content-Type", "").split(";")[0] or tr("no content type")
        snippet = " ".join(text.split())[:80]
        return Answer(status, None, tr("HTTP {status} with a non-API answer ({kind}): {snippet}", status=status,
                                       kind=kind, snippet=snippet), log_id, reset, transport=Transport.BAD_ANSWER)
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    scopes = tuple(
        str(v.get("subject")) for v in error.get("permission_violations") or [] if isinstance(v, dict)
        and v.get("subject")
    )
    return Answer(
        status, body["code"], str(body.get("msg", "")), log_id or str(error.get("log_id", "")), reset,
        str(error.get("troubleshooter", "")), scopes, None, body.get("data"),
    )


def _json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _charset(headers: Any) -> str | None:
    for part in headers.get("Content-Type", "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            try:
                return codecs.lookup(value.strip('"')).name
            except LookupError:
                return None
    return None


class HelpdeskClient:
    """Sends helpdesk requests on one aiohttp session (keep-alive, shared by all workers)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, credentials: Credentials,
                 timeout: float = 30.0, tokens: UserTokens | None = None,
                 tenant: TenantToken | None = None) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.tokens = tokens  # refreshes the user token in long jobs, when set up
        self.tenant = tenant  # reading tickets needs the app's tenant token
        self.timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))
        # aiohttp silently sends a PUT again when a kept-alive connection drops; for a row
        # with a comment that posts it twice. Every retry must be ours, decided by the
        # comment rule (aiohttp has no public switch; its own tests use this attribute).
        session._retry_connection = False
        self._header_cache: tuple[str, dict[str, str]] | None = None  # the last token's headers
        self.clock = ClockOffset()  # the API's clock against ours, from every answer's Date header

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the API, for messages (never a user, path or query)."""
        return origin(self.base_url)

    def _headers(self, token: str) -> dict[str, str]:
        """The request's headers, built once per token (aiohttp copies them, never changes them)."""
        cached = self._header_cache
        if cached is not None and cached[0] == token:
            return cached[1]
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Lark-Helpdesk-Authorization": self.credentials.helpdesk_header,
            "Content-Type": JSON_TYPE,
        }
        self._header_cache = (token, headers)
        return headers

    async def update(self, ticket_id: str, body: Mapping[str, Any] | bytes) -> Answer:
        """One PUT of `body` (or of it already encoded, `encode_body`). With token refresh set up,
        an expired-token answer (which proves nothing was applied) is followed by one shared
        refresh and the same PUT once more."""
        data = body if isinstance(body, bytes) else encode_body(body)
        url = self.base_url + UPDATE_PATH.format(ticket_id=ticket_id)
        if self.tokens is None:
            return await self._request("PUT", url, data, self.credentials.user_access_token)
        token = await self.tokens.current()
        answer = await self._request("PUT", url, data, token)
        if answer.code in TOKEN_REJECTED:
            answer = await self._request("PUT", url, data, await self.tokens.refresh(token))
        return answer

    async def get_ticket(self, ticket_id: str) -> Answer:
        """One GET of a ticket (the answer's `data.ticket`), with the tenant token."""
        return await self._tenant_get(self.base_url + UPDATE_PATH.format(ticket_id=ticket_id))

    async def list_tickets(self, query: Sequence[tuple[str, str]]) -> Answer:
        """One page of the ticket list (`data.total`, `data.tickets`): `query` holds the filters,
        `page` and `page_size`, a list's values each as its own pair (`status_list=1&status_list=2`,
        as lark-oapi sends them)."""
        return await self._tenant_get(f"{self.base_url}{LIST_PATH}?{urlencode(list(query))}")

    async def list_custom_fields(self, page_token: str = "", page_size: int = 100) -> Answer:
        """One page of the helpdesk's custom fields (`data.items`, `has_more`, `next_page_token`)."""
        query = [("page_size", str(page_size)), *((("page_token", page_token),) if page_token else ())]
        return await self._tenant_get(f"{self.base_url}{FIELDS_PATH}?{urlencode(query)}")

    async def _tenant_get(self, url: str) -> Answer:
        if self.tenant is None:
            raise UsageError(tr("reading tickets needs FEISHU_APP_ID and FEISHU_APP_SECRET (a tenant access token)"))
        token = await self.tenant.current()
        answer = await self._request("GET", url, None, token)
        if answer.code in TENANT_REJECTED:
            answer = await self._request("GET", url, None, await self.tenant.refresh(token))
        return answer

    async def _request(self, method: str, url: str, data: bytes | None, token: str) -> Answer:
        return await exchange(self.session, method, url, data, self._headers(token), self.timeout, self.clock)


async def exchange(session: aiohttp.ClientSession, method: str, url: str, data: bytes | None,
                   headers: Mapping[str, str], timeout: aiohttp.ClientTimeout, clock: ClockOffset | None = None,
                   params: Mapping[str, str] | None = None) -> Answer:
    """One request and its answer as an Answer: aiohttp's errors turned into what they prove
    (the helpdesk client's requests and the documents' of feishu/docs.py)."""
    sent = time.time()
    try:
        async with session.request(method, url, data=data, headers=headers, params=params, timeout=timeout,
                                   allow_redirects=False) as resp:
            content = await resp.read()
            if clock is not None:
                clock.observe(resp.headers.get("Date"), sent, time.time())
            return parse_answer(resp.status, resp.headers, content)
    except NOT_CONNECTED_ERRORS as e:
        return _failed(Transport.NOT_CONNECTED, not_connected_reason(e))
    except (TimeoutError, aiohttp.ServerTimeoutError):
        return _failed(Transport.TIMEOUT, tr("no answer within {seconds} s", seconds=f"{timeout.total:g}"))
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, aiohttp.ClientPayloadError) as e:
        return _failed(Transport.DISCONNECTED, tr("connection dropped: {reason}", reason=reason(e)))
    except aiohttp.ClientResponseError as e:
        return _failed(Transport.BAD_ANSWER, tr("unreadable answer: {reason}", reason=reason(e)))


async def post_json(session: aiohttp.ClientSession, url: str, body: bytes, headers: Mapping[str, str],
                    where: str) -> tuple[int | None, Any, str]:
    """A POST whose answer may not be the helpdesk API's shape (a bot's message, a custom bot's
    webhook: notify/send.py): (HTTP status, the answer's JSON or None; or None, None and why there
    was no answer, in words naming `where`, never the URL's secret part)."""
    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as resp:
            status, raw = resp.status, await resp.read()
    except (TimeoutError, aiohttp.ClientError) as e:
        return None, None, no_answer(where, e, None)
    return status, _json(raw), ""


def _failed(kind: Transport, msg: str) -> Answer:
    return Answer(msg=msg, transport=kind)
