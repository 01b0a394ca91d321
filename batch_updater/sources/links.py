"""A Feishu / Lark link as a job's input: which object it names (docs/api-facts.md §9.1). Pure.

    https://<tenant>.feishu.cn/base/<app_token>?table=<table_id>[&view=<view_id>]
    https://<tenant>.feishu.cn/sheets/<spreadsheet_token>[?sheet=<sheet_id>]
    https://<tenant>.feishu.cn/wiki/<node_token>[?table=...&view=... | ?sheet=...]

and the same on larksuite.com, with or without its `https://` (chat apps often show a link
without it). The link's host only says Feishu or Lark: the API the tool calls is the one it
already uses (--base-url, $FEISHU_BASE_URL), which must be Lark's for a Lark link (check_api).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from batch_updater.errors import UsageError
from batch_updater.naming import advice

Kind = Literal["base", "sheets", "wiki"]
HOSTS = ("feishu.cn", "larksuite.com")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{4,}$")
_LINK = re.compile(r"^\s*https?://", re.IGNORECASE)
# A link pasted without its scheme: a Feishu or Lark host, then a path.
_BARE = re.compile(r"^\s*(?:[a-z0-9-]+\.)*(?:feishu\.cn|larksuite\.com)(?:[/?#]|\s*$)", re.IGNORECASE)
APIS = {False: "https://open.feishu.cn", True: "https://open.larksuite.com"}


@dataclass(frozen=True)
class Link:
    """What a link names: a Base table (and view), a spreadsheet (and sheet), or a wiki node."""

    kind: Kind
    token: str  # app_token, spreadsheet token, or wiki node token
    table: str = ""
    view: str = ""
    sheet: str = ""
    lark: bool = False
    text: str = ""  # the link as given (the run's label)

    def resolved(self, kind: Kind, token: str) -> Link:
        """The object a wiki node points at, with this link's table, view and sheet."""
        return Link(kind, token, self.table, self.view, self.sheet, self.lark, self.text)


def is_link(text: object) -> bool:
    """`text` is a web address (a file's path never starts with http:// or https://), or a Feishu or
    Lark link without its https:// (`acme.feishu.cn/base/...`)."""
    return isinstance(text, str) and bool(_LINK.match(text) or _BARE.match(text))


def parse_link(text: str) -> Link:
    """The object `text` names; a UsageError (exit 2) saying what a link must look like otherwise."""
    shown = text.strip()
    if not _LINK.match(shown) and _BARE.match(shown):
        shown = "https://" + shown  # as the browser takes it
    parts = urlsplit(shown)
    host = (parts.hostname or "").lower()
    if not any(host == h or host.endswith("." + h) for h in HOSTS):
        raise UsageError(f"input {shown!r}: a link must be a Feishu or Lark one (…feishu.cn or …larksuite.com), "
                         "to a Base table, a sheet or a wiki page holding one")
    segments = [s for s in parts.path.split("/") if s]
    query = {k: v[-1].strip() for k, v in parse_qs(parts.query).items()}
    kinds = {"base": "base", "sheets": "sheets", "wiki": "wiki"}
    if len(segments) < 2 or segments[0] not in kinds or not _TOKEN.match(segments[1]):
        raise UsageError(f"input {shown!r}: not a link to a Base table (/base/...?table=...), a sheet (/sheets/...) "
                         "or a wiki page (/wiki/...): open the table or sheet and copy its link from the address bar")
    kind: Kind = "base" if segments[0] == "base" else "sheets" if segments[0] == "sheets" else "wiki"
    link = Link(kind, segments[1], query.get("table", ""), query.get("view", ""), query.get("sheet", ""),
                host == "larksuite.com" or host.endswith(".larksuite.com"), shown)
    if kind == "base" and not link.table:
        raise UsageError(f"input {shown!r}: the link names a Base but not one of its tables: open the table and "
                         "copy the link from the address bar (it has ?table=tbl...)")
    return link


def identity_of(link: Link) -> str:
    """The object a job runs on, as its journal names it: a Base's app token, table and view (none:
    the whole table), or a spreadsheet and its sheet. No `/`: other jobs' warnings name it whole."""
    if link.kind == "base":
        return f"feishu base {link.token} table {link.table} view {link.view or '(all records)'}"
    return f"feishu sheets {link.token} sheet {link.sheet}"


def check_api(link: Link, origin: str) -> None:
    """A Lark link read through Feishu's API (or a Feishu link through Lark's) is refused before
    anything is read: the two are separate services, and the API would answer a refusal that says
    nothing of the cause. Any other API (the sandbox, a proxy) is taken as it is."""
    host = (urlsplit(origin).hostname or "").lower()
    lark_api = host == "larksuite.com" or host.endswith(".larksuite.com")
    feishu_api = host == "feishu.cn" or host.endswith(".feishu.cn")
    if link.lark and feishu_api:
        raise UsageError(f"input {link.text!r} is a Lark link (larksuite.com), and the API is Feishu's ({origin}): "
                         f"a Lark document is read through Lark's API: set FEISHU_BASE_URL={APIS[True]} (or "
                         f"{advice('base_url', APIS[True])})", option="base_url", value=origin)
    if not link.lark and lark_api:
        raise UsageError(f"input {link.text!r} is a Feishu link (feishu.cn), and the API is Lark's ({origin}): "
                         f"a Feishu document is read through Feishu's API: set FEISHU_BASE_URL={APIS[False]} (or "
                         f"{advice('base_url', APIS[False])})", option="base_url", value=origin)
