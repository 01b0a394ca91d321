"""Issue 18, item 18: the learned rate, end to end through `send_on` against the sandbox (virtual
time). A throttle just after the API stalled teaches nothing, a learned rate is a start that
climbs again while answers are clean, and "found" means this run met the throttle."""

from __future__ import annotations

import asyncio
import json

import pytest

from batch_updater.feishu.credentials import Credentials
from batch_updater.sandbox import Sandbox, SandboxConfig
from batch_updater.send.pacing import parse_rate
from batch_updater.send.pool import SendOptions
from batch_updater.send.session import SendSettings, _learned_key, open_endpoint, send_on
from tests.support.send_harness import updates
from tests.support.virtual_time import run_virtual

LIMIT = 30


def _env(sb: Sandbox, tmp_path) -> dict[str, str]:
    """The sandbox's credentials as a real API's (so the learned rate is kept), no token refresh."""
    keep = ("FEISHU_BASE_URL", "FEISHU_USER_ACCESS_TOKEN", "FEISHU_HELPDESK_ID", "FEISHU_HELPDESK_TOKEN")
    return {name: sb.credentials[name] for name in keep} | {"BATCH_UPDATER_STATE_DIR": str(tmp_path)}


async def _send(sb: Sandbox, rows: int, tmp_path, on_progress=None):
    settings = SendSettings(parse_rate("auto"), SendOptions(concurrency=8), state_dir=tmp_path)
    env = _env(sb, tmp_path)
    async with open_endpoint(settings, env) as endpoint:
        return await send_on(endpoint, updates(sb, rows), settings, env, on_progress=on_progress)


def _key(sb: Sandbox) -> str:
    return _learned_key(sb.base_url, Credentials.from_env(sb.credentials))


def _saved(sb: Sandbox, tmp_path) -> float | None:
    path = tmp_path / "pacing.json"
    return json.loads(path.read_text()).get(_key(sb)) if path.exists() else None


def _sandbox() -> Sandbox:
    return Sandbox(SandboxConfig(rates=[(LIMIT, 1.0)], n_tickets=60, clock=asyncio.get_running_loop().time))


def test_a_stall_then_a_throttle_does_not_poison_the_learned_rate(tmp_path):
    """A 30/s run: the API hangs 12 s with the run's 8 requests in flight, and when it wakes it
    counts them with the next ones, so an early request after the hang is throttled (the sandbox
    is told to). Before, the 4 or so requests counted before it were taken for the limit: the run
    went on at about 5/s and saved that as "the API's limit, found"."""
    async def main():
        loop = asyncio.get_running_loop()
        async with _sandbox() as sb:
            hung: list[float] = []

            def on_progress(progress):
                if progress.done >= 500 and not hung:  # well after the limit was found
                    hung.append(loop.time())
                    sb.set_faults(latency_ms=12000)
                    loop.call_later(0.5, lambda: sb.set_faults(latency_ms=0))
                    loop.call_later(12.15, lambda: sb.throttle_next(1))  # the API wakes with a full window

            report = await _send(sb, 1200, tmp_path, on_progress)
            assert {o.result.value for o in report.outcomes.values()} == {"ok"}
            assert hung and report.throttles >= 2
            assert report.limit_found and report.final_rate >= 0.85 * LIMIT
            assert _saved(sb, tmp_path) >= 0.85 * LIMIT
            after = [t for t in report.stats.accepted_times if t > hung[0] + 20]
            assert len(after) / (report.stats.finished - hung[0] - 20) >= 0.85 * LIMIT

    run_virtual(main())


def test_a_healthy_run_climbs_from_a_poisoned_learned_rate_and_saves_the_real_one(tmp_path):
    """pacing.json says 4/s (what the stall left before the fix); the API takes 30/s. Before, the
    run held 4/s for 900 rows (about 215 s) and said "4.0/s (the API's limit, found)" again."""
    async def main():
        async with _sandbox() as sb:
            (tmp_path / "pacing.json").write_text(json.dumps({_key(sb): 4.0}))
            report = await _send(sb, 900, tmp_path)
            assert report.start_rate == 4.0
            assert report.elapsed < 60
            assert report.throttles >= 1 and report.limit_found
            assert _saved(sb, tmp_path) == pytest.approx(report.final_rate, abs=0.001)
            assert report.final_rate >= 0.85 * LIMIT

    run_virtual(main())


def test_a_run_that_meets_no_throttle_found_nothing_and_saves_nothing(tmp_path):
    """A short run from a learned 10/s against a 30/s API climbs a little and meets no throttle:
    it found no limit (before, it said "found" for any learned start) and leaves the file alone."""
    async def main():
        async with _sandbox() as sb:
            (tmp_path / "pacing.json").write_text(json.dumps({_key(sb): 10.0}))
            report = await _send(sb, 60, tmp_path)
            assert report.throttles == 0
            assert not report.limit_found
            assert _saved(sb, tmp_path) == 10.0

    run_virtual(main())
