"""``state validate``, run as the installed CLI: offline (no request at all), and
a real proxy's ``models export`` is a valid state file."""

import json
import pathlib
import socket
import threading

from tests.functional.conftest import closed_port, run_cli

ROOT = pathlib.Path(__file__).resolve().parents[2]
STATE = """\
owner: platform
budgets: [{budget_id: free, max_budget: 10}]
teams:
  - team_id: team-a
    members: [{user_id: alice, role: admin}]
users: [{user_id: alice}]
keys: [{key_alias: ci, team_id: team-a, budget_id: free}]
general_settings: {master_key: os.environ/LITELLM_MASTER_KEY}
"""


class Listener:
    """A TCP port that counts the connections made to it (and answers none)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.accepted, self.stopped = 0, False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self):
        self.stopped = True
        self.thread.join()
        self.sock.close()


def test_validate_sends_nothing_and_needs_no_proxy(tmp_path):
    path = tmp_path / "state.yaml"
    path.write_text(STATE)
    res = run_cli(["state", "validate", str(path)], f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 0, res
    assert res.out == ""
    assert "valid: 4 objects in 4 kinds" in res.err
    listener = Listener()
    try:
        res = run_cli(["--debug", "state", "validate", str(path)], listener.url,
                      key="sk-not-needed")
    finally:
        listener.close()
    assert res.rc == 0, res
    assert listener.accepted == 0


def test_validate_reports_typos_and_duplicates_offline_and_exits_2(tmp_path):
    path = tmp_path / "state.yaml"
    path.write_text(STATE + "customers:\n  - {user_id: c1, max_budjet: 5}\n"
                            "  - {user_id: c1}\n")
    res = run_cli(["state", "validate", str(path), "-f", "json"],
                  f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 2, res
    rows = res.json()
    assert {(r["level"], r["object"], r["field"]) for r in rows} == {
        ("error", "c1", "max_budjet"), ("error", "c1", "user_id")}
    assert len(res.err.strip().splitlines()) == 2  # the settings note, the error line
    assert "Traceback" not in res.err


def test_validate_reads_stdin_and_knows_the_sandbox_config():
    config = (ROOT / "tools" / "sandbox-config.yaml").read_text()
    res = run_cli(["state", "validate", "-"], f"http://127.0.0.1:{closed_port()}",
                  input=config)
    assert res.rc == 0, res
    assert "valid: 2 objects in 1 kind" in res.err


def test_a_real_models_export_is_a_valid_state_file(cli, tmp_path):
    exported = tmp_path / "export.yaml"
    res = cli("models", "export", "-o", str(exported))
    assert res.rc == 0, res
    res = run_cli(["state", "validate", str(exported), "-f", "json"],
                  f"http://127.0.0.1:{closed_port()}")
    assert res.rc == 0, res
    assert json.loads(res.out or "[]") == []
