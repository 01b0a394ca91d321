"""The sandbox's im/v1/messages and custom bot webhook (sandbox/im.py), docs/api-facts.md §11."""

from __future__ import annotations

import json
import time

import aiohttp

from batch_updater.notify.send import sign


async def _message(sb, session, receive_id, uuid=None, kind="chat_id", token=None, content=None):
    token = token or sb.tenant_token()
    body = {"receive_id": receive_id, "msg_type": "interactive", "content": content or json.dumps({"x": 1})}
    if uuid:
        body["uuid"] = uuid
    async with session.post(f"{sb.base_url}/open-apis/im/v1/messages?receive_id_type={kind}", json=body,
                            headers={"Authorization": f"Bearer {token}"}) as resp:
        return resp.status, await resp.json(content_type=None)


async def _delivered(sb, session):
    async with session.get(f"{sb.base_url}/_sandbox/messages") as resp:
        return await resp.json()


async def test_one_uuid_is_delivered_once(sandbox):
    async with aiohttp.ClientSession() as session:
        first = await _message(sandbox, session, "oc_a", uuid="u-1")
        again = await _message(sandbox, session, "oc_a", uuid="u-1")
        assert first[1]["code"] == again[1]["code"] == 0
        assert first[1]["data"]["message_id"] == again[1]["data"]["message_id"]
        assert len(await _delivered(sandbox, session)) == 1


async def test_the_bot_outside_a_chat_a_user_outside_the_app_and_a_throttle(sandbox):
    async with aiohttp.ClientSession() as session:
        assert (await _message(sandbox, session, "oc_outside"))[1]["code"] == 230002
        assert (await _message(sandbox, session, "outside@example.com", kind="email"))[1]["code"] == 230013
        codes = [(await _message(sandbox, session, "oc_b"))[1]["code"] for _ in range(6)]
        assert codes == [0] * 5 + [230020]  # 5/s to one chat
        assert (await _message(sandbox, session, "oc_b", token="u-user"))[1]["code"] == 99991663
        assert (await _message(sandbox, session, "oc_c", content="x" * 31_000))[1]["code"] == 230025


async def test_a_signed_custom_bot(sandbox):
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{sandbox.base_url}/_sandbox/im", json={"secrets": {"t1": "key"}}) as resp:
            assert resp.status == 200
        url = f"{sandbox.base_url}/open-apis/bot/v2/hook/t1"
        stamp = int(time.time())
        card = {"msg_type": "interactive", "card": {"schema": "2.0"}}
        answers = []
        for body in ({**card, "timestamp": str(stamp), "sign": sign(stamp, "key")},
                     {**card, "timestamp": str(stamp), "sign": sign(stamp, "other")},
                     {**card, "timestamp": str(stamp - 7200), "sign": sign(stamp - 7200, "key")}, card):
            async with session.post(url, json=body) as resp:
                answers.append((await resp.json())["code"])
        assert answers == [0, 19021, 19021, 19021]
        async with session.post(f"{sandbox.base_url}/open-apis/bot/v2/hook/unsigned", json=card) as resp:
            assert (await resp.json())["code"] == 0
        assert [m["signed"] for m in await _delivered(sandbox, session)] == [True, False]
