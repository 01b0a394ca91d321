"""When a run stops by itself: answers that say the operator, not the rows, must act. Pure.

- the API refused the credentials (a STOP_JOB answer): stop at once, saying what to fix;
- the first FORBIDDEN_PROBE answers are all 154003: whoever's token is used lacks rights on
  the helpdesk (the user's for updates; the app's for reading, which takes its tenant token);
- the first UNREACHABLE_PROBE requests all failed to connect, none was answered: the API
  cannot be reached from here;
- later in a run, GONE_PROBE requests in a row, from GONE_ROWS rows or more, got no answer at
  all (refused, DNS, connection timed out, no answer in time) and none was answered between
  them: the API has gone away. Rows keep their own verdicts (a comment row whose
  request may have arrived stays `unknown`); the rest are not sent.
Any answer with an HTTP status (a throttle, a 500, a gateway's 502) disarms the last two.

`StopRules` also keeps why the run is stopping: the first reason given (`stop`: a rule above,
the journal that cannot be written, a token refresh refused for good), or an interrupt (Ctrl-C,
SIGTERM, the console's Stop button; a second one cuts off the requests in flight).
"""

from __future__ import annotations

from batch_updater.errors import BatchUpdaterError
from batch_updater.feishu.classify import Step, Verdict, stop_message
from batch_updater.feishu.client import Answer, Transport
from batch_updater.feishu.codes import NO_RIGHTS
from batch_updater.i18n import tr

FORBIDDEN_PROBE = 20  # this many first answers all 154003: the operator lacks rights, not the tickets
# This many first requests all fail to connect (refused, DNS, TLS, connect timeout), none answered:
# the API cannot be reached from here, and nothing was applied. The first wave of workers and a
# retry or two; a few seconds at the slow-start rate.
UNREACHABLE_PROBE = 10
# Mid-run: this many requests in a row without an answer, from at least GONE_ROWS rows (one row's
# retries alone never stop a run). About a second of retries at --concurrency 8; before, every row
# was tried 5 times (minutes) and ended `failed`.
GONE_PROBE = 20
GONE_ROWS = 5
# A dropped connection proves something answered the connection (a server applying and then
# dropping, say): it neither counts nor breaks the run of silence.
NO_ANSWER = frozenset({Transport.NOT_CONNECTED, Transport.TIMEOUT})


class StopRules:
    """Told of every answer (`observe`), says when the run must stop and why; keeps whether it is
    stopping (`stop`, `interrupt`)."""

    def __init__(self, origin: str, *, reading: bool = False) -> None:
        self.origin = origin  # scheme://host[:port], for messages
        self.reading = reading  # GETs with the app's tenant token, not updates with the user's
        self.stopping = False  # stopped for a reason, or interrupted: nothing more is sent
        self.stop_reason: str | None = None  # why, in words (the first reason given)
        self.stop_error: BatchUpdaterError | None = None  # a stop raised by the tool itself (a dead refresh token)
        self.interrupted = False
        self.cut_off = False  # interrupted twice: the requests in flight are not waited for
        self.first_answers: list[tuple[int, int]] = []  # (row index, code) of the first final answers
        self.forbidden = False  # the 154003 probe tripped: those rows are to be sent again next time
        self._not_connected = 0  # the first requests, all failed to connect (-1: one did not)
        self._silent = 0  # requests in a row without an answer
        self._silent_rows: set[int] = set()

    def stop(self, reason: str, error: BatchUpdaterError | None = None) -> bool:
        """Stop for `reason` (the first reason and the first error stand); True if it is the first."""
        first = self.stop_reason is None
        if first:
            self.stop_reason = reason
        if self.stop_error is None:
            self.stop_error = error
        self.stopping = True
        return first

    def interrupt(self) -> None:
        """Stop sending; requests in flight may end. A second call cuts them off."""
        self.cut_off = self.interrupted
        self.interrupted = self.stopping = True

    def observe(self, answer: Answer, verdict: Verdict, index: int) -> str | None:
        """A reason to stop, when this answer (of row `index`) trips a rule."""
        if verdict.step is Step.STOP_JOB:
            return stop_message(answer)
        return self._reach(answer, index) or self._rights(answer, verdict, index)

    def _reach(self, answer: Answer, index: int) -> str | None:
        if self._not_connected >= 0:
            if answer.transport is not Transport.NOT_CONNECTED:
                self._not_connected = -1
            else:
                self._not_connected += 1
                if self._not_connected == UNREACHABLE_PROBE:
                    return tr("cannot reach {origin}: {reason}", origin=self.origin, reason=answer.msg)
        if answer.transport is Transport.DISCONNECTED and answer.http_status is None:
            return None
        if answer.transport not in NO_ANSWER or answer.http_status is not None:
            self._silent, self._silent_rows = 0, set()
            return None
        self._silent += 1
        self._silent_rows.add(index)
        if self._silent >= GONE_PROBE and len(self._silent_rows) >= GONE_ROWS:
            rows = len(self._silent_rows)
            self._silent, self._silent_rows = 0, set()
            if answer.transport is Transport.NOT_CONNECTED:
                return tr("cannot reach {origin}: {reason} (the API stopped answering: the last {n} requests, for "
                          "{rows} rows, got no answer)", origin=self.origin, reason=answer.msg, n=GONE_PROBE, rows=rows)
            return tr("no answer from {origin}: {reason} (the API stopped answering: the last {n} requests, for "
                      "{rows} rows, got no answer)", origin=self.origin, reason=answer.msg, n=GONE_PROBE, rows=rows)
        return None

    def _rights(self, answer: Answer, verdict: Verdict, index: int) -> str | None:
        if verdict.step is not Step.DONE or answer.code is None or len(self.first_answers) >= FORBIDDEN_PROBE:
            return None
        self.first_answers.append((index, answer.code))
        if len(self.first_answers) < FORBIDDEN_PROBE or {c for _, c in self.first_answers} != {NO_RIGHTS}:
            return None
        self.forbidden = True
        if self.reading:
            return tr("the first {n} tickets read all answered {code} (no permission): tickets are read with the "
                      "app's tenant token, not your user token, so the app (FEISHU_APP_ID) probably lacks the "
                      "helpdesk:all:readonly scope (enable it and publish a new version) or rights on this helpdesk",
                      n=FORBIDDEN_PROBE, code=NO_RIGHTS)
        return tr("the first {n} tickets all answered {code} (no permission): the user whose token is used is "
                  "probably not an agent of this helpdesk with rights on these tickets", n=FORBIDDEN_PROBE,
                  code=NO_RIGHTS)
