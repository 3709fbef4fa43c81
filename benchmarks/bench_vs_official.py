#!/usr/bin/env python3
"""Our litellm-proxy side by side with the official one, against the same real proxy.

    python benchmarks/bench_vs_official.py [--url URL --key KEY --runs N --import-count 200
                                            --official PATH --markdown]

The official CLI comes from litellm[proxy]==1.108.7 in its own venv: give its
console script with --official, or the script creates the venv in
$LITELLM_OFFICIAL_VENV (default /tmp/litellm-official-venv) on first use
(a ~100 s download). Prints median wall time and peak memory of each command
for both CLIs and how many times faster ours is.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench_import import delete_models_named, write_model_list  # noqa: E402
from common import cli_env, measure, proxy_arguments  # noqa: E402

OFFICIAL_VERSION = "1.108.7"
CHAT_BODY = '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]}'

# (label, our arguments, the official CLI's arguments)
CASES = [
    ("--help", ["--help"], ["--help"]),
    ("--version", ["--version"], ["--version"]),
    ("models list", ["models", "list"], ["models", "list"]),
    ("keys list", ["keys", "list"], ["keys", "list"]),
    # 1.108.7's `chat` is an interactive REPL; its one-shot equivalent is `http request`.
    ("chat completions (one reply)", ["chat", "completions", "gpt-4o", "-m", "user:Hello"],
     ["http", "request", "POST", "/chat/completions", "-j", CHAT_BODY]),
]


def official_cli(path):
    if path:
        return path
    venv = os.environ.get("LITELLM_OFFICIAL_VENV", "/tmp/litellm-official-venv")
    script = os.path.join(venv, "bin", "litellm-proxy")
    if not os.path.exists(script):
        print(f"installing litellm[proxy]=={OFFICIAL_VERSION} into {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet",
                        f"litellm[proxy]=={OFFICIAL_VERSION}"], check=True)
    return script


def import_case(ours, official, env, api, count):
    """Time one import of COUNT models with each CLI; delete what each created."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, cli in (("ours", ours), ("official", official)):
            prefix = f"bench-vs-{uuid.uuid4().hex[:8]}-"
            path = os.path.join(tmp, f"{name}.yaml")
            write_model_list(path, prefix, count)
            try:
                wall, peak, rc = measure([cli, "models", "import", path], runs=1, env=env)
            finally:
                created = delete_models_named(api, prefix)
            if rc != 0 or created != count:
                print(f"warning: {name} import exited {rc} and created {created} of {count}",
                      file=sys.stderr)
            results[name] = (wall, peak)
    return results


def main():
    parser = proxy_arguments(__doc__)
    parser.set_defaults(runs=5)
    parser.add_argument("--official", help="the official CLI's console script")
    parser.add_argument("--import-count", type=int, default=200)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    ours = shutil.which(args.cli) or args.cli
    official = official_cli(args.official)
    env = cli_env(args.url, args.key)

    from litellm_cli.api.models import ModelsAPI
    from litellm_cli.session import Session

    api = ModelsAPI(Session(args.url, api_key=args.key))
    rows = []
    for label, our_args, their_args in CASES:
        ours_wall, ours_peak, _ = measure([ours, *our_args], runs=args.runs, env=env)
        their_wall, their_peak, _ = measure([official, *their_args], runs=args.runs, env=env)
        rows.append((label, ours_wall, ours_peak, their_wall, their_peak))
        print(f"measured {label}", file=sys.stderr)
    imported = import_case(ours, official, env, api, args.import_count)
    rows.append((f"models import ({args.import_count} models)", *imported["ours"],
                 *imported["official"]))

    if args.markdown:
        print("| command | ours | ours peak | official | official peak | speed-up |")
        print("|---|---|---|---|---|---|")
        for label, ow, op, tw, tp in rows:
            print(f"| `{label}` | {ow:.0f} ms | {op:.1f} MiB | {tw:.0f} ms | {tp:.1f} MiB "
                  f"| {tw / ow:.1f}x |")
        return
    print(f"{'command':<32} {'ours ms':>9} {'MiB':>6} {'official ms':>12} {'MiB':>6} "
          f"{'speed-up':>9}")
    for label, ow, op, tw, tp in rows:
        print(f"{label:<32} {ow:>9.0f} {op:>6.1f} {tw:>12.0f} {tp:>6.1f} {tw / ow:>8.1f}x")


if __name__ == "__main__":
    main()
