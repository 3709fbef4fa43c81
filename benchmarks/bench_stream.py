#!/usr/bin/env python3
"""Streaming overhead of `chat completions --stream`, against `curl -N` of the same request.

    .venv/bin/python benchmarks/bench_stream.py [--url URL --key KEY --runs N --cli PATH
                                                 --model MODEL]

Reports, as medians over --runs:

1. socket -> stdout: inside the CLI, the time from a read returning a chunk's bytes
   from the socket to that chunk's text being flushed to stdout (first chunk, and
   all chunks). Measured in a child process of this Python, with the two calls
   wrapped to take timestamps; it needs litellm_cli importable here.
2. first output byte and total wall time seen by a parent reading a pipe, for the
   CLI and for `curl -N`, and the peak memory of each.
"""

import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cli_env, proxy_arguments  # noqa: E402

# Runs the CLI in-process with timestamps on every socket read that returned
# bytes, and on every flush of stdout; prints them as JSON on stderr.
PROBE = r"""
import json, sys, time
import urllib3.response
from litellm_cli import shell

reads, flushes = [], []
read1 = urllib3.response.HTTPResponse.read1

def timed_read1(self, *args, **kwargs):
    data = read1(self, *args, **kwargs)
    if data:
        reads.append(time.perf_counter())
    return data

urllib3.response.HTTPResponse.read1 = timed_read1

class TimedStdout:
    def __init__(self, real):
        self.real = real
    def write(self, text):
        return self.real.write(text)
    def flush(self):
        self.real.flush()
        flushes.append(time.perf_counter())
    def __getattr__(self, name):
        return getattr(self.real, name)

sys.stdout = TimedStdout(sys.stdout)
rc = shell.main(sys.argv[1:])
sys.stderr.write("\nTIMES " + json.dumps({"reads": reads, "flushes": flushes}) + "\n")
sys.exit(rc)
"""


def socket_to_stdout(args, env):
    """Per-chunk delay (ms) from the socket read to the flushed write, over all runs."""
    first, every = [], []
    argv = [sys.executable, "-c", PROBE, "chat", "completions", args.model, "-m", "user:hi",
            "--stream"]
    for _ in range(args.runs):
        res = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
        times = json.loads(res.stderr.rsplit("TIMES ", 1)[1])
        delays = []
        for flushed in times["flushes"]:
            before = [r for r in times["reads"] if r <= flushed]
            if before:
                delays.append((flushed - before[-1]) * 1000)
        # The last flush ends the line after [DONE]; it carries no chunk.
        delays = delays[:-1]
        first.append(delays[0])
        every.extend(delays)
    return first, every


def pipe_timings(argv, env, runs):
    """Median ms to the first stdout byte and to exit, and the peak RSS in MiB."""
    firsts, totals, peaks = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        output = os.read(proc.stdout.fileno(), 1)
        firsts.append((time.perf_counter() - start) * 1000)
        while output:
            output = os.read(proc.stdout.fileno(), 65536)
        _, status, usage = os.wait4(proc.pid, 0)
        totals.append((time.perf_counter() - start) * 1000)
        peaks.append(usage.ru_maxrss / 1024)
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        if proc.returncode:
            raise SystemExit(f"{argv[0]} failed with exit code {proc.returncode}")
    return statistics.median(firsts), statistics.median(totals), max(peaks)


def main():
    parser = proxy_arguments(__doc__)
    parser.add_argument("--model", default="mistral-mock",
                        help="model to stream from (default: %(default)s, the longer mock reply)")
    args = parser.parse_args()
    env = cli_env(args.url, args.key)
    body = json.dumps({"model": args.model, "stream": True,
                       "messages": [{"role": "user", "content": "hi"}]})
    curl = ["curl", "-sS", "-N", f"{args.url.rstrip('/')}/chat/completions",
            "-H", f"Authorization: Bearer {args.key}", "-H", "Content-Type: application/json",
            "-d", body]
    cli = [args.cli, "chat", "completions", args.model, "-m", "user:hi", "--stream"]

    first, every = socket_to_stdout(args, env)
    print(f"socket -> stdout inside the CLI ({args.runs} runs, {len(every)} chunks)")
    print(f"  first chunk   median {statistics.median(first):7.3f} ms   max {max(first):7.3f} ms")
    print(f"  every chunk   median {statistics.median(every):7.3f} ms   max {max(every):7.3f} ms")
    print()
    print(f"{'command':<10} {'first byte ms':>14} {'total ms':>9} {'peak MiB':>9}")
    results = {}
    for label, argv in (("curl -N", curl), ("litellm", cli)):
        results[label] = pipe_timings(argv, env, args.runs)
        first_byte, total, peak = results[label]
        print(f"{label:<10} {first_byte:>14.1f} {total:>9.1f} {peak:>9.1f}")
    added_first = results["litellm"][0] - results["curl -N"][0]
    added_total = results["litellm"][1] - results["curl -N"][1]
    print(f"{'added':<10} {added_first:>14.1f} {added_total:>9.1f}"
          "   (mostly Python start-up; compare bench_startup.py)")


if __name__ == "__main__":
    main()
