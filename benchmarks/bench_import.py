#!/usr/bin/env python3
"""`models import` of many models: one at a time (the official CLI's way)
against several requests in flight.

    python benchmarks/bench_import.py [--count 200 --runs 3 --workers 2,4,8 --url URL --key KEY]

Each run writes a model_list of COUNT models (fake loopback upstreams with a
canned mock_response), imports it with `--workers 1` and with each of the
given --workers values, checks through /model/info that exactly COUNT
deployments exist, and deletes them before the next import. With the last
--workers value it also imports the same file a second time and checks that
nothing was added. All names start with "bench-import-<random>-"; whatever
the outcome, every model with that prefix is deleted at the end. Prints the
median wall time and peak memory of the CLI process per --workers value and
the speed-up over --workers 1.
"""

import os
import shutil
import statistics
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import cli_env, measure, proxy_arguments  # noqa: E402

from litellm_cli.api.models import ModelsAPI  # noqa: E402
from litellm_cli.session import Session  # noqa: E402


def write_model_list(path, prefix, count):
    import yaml

    models = [{"model_name": f"{prefix}{i:04d}",
               "litellm_params": {"model": "openai/gpt-4o", "api_base": "http://127.0.0.1:9/v1",
                                  "api_key": "fake", "mock_response": "hello"},
               "model_info": {"access_groups": ["bench"]}} for i in range(count)]
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"model_list": models}, handle)


def count_models_named(api, prefix):
    return sum(1 for m in api.info() if m["model_name"].startswith(prefix))


def delete_models_named(api, prefix):
    """Delete every deployment whose name starts with prefix; return how many."""
    ids = [m["model_info"]["id"] for m in api.info() if m["model_name"].startswith(prefix)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(api.delete, ids))
    return len(ids)


def main():
    parser = proxy_arguments(__doc__)
    parser.set_defaults(runs=3)
    parser.add_argument("--count", type=int, default=200, help="models per import")
    parser.add_argument("--workers", default="2,4,8",
                        help="comma-separated --workers values to compare with --workers 1")
    args = parser.parse_args()
    cli = shutil.which(args.cli) or args.cli
    env = cli_env(args.url, args.key)
    api = ModelsAPI(Session(args.url, api_key=args.key))
    run_prefix = f"bench-import-{uuid.uuid4().hex[:8]}-"
    modes = [1] + [int(w) for w in args.workers.split(",") if int(w) != 1]
    walls = {workers: [] for workers in modes}
    peaks = {workers: 0.0 for workers in modes}
    rerun_walls = []
    print(f"importing {args.count} models, {args.runs} runs per mode, into {args.url}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                for workers in modes:
                    prefix = f"{run_prefix}{workers}-{run}-"
                    path = os.path.join(tmp, f"{workers}-{run}.yaml")
                    write_model_list(path, prefix, args.count)
                    command = [cli, "models", "import", path, "--workers", str(workers)]
                    wall, peak, rc = measure(command, runs=1, env=env)
                    created = count_models_named(api, prefix)
                    if rc != 0 or created != args.count:
                        sys.exit(f"--workers {workers} run {run}: exit code {rc}, "
                                 f"{created} deployments for {args.count} models")
                    if workers == modes[-1]:
                        # The same file again: everything is skipped, nothing added.
                        rerun, _, rc = measure(command, runs=1, env=env)
                        again = count_models_named(api, prefix)
                        if rc != 0 or again != args.count:
                            sys.exit(f"re-run {run}: exit code {rc}, {again} deployments")
                        rerun_walls.append(rerun)
                    delete_models_named(api, prefix)
                    walls[workers].append(wall)
                    peaks[workers] = max(peaks[workers], peak)
                    print(f"  run {run + 1} --workers {workers:<2} {wall / 1000:6.2f} s", flush=True)
    finally:
        left = delete_models_named(api, run_prefix)
        if left:
            print(f"cleaned up {left} models left by an interrupted run")
    medians = {workers: statistics.median(values) for workers, values in walls.items()}
    print("every import created exactly one deployment per model (none lost, none doubled)")
    for workers in modes:
        print(f"--workers {workers:<2}: median {medians[workers] / 1000:6.2f} s "
              f"({medians[workers] / args.count:5.1f} ms per model), "
              f"peak RSS {peaks[workers]:.1f} MiB, "
              f"speed-up over sequential {medians[1] / medians[workers]:.2f}x")
    print(f"re-import of the same {args.count} models (all skipped): "
          f"median {statistics.median(rerun_walls) / 1000:.2f} s")


if __name__ == "__main__":
    main()
