#!/usr/bin/env python3
"""Cost of one TAB with the generated bash completion, and of generating the script.

    python benchmarks/bench_completion.py [--runs N --cli PATH]

The script holds every command word and option, so a TAB runs shell code only.
Each TAB here is timed inside bash (EPOCHREALTIME) over several typical lines.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import measure, proxy_arguments  # noqa: E402

LINES = ["''", "mo", "models ''", "models import --", "http request POST /x --j",
         "--profile p models ''", "--profile ''", "chat completions g",
         "teams member ''"]

TIMER = r"""
source "$1"; shift
runs=$1; shift
for line in "$@"; do
  eval "words=(litellm-proxy $line)"
  start=$EPOCHREALTIME
  for ((i = 0; i < runs; i++)); do
    COMP_WORDS=("${words[@]}"); COMP_CWORD=$((${#words[@]} - 1)); _litellm_proxy
  done
  end=$EPOCHREALTIME
  printf '%s\t%s\n' "$line" "$(( (${end/./} - ${start/./}) / runs ))"
done
"""


def main():
    args = proxy_arguments(__doc__).parse_args()
    wall, peak, _ = measure([args.cli, "completion", "bash"], runs=3)
    print(f"generating the bash script: {wall:.0f} ms, {peak:.1f} MiB (once, at install)")
    script = subprocess.run([args.cli, "completion", "bash"], capture_output=True, text=True,
                            check=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".bash", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(["bash", "-c", TIMER, "timer", handle.name, str(args.runs * 10),
                              *LINES], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    print(f"{'typed after litellm-proxy':<28} {'ms per TAB':>10}")
    for row in out.strip().splitlines():
        line, micros = row.split("\t")
        print(f"{line:<28} {int(micros) / 1000:>10.2f}")


if __name__ == "__main__":
    main()
