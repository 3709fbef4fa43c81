#!/usr/bin/env python3
"""Benchmark ``spend logs --all`` and ``spend report``: time and peak memory as
the number of spend logs grows past the proxy's 10,000-row count cap.

Filling a real proxy with 100,000 spend logs takes 100,000 chat calls, so
this serves ``/spend/logs/v2`` from a local stand-in that answers exactly as
the proxy does (the same row fields, ``total`` capped at 10,000, pages that go
on past it), generating each page on the fly. Flat memory means the peak RSS
does not grow with the row count.

    python benchmarks/bench_spend_logs.py [--counts 5000,20000,80000] [--runs 3]
"""

import argparse
import http.server
import json
import os
import shutil
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cli_env, measure  # noqa: E402

CAP = 10000


def _row(n):
    return {"request_id": f"chatcmpl-{n:012d}", "call_type": "acompletion",
            "api_key": f"{n % 50:064x}", "spend": 0.000225, "total_tokens": 30,
            "prompt_tokens": 10, "completion_tokens": 20,
            "startTime": f"2025-01-{1 + n % 28:02d}T10:00:00.{n % 1000:03d}+00:00",
            "endTime": "2025-01-01T10:00:01.000+00:00", "model": "openai/gpt-4o",
            "model_id": "d74a0b45", "model_group": ["gpt-4o", "mistral-mock"][n % 2],
            "custom_llm_provider": "openai", "api_base": "", "user": f"user-{n % 20}",
            "metadata": {"user_api_key_alias": f"alias-{n % 50}", "padding": "x" * 1200},
            "cache_hit": "False", "team_id": f"team-{n % 5}", "end_user": f"cust-{n % 100}",
            "status": "success", "request_duration_ms": 80}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        page, size = int(query.get("page", 1)), int(query.get("page_size", 50))
        count = self.server.count
        rows = [_row(n) for n in range((page - 1) * size, min(page * size, count))]
        total = min(count, CAP)
        body = json.dumps({"data": rows, "total": total, "page": page, "page_size": size,
                           "total_pages": -(-total // size),
                           "total_is_capped": count > CAP}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="5000,20000,80000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = shutil.which("litellm-proxy", path=os.path.dirname(sys.executable)) or "litellm-proxy"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = cli_env(f"http://127.0.0.1:{server.server_address[1]}", "sk-bench")
    window = ["--start", "2025-01-01", "--end", "2025-01-31"]
    commands = {"logs --all -f csv": ["spend", "logs", "--all", "-f", "csv", *window],
                "logs --all -f json": ["spend", "logs", "--all", "-f", "json", *window],
                "report --group-by key": ["spend", "report", "--group-by", "key", *window]}
    print(f"{'rows':>7}  {'command':<24} {'median s':>9} {'peak MiB':>9}")
    for count in sorted(int(c) for c in args.counts.split(",")):
        server.count = count
        for label, argv in commands.items():
            wall_ms, peak, rc = measure([cli, *argv], runs=args.runs, env=env)
            if rc != 0:
                sys.exit(f"{label} failed with exit code {rc}")
            print(f"{count:>7}  {label:<24} {wall_ms / 1000:>9.2f} {peak:>9.1f}")
    server.shutdown()


if __name__ == "__main__":
    main()
