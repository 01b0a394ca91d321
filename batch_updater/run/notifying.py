"""`--notify`: at the end of a run, its card to every target (notify/), after the report is written.
A notification that fails is a warning with its reason (and a `notify_failed` event): the run's
exit code and report are what they were."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from batch_updater.control import format_rate
from batch_updater.errors import UsageError
from batch_updater.feishu.credentials import api_origin
from batch_updater.i18n import language, tr
from batch_updater.logs import event, warn
from batch_updater.naming import option
from batch_updater.notify.card import JobFacts, job_card
from batch_updater.notify.send import Sent, send_card
from batch_updater.notify.targets import Target, parse_notify
from batch_updater.sources.base import Loaded

# A run's result (run/job.py's RunResult) and its job (run/prepare.py's Job): both modules call this one.
RunResult = Any
Job = Any


def check_notify(texts: list[str], env: Mapping[str, str]) -> list[Target]:
    """The targets, checked before anything is sent (exit 2): the app's bot needs the app's credentials."""
    targets = parse_notify(texts)
    bot = [t.label for t in targets if t.kind != "webhook"]
    if bot and not (env.get("FEISHU_APP_ID", "").strip() and env.get("FEISHU_APP_SECRET", "").strip()):
        raise UsageError(tr("{option} {target}: the app's bot sends it, which needs FEISHU_APP_ID and "
                            "FEISHU_APP_SECRET (or notify a group through webhook:<url>)", option=option("notify"),
                            target=bot[0]), option="notify", value=bot[0])
    return targets


def message_uuid(result: RunResult, job: Job) -> str:
    """The job and this run (send.py adds the target; at most 50 characters in all): a send retried is
    delivered once, a later run's apart."""
    started = int(job.started.timestamp() * 1000)
    jid = result.job_id or hashlib.sha256(f"{job.source.label}\n{job.identity}".encode()).hexdigest()[:16]
    return f"bu-{jid[:16]}-{started}"


def facts_of(result: RunResult, job: Job, now: datetime) -> JobFacts:
    summary = result.summary
    problems = [result.stop_reason] if result.stop_reason else []
    problems += [f"{n} x {text}" for text, n in summary.common_errors]
    problems += [f"{n} x {text}" for text, n in summary.common_codes]
    sent = result.sent
    rate = format_rate(sent.achieved_rate) if sent is not None and sent.achieved_rate else None
    link = link_of(job.source)
    return JobFacts(result.sheet.source if link else job.source.label, dict(summary.by_result), result.exit_code,
                    max(0.0, (now - job.started).total_seconds()), str(result.report_path) if result.report_path
                    else None, rate, problems, result.job_id, link)


def link_of(source: Any) -> str | None:
    """A Base table's or a Sheets sheet's link, as the run was given it (sources/links.py); None for a file."""
    if isinstance(source, Loaded):  # a source with its rows already read
        source = source.source
    text = getattr(getattr(source, "link", None), "text", None)
    return text if isinstance(text, str) and text else None


def notify_run(result: RunResult, job: Job, on_warning: Callable[[str], None] | None,
               now: Callable[[], datetime]) -> list[Sent]:
    """Send the run's card to `job.options.notify`; warnings for those that failed."""
    if job.send is not None and not job.send.endpoint.from_env:
        warn(tr("{option}: a run against the in-process sandbox notifies nobody (it is gone when the run ends)",
                option=option("notify")), on_warning)
        return []
    targets = parse_notify(job.options.notify)
    card = job_card(facts_of(result, job, now()), language())  # the language the job ran in
    try:
        base_url = api_origin(job.options.base_url, job.env)
        sent = asyncio.run(send_card(targets, card, message_uuid(result, job), job.env, base_url))
    except Exception as e:  # noqa: BLE001 (a notification never changes how the run ended)
        sent = [Sent(t, False, f"{type(e).__name__}: {e}") for t in targets]
    for item in sent:
        if item.ok:
            event("notified", f"notified {item.target.label}", target=item.target.label)
        else:
            event("notify_failed", f"notifying {item.target.label} failed: {item.why}",  # i18n: en (the log's)
                  level=logging.WARNING,
                  target=item.target.label)
            warn(tr("notifying {target} failed: {why} (the run's exit code and report are unchanged)",
                    target=item.target.label, why=item.why), on_warning)
    return sent
