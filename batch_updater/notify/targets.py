"""`--notify` targets: `chat:<chat_id>`, `user:<email or open_id>`, `webhook:<url>` (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from batch_updater.errors import UsageError
from batch_updater.i18n import tr
from batch_updater.naming import option

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Target:
    kind: str  # "chat", "user" or "webhook"
    address: str  # the chat id, the user's email or open_id, or the webhook's URL

    @property
    def receive_id_type(self) -> str:
        """How im/v1/messages names the recipient."""
        if self.kind == "chat":
            return "chat_id"
        return "email" if "@" in self.address else "open_id"

    @property
    def label(self) -> str:
        """As messages name it: a webhook's URL without its token (whoever has it can post to the group)."""
        if self.kind != "webhook":
            return f"{self.kind}:{self.address}"
        parts = urlsplit(self.address)
        return f"webhook:{parts.scheme}://{parts.netloc}/…"


def parse_notify(texts: Iterable[str]) -> list[Target]:
    """The targets, in order, each once; a UsageError (exit 2) for one that is not one of the three."""
    found: list[Target] = []
    for text in texts:
        kind, _, address = str(text).strip().partition(":")
        kind, address = kind.lower(), address.strip()
        target = Target(kind, address)
        if kind not in ("chat", "user", "webhook") or not address:
            raise UsageError(tr("{option} {target!r}: use chat:<chat id>, user:<email or open_id> or webhook:<url>",
                                option=option("notify"), target=_shown(text)), option="notify", value=_shown(text))
        if kind == "webhook":
            parts = urlsplit(address)
            local = parts.scheme == "http" and (parts.hostname or "") in LOOPBACK
            if not (parts.scheme == "https" or local) or not parts.hostname:
                raise UsageError(tr("{option} {target!r}: a webhook's URL starts with https:// (http:// only on this "
                                    "machine)", option=option("notify"), target=target.label),
                                 option="notify", value=target.label)
        if target not in found:
            found.append(target)
    return found


def _shown(text: str) -> str:
    """A target as an error may echo it: a URL's path (a webhook's token) left out."""
    kind, _, address = str(text).partition(":")
    if "//" in address:
        parts = urlsplit(address.strip())
        return f"{kind}:{parts.scheme}://{parts.netloc}/…"
    return str(text)
