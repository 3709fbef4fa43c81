#!/usr/bin/env python3
"""A disposable real LiteLLM proxy, backed by its own PostgreSQL, on 127.0.0.1.

    python3 tools/proxy_sandbox.py setup [--litellm-version V]   install what is missing (idempotent)
    python3 tools/proxy_sandbox.py start [--name N] [--port P] [--litellm-version V]
                                  set up, start PostgreSQL and proxy N, wait until ready, print its URL
    eval "$(python3 tools/proxy_sandbox.py env [--name N])"  export LITELLM_PROXY_URL / _API_KEY
    python3 tools/proxy_sandbox.py status                   what runs (exit 0 if a proxy is up, 3 if not)
    python3 tools/proxy_sandbox.py stop [--name N]          stop proxy N (default: all of them), and
                                                            PostgreSQL once no proxy is left

Every piece of state lives in one private folder: --dir DIR, else $LITELLM_CLI_SANDBOX, else
/tmp/litellm-cli-sandbox-UID. It must be the caller's own folder that nobody else can write to
(mode 0700; 0711 as root, so that the postgres user can reach pg/, which it owns, 0700); any
other is refused. It holds one venv per LiteLLM release (venv-1.108.7: litellm[proxy]==V, which
pins its litellm-proxy-extras, and the Prisma client generated from that schema), the PostgreSQL
cluster (on a unix socket in pg/ only, no TCP; password auth, the random password in
pg-password, 0600) with one migrated template database per release, the master key, the logs
(setup.log, proxy-N.log, pg/server.log) and the run state. Every file is opened without following symbolic links, and new files are 0600.
The release: --litellm-version V, else $LITELLM_CLI_SANDBOX_LITELLM, else the pinned one.
Several proxies (--name) can run side by side, of one release or several; each gets a fresh
database of the same cluster, made from its release's template at start and dropped at stop.
Everything is stopped by the pid recorded at start (the proxy's process group: SIGTERM, then
SIGKILL).

Prisma's engines: Prisma downloads them itself, unless PRISMA_QUERY_ENGINE_BINARY (and the
other standard PRISMA_* variables) are set; where neither is possible and a folder
../shared/prisma-offline-engine sits beside the repository, its stand-in is installed.

stdout carries only data (the URL, the export lines); progress and errors go to stderr.
Exit codes: 0 ok, 1 failed, 2 usage, 3 (status) nothing runs.  Needs Python 3.10+ (stdlib only).
"""

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import pathlib
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request

LITELLM_VERSION = "1.108.7"  # the pinned release (default of --litellm-version)
PRISMA_VERSION = "0.15.0"  # prisma-client-py, as litellm 1.108.7 expects it (and the engine stand-in)
REPO = pathlib.Path(__file__).resolve().parents[1]
CONFIG = REPO / "tools" / "sandbox-config.yaml"
STAND_IN = REPO.parent / "shared" / "prisma-offline-engine"
READY_TIMEOUT = 180  # seconds
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,30}")
VERSION_RE = re.compile(r"[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}(\.post[0-9]{1,4})?")


class Error(Exception):
    """A failure to report as one line on stderr (exit 1)."""


def note(message):
    print(f"proxy_sandbox: {message}", file=sys.stderr, flush=True)


def is_root():
    return os.geteuid() == 0


def postgres_ids():
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def default_dir():
    """The caller's own folder: one per user, so that nobody else can have made it first."""
    return f"/tmp/litellm-cli-sandbox-{os.geteuid()}"


