"""Credentials and the base URL, from the environment. Tokens never appear in a repr or message."""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from batch_updater.errors import UsageError
from batch_updater.naming import option

DEFAULT_BASE_URL = "https://open.feishu.cn"
REQUIRED = ("FEISHU_USER_ACCESS_TOKEN", "FEISHU_HELPDESK_ID", "FEISHU_HELPDESK_TOKEN")
REFRESH_VARS = ("FEISHU_APP_ID", "FEISHU_APP_SECRET", "FEISHU_REFRESH_TOKEN")  # refreshing the user token


@dataclass(frozen=True)
class Credentials:
    user_access_token: str = field(repr=False)
    helpdesk_id: str
    helpdesk_token: str = field(repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials:
        missing = [name for name in REQUIRED if not env.get(name, "").strip()]
        if missing == [REQUIRED[0]] and all(env.get(name, "").strip() for name in REFRESH_VARS):
            missing = []  # the first request refreshes a user token from the refresh token
        if missing:
            raise UsageError(
                f"missing credentials: set {', '.join(missing)} in the environment "
                f"(or try it first against the built-in sandbox with {option('sandbox')})"
            )
        return cls(*(env.get(name, "").strip() for name in REQUIRED))

    @property
    def helpdesk_header(self) -> str:
        """X-Lark-Helpdesk-Authorization: raw base64 of "id:token", no prefix (the API doc)."""
        return base64.b64encode(f"{self.helpdesk_id}:{self.helpdesk_token}".encode()).decode()


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


DEFAULT_PORTS = {"https": 443, "http": 80}


def check_base_url(url: str) -> str:
    """The API origin, normalised (lower case, no default port, no trailing slash), so that one
    API is one origin whichever way it was written; plain http only for loopback hosts.

    Everything aiohttp would refuse at the first request (a port out of range, a host name
    that is not one) is refused here, before anything is read or sent."""
    shown = _shown(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as e:  # a port out of range or not a number, an unclosed [IPv6 address
        what = "the port must be a number from 1 to 65535" if "port" in str(e).lower() else "not a valid host"
        raise UsageError(f"base URL {shown!r}: {what}, e.g. {DEFAULT_BASE_URL}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise UsageError(f"base URL {shown!r}: expected https://host, e.g. {DEFAULT_BASE_URL}")
    if "@" in parts.netloc:  # `https://:pw@host` has no user name but still a password
        raise UsageError(f"base URL {shown!r}: a user name or password is not allowed in it; give the origin "
                         f"only, e.g. {DEFAULT_BASE_URL}")
    if port == 0:
        raise UsageError(f"base URL {shown!r}: the port must be a number from 1 to 65535")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise UsageError(f"base URL {shown!r}: give the origin only (no path, query or user), e.g. {DEFAULT_BASE_URL}")
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise UsageError(f"base URL {shown!r}: {parts.hostname!r} is not a valid host name") from None
    if scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(f"base URL {shown!r}: plain http is refused except on this machine (127.0.0.1); use https")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{scheme}://{host}" + (f":{port}" if port not in (None, DEFAULT_PORTS[scheme]) else "")


def api_origin(base_url: str | None, env: Mapping[str, str]) -> str:
    """The API a run talks to: `base_url` (a flag), else $FEISHU_BASE_URL, else Feishu; normalised."""
    return check_base_url(base_url or env.get("FEISHU_BASE_URL") or DEFAULT_BASE_URL)


def _shown(url: str) -> str:
    """The URL for a message: without a user:password@ or a query, which could hold a secret."""
    text = url.strip()
    scheme, sep, rest = text.rpartition("://")
    rest = rest.split("?", 1)[0].split("#", 1)[0]
    authority, slash, path = rest.partition("/")
    authority = authority.rpartition("@")[2]
    return f"{scheme}{sep}{authority}{slash}{path}"


def api_identity(origin: str) -> str:
    """An origin as a job's identity: `localhost` is 127.0.0.1 (the same sandbox either way)."""
    parts = urlsplit(origin)
    if parts.hostname == "localhost":
        return origin.replace("://localhost", "://127.0.0.1", 1)
    return origin
