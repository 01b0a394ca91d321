"""A request that got no answer, in a few stable words a user can act on (the same for every
row, so the summaries can count them): "connection refused", "no answer within 30 s". Used by
the client and by the token endpoints, so `plan` and `run` say the same thing."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import aiohttp

from batch_updater.i18n import tr

# What no connection was made looks like (the request was never sent: nothing was applied).
NOT_CONNECTED_ERRORS = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError, aiohttp.InvalidURL)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, for messages (never a user, path or query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def not_connected_reason(error: Exception) -> str:
    """Why no connection was made, in a few words that are the same for every row (the summaries
    count them): "connection refused", "DNS lookup failed (Name or service not known)"."""
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return tr("connection timed out")
    if isinstance(error, aiohttp.InvalidURL):
        return tr("invalid URL")
    cause = getattr(error, "os_error", None)
    if isinstance(error, aiohttp.ClientSSLError):
        return tr("TLS handshake failed ({reason})", reason=reason(cause or error))
    if isinstance(cause, socket.gaierror):
        return tr("DNS lookup failed ({reason})", reason=cause.strerror or reason(cause))
    if isinstance(cause, OSError) and cause.errno:
        text = os.strerror(cause.errno)  # the errno's words, not the address list aiohttp adds
        return text[:1].lower() + text[1:]
    return reason(cause or error)


def no_answer(url: str, error: BaseException, timeout_s: float | None) -> str:
    """One request to `url` failed without an answer: what `run` says of it, e.g.
    "cannot reach https://open.feishu.cn: connection refused", "no answer from ...: no answer within 30 s"."""
    if isinstance(error, NOT_CONNECTED_ERRORS):
        return tr("cannot reach {origin}: {reason}", origin=origin(url), reason=not_connected_reason(error))
    if isinstance(error, TimeoutError | aiohttp.ServerTimeoutError):
        if timeout_s:
            return tr("no answer from {origin}: no answer within {seconds} s", origin=origin(url),
                      seconds=f"{timeout_s:g}")
        return tr("no answer from {origin}: no answer in time", origin=origin(url))
    return tr("no answer from {origin}: connection dropped: {reason}", origin=origin(url), reason=reason(error))

def reason(error: BaseException) -> str:
    return str(error) or type(error).__name__
