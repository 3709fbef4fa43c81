"""Shared measuring code for the benchmark scripts: wall time and peak memory of a command."""

import argparse
import os
import statistics
import subprocess
import time


def measure(argv, runs=11, env=None, stdin=None):
    """Run argv `runs` times; return (median wall ms, peak RSS MiB, last exit code)."""
    walls, peaks, rc = [], [], None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=stdin or subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append((time.perf_counter() - start) * 1000)
        peaks.append(usage.ru_maxrss / 1024)  # Linux reports KiB
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc
    return statistics.median(walls), max(peaks), rc


def proxy_arguments(description):
    """A parser with --url/--key defaulting to the usual environment variables."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default=os.environ.get("LITELLM_PROXY_URL",
                                                        "http://127.0.0.1:4400"))
    parser.add_argument("--key", default=os.environ.get("LITELLM_PROXY_API_KEY",
                                                        "sk-master-1234"))
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--cli", default="litellm-proxy", help="the console script to measure")
    return parser


def cli_env(url, key):
    env = dict(os.environ, LITELLM_PROXY_URL=url, LITELLM_PROXY_API_KEY=key)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def measure_interleaved(commands, runs=11, env=None):
    """Run each of ``{label: argv}`` once per round, `runs` rounds, so load on a shared
    machine falls on all of them alike; one untimed warm-up round first.
    Return ``{label: (median wall ms, median peak RSS MiB, last exit code)}``."""
    samples = {label: ([], [], None) for label in commands}
    for round_ in range(runs + 1):
        for label, argv in commands.items():
            wall, peak, rc = measure(argv, runs=1, env=env)
            walls, peaks, _ = samples[label]
            if round_:
                walls.append(wall)
                peaks.append(peak)
            samples[label] = (walls, peaks, rc)
    return {label: (statistics.median(walls), statistics.median(peaks), rc)
            for label, (walls, peaks, rc) in samples.items()}
