"""Static check of the whole repository: no unused imports or variables, no
undefined names, no import shadowed by a local (pyflakes, a test extra)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECKED = ("litellm_cli", "tests", "tools", "benchmarks", "examples", "setup.py")


def test_pyflakes_reports_nothing():
    done = subprocess.run([sys.executable, "-m", "pyflakes", *CHECKED], cwd=ROOT,
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_check_can_fail(tmp_path):
    (tmp_path / "bad.py").write_text("import os\n\nprint(undefined_name)\n")
    done = subprocess.run([sys.executable, "-m", "pyflakes", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "'os' imported but unused" in done.stdout and "undefined name" in done.stdout
