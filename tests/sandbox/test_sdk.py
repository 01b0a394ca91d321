"""The official SDK (lark-oapi) and the sandbox agree on the wire (docs/api-facts.md §6.5)."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from batch_updater.sandbox import Sandbox


def import_lark() -> None:
    """Import lark-oapi (~3 s: only in these tests). On import, lark_oapi.ws makes and
    keeps an event loop when the thread has none; give it one and close it, so that
    no unclosed loop is left for the garbage collector to warn about."""
    if "lark_oapi" in sys.modules:
        return
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        import lark_oapi  # noqa: F401
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def sdk_update(base_url: str, ticket_id: str, user_token: str, helpdesk_header: str) -> Any:
    import_lark()
    import lark_oapi as lark
    from lark_oapi.api.helpdesk.v1 import (
        CustomizedFieldDisplayItem,
        UpdateTicketRequest,
        UpdateTicketRequestBody,
    )

    client = lark.Client.builder().enable_set_token(True).domain(base_url).timeout(10).build()
    request = (UpdateTicketRequest.builder().ticket_id(ticket_id)
               .request_body(UpdateTicketRequestBody.builder()
                             .status(51).solved(2).tag_names(["bulk"]).comment("via sdk")
                             .customized_fields([CustomizedFieldDisplayItem.builder()
                                                 .id("123").value("value").build()])
                             .build())
               .build())
    option = (lark.RequestOption.builder().user_access_token(user_token)
              .headers({"X-Lark-Helpdesk-Authorization": helpdesk_header}).build())
    return client.helpdesk.v1.ticket.update(request, option)


async def call_sdk(sb: Sandbox, ticket_id: str) -> Any:
    return await asyncio.to_thread(sdk_update, sb.base_url, ticket_id,
                                   sb.credentials["FEISHU_USER_ACCESS_TOKEN"], sb.helpdesk_header)


async def test_sdk_update_succeeds(sandbox: Sandbox, ticket_id: str) -> None:
    resp = await call_sdk(sandbox, ticket_id)
    assert resp.success(), (resp.code, resp.msg)
    assert (resp.raw.status_code, resp.code, resp.msg) == (200, 0, "success")
    assert resp.get_log_id() == sandbox.tickets[ticket_id].history[0].log_id
    ticket = sandbox.tickets[ticket_id]
    assert (ticket.status, ticket.solve, ticket.tags) == (51, 2, ["bulk"])
    assert ticket.customized_fields["123"]["value"] == "value"
    assert ticket.history[0].body == {"status": 51, "tag_names": ["bulk"], "comment": "via sdk",
                                      "customized_fields": [{"id": "123", "value": "value"}],
                                      "solved": 2}


async def test_sdk_sees_the_throttle(sandbox: Sandbox, ticket_id: str) -> None:
    sandbox.set_rates([(1, 1.0)])
    assert (await call_sdk(sandbox, ticket_id)).success()
    resp = await call_sdk(sandbox, ticket_id)
    assert (resp.raw.status_code, resp.code, resp.msg) == (429, 99991400, "request trigger frequency limit")
    headers = {k.lower(): v for k, v in resp.raw.headers.items()}
    assert headers["x-ogw-ratelimit-limit"] == "1"
    assert headers["x-ogw-ratelimit-reset"] == "1"
    assert resp.get_log_id()
    assert len(sandbox.tickets[ticket_id].history) == 1
