"""Small HTTP helpers for the sandbox tests."""

from __future__ import annotations

from typing import Any

import aiohttp

from batch_updater.sandbox import Sandbox


async def put(session: aiohttp.ClientSession, sb: Sandbox, ticket_id: str, body: Any,
              headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any], aiohttp.ClientResponse]:
    """One PUT with the sandbox's own credentials unless `headers` says otherwise."""
    async with session.put(sb.ticket_url(ticket_id), json=body,
                           headers=sb.user_headers() if headers is None else headers) as resp:
        return resp.status, await resp.json(), resp


async def get(session: aiohttp.ClientSession, sb: Sandbox, ticket_id: str,
              token: str | None = None) -> tuple[int, dict[str, Any], aiohttp.ClientResponse]:
    headers = {"Authorization": f"Bearer {token or sb.tenant_token()}",
               "X-Lark-Helpdesk-Authorization": sb.helpdesk_header}
    async with session.get(sb.ticket_url(ticket_id), headers=headers) as resp:
        return resp.status, await resp.json(), resp
