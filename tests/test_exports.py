import batch_updater


def test_public_names_are_exported_and_sorted():
    assert batch_updater.__all__ == sorted(batch_updater.__all__)
    for name in batch_updater.__all__:
        assert getattr(batch_updater, name) is not None
    assert {"run_job", "run_config", "RunOptions", "RunResult"} <= set(batch_updater.__all__)
