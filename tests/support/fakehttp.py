"""aioresponses with aiohttp 3.14.

aioresponses 0.7.9 builds responses without the `stream_writer` argument that
aiohttp 3.14's ClientResponse requires (pnuckowski/aioresponses#289, open).
Its stubs take a `response_class`, so every stub here passes one that fills
the argument in. Exception stubs need nothing.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from aiohttp import ClientResponse


class StubResponse(ClientResponse):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(*args, **kwargs)


def stub(mock: Any, method: str, url: str, **kwargs: Any) -> None:
    """`mock.<method>(url, ...)` with a response aiohttp 3.14 accepts."""
    if "exception" not in kwargs:
        kwargs.setdefault("response_class", StubResponse)
    getattr(mock, method.lower())(url, **kwargs)
