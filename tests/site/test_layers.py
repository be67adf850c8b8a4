"""The layers contract of ``make check`` (import-linter): the real tree keeps it, and a core module that imports an
app breaks it. Run on a copy of the packages so the working tree is never touched."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("secpa_portal", "structures", "conventions", "dotations", "projections")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def tree(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=lambda directory, names: [
                n for n in names if not n.endswith(".py") and not (Path(directory) / n).is_dir()
            ],
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint(tree):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_the_layers(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("secpa_portal/core/probe.py", "from structures.models import Structure  # noqa"),
        ("structures/probe.py", "from conventions.models import Convention  # noqa"),
        ("conventions/probe.py", "import dotations.engine  # noqa"),
        ("dotations/probe.py", "from projections import projection  # noqa"),
        ("projections/probe.py", "from secpa_portal.site import volume  # noqa"),
    ],
)
def test_an_upward_import_breaks_the_contract(tree, module, bad_import):
    (tree / module).write_text(bad_import + "\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
