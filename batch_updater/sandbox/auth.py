"""Tokens: the user token the PUT needs, the tenant token the GET needs, and the
single-use, rotating refresh tokens of `POST /open-apis/authen/v2/oauth/token`
(docs/api-facts.md §4). Codes only; the HTTP answers are built in `app.py`.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from batch_updater.sandbox.config import SandboxConfig

MISSING_TOKEN = 99991661
INVALID_TOKEN = 99991663
INVALID_USER_TOKEN = 99991668
EXPIRED_USER_TOKEN = 99991677
BAD_APP_CREDENTIALS = 99991543
BAD_HELPDESK_AUTH = 154001

REFRESH_MISSING_PARAM = 20001
REFRESH_BAD_CLIENT = 20002
REFRESH_INVALID = 20026
REFRESH_BAD_GRANT = 20036
REFRESH_EXPIRED = 20037
REFRESH_USED = 20073

# Tenant/app tokens issued less than this before expiry are handed out again (§4.3).
_REISSUE_BELOW_S = 1800.0


@dataclass(slots=True)
class UserToken:
    value: str
    expires_at: float
    requests_left: int | None  # None: no request budget
    revoked_at: float | None = None  # set by a refresh: after the grace it is invalid


@dataclass(slots=True)
class RefreshToken:
    value: str
    expires_at: float
    access_token: str  # the user token issued with it, retired by its use
    used: bool = False


@dataclass(slots=True)
class AppToken:
    value: str
    kind: str  # "tenant" or "app"
    expires_at: float


@dataclass(frozen=True, slots=True)
class Identity:
    """The fixed credentials of a sandbox (derived from the seed)."""

    app_id: str
    app_secret: str
    helpdesk_id: str
    helpdesk_token: str

    @property
    def helpdesk_header(self) -> str:
        return base64.b64encode(f"{self.helpdesk_id}:{self.helpdesk_token}".encode()).decode()


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


class TokenStore:
    """Every token the sandbox issued, and the rules that accept or refuse them."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float]) -> None:
        self._config = config
        self._clock = clock
        self._rng = random.Random(f"{config.seed}-tokens")
        rng = self._rng
        self.identity = Identity(
            app_id=f"cli_{_hex(rng, 16)}", app_secret=_hex(rng, 32),
            helpdesk_id=str(rng.randrange(10**18, 10**19)), helpdesk_token=f"ht-{_hex(rng, 32)}",
        )
        self.user_tokens: dict[str, UserToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.app_tokens: dict[str, AppToken] = {}
        self.refresh_failures: list[int] = []  # codes the next refreshes answer, in order
        self.refreshes = 0
        self.initial_user_token, self.initial_refresh_token = self._issue_pair()

    # -- issuing -------------------------------------------------------------------
    def _issue_pair(self) -> tuple[str, str]:
        now = self._clock()
        access = f"u-{_hex(self._rng, 30)}"
        refresh = f"ur-{_hex(self._rng, 30)}"
        self.user_tokens[access] = UserToken(
            access, now + self._config.user_token_ttl_s, self._config.user_token_max_requests)
        self.refresh_tokens[refresh] = RefreshToken(
            refresh, now + self._config.refresh_token_ttl_s, access)
        return access, refresh

    def issue_app_token(self, body: Mapping[str, object], kind: str) -> tuple[int, AppToken | None]:
        """`{"app_id", "app_secret"}` -> (0, token) or (99991543, None).

        Like Feishu (§4.3): the same token again while 30 min or more remain,
        a new one after that, the old one staying valid until its own expiry.
        """
        ident = self.identity
        if body.get("app_id") != ident.app_id or body.get("app_secret") != ident.app_secret:
            return BAD_APP_CREDENTIALS, None
        now = self._clock()
        live = [t for t in self.app_tokens.values()
                if t.kind == kind and t.expires_at - now >= _REISSUE_BELOW_S]
        if live:
            return 0, max(live, key=lambda t: t.expires_at)
        token = AppToken(f"t-{_hex(self._rng, 40)}", kind, now + self._config.tenant_token_ttl_s)
        self.app_tokens[token.value] = token
        return 0, token

    # -- checking ------------------------------------------------------------------
    @staticmethod
    def bearer(header: str | None) -> str | None:
        """The token of an `Authorization: Bearer <token>` header, None if absent or malformed."""
        if not header or not header.startswith("Bearer "):
            return None
        return header[len("Bearer "):].strip() or None

    def check_user(self, header: str | None) -> int:
        """0 if the header carries a usable user token (and spends one request of its budget)."""
        value = self.bearer(header)
        if value is None:
            return MISSING_TOKEN
        token = self.user_tokens.get(value)
        if token is None:
            # A tenant/app token on this user-only API: UNKNOWN in docs/api-facts.md §2; the generic
            # "invalid access token" is the less telling (harder) answer.
            return INVALID_TOKEN if value.startswith("t-") or value in self.app_tokens else INVALID_USER_TOKEN
        now = self._clock()
        if token.revoked_at is not None and now >= token.revoked_at + self._config.refresh_grace_s:
            return INVALID_USER_TOKEN  # replaced by a refresh, grace over
        if now >= token.expires_at or token.requests_left == 0:
            return EXPIRED_USER_TOKEN
        if token.requests_left is not None:
            token.requests_left -= 1
        return 0

    def check_tenant(self, header: str | None) -> int:
        """0 if the header carries a live tenant token. A user token here is 99991663."""
        value = self.bearer(header)
        if value is None:
            return MISSING_TOKEN
        token = self.app_tokens.get(value)
        if token is None or token.kind != "tenant" or self._clock() >= token.expires_at:
            return INVALID_TOKEN
        return 0

    def check_helpdesk(self, header: str | None) -> int:
        """The raw base64("id:token"), no prefix (docs/api-facts.md §5); anything else is 154001."""
        return 0 if header == self.identity.helpdesk_header else BAD_HELPDESK_AUTH

    # -- refreshing ----------------------------------------------------------------
    def refresh(self, body: Mapping[str, object]) -> tuple[int, dict[str, object]]:
        """One `grant_type=refresh_token` call -> (code, success fields or {})."""
        if self.refresh_failures:
            return self.refresh_failures.pop(0), {}
        needed = ("grant_type", "client_id", "client_secret", "refresh_token")
        if any(not isinstance(body.get(k), str) or not body.get(k) for k in needed):
            return REFRESH_MISSING_PARAM, {}
        if body["grant_type"] != "refresh_token":
            return REFRESH_BAD_GRANT, {}
        if body["client_id"] != self.identity.app_id or body["client_secret"] != self.identity.app_secret:
            return REFRESH_BAD_CLIENT, {}
        old = self.refresh_tokens.get(str(body["refresh_token"]))
        if old is None:
            return REFRESH_INVALID, {}
        if old.used:
            return REFRESH_USED, {}
        now = self._clock()
        if now >= old.expires_at:
            return REFRESH_EXPIRED, {}
        old.used = True
        retired = self.user_tokens.get(old.access_token)
        if retired is not None and retired.revoked_at is None:
            retired.revoked_at = now
        access, refresh = self._issue_pair()
        self.refreshes += 1
        return 0, {
            "access_token": access,
            "expires_in": int(self._config.user_token_ttl_s),
            "refresh_token": refresh,
            "refresh_token_expires_in": int(self._config.refresh_token_ttl_s),
            "scope": "helpdesk:all offline_access",
            "token_type": "Bearer",
        }
