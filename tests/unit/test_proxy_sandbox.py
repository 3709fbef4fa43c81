"""tools/proxy_sandbox.py without a proxy: its command line, its one-line errors, the helper
that stops a process tree by pid, its private folder and files, its SQL, its ports and its
releases."""

import http.server
import importlib.util
import json
import os
import pathlib
import socket
import stat
import subprocess
import sys
import threading
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


# ---------------------------------------------------------------- the private folder
def test_default_folder_is_one_per_user(monkeypatch):
    monkeypatch.delenv("LITELLM_CLI_SANDBOX", raising=False)
    assert proxy_sandbox.parse_args(["status"]).dir == f"/tmp/litellm-cli-sandbox-{os.geteuid()}"


def test_new_folder_is_private(tmp_path):
    sandbox(tmp_path, "setup", PG_BIN=str(tmp_path))  # fails later: no PostgreSQL there
    mode = stat.S_IMODE((tmp_path / "sbx").stat().st_mode)
    assert mode == (0o711 if os.geteuid() == 0 else 0o700)


def test_existing_folder_of_ours_is_made_private(tmp_path):
    (tmp_path / "sbx").mkdir(mode=0o755)
    (tmp_path / "sbx").chmod(0o755)
    assert sandbox(tmp_path, "status")[0] == 3
    assert stat.S_IMODE((tmp_path / "sbx").stat().st_mode) & 0o066 == 0


def test_folder_of_another_user_is_refused(tmp_path, monkeypatch):
    (tmp_path / "sbx").mkdir()
    monkeypatch.setattr(proxy_sandbox.os, "geteuid", lambda: os.getuid() + 1)
    with pytest.raises(proxy_sandbox.Error, match=r"belongs to uid \d+, not to you"):
        proxy_sandbox.private_dir(tmp_path / "sbx")


@pytest.mark.parametrize("command", ["setup", "start", "status", "stop", "env"])
def test_folder_others_can_write_is_refused(tmp_path, command):
    (tmp_path / "sbx").mkdir()
    (tmp_path / "sbx").chmod(0o777)
    rc, out, err = sandbox(tmp_path, command)
    assert (rc, out) == (1, "")
    assert err == (f"proxy_sandbox: error: refusing {tmp_path}/sbx: others can write to it (mode "
                   "0777); pick another --dir\n")
    assert not (tmp_path / "sbx" / ".lock").exists()


def test_symlinked_folder_is_refused(tmp_path):
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "sbx").symlink_to(tmp_path / "real")
    rc, out, err = sandbox(tmp_path, "setup")
    assert (rc, out) == (1, "")
    assert err == (f"proxy_sandbox: error: refusing {tmp_path}/sbx: it is a symbolic link (pick "
                   "another --dir)\n")
    assert list((tmp_path / "real").iterdir()) == []


