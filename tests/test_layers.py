"""The package's shape: stages import downwards only (pyproject.toml's import-linter contract),
no module imports itself round a cycle, every module imports on its own, and a dry run never
loads the sending half (aiohttp)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import batch_updater

ROOT = Path(__file__).parent.parent
MODULES = sorted(m.name for m in pkgutil.walk_packages(batch_updater.__path__, "batch_updater.")
                 if not m.name.endswith("__main__"))  # runs the command line when imported


def test_the_stages_import_downwards_only():
    """In a process of its own: import-linter reconfigures logging (it would silence ours)."""
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                           "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_no_import_cycle():
    graph = grimp.build_graph("batch_updater")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.append((module, *back))
    assert cycles == []


@pytest.mark.parametrize("name", MODULES)
def test_every_module_imports_on_its_own(name):
    """Fresh: none of the package's modules loaded first, so no import order can hide a cycle."""
    saved = {k: v for k, v in sys.modules.items() if k == "batch_updater" or k.startswith("batch_updater.")}
    for key in saved:
        del sys.modules[key]
    try:
        importlib.import_module(name)
    finally:
        for key in [k for k in sys.modules if k == "batch_updater" or k.startswith("batch_updater.")]:
            del sys.modules[key]
        sys.modules.update(saved)


def test_a_dry_run_loads_nothing_of_the_sending_half(tmp_path):
    (tmp_path / "in.csv").write_text("ticket_id,status\n6945345902185807891,closed\n", encoding="utf-8")
    script = ("import sys\nfrom batch_updater.cli import main\n"
              "sys.argv = ['batch-updater', 'run', 'in.csv', '--dry-run', '--report', 'out.csv']\n"
              "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
              "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'aiohttp', 'tenacity', 'yarl'}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
