#!/usr/bin/env python3
"""YAML parsing: a 5 MB `models import` file with PyYAML's pure-Python safe
loader, with libyaml's (C) safe loader, and with the CLI's parse_yaml (C loader,
lossless typing, alias-expansion check); then how fast an alias bomb is refused.

    python benchmarks/bench_yaml.py [--size-mb 5] [--runs 3]

Needs no proxy. Prints median wall and CPU seconds per case.
"""

import argparse
import statistics
import time
import tracemalloc

import yaml

from litellm_cli import exceptions
from litellm_cli.utils import parse_yaml


def import_file(size_mb):
    """A proxy config with a credential_list and enough model_list entries for size_mb."""
    head = ("credential_list:\n  - credential_name: shared\n    credential_values: "
            "{api_key: sk-bench, api_base: 'https://example.invalid/v1'}\n"
            "    credential_info: {custom_llm_provider: openai}\nmodel_list:\n")
    entry = ("  - model_name: bench-model-{i}\n    litellm_params:\n"
             "      model: openai/gpt-4o-{i}\n      api_base: http://127.0.0.1:9/v1\n"
             "      litellm_credential_name: shared\n      api_version: 2024.10\n"
             "      rpm: {i}\n      tpm: 100000\n      temperature: 0.7\n"
             "      mock_response: \"hello from model {i}\"\n"
             "    model_info:\n      access_groups: [beta, group-{g}]\n"
             "      description: benchmark deployment number {i}\n"
             "      input_cost_per_token: 0.0000025\n")
    parts, size, i = [head], len(head), 0
    while size < size_mb * 1_000_000:
        text = entry.format(i=i, g=i % 7)
        parts.append(text)
        size += len(text)
        i += 1
    return "".join(parts), i


def bomb(levels=9, width=10):
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]"
              for n in range(1, levels)]
    return ("model_list:\n  - model_name: bomb\n    litellm_params:\n      model: openai/x\n"
            "      extra:\n" + "".join(f"        {line}\n" for line in lines))


def measure(parse, text, runs):
    """Median wall and CPU seconds (CPU time is what a busy machine does not inflate)."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        parse(text)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def refuse_bomb():
    """Seconds and peak traced MiB to refuse a billion-laughs bomb in an import entry."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        parse_yaml(bomb(), "bomb.yaml")
    except exceptions.UsageError as exc:
        message = str(exc)
    else:
        raise SystemExit("the alias bomb was NOT refused")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, message


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text, models = import_file(args.size_mb)
    print(f"import file: {len(text) / 1e6:.1f} MB, {models} models; "
          f"libyaml available: {hasattr(yaml, 'CSafeLoader')}")
    cases = [("pure-Python SafeLoader", lambda t: yaml.load(t, Loader=yaml.SafeLoader))]
    if hasattr(yaml, "CSafeLoader"):
        cases.append(("libyaml CSafeLoader", lambda t: yaml.load(t, Loader=yaml.CSafeLoader)))
    cases.append(("litellm_cli parse_yaml", lambda t: parse_yaml(t, "bench.yaml")))
    print(f"{'case':<28} {'wall s':>8} {'CPU s':>8}")
    for label, parse in cases:
        wall, cpu = measure(parse, text, args.runs)
        print(f"{label:<28} {wall:>8.2f} {cpu:>8.2f}")
    seconds, peak, message = refuse_bomb()
    print(f"alias bomb refused in {seconds:.4f} s, peak {peak:.2f} MiB traced: {message}")


if __name__ == "__main__":
    main()
