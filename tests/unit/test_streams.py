"""Closed standard streams (<&-, >&-, 2>&-): no traceback, and the exit code
says what happened. Runs the console script on profile commands, which need
no proxy."""

import os
import subprocess
import sys

import pytest

CLI = os.path.join(os.path.dirname(sys.executable), "litellm-proxy")
STREAMS = {"stdin": 0, "stdout": 1, "stderr": 2}
COMBINATIONS = [("stdin",), ("stdout",), ("stderr",), ("stdin", "stdout"),
                ("stdout", "stderr"), ("stdin", "stderr"), ("stdin", "stdout", "stderr")]


def run(args, config, closed):
    fds = [STREAMS[name] for name in closed]

    def close():
        for fd in fds:
            os.close(fd)

    env = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM_")}
    env["LITELLM_CLI_CONFIG"] = str(config)
    done = subprocess.run([CLI, *args], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=60, preexec_fn=close)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@pytest.mark.parametrize("closed", COMBINATIONS, ids="+".join)
def test_a_write_with_closed_streams_succeeds_and_says_so(tmp_path, closed):
    config = tmp_path / "config.yaml"
    code, out, err = run(["profile", "add", "p1", "--url", "http://127.0.0.1:9"], config,
                         closed)
    assert code == 0, (code, out, err)
    assert "base_url: http://127.0.0.1:9" in config.read_text()  # done, as exit 0 says
    assert "Traceback" not in out + err
    # A closed stream is /dev/null for the command: nothing leaks into the file.
    assert "saved profile" not in config.read_text()


@pytest.mark.parametrize("closed", COMBINATIONS, ids="+".join)
def test_a_read_with_closed_streams_exits_0_and_warns_when_output_is_lost(tmp_path, closed):
    config = tmp_path / "config.yaml"
    config.write_text("profiles:\n  p1: {base_url: 'http://127.0.0.1:9'}\n")
    os.chmod(config, 0o600)
    code, out, err = run(["profile", "list", "-f", "value", "-c", "Name"], config, closed)
    assert code == 0, (code, out, err)
    assert out == ("" if "stdout" in closed else "p1\n")
    expected = ("warning: standard output is closed; the output is discarded\n"
                if closed == ("stdout",) or closed == ("stdin", "stdout") else "")
    assert err == expected


@pytest.mark.parametrize("closed", [("stdin",), ("stdin", "stdout")], ids="+".join)
def test_reading_a_closed_stdin_reads_nothing(tmp_path, closed):
    config = tmp_path / "config.yaml"
    code, out, err = run(["profile", "add", "p1", "--url", "http://127.0.0.1:9", "--key", "@-"],
                         config, closed)
    assert code == 2, (code, out, err)
    assert err.splitlines()[-1] == "Error: --key: stdin is empty"
    assert not config.exists()
