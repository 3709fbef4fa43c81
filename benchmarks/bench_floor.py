#!/usr/bin/env python3
"""Networked commands next to the floor: a standard-library one-shot sending the same request.

    python benchmarks/bench_floor.py [--url URL --key KEY --runs N --cli [LABEL=]PATH]
                                     [--compare LABEL=PATH ...] [--markdown]

Each round runs the floor (benchmarks/floor.py, on the interpreter of --cli) and
each CLI once, case by case, so a busy machine slows them alike. Prints the median wall
time, CPU time and peak RSS of each, and each CLI's ratios to the floor (the goal: 1.5x or
less).
--compare adds another install (e.g. --cli after=PATH --compare before=PATH) side by side.
`keys info` uses a key this script creates with a unique alias and deletes at the end.
Then, for scale, the import cost alone of what each side must load (LIBRARIES): the
floor's urllib.request, and the requests + cliff + stevedore stack the CLI is built on.
"""

import os
import shutil
import sys
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import cli_env, measure_interleaved, proxy_arguments  # noqa: E402


def cases(key):
    """(label, CLI arguments, floor arguments)"""
    return [
        ("models list -f json", ["models", "list", "-f", "json"], ["models-list"]),
        ("keys list -f json", ["keys", "list", "-f", "json"], ["keys-list"]),
        ("keys info -f json", ["keys", "info", "--key", key, "-f", "json"], ["keys-info", key]),
        ("chat completions", ["chat", "completions", "gpt-4o", "-m", "user:hi"], ["chat"]),
        ("http request GET /v1/models", ["http", "request", "GET", "/v1/models"],
         ["http-get", "/v1/models"]),
    ]


# What each side must import, measured alone (no request, no interpreter teardown, which
# the CLI skips too), to show how much of the CLI's time is left to win.
LIBRARIES = [
    ("python, nothing imported", ""),
    ("stdlib floor's imports", "import json, urllib.request"),
    ("the CLI's libraries", "import requests, cliff.app, cliff.lister, cliff.show, "
                            "cliff.formatters.json_format"),
]


def interpreter_of(script):
    """The Python a console script runs with (its #! line), so the floor runs on the same."""
    with open(script, encoding="utf-8") as handle:
        first = handle.readline()
    return first[2:].strip() if first.startswith("#!") else sys.executable


def main():
    parser = proxy_arguments(__doc__)
    parser.add_argument("--compare", action="append", default=[], metavar="LABEL=PATH",
                        help="another console script to measure; repeat for more")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    clis = {}
    for spec in [args.cli, *args.compare]:
        label, _, path = spec.rpartition("=")
        clis[label or "cli"] = shutil.which(path) or path
    env = cli_env(args.url, args.key)
    os.environ.update(env)
    import floor  # the floor's own request code, to set up and clean up

    python = interpreter_of(next(iter(clis.values())))
    alias = f"bench-floor-{uuid.uuid4().hex[:8]}"
    key = floor.call("POST", "/key/generate", body={"key_alias": alias})["key"]
    rows = []
    try:
        for label, cli_argv, floor_argv in cases(key):
            commands = {"floor": [python, os.path.join(HERE, "floor.py"), *floor_argv]}
            commands.update({name: [path, *cli_argv] for name, path in clis.items()})
            results = measure_interleaved(commands, runs=args.runs, env=env)
            rows.append((label, results))
    finally:
        floor.call("POST", "/key/delete", body={"key_aliases": [alias]})
    show(rows, list(clis), args.markdown)
    with tempfile.TemporaryDirectory() as tmp:  # scripts, not -c: no '' on sys.path
        scripts = {}
        for number, (label, code) in enumerate(LIBRARIES):
            scripts[label] = [python, os.path.join(tmp, f"imports{number}.py")]
            with open(scripts[label][1], "w", encoding="utf-8") as handle:
                handle.write(f"{code}\nimport os\nos._exit(0)\n")
        libraries = measure_interleaved(scripts, runs=args.runs, env=env)
    print("\nimports alone (no request), same interpreter:")
    for label, (ms, mib, cpu, _) in libraries.items():
        print(f"  {label:<24} {ms:>6.0f} ms {cpu:>6.0f} ms cpu {mib:>6.1f} MiB")


def show(rows, names, markdown):
    heads = ["floor ms", "floor cpu", "floor MiB"]
    for name in names:
        heads += [f"{name} ms", f"{name} cpu", f"{name} MiB", "time x", "cpu x", "mem x"]
    if markdown:
        print("| command | " + " | ".join(heads) + " |")
        print("|---|" + "---:|" * len(heads))
    else:
        print(f"{'command':<30}" + "".join(f"{h:>{max(len(h), 6) + 1}}" for h in heads))
    for label, results in rows:
        floor_ms, floor_mib, floor_cpu, _ = results["floor"]
        cells = [f"{floor_ms:.0f}", f"{floor_cpu:.0f}", f"{floor_mib:.1f}"]
        for name in names:
            ms, mib, cpu, rc = results[name]
            cells += [f"{ms:.0f}" + ("" if rc == 0 else f" (exit {rc})"), f"{cpu:.0f}",
                      f"{mib:.1f}", f"{ms / floor_ms:.2f}", f"{cpu / floor_cpu:.2f}",
                      f"{mib / floor_mib:.2f}"]
        if markdown:
            print(f"| {label} | " + " | ".join(cells) + " |")
        else:
            print(f"{label:<30}" + "".join(f"{c:>{max(len(h), 6) + 1}}"
                                            for c, h in zip(cells, heads)))


if __name__ == "__main__":
    main()
