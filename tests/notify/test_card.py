"""The card a finished job sends, and the --notify targets (pure)."""

from __future__ import annotations

import json

import pytest

from batch_updater.errors import UsageError
from batch_updater.notify.card import JobFacts, job_card, language
from batch_updater.notify.send import sign
from batch_updater.notify.targets import Target, parse_notify

FACTS = JobFacts("changes.xlsx", {"ok": 98, "failed": 2}, 1, 61.4, "/srv/reports/changes.xlsx", "19.7/s",
                 ["2 x 154004 Resource not found (no such ticket)"], "3fa2c1")


def _text(card) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_an_english_card_says_what_happened():
    card = job_card(FACTS, "en")
    text = _text(card)
    assert card["schema"] == "2.0" and card["header"]["title"]["content"] == "Job done, with problems"
    for part in ("changes.xlsx", "ok 98, failed 2", "19.7/s", "61 s", "**Exit code**: 1",
                 "/srv/reports/changes.xlsx", "2 x 154004 Resource not found"):
        assert part in text, part


def test_a_chinese_job_gets_a_chinese_card():
    assert language(["工单ID", "状态"]) == "zh" and language(["ticket_id", "status"]) == "en"
    card = job_card(JobFacts("工单.xlsx", {"ok": 3}, 0, 2.0, None), "zh")
    text = _text(card)
    assert card["header"]["title"]["content"] == "任务完成" and "成功 3" in text and "未写入" in text


def test_a_stopped_job_is_red():
    assert job_card(JobFacts("x.csv", {"not_attempted": 5}, 3, 1.0, "r.csv"))["header"]["template"] == "red"


def test_targets_are_read_and_a_webhook_token_is_never_echoed():
    targets = parse_notify(["chat:oc_123", "user:lead@example.com", "user:ou_42", "webhook:https://bot.example.invalid/"
                            "open-apis/bot/v2/hook/SECRET-TOKEN", "chat:oc_123"])
    assert [t.receive_id_type for t in targets[:3]] == ["chat_id", "email", "open_id"] and len(targets) == 4
    assert "SECRET-TOKEN" not in targets[3].label
    with pytest.raises(UsageError) as e:
        parse_notify(["webhook:http://example.com/open-apis/bot/v2/hook/SECRET-TOKEN"])
    assert "SECRET-TOKEN" not in str(e.value) and e.value.option == "notify"
    with pytest.raises(UsageError):
        parse_notify(["slack:#general"])
    assert Target("webhook", "http://127.0.0.1:9/x") in parse_notify(["webhook:http://127.0.0.1:9/x"])


def test_the_custom_bot_signature_is_the_documented_one():
    """base64(HMAC-SHA256(key = f"{timestamp}\\n{secret}", msg = b"")), docs/api-facts.md §11."""
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(b"1700000000\nabc", b"", hashlib.sha256).digest()).decode()
    assert sign(1700000000, "abc") == expected
