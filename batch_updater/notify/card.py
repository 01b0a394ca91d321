"""The card a finished job sends (pure): in the job's language, its input, counts by result, the
rate it held, how long it took, its exit code, where its report is, and its first problems. It is
built from plain values only, never from the environment: no token can reach it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from batch_updater.i18n import LANGUAGES, N_, tr_in
from batch_updater.sheet.blocks import word

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

RESULTS = ("ok", "skipped", "invalid", "failed", "unknown", "not_attempted", "valid")
# The card's words (the catalogue's: i18n/zh.py); a result as a Chinese report names it (sheet/blocks.py)
DONE, WITH_PROBLEMS, STOPPED = N_("Job done"), N_("Job done, with problems"), N_("Job stopped")
INPUT, RESULTS_LABEL, RATE, DURATION = N_("Input"), N_("Results"), N_("Rate held"), N_("Duration")
EXIT, REPORT, LINK, PROBLEMS, JOB = N_("Exit code"), N_("Report"), N_("Source"), N_("First problems"), N_("Job")
NOT_WRITTEN, SECONDS = N_("not written"), N_("{seconds} s")
_EN_RESULTS = {"not_attempted": "not attempted"}


@dataclass(frozen=True)
class JobFacts:
    """What a finished job's card says."""

    input: str
    counts: Mapping[str, int]
    exit_code: int
    duration_s: float
    report: str | None
    rate: str | None = None  # the rate held, in words (format_rate)
    problems: Sequence[str] = field(default_factory=tuple)  # the first ones, already in words
    job: str = ""
    link: str | None = None  # a Base / Sheets source's link


def language(texts: Sequence[str]) -> str:
    """"zh" when the job's own words (its columns, its input's name) are Chinese, else "en": a guess
    for a caller with no language of its own (a run's card speaks the language it ran in)."""
    return "zh" if any(_CJK.search(text) for text in texts) else "en"


def job_card(facts: JobFacts, lang: str = "en") -> dict[str, Any]:
    """A card (schema 2.0) for im/v1/messages' `interactive` content or a custom bot's `card`."""
    lang = lang if lang in LANGUAGES else "en"

    def w(english: str, **facts: object) -> str:
        return tr_in(lang, english, **facts)

    stopped = facts.exit_code not in (0, 1)
    title = w(STOPPED) if stopped else w(DONE) if facts.exit_code == 0 else w(WITH_PROBLEMS)
    counts = w(", ").join(f"{_result(k, lang)} {facts.counts[k]}" for k in sorted(
        facts.counts, key=lambda k: RESULTS.index(k) if k in RESULTS else len(RESULTS)) if facts.counts[k])
    lines = [f"**{w(INPUT)}**: {facts.input}", f"**{w(RESULTS_LABEL)}**: {counts or '-'}"]
    if facts.rate:
        lines.append(f"**{w(RATE)}**: {facts.rate}")
    lines += [f"**{w(DURATION)}**: {w(SECONDS, seconds=f'{facts.duration_s:.0f}')}",
              f"**{w(EXIT)}**: {facts.exit_code}", f"**{w(REPORT)}**: {facts.report or w(NOT_WRITTEN)}"]
    if facts.link:
        lines.append(f"**{w(LINK)}**: {facts.link}")
    if facts.job:
        lines.append(f"**{w(JOB)}**: {facts.job}")
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": "\n".join(lines)}]
    if facts.problems:
        shown = "\n".join(f"- {_short(p)}" for p in facts.problems[:5])
        elements.append({"tag": "markdown", "content": f"**{w(PROBLEMS)}**\n{shown}"})
    return {"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": title},
                                        "template": "red" if stopped else "green" if facts.exit_code == 0
                                        else "orange"},
            "body": {"elements": elements}}


def _result(name: str, lang: str) -> str:
    return _EN_RESULTS.get(name, name) if lang == "en" else word(name, lang)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
