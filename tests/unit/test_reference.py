"""doc/commands.md is generated from the commands; it must match them."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_command_reference_is_up_to_date():
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_reference.py"), "--check"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr + "\nrun: python tools/gen_reference.py"
