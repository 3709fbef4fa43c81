"""tools/proxy_sandbox.py without a proxy: its command line, its one-line errors, and the
helper that stops a process tree by pid."""

import importlib.util
import pathlib
import subprocess
import sys
import time

import pytest

TOOL = pathlib.Path(__file__).resolve().parents[2] / "tools" / "proxy_sandbox.py"
spec = importlib.util.spec_from_file_location("proxy_sandbox", TOOL)
proxy_sandbox = importlib.util.module_from_spec(spec)
spec.loader.exec_module(proxy_sandbox)


def sandbox(tmp_path, *args, **env):
    completed = subprocess.run([sys.executable, str(TOOL), "--dir", str(tmp_path / "sbx"), *args],
                               capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env})
    return completed.returncode, completed.stdout, completed.stderr


@pytest.mark.parametrize("args", [[], ["start", "--name", "Bad Name"], ["start", "--name", "x;rm"],
                                  ["start", "--port", "abc"], ["frobnicate"]])
def test_usage_errors_exit_2(tmp_path, args):
    rc, out, err = sandbox(tmp_path, *args)
    assert (rc, out) == (2, "")
    assert "Traceback" not in err


def test_missing_postgres_is_one_clear_line(tmp_path):
    rc, out, err = sandbox(tmp_path, "setup", PG_BIN=str(tmp_path))
    assert (rc, out) == (1, "")
    assert err.splitlines() == [f"proxy_sandbox: error: PG_BIN={tmp_path} does not hold postgres, "
                                "initdb and pg_ctl"]


def test_nothing_running(tmp_path):
    assert sandbox(tmp_path, "stop") == (0, "", "proxy_sandbox: nothing runs\n")
    rc, out, err = sandbox(tmp_path, "env")
    assert (rc, out) == (1, "")
    assert err == ("proxy_sandbox: error: proxy default is not running; run: proxy_sandbox.py "
                   "start --name default\n")
    rc, out, _ = sandbox(tmp_path, "status")
    assert rc == 3
    assert out == "proxy: not running\npostgresql: not running\n"


def test_kill_tree_stops_the_group_and_a_child_that_left_it():
    # The leader's child starts a session of its own: killing the group alone would miss it.
    proc = subprocess.Popen(["sh", "-c", "setsid sleep 300 & sleep 300"],
                            start_new_session=True)
    deadline = time.monotonic() + 10
    while len(proxy_sandbox.descendants(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    tree = [proc.pid, *proxy_sandbox.descendants(proc.pid)]
    assert len(tree) == 3
    proxy_sandbox.kill_tree(proc.pid, proc)
    assert proc.poll() is not None
    assert not any(proxy_sandbox.alive(pid) for pid in tree[1:])


def test_unusable_folder_is_one_clear_line(tmp_path):
    (tmp_path / "file").write_text("")
    completed = subprocess.run([sys.executable, str(TOOL), "--dir", str(tmp_path / "file" / "sub"),
                                "setup"], capture_output=True, text=True)
    assert (completed.returncode, completed.stdout) == (1, "")
    assert completed.stderr == (f"proxy_sandbox: error: cannot create {tmp_path}/file/sub: "
                                "Not a directory\n")