def test_folder_in_a_parent_others_can_change_is_refused(tmp_path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared").chmod(0o777)  # not sticky, unlike /tmp: anyone could swap sbx
    with pytest.raises(proxy_sandbox.Error, match=r"its parent .*/shared can be changed by others"):
        proxy_sandbox.private_dir(tmp_path / "shared" / "sbx")


# ---------------------------------------------------------------- files
def test_lock_file_that_is_a_symlink_is_not_followed(tmp_path):
    (tmp_path / "sbx").mkdir(mode=0o700)
    (tmp_path / "sbx" / ".lock").symlink_to(tmp_path / "victim")
    rc, out, err = sandbox(tmp_path, "setup")
    assert (rc, out) == (1, "")
    assert len(err.splitlines()) == 1 and "Too many levels of symbolic links" in err
    assert not (tmp_path / "victim").exists()


def test_state_written_over_a_symlink_replaces_the_link_not_its_target(tmp_path):
    (tmp_path / "victim").write_text("precious")
    (tmp_path / "state").symlink_to(tmp_path / "victim")
    proxy_sandbox.write_private(tmp_path / "state", "new")
    assert (tmp_path / "victim").read_text() == "precious"
    assert not (tmp_path / "state").is_symlink()
    assert (tmp_path / "state").read_text() == "new"
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state", "victim"]


def test_logs_and_reads_refuse_a_symlink(tmp_path):
    (tmp_path / "victim").write_text("precious")
    (tmp_path / "log").symlink_to(tmp_path / "victim")
    with pytest.raises(OSError):
        proxy_sandbox.append_private(tmp_path / "log")
    with pytest.raises(OSError):
        proxy_sandbox.read_private(tmp_path / "log")
    assert (tmp_path / "victim").read_text() == "precious"


# ---------------------------------------------------------------- SQL and PostgreSQL
def test_sql_names_and_values_are_quoted():
    assert proxy_sandbox.quote_ident('a"; DROP DATABASE x; --') == '"a""; DROP DATABASE x; --"'
    assert proxy_sandbox.quote_literal("it's") == "'it''s'"
    assert proxy_sandbox.template_name("1.80.17") == "litellm_template_1_80_17"


def fake_sandbox(tmp_path, monkeypatch):
    """A Sandbox whose SQL and setup steps are recorded instead of run."""
    sbx = proxy_sandbox.Sandbox(tmp_path)
    sbx.pg_bin = tmp_path / "bin"
    done = []
    monkeypatch.setattr(sbx, "sql", lambda what, database, *statements, script=None:
                        done.append((database, *statements)))
    monkeypatch.setattr(sbx, "pg_pid", lambda: None)
    return sbx, done


def test_stop_drops_the_database_of_the_name_never_one_read_from_a_state_file(tmp_path, monkeypatch):
    sbx, done = fake_sandbox(tmp_path, monkeypatch)
    monkeypatch.setattr(sbx, "pg_pid", lambda: 4242)  # PostgreSQL runs
    sbx.run_dir.mkdir()
    hostile = {"pid": 1, "port": 1, "version": "1.108.7", "url": "x",
               "database": "postgres; DROP DATABASE postgres"}
    (sbx.run_dir / "default.json").write_text(json.dumps(hostile))
    (sbx.run_dir / "x;rm -rf ~.json").write_text(json.dumps(hostile))
    sbx.stop_locked([])
    assert done == [("postgres", 'DROP DATABASE IF EXISTS "litellm_default" WITH (FORCE)')]


def test_cluster_is_made_with_a_password_not_trust(tmp_path, monkeypatch):
    sbx, _ = fake_sandbox(tmp_path, monkeypatch)
    monkeypatch.setattr(proxy_sandbox, "is_root", lambda: False)
    steps = []

    def step(what, cmd, env=None, cwd=None):
        pwfile = [a.split("=", 1)[1] for a in cmd if a.startswith("--pwfile=")]
        steps.append((cmd, pathlib.Path(pwfile[0]).read_text() if pwfile else None))
        (sbx.pgdata).mkdir()
        (sbx.pgdata / "PG_VERSION").write_text("15")

    monkeypatch.setattr(sbx, "step", step)
    sbx.ensure_cluster()
    [(cmd, given)] = steps
    password = sbx.password_file.read_text()
    assert "--auth=scram-sha-256" in cmd and not any("trust" in arg for arg in cmd)
    assert given == password and len(password.strip()) >= 32
    assert stat.S_IMODE(sbx.password_file.stat().st_mode) == 0o600
    assert not (sbx.pg / "initdb-password").exists()
    sbx.ensure_cluster()  # made already: nothing to do
    assert len(steps) == 1


def test_cluster_without_a_password_is_made_again(tmp_path, monkeypatch):
    sbx, _ = fake_sandbox(tmp_path, monkeypatch)
    monkeypatch.setattr(proxy_sandbox, "is_root", lambda: False)
    sbx.pgdata.mkdir(parents=True)
    (sbx.pgdata / "PG_VERSION").write_text("15")  # an older sandbox's cluster: trust
    (tmp_path / "template-1.108.7.stamp").write_text("made in the trusting cluster")
    made = []
    monkeypatch.setattr(sbx, "step", lambda what, cmd, **kw: made.append(cmd))
    sbx.ensure_cluster()
    assert len(made) == 1 and made[0][0].endswith("initdb")
    assert not (sbx.pgdata / "PG_VERSION").exists()
    assert not (tmp_path / "template-1.108.7.stamp").exists()


# ---------------------------------------------------------------- ports
def test_port_of_a_proxy_still_starting_is_not_drawn_again(tmp_path, monkeypatch):
    sbx = proxy_sandbox.Sandbox(tmp_path)
    monkeypatch.setattr(sbx, "running", lambda: {"a": {"port": 40001}})
    drawn = iter([40001, 40002])
    monkeypatch.setattr(proxy_sandbox, "free_port", lambda: next(drawn))
    assert sbx.pick_port(0) == 40002
    with pytest.raises(proxy_sandbox.Error, match="40001 is already in use"):
        sbx.pick_port(40001)


def test_port_a_program_listens_on_is_refused(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not proxy_sandbox.can_bind(port)
        with pytest.raises(proxy_sandbox.Error, match=f"{port} is already in use"):
            proxy_sandbox.Sandbox(tmp_path).pick_port(port)


@pytest.fixture
def ready_server():
    """A server on 127.0.0.1 that says it is a ready proxy (it is this test process)."""
    class Ready(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"status": "healthy", "db": "connected"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_proxy_answering_from_another_process_is_not_taken_for_ours(tmp_path, ready_server):
    started = subprocess.Popen(["sleep", "60"])
    try:
        with pytest.raises(proxy_sandbox.Error, match=f"answers, but not from the proxy started "
                                                      f"\\(pid {started.pid}\\)"):
            proxy_sandbox.Sandbox(tmp_path).wait_ready(f"http://127.0.0.1:{ready_server}", started,
                                                       tmp_path / "log")
    finally:
        started.kill()
        started.wait()
    assert proxy_sandbox.owns_port(os.getpid(), ready_server)


# ---------------------------------------------------------------- releases
def test_release_from_the_option_else_the_variable_else_the_pin(monkeypatch):
    monkeypatch.delenv("LITELLM_CLI_SANDBOX_LITELLM", raising=False)
    assert proxy_sandbox.parse_args(["setup"]).litellm_version == proxy_sandbox.LITELLM_VERSION == "1.108.7"
    monkeypatch.setenv("LITELLM_CLI_SANDBOX_LITELLM", "1.90.7")
    assert proxy_sandbox.parse_args(["start"]).litellm_version == "1.90.7"
    assert proxy_sandbox.parse_args(["start", "--litellm-version", "1.80.17"]).litellm_version == "1.80.17"


@pytest.mark.parametrize("version", ["latest", "1.90", "1.90.7; rm -rf ~", "../1.2.3"])
def test_release_that_is_not_a_version_is_a_usage_error(tmp_path, version):
    rc, out, err = sandbox(tmp_path, "start", "--litellm-version", version)
    assert (rc, out) == (2, "")
    assert err.splitlines()[-1].endswith("--litellm-version (or $LITELLM_CLI_SANDBOX_LITELLM): a "
                                         "release such as 1.108.7")
    rc, _, err = sandbox(tmp_path, "setup", LITELLM_CLI_SANDBOX_LITELLM=version)
    assert rc == 2


def test_each_release_has_a_venv_and_a_template_of_its_own(tmp_path):
    old, new = proxy_sandbox.Sandbox(tmp_path, "1.90.7"), proxy_sandbox.Sandbox(tmp_path)
    assert (old.venv.name, new.venv.name) == ("venv-1.90.7", "venv-1.108.7")
    assert old.pgdata == new.pgdata
    assert proxy_sandbox.template_name("1.90.7") != proxy_sandbox.template_name("1.108.7")


def test_state_of_another_release_is_checked_against_that_releases_venv(tmp_path, monkeypatch):
    sbx = proxy_sandbox.Sandbox(tmp_path)  # the pinned release
    sbx.run_dir.mkdir()
    me = {"pid": os.getpid(), "port": 1, "url": "http://127.0.0.1:1"}
    for name, version in (("old", "1.90.7"), ("bad", "1.90.7 x")):
        (sbx.run_dir / f"{name}.json").write_text(json.dumps({**me, "version": version}))
    checked = []
    monkeypatch.setattr(proxy_sandbox, "is_ours", lambda pid, marker: checked.append(marker) or True)
    assert list(sbx.running()) == ["old"]
    assert checked == [str(tmp_path / "venv-1.90.7" / "bin" / "litellm")]


def test_postgres_listens_on_a_socket_in_the_private_folder_not_on_tcp(tmp_path, monkeypatch):
    sbx, _ = fake_sandbox(tmp_path, monkeypatch)
    ran = []
    monkeypatch.setattr(proxy_sandbox.subprocess, "run",
                        lambda cmd, **kw: ran.append(cmd) or subprocess.CompletedProcess(cmd, 0))
    sbx.pgdata.mkdir(parents=True)
    assert sbx.pg_start() is True
    options = ran[0][ran[0].index("-o") + 1]
    assert "listen_addresses=''" in options and f"-k {sbx.pg}" in options


def test_folder_too_long_for_the_socket_is_one_clear_error(tmp_path, monkeypatch):
    sbx, _ = fake_sandbox(tmp_path / ("x" * 100), monkeypatch)
    with pytest.raises(proxy_sandbox.Error, match="too long a path for PostgreSQL's socket"):
        sbx.pg_start()


@pytest.mark.parametrize("args", [[], ["tests/functional/test_keys.py"], ["latest"]])
def test_compat_without_a_release_is_a_usage_error(args):
    completed = subprocess.run(["bash", str(TOOL.parent / "compat.sh"), *args], capture_output=True,
                               text=True)
    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr == "usage: tools/compat.sh VERSION... [pytest arguments]\n"


def test_ci_runs_the_oldest_release_the_readme_names():
    # tools/test.sh's second stage and README "Works with" must name the same release.
    root = pathlib.Path(TOOL).resolve().parents[1]
    script = (root / "tools" / "test.sh").read_text()
    oldest = script.split("\nOLDEST=", 1)[1].split()[0]
    assert 'bash tools/compat.sh "$OLDEST"' in script
    readme = (root / "README.md").read_text()
    assert f"supports\nreleases back to **{oldest}**" in readme
    assert f"| {oldest} (oldest supported) | " in readme
