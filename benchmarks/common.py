"""Shared measuring code for the benchmark scripts: wall time and peak memory of a command."""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


# GNU time reports the command's own peak RSS. os.wait4 here would not: a child
# forked from this Python starts out counting this Python's memory (about 20 MiB).
TIME = "/usr/bin/time"


def run_once(argv, env=None, stdin=None, report=None):
    """Run argv once; return (wall ms, peak RSS MiB, CPU ms, exit code).

    ``report`` is a scratch file for GNU time's figure (see TIME)."""
    wrapper = [TIME, "-f", "%M", "-o", report] if report and os.path.exists(TIME) else []
    start = time.perf_counter()
    proc = subprocess.Popen(wrapper + list(argv), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=stdin or subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    if wrapper:
        with open(report, encoding="utf-8") as handle:
            peak = int(handle.read().split()[-1]) / 1024
    else:
        peak = usage.ru_maxrss / 1024  # Linux reports KiB; see TIME
    return wall, peak, (usage.ru_utime + usage.ru_stime) * 1000, proc.returncode


def measure(argv, runs=11, env=None, stdin=None):
    """Run argv `runs` times; return (median wall ms, peak RSS MiB, last exit code)."""
    walls, peaks, rc = [], [], None
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            wall, peak, _, rc = run_once(argv, env, stdin, os.path.join(tmp, "rss"))
            walls.append(wall)
            peaks.append(peak)
    return statistics.median(walls), max(peaks), rc


def proxy_arguments(description):
    """A parser with --url/--key defaulting to the usual environment variables."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default=os.environ.get("LITELLM_PROXY_URL",
                                                        "http://127.0.0.1:4400"))
    parser.add_argument("--key", default=os.environ.get("LITELLM_PROXY_API_KEY",
                                                        "sk-master-1234"))
    parser.add_argument("--runs", type=int, default=11)
    # The console script beside this interpreter (a venv's), else the one on PATH.
    beside = os.path.join(os.path.dirname(sys.executable), "litellm-proxy")
    parser.add_argument("--cli", default=beside if os.access(beside, os.X_OK) else "litellm-proxy",
                        help="the console script to measure")
    return parser


def cli_env(url, key):
    env = dict(os.environ, LITELLM_PROXY_URL=url, LITELLM_PROXY_API_KEY=key)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def measure_interleaved(commands, runs=11, env=None):
    """Run each of ``{label: argv}`` once per round, `runs` rounds, so load on a shared
    machine falls on all of them alike; one untimed warm-up round first. Return
    ``{label: (median wall ms, median peak RSS MiB, median CPU ms, last exit code)}``;
    CPU time (user + system) varies less than wall time on a busy machine."""
    samples = {label: [] for label in commands}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(runs + 1):
            for label, argv in commands.items():
                result = run_once(argv, env, report=os.path.join(tmp, "rss"))
                if round_:
                    samples[label].append(result)
    return {label: (*(statistics.median(r[i] for r in results) for i in range(3)),
                    results[-1][3])
            for label, results in samples.items()}
