"""Seeded dice for the faults of `config.Faults`: one `random.Random(seed)` stream,
drawn only when a fault is switched on, so a run with the same seed, config and
request order replays the same faults."""

from __future__ import annotations

import random

from batch_updater.sandbox.config import Faults

BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class FaultDice:
    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}-faults")
        self.burst_left = 0  # the next N PUTs are throttled whatever the windows say
        self.quota_used = 0

    def latency_s(self, faults: Faults) -> float:
        if faults.latency_max_ms is not None and faults.latency_max_ms > faults.latency_ms:
            return self._rng.uniform(faults.latency_ms, faults.latency_max_ms) / 1000
        return faults.latency_ms / 1000

    def hit(self, rate: float) -> bool:
        return rate > 0 and self._rng.random() < rate

    def take_burst(self) -> bool:
        if self.burst_left <= 0:
            return False
        self.burst_left -= 1
        return True

    def spend_quota(self, faults: Faults) -> bool:
        """Count one authenticated call; False once the monthly quota is used up."""
        if faults.monthly_quota is not None and self.quota_used >= faults.monthly_quota:
            return False
        self.quota_used += 1
        return True
