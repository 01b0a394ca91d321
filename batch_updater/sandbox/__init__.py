"""A local emulator of the Feishu helpdesk ticket API, for tests, benchmarks and the demo.

    from batch_updater.sandbox import Sandbox, SandboxConfig
    async with Sandbox(SandboxConfig(rates=[(20, 1.0)])) as sb:
        ...  # sb.base_url, sb.credentials, sb.stats(), sb.set_faults(...)
"""

from batch_updater.sandbox.config import Faults, ManualClock, Rate, SandboxConfig, parse_window
from batch_updater.sandbox.server import Sandbox

__all__ = ["Faults", "ManualClock", "Rate", "Sandbox", "SandboxConfig", "parse_window"]
