"""Fewer collections while sending, and everything as it was after."""

import gc

from batch_updater.send.collector import SENDING_THRESHOLD, fewer_collections


def test_fewer_collections_while_sending_and_the_settings_restored_after():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(SENDING_THRESHOLD, before[0]) and gc.get_freeze_count() > 0
        with fewer_collections():  # a send within a send (reading back) shares the setting
            pass
        assert gc.get_threshold()[0] == max(SENDING_THRESHOLD, before[0]) and gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_settings_are_restored_when_sending_raises():
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise RuntimeError("a bug")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