def private_dir(path, create=True):
    """Create path (unless create is false and it is missing), or accept it only if it is a real folder of the caller that nobody else can
    write to, nor swap (its parents are the caller's or root's, unwritable by others unless
    sticky, as /tmp). Mode 0700; 0711 as root, so that the postgres user can reach pg/."""
    if not create and not os.path.lexists(path):
        return
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        pass
    except OSError as exc:
        raise Error(f"cannot create {path}: {exc.strerror}") from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        kind = "a symbolic link" if path.is_symlink() else "not a folder"
        raise Error(f"refusing {path}: it is {kind} (pick another --dir)") from None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid():
            raise Error(f"refusing {path}: it belongs to uid {info.st_uid}, not to you "
                        f"(uid {os.geteuid()}); pick another --dir")
        if info.st_mode & 0o022:
            raise Error(f"refusing {path}: others can write to it (mode "
                        f"{stat.S_IMODE(info.st_mode):04o}); pick another --dir")
        for parent in path.parents:
            info = parent.stat()
            if info.st_uid not in (0, os.geteuid()) or (
                    info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX):
                raise Error(f"refusing {path}: its parent {parent} can be changed by others; "
                            "pick another --dir")
        os.fchmod(fd, 0o711 if is_root() else 0o700)
    finally:
        os.close(fd)


def open_private(path, flags=os.O_WRONLY | os.O_CREAT | os.O_APPEND):
    """A file descriptor of path, never through a symbolic link; new files are 0600."""
    return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def append_private(path):
    return os.fdopen(open_private(path), "a")


def read_private(path):
    with os.fdopen(open_private(path, os.O_RDONLY)) as file:
        return file.read()


def write_private(path, text):
    """Replace path with text: a new file (O_EXCL, 0600) renamed over it, so a symbolic link at
    path is replaced, never followed."""
    new = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        with os.fdopen(open_private(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL), "w") as file:
            file.write(text)
        os.replace(new, path)
    finally:
        new.unlink(missing_ok=True)


