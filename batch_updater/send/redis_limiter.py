"""The shared budget on a Redis server (`--limiter redis://[:password@]host:port/db`, or `rediss://`),
for processes on several machines: the same `SlotStore` as the state folder's (send/slots.py),
each operation one short Lua script run atomically on the server, on the **server's clock**
(`TIME`): the machines' clocks never enter the schedule.

Why a Lua script of our own rather than throttled-py (which also keeps a GCRA in Redis, on the
server's clock): the schedule here must also hold the pause every process waits out after a
throttle answer, the rate `--rate auto` found, and reserve slots ahead (one round trip per slot,
or per 20 ms of slots at high rates); throttled-py answers "allowed / retry after" per call and
keeps none of those, so a process would poll, and the pause and the rate would need their own
keys and round trips besides. The scripts are a few lines each; bench/README.md gives their cost.

redis-py is imported only here, and only when a Redis limiter is asked for (an optional
dependency: `pip install 'batch-updater[redis]'`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from string import Template
from typing import Any
from urllib.parse import urlsplit

from batch_updater.errors import UsageError
from batch_updater.i18n import tr
from batch_updater.naming import option
from batch_updater.send.slots import ACTIVE, BUCKET, FAR, HORIZON, MAX_LATE, STALE, Grant, Shared

TTL_MS = int(STALE * 1000) * 5  # keys of a budget nobody uses expire


def _lua(text: str) -> str:
    """A script with the limits' values written in ($stale, $far, ...)."""
    return Template(text).substitute(stale=STALE, far=FAR, max_late=MAX_LATE, ttl=TTL_MS, horizon=HORIZON,
                                     bucket=BUCKET, active=ACTIVE)

# KEYS[1] the budget's hash, KEYS[2] its takers (a sorted set). ARGV: n, interval, writer. Returns now, due,
# paused_until, version, the other takers of the last ACTIVE seconds (as text: Redis turns a Lua number into
# an integer).
# i18n: en (a Lua script, not a message)
_TAKE = _lua("""
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local s = redis.call('HMGET', KEYS[1], 'tat', 'paused_until', 'touched', 'version')
local touched = tonumber(s[3])
if touched == nil or touched < now - $stale or touched > now + $far then
  redis.call('DEL', KEYS[1])
  s = {false, false, false, false}
end
local function num(v) local x = tonumber(v); if x == nil or x > now + $far then return -1e300 end; return x end
local tat, paused = num(s[1]), num(s[2])
local due = math.max(tat, paused, now - $max_late)
redis.call('HSET', KEYS[1], 'tat', string.format('%.6f', due + tonumber(ARGV[1]) * tonumber(ARGV[2])),
           'touched', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], $ttl)
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - $active)
redis.call('PEXPIRE', KEYS[2], $ttl)
local others = redis.call('ZCARD', KEYS[2]) - 1
return {string.format('%.6f', now), string.format('%.6f', due), string.format('%.6f', paused), s[4] or '0',
        tostring(others)}
""")

# KEYS[1]. Returns now, paused_until, version, writer, decision (JSON or '').
# i18n: en (a Lua script, not a message)
_SHARED = _lua("""
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local s = redis.call('HMGET', KEYS[1], 'paused_until', 'version', 'writer', 'decision', 'touched')
local touched = tonumber(s[5])
if touched == nil or touched < now - $stale then return {string.format('%.6f', now), '-1e300', '0', '', ''} end
return {string.format('%.6f', now), s[1] or '-1e300', s[2] or '0', s[3] or '', s[4] or ''}
""")

# KEYS[1]. ARGV: writer, decision JSON. Returns the new version.
# i18n: en (a Lua script, not a message)
_DECIDE = _lua("""
local t = redis.call('TIME')
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'writer', ARGV[1], 'decision', ARGV[2],
           'touched', string.format('%.6f', tonumber(t[1]) + tonumber(t[2]) / 1000000))
redis.call('PEXPIRE', KEYS[1], $ttl)
return v
""")

# KEYS[1]. ARGV: writer, sent_at, until, decision JSON or ''. Returns 1 (the pause is news) or 0 (the
# request was sent before the last pause began, or during it).
# i18n: en (a Lua script, not a message)
_PAUSE = _lua("""
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local began = tonumber(redis.call('HGET', KEYS[1], 'pause_began') or '-1e300')
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '-1e300')
if paused > now + $far then paused = -1e300 end
if tonumber(ARGV[2]) < math.max(began, paused) then return 0 end
local untl = math.min(tonumber(ARGV[3]), now + $far)
redis.call('HSET', KEYS[1], 'pause_began', string.format('%.6f', now),
           'paused_until', string.format('%.6f', math.max(paused, untl)), 'touched', string.format('%.6f', now))
if ARGV[4] ~= '' then
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('HSET', KEYS[1], 'writer', ARGV[1], 'decision', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], $ttl)
return 1
""")

