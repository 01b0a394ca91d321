import pytest

from batch_updater.feishu.classify import Step, classify, stop_message
from batch_updater.feishu.client import Answer, Transport
from batch_updater.model import Result

T = Transport


def ans(status=None, code=None, transport=None, **kw):
    return Answer(status, code, transport=transport, **kw)


@pytest.mark.parametrize("answer, comment, step, result", [
    (ans(200, 0), False, Step.DONE, Result.OK),
    (ans(429, 99991400), True, Step.THROTTLED, None),
    (ans(400, 99991400), True, Step.THROTTLED, None),  # older APIs throttle with HTTP 400
    (ans(400, 154000), False, Step.DONE, Result.FAILED),
    (ans(403, 154003), False, Step.DONE, Result.FAILED),
    (ans(404, 154004), True, Step.DONE, Result.FAILED),
    (ans(418, 777), False, Step.DONE, Result.FAILED),  # an unknown 4xx code is final
    (ans(500, 155000), False, Step.RETRY, None),
    (ans(503, 1), False, Step.RETRY, None),
    (ans(500, 155000), True, Step.DONE, Result.UNKNOWN),  # may have been applied: a comment twice
    (ans(transport=T.NOT_CONNECTED), True, Step.RETRY, None),  # never connected: safe even with a comment
    (ans(transport=T.TIMEOUT), False, Step.RETRY, None),
    (ans(transport=T.TIMEOUT), True, Step.DONE, Result.UNKNOWN),
    (ans(transport=T.DISCONNECTED), True, Step.DONE, Result.UNKNOWN),
    (ans(502, transport=T.BAD_ANSWER), False, Step.RETRY, None),
    (ans(502, transport=T.BAD_ANSWER), True, Step.DONE, Result.UNKNOWN),
])
def test_classify(answer, comment, step, result):
    verdict = classify(answer, has_comment=comment)
    assert (verdict.step, verdict.result) == (step, result)


@pytest.mark.parametrize("code", [99991661, 99991663, 99991668, 99991671, 99991672, 99991676, 99991677,
                                  99991679, 154001, 99991403])
def test_refused_credentials_stop_the_job(code):
    verdict = classify(ans(400, code), has_comment=False)
    assert (verdict.step, verdict.result) == (Step.STOP_JOB, Result.FAILED)


def test_retry_comments_accepts_the_risk():
    assert classify(ans(transport=T.TIMEOUT), has_comment=True, retry_comments=True).step is Step.RETRY


@pytest.mark.usefixtures("cli_words")
def test_unknown_says_why_it_was_not_retried():
    note = classify(ans(transport=T.DISCONNECTED), has_comment=True).note
    assert "would post the comment twice" in note and "--retry-comments" in note


def test_stop_message_names_the_scope_and_the_fix():
    text = stop_message(ans(400, 99991672, msg="Access denied.", scopes=("helpdesk:all",), log_id="L1"))
    assert "helpdesk:all" in text and "publish" in text and "L1" in text
    assert "FEISHU_USER_ACCESS_TOKEN" in stop_message(ans(400, 99991677, msg="Authentication token expired."))
    assert "FEISHU_HELPDESK_ID" in stop_message(ans(401, 154001, msg="Unauthorized"))
