"""What an answer means for its row and for the job. Pure: values in, values out."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from batch_updater.feishu.client import Answer, Transport
from batch_updater.feishu.codes import Action, action_for, lookup
from batch_updater.model import Outcome, Result
from batch_updater.naming import option


class Step(enum.Enum):
    DONE = "done"  # the row has its result
    RETRY = "retry"  # send it again after a backoff
    THROTTLED = "throttled"  # send it again after the shared pause; not a failure
    STOP_JOB = "stop_job"  # the credentials were refused: the row failed and the job stops


@dataclass(frozen=True, slots=True)
class Verdict:
    step: Step
    result: Result | None = None  # set when step is DONE or STOP_JOB
    note: str = ""  # why, when the answer alone does not say


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request of a row: the API's answer and what it means for the row."""

    answer: Answer
    verdict: Verdict


AMBIGUOUS = {Transport.TIMEOUT, Transport.DISCONNECTED, Transport.BAD_ANSWER}


def classify(answer: Answer, *, has_comment: bool, retry_comments: bool = False) -> Verdict:
    """One answer -> what to do with its row.

    A comment is posted each time an update with a comment is applied, so such a
    row is sent again only when the answer proves nothing was applied.
    """
    if answer.transport is Transport.NOT_CONNECTED:
        return Verdict(Step.RETRY)
    if answer.transport in AMBIGUOUS or answer.code is None:
        return _maybe_applied(has_comment, retry_comments)
    action = action_for(answer.code, answer.http_status or 0)
    if action is Action.OK:
        return Verdict(Step.DONE, Result.OK)
    if action is Action.THROTTLE:
        return Verdict(Step.THROTTLED)
    if action is Action.RETRY:
        return _maybe_applied(has_comment, retry_comments)
    if action in (Action.STOP, Action.REFRESH, Action.REAUTHORIZE):
        return Verdict(Step.STOP_JOB, Result.FAILED)
    return Verdict(Step.DONE, Result.FAILED)


def _maybe_applied(has_comment: bool, retry_comments: bool) -> Verdict:
    if has_comment and not retry_comments:
        return Verdict(Step.DONE, Result.UNKNOWN, (
            "not retried: the server may have applied this update, and sending it again would post "
            f"the comment twice; check the ticket, or rerun with {option('retry_comments')} to accept that risk"))
    return Verdict(Step.RETRY)


def stop_message(answer: Answer) -> str:
    """What to fix, for an answer that stopped the job."""
    code = answer.code
    known = lookup(code) if code is not None else None
    what = known.meaning if known else answer.msg
    text = f"the API refused the credentials ({code} {answer.msg}): {what}"
    if answer.scopes:
        text += f"; the missing scope: {', '.join(answer.scopes)} (enable it for the app and publish a new version)"
    if known and known.action is Action.REFRESH:
        text += "; get a new user access token (FEISHU_USER_ACCESS_TOKEN)"
    if answer.log_id:
        text += f" [log id {answer.log_id}]"
    return text


def is_final(outcome: Outcome, has_comment: bool) -> bool:
    """Done for good: a resumed job does not send the row again.

    Applied rows and the API's final refusals are; so is an unknown row with a
    comment (sending it again could post the comment twice). A row that failed
    for a transient reason or a refused credential, or an unknown row without a
    comment, is safe to send again.
    """
    if outcome.result is Result.OK:
        return True
    if outcome.result is Result.UNKNOWN:
        return has_comment
    if outcome.result is Result.FAILED and outcome.code is not None and outcome.http_status is not None:
        return action_for(outcome.code, outcome.http_status) is Action.FAIL
    return False