def quote_ident(name):
    """A PostgreSQL identifier, quoted (names are validated too: this is the second wall)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text):
    return "'" + text.replace("'", "''") + "'"


def database_name(name):
    """The database of proxy NAME (NAME_RE: lowercase letters, digits, '-')."""
    return "litellm_" + name.replace("-", "_")


def template_name(version):
    """The migrated template database of a release (VERSION_RE)."""
    return "litellm_template_" + re.sub(r"\W", "_", version)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def can_bind(port):
    """Whether a server could listen on 127.0.0.1:port now (as uvicorn does, SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def listening_sockets(port):
    """'socket:[inode]' of every TCP socket listening on port (Linux /proc/net)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in pathlib.Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    found.add(f"socket:[{fields[9]}]")
    return found


def owns_port(pid, port):
    """pid or a process below it listens on port (where /proc cannot tell, as on macOS: True)."""
    if not os.path.isdir("/proc/net"):
        return True
    sockets = listening_sockets(port)
    for each in (pid, *descendants(pid)):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{each}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{each}/fd/{fd}") in sockets:
                        return True
    return False


def is_ours(pid, marker):
    """pid is alive and its command line holds marker (guards against reused pids; without
    /proc, as on macOS, the pid alone is trusted)."""
    return alive(pid) and (not os.path.isdir("/proc") or marker in cmdline(pid))


def cmdline(pid):
    """The command line of a live process ('' when gone)."""
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def descendants(pid):
    """Pids of every process below pid (Linux /proc)."""
    children = {}
    for entry in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    state = pathlib.Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        return state.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def wait_gone(pids, seconds, proc=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None:
            proc.poll()  # reap our own child
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.2)
    return False


def kill_tree(pid, proc=None):
    """Stop a process group led by pid, and any descendant that left it: TERM, then KILL."""
    pids = [pid, *descendants(pid)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        for each in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(each, sig)
        if wait_gone(pids, 20 if sig == signal.SIGTERM else 5, proc):
            return
    raise Error(f"process {pid} did not stop")


def http_get(url):
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=3) as r:
            return r.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return None


class Sandbox:
    def __init__(self, directory, version=LITELLM_VERSION):
        self.dir = pathlib.Path(directory).absolute()
        self.version = version
        self.venv = self.venv_dir(version)
        self.pg = self.dir / "pg"
        self.pgdata = self.pg / "data"
        self.run_dir = self.dir / "run"
        self.setup_log = self.dir / "setup.log"
        self.engine_file = self.dir / "prisma-engine.json"
        self.password_file = self.dir / "pg-password"
        self.port_file = self.dir / "pg-port"
        self.pg_bin = None

    def venv_dir(self, version):
        return self.dir / f"venv-{version}"

    # ------------------------------------------------------------------ helpers
    @contextlib.contextmanager
    def locked(self):
        """One sandbox command at a time changes the state (parallel test sessions share it)."""
        lock = open_private(self.dir / ".lock", os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)

    def step(self, what, cmd, env=None, cwd=None):
        """Run one setup step with its output in setup.log; fail with the log's tail."""
        note(what)
        with append_private(self.setup_log) as log:
            log.write(f"\n=== {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}  {what}\n")
            log.flush()
            try:
                done = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                      stdin=subprocess.DEVNULL)
            except OSError as exc:
                raise Error(f"{what}: {exc.strerror}: {cmd[0]}") from None
        if done.returncode:
            tail = read_private(self.setup_log).splitlines()[-25:]
            print("\n".join(tail), file=sys.stderr)
            raise Error(f"{what} failed (log: {self.setup_log})")

    def as_pg(self, cmd):
        """PostgreSQL refuses to run as root: as root, run its programs as the postgres user."""
        return ["runuser", "-u", "postgres", "--", *cmd] if is_root() else cmd

    def env(self):
        """The environment of litellm and Prisma: all their caches here, nothing downloaded
        but Prisma's engines (when no engine variables are set)."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DATABASE_", "DIRECT_URL", "LITELLM_", "PGHOST", "PGPORT",
                                    "PGPASSWORD"))}
        if "PRISMA_QUERY_ENGINE_BINARY" not in env and self.engine_file.exists():
            env.update(json.loads(read_private(self.engine_file)))
        loopback = "127.0.0.1,localhost,::1"
        env.update(
            PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            HOME=env.get("HOME", str(self.dir)),
            LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_TELEMETRY="False",
            PRISMA_HIDE_UPDATE_MESSAGE="1", CHECKPOINT_DISABLE="1",
            PRISMA_HOME_DIR=str(self.dir / "prisma-home"),
            PRISMA_BINARY_CACHE_DIR=str(self.dir / "prisma-home" / "binaries"),
            PRISMA_NODEENV_CACHE_DIR=str(self.dir / "prisma-home" / "nodeenv"),
            NO_PROXY=loopback, no_proxy=loopback)
        return env

    def venv_python(self, code, *args):
        if not (self.venv / "bin" / "python").exists():
            return None
        out = subprocess.run([str(self.venv / "bin" / "python"), "-c", code, *args],
                             capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else None

    def extras(self):
        """Folder of litellm-proxy-extras (schema.prisma and migrations/) in the venv."""
        found = self.venv_python("import litellm_proxy_extras as m, os; print(os.path.dirname(m.__file__))")
        if not found:
            raise Error(f"litellm-proxy-extras is missing from {self.venv}; run setup")
        return pathlib.Path(found)

    def master_key(self):
        return read_private(self.dir / "master-key").strip()

    # ------------------------------------------------------------------ setup
    def setup(self):
        started = time.monotonic()
        self.run_dir.mkdir(mode=0o700, exist_ok=True)
        with self.locked():
            self.find_postgres(install=True)
            self.ensure_venv()
            self.ensure_engine()
            self.ensure_client()
            self.ensure_cluster()
            self.ensure_template()
            key = self.dir / "master-key"
            if not key.exists():
                write_private(key, f"sk-sandbox-{secrets.token_hex(16)}\n")
        note(f"set up litellm {self.version} in {time.monotonic() - started:.1f}s ({self.dir})")

    def find_postgres(self, install=False):
        """The folder with postgres, initdb and pg_ctl: $PG_BIN, PATH or the usual places."""
        if self.pg_bin:
            return
        wanted = ("postgres", "initdb", "pg_ctl")
        if os.environ.get("PG_BIN"):
            candidates = [pathlib.Path(os.environ["PG_BIN"])]
        else:
            candidates = [pathlib.Path(p).resolve().parent
                          for p in filter(None, (shutil.which(w) for w in wanted))]
            versions = pathlib.Path("/usr/lib/postgresql").glob("*/bin")
            candidates += sorted(versions, key=lambda p: int(p.parent.name) if p.parent.name.isdigit()
                                 else 0, reverse=True)
        for folder in candidates:
            if all(os.access(folder / w, os.X_OK) for w in wanted):
                self.pg_bin = folder
                break
        else:
            if os.environ.get("PG_BIN"):
                raise Error(f"PG_BIN={os.environ['PG_BIN']} does not hold postgres, initdb and pg_ctl")
            if not (install and is_root() and shutil.which("apt-get")):
                raise Error("PostgreSQL server not found (postgres, initdb, pg_ctl): install it "
                            "(Debian/Ubuntu: apt-get install postgresql, Fedora: dnf install "
                            "postgresql-server, macOS: brew install postgresql) or set PG_BIN")
            self.step("apt-get install postgresql",
                      ["sh", "-c", "apt-get update && apt-get install -y postgresql"],
                      env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            return self.find_postgres()
        if is_root():
            if not shutil.which("runuser"):
                raise Error("running as root needs runuser (util-linux) to start PostgreSQL")
            if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode:
                self.step("create the postgres user", ["useradd", "--system", "--user-group",
                                                       "--no-create-home", "postgres"])

    def sql(self, what, database, *statements, script=None):
        """Run SQL statements (or a script file) as the cluster's superuser, by password over
        its unix socket. Every name in them must be quoted (quote_ident, quote_literal)."""
        found = self.pg_bin / "psql"
        found = str(found) if found.exists() else shutil.which("psql")
        if not found:
            raise Error("psql not found (install the PostgreSQL client, e.g. apt-get install "
                        "postgresql-client)")
        cmd = [found, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.pg),
               "-p", read_private(self.port_file).strip(), "-U", "postgres", "-d", database]
        for statement in statements:
            cmd += ["-c", statement]
        if script:
            cmd += ["-f", str(script)]
        env = dict(os.environ, PGPASSWORD=read_private(self.password_file).strip())
        self.step(what, cmd, env=env)

    def ensure_venv(self):
        check = ("import importlib.metadata as m, sys; "
                 "sys.exit(m.version('litellm') != sys.argv[1] or m.version('prisma') != sys.argv[2])")
        if self.venv_python(check, self.version, PRISMA_VERSION) is not None:
            return
        if not (self.venv / "bin" / "python").exists():
            try:
                subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True,
                               capture_output=True)
            except subprocess.CalledProcessError:
                raise Error(f"{sys.executable} -m venv failed (Debian/Ubuntu: apt-get install "
                            "python3-venv)") from None
        # litellm[proxy] pins the litellm-proxy-extras (schema, migrations) of its release.
        self.step(f"pip install litellm[proxy]=={self.version} prisma=={PRISMA_VERSION} "
                  "(first run: a few minutes)",
                  [str(self.venv / "bin" / "python"), "-m", "pip", "install", "--progress-bar", "off",
                   "--disable-pip-version-check",
                   f"litellm[proxy]=={self.version}", f"prisma=={PRISMA_VERSION}"])

    def ensure_engine(self):
        """Prisma engines: the caller's PRISMA_* variables, else the stand-in when it sits beside
        the repository, else Prisma downloads them during `prisma generate`."""
        if os.environ.get("PRISMA_QUERY_ENGINE_BINARY"):
            return
        installer = STAND_IN / "install.sh"
        if not installer.exists() or self.engine_file.exists():
            return
        note(f"install the Prisma engine stand-in from {STAND_IN}")
        with append_private(self.setup_log) as log:
            done = subprocess.run(["bash", str(installer), str(self.dir / "prisma-engine")],
                                  stdout=subprocess.PIPE, stderr=log, text=True)
        if done.returncode:
            raise Error(f"installing the Prisma engine stand-in failed (log: {self.setup_log})")
        exports = dict(shlex.split(line)[1].split("=", 1)
                       for line in done.stdout.splitlines() if line.startswith("export "))
        write_private(self.engine_file, json.dumps(exports))

    def ensure_client(self):
        """Generate the Prisma client for this release's schema (once per schema/engine)."""
        schema = self.extras() / "schema.prisma"
        env = self.env()
        stamp = hashlib.sha256(schema.read_bytes()).hexdigest() + " " + env.get(
            "PRISMA_QUERY_ENGINE_BINARY", "downloaded")
        stamp_file = self.dir / f"prisma-client-{self.version}.stamp"
        if stamp_file.exists() and read_private(stamp_file) == stamp:
            return
        self.step("prisma generate", [str(self.venv / "bin" / "prisma"), "generate",
                                      "--schema", str(schema)], env=env, cwd=self.dir)
        write_private(stamp_file, stamp)

    def ensure_cluster(self):
        """A cluster of our own whose superuser needs a password (no `trust`): a cluster made
        without one (older sandboxes) is made again."""
        if (self.pgdata / "PG_VERSION").exists() and self.password_file.exists():
            return
        if self.pg_pid():
            self.pg_stop()
        shutil.rmtree(self.pg, ignore_errors=True)
        for stale in self.dir.glob("template-*.stamp"):
            stale.unlink()
        self.pg.mkdir(mode=0o700)
        password = secrets.token_hex(24)
        write_private(self.password_file, password + "\n")
        pwfile = self.pg / "initdb-password"
        with os.fdopen(open_private(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL), "w") as file:
            if is_root():  # initdb runs as postgres, which owns pg/ (0700) and reads this file
                os.fchown(file.fileno(), *postgres_ids())
            file.write(password + "\n")
        try:
            if is_root():
                os.chown(self.pg, *postgres_ids())
                if subprocess.run(self.as_pg(["test", "-x", str(self.pg)])).returncode:
                    raise Error(f"the postgres user cannot enter {self.pg}; PostgreSQL does not run "
                                "as root, so pick a --dir it can reach (e.g. under /tmp)")
            self.step("initdb", self.as_pg([str(self.pg_bin / "initdb"), "-D", str(self.pgdata),
                                            "-U", "postgres", "--auth=scram-sha-256",
                                            f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C"]),
                      cwd=self.pg)
        finally:
            pwfile.unlink(missing_ok=True)

    def ensure_template(self):
        """A template database holding this release's migrated schema."""
        migrations = self.extras() / "migrations"
        names = sorted(d.name for d in migrations.iterdir() if (d / "migration.sql").exists())
        digest = hashlib.sha256()
        for name in names:
            digest.update((migrations / name / "migration.sql").read_bytes())
        stamp_file = self.dir / f"template-{self.version}.stamp"
        if stamp_file.exists() and read_private(stamp_file) == digest.hexdigest():
            return
        started = self.pg_start()
        try:
            self.apply_migrations(migrations, names)
        finally:
            if started:
                self.pg_stop()
        write_private(stamp_file, digest.hexdigest())

    def apply_migrations(self, migrations, names):
        """What `prisma migrate deploy` does: each migration.sql in name order, recorded in
        _prisma_migrations with its checksum (there may be no schema engine to run it)."""
        script = ["CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, "
                  "checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, "
                  "migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, "
                  "started_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                  "applied_steps_count INTEGER NOT NULL DEFAULT 0);"]
        for name in names:
            sql = (migrations / name / "migration.sql").read_bytes()
            script += [sql.decode(), ";",
                       "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, "
                       f"applied_steps_count) VALUES ({quote_literal(secrets.token_hex(16))}, "
                       f"{quote_literal(hashlib.sha256(sql).hexdigest())}, now(), "
                       f"{quote_literal(name)}, 1);"]
        script_file = self.dir / f"migrations-{self.version}.sql"
        write_private(script_file, "\n".join(script))
        template = template_name(self.version)
        self.sql(f"create the template database of litellm {self.version}", "postgres",
                 f"DROP DATABASE IF EXISTS {quote_ident(template)}",
                 f"CREATE DATABASE {quote_ident(template)}")
        self.sql(f"apply {len(names)} migrations of litellm-proxy-extras", template,
                 script=script_file)

    # ------------------------------------------------------------------ PostgreSQL
    def pg_pid(self):
        """The pid of our running postmaster, or None."""
        try:
            pid = int(read_private(self.pgdata / "postmaster.pid").split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if is_ours(pid, str(self.pgdata)) else None

    def pg_start(self):
        """Start the cluster on a free loopback port; False if it was running already."""
        if self.pg_pid():
            return False
        # A lock file whose pid is gone or now belongs to another program would stop postgres.
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
        # No TCP: only a unix socket in pg/ (0700, of the postgres user or the caller), which
        # nobody else can reach, even with the password (that LiteLLM shows on the command
        # line of the `prisma migrate diff` it runs at startup). The port names the socket.
        port = free_port()
        if len(os.fsencode(self.pg / f".s.PGSQL.{port}")) > 107:
            raise Error(f"{self.dir} is too long a path for PostgreSQL's socket; pick a shorter --dir")
        write_private(self.port_file, str(port))
        options = (f"-c listen_addresses='' -p {port} -k {shlex.quote(str(self.pg))} "
                   "-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
        log = self.pg / "server.log"
        done = subprocess.run(self.as_pg([str(self.pg_bin / "pg_ctl"), "-D", str(self.pgdata),
                                          "-l", str(log), "-w", "-t", "60", "-o", options,
                                          "start"]), capture_output=True, text=True, cwd=self.pg)
        if done.returncode:
            raise Error(f"PostgreSQL did not start: {done.stderr.strip()[-300:]} (log: {log})")
        return True

    def pg_stop(self):
        pid = self.pg_pid()
        if not pid:
            return None
        self.find_postgres()
        for mode in ("fast", "immediate"):
            subprocess.run(self.as_pg([str(self.pg_bin / "pg_ctl"), "-D", str(self.pgdata), "-m",
                                       mode, "-w", "-t", "30", "stop"]), capture_output=True,
                           cwd=self.pg)
            if wait_gone([pid], 5):
                return pid
        kill_tree(pid)
        return pid

    # ------------------------------------------------------------------ proxies
    def state_file(self, name):
        return self.run_dir / f"{name}.json"

    def running(self):
        """{name: state} of the proxies whose recorded pid is still our proxy (state files are
        trusted only as far as they validate)."""
        found = {}
        for path in sorted(self.run_dir.glob("*.json")):
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                state = json.loads(read_private(path))
                if not (NAME_RE.fullmatch(path.stem) and VERSION_RE.fullmatch(state["version"])
                        and isinstance(state["pid"], int) and isinstance(state["port"], int)):
                    continue
                if is_ours(state["pid"], str(self.venv_dir(state["version"]) / "bin" / "litellm")):
                    found[path.stem] = state
        return found

    def pick_port(self, wanted):
        """Under the lock: a port no other proxy of this sandbox holds or is about to take, and
        that can be bound now (the proxy that answers there is checked later to be ours)."""
        claimed = {state["port"] for state in self.running().values()}
        if wanted:
            if wanted in claimed or not can_bind(wanted):
                raise Error(f"127.0.0.1:{wanted} is already in use (pick another --port)")
            return wanted
        while True:
            port = free_port()
            if port not in claimed:
                return port

    def start(self, name, port):
        self.setup()
        config = pathlib.Path(os.environ.get("LITELLM_CLI_SANDBOX_CONFIG", CONFIG))
        if not config.exists():
            raise Error(f"proxy config {config} not found")
        with self.locked():
            state = self.running().get(name)
            if state and state["version"] != self.version:
                raise Error(f"proxy {name} runs litellm {state['version']}, not {self.version}; "
                            f"stop it first: proxy_sandbox.py stop --name {name}")
            if state and http_get(state["url"] + "/health/liveliness") is not None:
                note(f"proxy {name} already runs at {state['url']} (pid {state['pid']})")
                return state["url"]
            self.stop_locked([name])
            self.pg_start()
            database = quote_ident(database_name(name))
            self.sql(f"create database {database} (litellm {self.version})", "postgres",
                     f"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
                     f"CREATE DATABASE {database} TEMPLATE {quote_ident(template_name(self.version))}")
            port = self.pick_port(port)
            env = self.env()
            password = read_private(self.password_file).strip()
            pg_port = read_private(self.port_file).strip()
            socket_dir = urllib.parse.quote(str(self.pg), safe="")
            env.update(DATABASE_URL=f"postgresql://postgres:{password}@localhost:{pg_port}/"
                                    f"{database_name(name)}?host={socket_dir}",
                       LITELLM_MASTER_KEY=self.master_key(), STORE_MODEL_IN_DB="True",
                       # The schema is applied at setup; no migration diff at startup.
                       DISABLE_SCHEMA_UPDATE="true", LITELLM_PRISMA_COMMAND_TIMEOUT="2")
            log_path = self.dir / f"proxy-{name}.log"
            with append_private(log_path) as log:
                log.write(f"\n=== {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}  start "
                          f"litellm {self.version}\n")
                log.flush()
                proc = subprocess.Popen(
                    [str(self.venv / "bin" / "litellm"), "--config", str(config),
                     "--host", "127.0.0.1", "--port", str(port)],
                    cwd=self.dir, env=env, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True)
            state = {"pid": proc.pid, "url": f"http://127.0.0.1:{port}", "port": port,
                     "version": self.version}
            write_private(self.state_file(name), json.dumps(state))
        started = time.monotonic()
        try:
            self.wait_ready(state["url"], proc, log_path)
        except BaseException:
            with self.locked():
                kill_tree(proc.pid, proc)
                self.stop_locked([name])
                if not self.running():
                    self.pg_stop()
            raise
        note(f"proxy {name} (litellm {self.version}, pid {proc.pid}) ready at {state['url']} after "
             f"{time.monotonic() - started:.1f}s; stop it with: proxy_sandbox.py stop --name {name}")
        return state["url"]

    def wait_ready(self, url, proc, log_path):
        """Until /health/liveliness answers and /health/readiness reports the database, from
        the process started (not another one that holds the port)."""
        timeout = float(os.environ.get("LITELLM_CLI_SANDBOX_TIMEOUT", READY_TIMEOUT))
        deadline = time.monotonic() + timeout
        port = int(url.rsplit(":", 1)[1])
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.fail_with_log(log_path, f"the proxy exited during startup (code {proc.returncode})")
            with contextlib.suppress(TypeError, ValueError, AttributeError):
                if json.loads(http_get(url + "/health/readiness")).get("db") == "connected":
                    if not owns_port(proc.pid, port):
                        raise Error(f"{url} answers, but not from the proxy started (pid "
                                    f"{proc.pid}): another program holds port {port}")
                    return
            time.sleep(0.25)
        self.fail_with_log(log_path, f"the proxy was not ready with its database after {timeout:.0f}s")

    @staticmethod
    def fail_with_log(log_path, message):
        print("\n".join(read_private(log_path).splitlines()[-25:]), file=sys.stderr)
        raise Error(f"{message} (log: {log_path})")

    def stop(self, names):
        if not self.run_dir.exists():
            note("nothing runs")
            return
        with self.locked():
            stopped = self.stop_locked(names)
            if not self.running():
                pid = self.pg_stop()
                if pid:
                    stopped.append(f"PostgreSQL (pid {pid})")
        note("stopped " + ", ".join(stopped) if stopped else "nothing was running")

    def stop_locked(self, names):
        """Stop the named proxies (all if names is empty) and drop their databases."""
        running = self.running()
        stopped = []
        for path in sorted(self.run_dir.glob("*.json")):
            name = path.stem
            if (names and name not in names) or not NAME_RE.fullmatch(name):
                continue
            state = running.get(name)
            if state:
                kill_tree(state["pid"])
                stopped.append(f"proxy {name} (pid {state['pid']})")
            with contextlib.suppress(OSError, Error):
                self.find_postgres()
                if self.pg_pid():
                    database = quote_ident(database_name(name))
                    self.sql(f"drop database {database}", "postgres",
                             f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            path.unlink(missing_ok=True)
        return stopped

    def status(self):
        up = False
        running = self.running() if self.run_dir.exists() else {}
        for name, state in running.items():
            healthy = http_get(state["url"] + "/health/liveliness") is not None
            up = up or healthy
            print(f"proxy {name}: {'running' if healthy else 'NOT healthy'} at {state['url']} "
                  f"(litellm {state['version']}, pid {state['pid']}, children "
                  f"{' '.join(map(str, descendants(state['pid']))) or 'none'})")
        if not running:
            print("proxy: not running")
        pid = self.pg_pid()
        if pid:
            print(f"postgresql: running (pid {pid}, socket "
                  f"{self.pg / ('.s.PGSQL.' + read_private(self.port_file).strip())})")
        else:
            print("postgresql: not running")
        return 0 if up else 3

    def export_lines(self, name):
        state = self.running().get(name) if self.run_dir.exists() else None
        if not state:
            raise Error(f"proxy {name} is not running; run: proxy_sandbox.py start --name {name}")
        return (f"export LITELLM_PROXY_URL={shlex.quote(state['url'])}\n"
                f"export LITELLM_PROXY_API_KEY={shlex.quote(self.master_key())}")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="proxy_sandbox.py", description=__doc__.split("\n\n")[0],
        epilog="State folder: --dir, else $LITELLM_CLI_SANDBOX, else " + default_dir() + ".")
    parser.add_argument("--dir", default=os.environ.get("LITELLM_CLI_SANDBOX") or default_dir(),
                        help="the folder that holds every piece of state (yours, private)")
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="install what is missing (idempotent)")
    start = commands.add_parser("start", help="set up, start a proxy, print its URL")
    for sub in (setup, start):
        sub.add_argument("--litellm-version", metavar="V",
                         default=os.environ.get("LITELLM_CLI_SANDBOX_LITELLM") or LITELLM_VERSION,
                         help="the LiteLLM release to run (default: $LITELLM_CLI_SANDBOX_LITELLM, "
                              f"else {LITELLM_VERSION})")
    start.add_argument("--port", type=int, default=0, help="proxy port (default: a free one)")
    env = commands.add_parser("env", help="print export lines for LITELLM_PROXY_URL/_API_KEY")
    commands.add_parser("status", help="say what runs")
    stop = commands.add_parser("stop", help="stop proxies, then PostgreSQL when none is left")
    for sub, default in ((start, "default"), (env, "default"), (stop, None)):
        sub.add_argument("--name", default=default,
                         help="which proxy (default: %s)" % (default or "all of them"))
    args = parser.parse_args(argv)
    if getattr(args, "name", None) and not NAME_RE.fullmatch(args.name):
        parser.error("--name: lowercase letters, digits and '-', at most 31 characters")
    if not VERSION_RE.fullmatch(getattr(args, "litellm_version", LITELLM_VERSION)):
        parser.error("--litellm-version (or $LITELLM_CLI_SANDBOX_LITELLM): a release such as "
                     f"{LITELLM_VERSION}")
    return args


def main(argv=None):
    args = parse_args(argv)
    sandbox = Sandbox(args.dir, getattr(args, "litellm_version", LITELLM_VERSION))
    try:
        private_dir(sandbox.dir, create=args.command in ("setup", "start"))
        if args.command == "setup":
            sandbox.setup()
        elif args.command == "start":
            print(sandbox.start(args.name, args.port), flush=True)
        elif args.command == "env":
            print(sandbox.export_lines(args.name), flush=True)
        elif args.command == "status":
            return sandbox.status()
        elif args.command == "stop":
            sandbox.stop([args.name] if args.name else [])
    except Error as exc:
        note(f"error: {exc}")
        return 1
    except OSError as exc:
        note(f"error: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}")
        return 1
    except KeyboardInterrupt:
        note("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
