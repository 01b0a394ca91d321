from types import ModuleType

import batch_updater


def test_all_is_exactly_the_public_names_and_sorted():
    """As httpx's test_exported_members: a name added to the package without __all__ (or the
    other way round) fails here."""
    public = {name for name, value in vars(batch_updater).items()
              if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"}
    assert set(batch_updater.__all__) == public
    assert batch_updater.__all__ == sorted(batch_updater.__all__)
    assert {"run_job", "run_config", "RunOptions", "RunResult", "run_frame", "plan_frame"} <= public
