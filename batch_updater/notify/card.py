"""The card a finished job sends (pure): in the job's language, its input, counts by result, the
rate it held, how long it took, its exit code, where its report is, and its first problems. It is
built from plain values only, never from the environment: no token can reach it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

RESULTS = ("ok", "skipped", "invalid", "failed", "unknown", "not_attempted", "valid")
_WORDS = {
    "en": {"done": "Job done", "problems_title": "Job done, with problems", "stopped": "Job stopped",
           "input": "Input", "results": "Results", "rate": "Rate held", "duration": "Duration",
           "exit": "Exit code", "report": "Report", "link": "Source", "problems": "First problems",
           "none": "not written", "job": "Job", "s": "s",
           "ok": "ok", "skipped": "skipped", "invalid": "invalid", "failed": "failed", "unknown": "unknown",
           "not_attempted": "not attempted", "valid": "valid"},
    "zh": {"done": "任务完成", "problems_title": "任务完成（有问题）", "stopped": "任务已停止",
           "input": "输入", "results": "结果", "rate": "保持速率", "duration": "用时",
           "exit": "退出码", "report": "报告", "link": "来源", "problems": "前几个问题",
           "none": "未写入", "job": "任务", "s": "秒",
           "ok": "成功", "skipped": "跳过", "invalid": "无效", "failed": "失败", "unknown": "未知",
           "not_attempted": "未发送", "valid": "有效"},
}


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
    """"zh" when the job's own words (its columns, its input's name) are Chinese, else "en"."""
    return "zh" if any(_CJK.search(text) for text in texts) else "en"


def job_card(facts: JobFacts, lang: str = "en") -> dict[str, Any]:
    """A card (schema 2.0) for im/v1/messages' `interactive` content or a custom bot's `card`."""
    w = _WORDS.get(lang, _WORDS["en"])
    stopped = facts.exit_code not in (0, 1)
    title = w["stopped"] if stopped else w["done"] if facts.exit_code == 0 else w["problems_title"]
    counts = ", ".join(f"{w.get(k, k)} {facts.counts[k]}" for k in sorted(
        facts.counts, key=lambda k: RESULTS.index(k) if k in RESULTS else len(RESULTS)) if facts.counts[k])
    lines = [f"**{w['input']}**: {facts.input}", f"**{w['results']}**: {counts or '-'}"]
    if facts.rate:
        lines.append(f"**{w['rate']}**: {facts.rate}")
    lines += [f"**{w['duration']}**: {facts.duration_s:.0f} {w['s']}", f"**{w['exit']}**: {facts.exit_code}",
              f"**{w['report']}**: {facts.report or w['none']}"]
    if facts.link:
        lines.append(f"**{w['link']}**: {facts.link}")
    if facts.job:
        lines.append(f"**{w['job']}**: {facts.job}")
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": "\n".join(lines)}]
    if facts.problems:
        shown = "\n".join(f"- {_short(p)}" for p in facts.problems[:5])
        elements.append({"tag": "markdown", "content": f"**{w['problems']}**\n{shown}"})
    return {"schema": "2.0", "header": {"title": {"tag": "plain_text", "content": title},
                                        "template": "red" if stopped else "green" if facts.exit_code == 0
                                        else "orange"},
            "body": {"elements": elements}}


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
