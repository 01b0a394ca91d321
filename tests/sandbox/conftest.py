from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from batch_updater.sandbox import Sandbox


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
def ticket_id(sandbox: Sandbox) -> str:
    return next(iter(sandbox.tickets))


