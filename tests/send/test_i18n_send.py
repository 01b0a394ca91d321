"""What sending says, in Chinese under speaking("zh") (issue 23 item 1): why a run stops (an API
that cannot be reached), what the rows never sent say, a Redis limiter that cannot be used, a
rate too low to hold. English is asserted by the tests beside these (test_unreachable.py...)."""

from __future__ import annotations

import pytest

from batch_updater.errors import UsageError
from batch_updater.i18n import speaking
from batch_updater.model import Result
from batch_updater.send.pacing import parse_rate
from batch_updater.send.shared import Budget, parse_limiter
from tests.send.test_unreachable import closed_port, rows, send  # noqa: F401 - closed_port: a fixture


async def test_an_api_gone_at_the_start_stops_the_run_in_chinese(closed_port):  # noqa: F811
    base = f"http://127.0.0.1:{closed_port}"
    with speaking("zh"):
        outcomes, sender = await send(base, rows(60))
    assert sender.stop_reason is not None and sender.stop_reason.startswith(f"无法连接 {base}：")
    unsent = [o for o in outcomes if o.result is Result.NOT_ATTEMPTED]
    assert unsent and all(o.msg == "未发送：运行提前停止（见汇总）" for o in unsent)
    tried = [o for o in outcomes if o.result is Result.FAILED]
    assert tried and all(o.msg.startswith("运行停止后放弃；最后的回复：") or o.msg.startswith("尝试 ")
                         for o in tried), {o.msg for o in tried}


async def test_a_redis_limiter_that_cannot_be_used_is_refused_in_chinese():
    from tests.support.redis_server import free_port

    with speaking("zh"), pytest.raises(UsageError) as e:
        await Budget.open(parse_limiter(f"redis://:pw@127.0.0.1:{free_port()}/0"), "k", {})
    said = str(e.value)
    assert said.startswith("无法使用限流器 redis://127.0.0.1:") and "没有发送任何内容" in said and "pw@" not in said
    assert "limiter none" in said and e.value.exit_code == 2


def test_a_rate_too_low_to_hold_is_said_in_chinese():
    with speaking("zh"), pytest.raises(UsageError) as e:
        parse_rate("0.001/min")
    assert "固定速度最低为" in str(e.value) and "'0.001/min'" in str(e.value)
    with pytest.raises(UsageError) as english:
        parse_rate("0.001/min")
    assert "the lowest fixed rate is" in str(english.value)
