"""Sending a finished job's card: to a chat or a user through the app's bot (`im/v1/messages`, the
app's tenant token), or to a group's custom bot (its webhook, signed with FEISHU_WEBHOOK_SECRET
when set). docs/api-facts.md §11.

Every message carries a `uuid` (the job, its run and the recipient): Feishu delivers a uuid once within an
hour, so a send retried after a timeout or a throttle is delivered once. A failure is returned
with its reason, never raised: the job's exit code and report do not depend on it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from batch_updater.errors import CredentialsRefused
from batch_updater.feishu.client import post_json
from batch_updater.feishu.codes import Action, lookup
from batch_updater.feishu.tokens import TenantToken
from batch_updater.i18n import tr
from batch_updater.notify.targets import Target

MESSAGES_PATH = "/open-apis/im/v1/messages"
ATTEMPTS = 3  # a throttle, a server error, no answer: sent again (same uuid) after 1 s, then 2 s
TENANT_REJECTED = (99991663, 99991664)


@dataclass(frozen=True)
class Sent:
    target: Target
    ok: bool
    why: str = ""  # when not ok: the reason, in words (never a token nor a webhook's URL)


def sign(timestamp: int, secret: str) -> str:
    """A custom bot's signature: base64(HMAC-SHA256(key = f"{timestamp}\\n{secret}", msg = b""))."""
    return base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


async def send_card(targets: Sequence[Target], card: Mapping[str, Any], uuid: str, env: Mapping[str, str],
                    base_url: str, *, timeout: float = 10.0, wait: float = 1.0) -> list[Sent]:
    """Send `card` to every target; one `Sent` each, in order."""
    results = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        tenant = TenantToken.from_env(env, session, base_url, timeout=timeout)
        for target in targets:
            try:
                if target.kind == "webhook":
                    why = await _hook(session, target, card, env.get("FEISHU_WEBHOOK_SECRET", ""), wait)
                elif tenant is None:
                    why = tr("the app's bot needs FEISHU_APP_ID and FEISHU_APP_SECRET")
                else:
                    why = await _bot(session, tenant, base_url, target, card, uuid, wait)
            except CredentialsRefused as e:  # the tenant token could not be had
                why = str(e)
            results.append(Sent(target, why is None, why or ""))
    return results


async def _bot(session: aiohttp.ClientSession, tenant: TenantToken, base_url: str, target: Target,
               card: Mapping[str, Any], uuid: str, wait: float) -> str | None:
    url = f"{base_url.rstrip('/')}{MESSAGES_PATH}?receive_id_type={target.receive_id_type}"
    uuid = f"{uuid}-{hashlib.sha256(target.label.encode()).hexdigest()[:6]}"  # each recipient its own
    body = json.dumps({"receive_id": target.address, "msg_type": "interactive", "uuid": uuid,
                       "content": json.dumps(card, ensure_ascii=False)}, ensure_ascii=False).encode()
    token = await tenant.current()
    why = tr("not sent")
    for attempt in range(ATTEMPTS):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"}
        code, why, again = await _post(session, url, body, headers, target)
        if code in TENANT_REJECTED:
            token = await tenant.refresh(token)
            continue
        if code == 0 or not again or attempt == ATTEMPTS - 1:
            break
        await asyncio.sleep(wait * 2 ** attempt)
    return None if code == 0 else why


async def _hook(session: aiohttp.ClientSession, target: Target, card: Mapping[str, Any], secret: str,
                wait: float) -> str | None:
    why = tr("not sent")
    for attempt in range(ATTEMPTS):
        body: dict[str, Any] = {"msg_type": "interactive", "card": card}
        if secret:
            stamp = int(time.time())
            body.update(timestamp=str(stamp), sign=sign(stamp, secret))
        code, why, again = await _post(session, target.address, json.dumps(body, ensure_ascii=False).encode(),
                                       {"Content-Type": "application/json; charset=utf-8"}, target)
        if code == 0 or not again or attempt == ATTEMPTS - 1:
            break
        await asyncio.sleep(wait * 2 ** attempt)
    return None if code == 0 else why


async def _post(session: aiohttp.ClientSession, url: str, body: bytes, headers: Mapping[str, str],
                target: Target) -> tuple[int | None, str, bool]:
    """(the answer's code or None, why it failed in words, whether sending again may help)."""
    where = target.label.removeprefix("webhook:") if target.kind == "webhook" else url.split("?")[0]
    status, data, failure = await post_json(session, url, body, headers, where)
    if status is None:
        return None, failure, True
    code = data.get("code", data.get("StatusCode")) if isinstance(data, dict) else None
    if not isinstance(code, int):
        return None, tr("HTTP {status} with a non-API answer", status=status), status >= 500
    if code == 0:
        return 0, "", False
    known = lookup(code)
    msg = str(data.get("msg") or data.get("StatusMessage") or "")[:200]
    why = f"{code} {msg}".strip() + (tr(" ({meaning})", meaning=tr(known.meaning)) if known else "")
    return code, why, status >= 500 or (known is not None and known.action in (Action.THROTTLE, Action.RETRY))