# KEYS[1]. ARGV: at_least. The schedule's next slot no earlier than that.
# i18n: en (a Lua script, not a message)
_PUSH = _lua("""
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '-1e300')
if tonumber(ARGV[1]) > tat then redis.call('HSET', KEYS[1], 'tat', ARGV[1]) end
return 1
""")

# KEYS[1] the departures' list (newest first). ARGV: count, seconds, late. Returns the wait (text), '0' when recorded.
# i18n: en (a Lua script, not a message)
_DEPART = _lua("""
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local n = tonumber(ARGV[1])
local k = redis.call('LINDEX', KEYS[1], n - 1)
if k then
  local due = tonumber(k) + tonumber(ARGV[2])
  if due > now and due < now + $far then return string.format('%.6f', due - now) end
end
redis.call('LPUSH', KEYS[1], string.format('%.6f', now + tonumber(ARGV[3])))
redis.call('LTRIM', KEYS[1], 0, n - 1)
redis.call('PEXPIRE', KEYS[1], $ttl)
return '0'
""")

# KEYS[1] the counts' hash. ARGV: bucket, n, bucket, n... Returns every bucket and its count.
# i18n: en (a Lua script, not a message)
_COUNT = _lua("""
local t = redis.call('TIME')
local oldest = math.floor((tonumber(t[1]) + tonumber(t[2]) / 1000000 - $horizon) / $bucket)
for i = 1, #ARGV, 2 do
  if tonumber(ARGV[i]) >= oldest then redis.call('HINCRBY', KEYS[1], ARGV[i], tonumber(ARGV[i + 1])) end
end
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  if tonumber(all[i]) < oldest then redis.call('HDEL', KEYS[1], all[i])
  else out[#out + 1] = all[i]; out[#out + 1] = all[i + 1] end
end
redis.call('PEXPIRE', KEYS[1], $ttl)
return out
""")


def redis_label(url: str) -> str:
    """The URL as messages show it: never its password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path or ''}"


def redis_client(url: str) -> Any:
    """An asyncio Redis client for `url` (a UsageError, exit 2, when redis-py is missing)."""
    try:
        import redis.asyncio as aioredis
    except ImportError:
        raise UsageError(tr("{option} redis://... needs the redis package: pip install 'batch-updater[redis]'",
                            option=option("limiter")),
                         option="limiter", value=redis_label(url)) from None
    return aioredis.from_url(url, socket_connect_timeout=5, socket_timeout=10, health_check_interval=30)


class RedisSlots:
    """A SlotStore in the hash `<prefix>` (and `<prefix>:counts`) of a Redis server."""

    def __init__(self, client: Any, prefix: str, label: str, *, owns_client: bool = True) -> None:
        self.client = client
        self.key, self.counts_key, self.departed_key = prefix, f"{prefix}:counts", f"{prefix}:departed"
        self.takers_key = f"{prefix}:takers"
        self.label = label
        self._owns = owns_client
        self._take = client.register_script(_TAKE)
        self._shared = client.register_script(_SHARED)
        self._decide = client.register_script(_DECIDE)
        self._pause = client.register_script(_PAUSE)
        self._count = client.register_script(_COUNT)
        self._depart = client.register_script(_DEPART)
        self._push = client.register_script(_PUSH)

    async def take(self, n: int, interval: float, writer: str = "") -> Grant:
        now, due, paused, version, others = await self._take(keys=[self.key, self.takers_key],
                                                             args=[n, repr(interval), writer])
        return Grant(float(now), float(due), float(paused), int(version), int(others))

    async def shared(self) -> Shared:
        now, paused, version, writer, decision = await self._shared(keys=[self.key])
        parsed = json.loads(decision) if decision else None
        return Shared(float(now), float(paused), int(version), _text(writer),
                      parsed if isinstance(parsed, dict) else None)

    async def decide(self, writer: str, decision: Mapping[str, Any]) -> int:
        return int(await self._decide(keys=[self.key], args=[writer, json.dumps(dict(decision))]))

    async def pause(self, writer: str, sent_at: float, until: float, decision: Mapping[str, Any] | None) -> bool:
        news = await self._pause(keys=[self.key], args=[
            writer, repr(sent_at), repr(until), json.dumps(dict(decision)) if decision is not None else ""])
        return bool(int(news))

    async def depart(self, count: int, seconds: float, late: float = 0.0) -> float:
        return float(await self._depart(keys=[self.departed_key], args=[count, repr(seconds), repr(late)]))

    async def count(self, deltas: Mapping[int, int]) -> dict[int, int]:
        args: list[int] = []
        for bucket, n in deltas.items():
            args += [bucket, n]
        flat = await self._count(keys=[self.counts_key], args=args)
        return {int(flat[i]): int(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def push(self, at_least: float) -> None:
        await self._push(keys=[self.key], args=[repr(at_least)])

    async def leave(self, writer: str) -> None:
        await self.client.zrem(self.takers_key, writer)

    async def close(self) -> None:
        if self._owns:
            await self.client.aclose()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
