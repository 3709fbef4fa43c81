#!/usr/bin/env python3
"""`models export` time and peak memory as the number of deployments grows.

    python benchmarks/bench_export.py [--counts 500,2000,8000 --runs 3 --url URL --key KEY]

Filling a real proxy with thousands of deployments takes hours (every
/model/new rebuilds its router: see bench_sync.py), so the CLI is measured
against a replay server on 127.0.0.1 that answers /model/info with COUNT
copies (distinct ids and names) of a real database deployment read from the
proxy at --url, every model_info field the proxy adds included (about 8 KB
each). Then it exports the real proxy as it is, for comparison. The export
must hold COUNT entries; peak RSS is of the CLI process.
"""

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import cli_env, measure, proxy_arguments  # noqa: E402

from litellm_cli.api.models import ModelsAPI  # noqa: E402
from litellm_cli.session import Session  # noqa: E402


def template(api):
    """A database deployment of the real proxy (one is added and removed if there is none)."""
    for deployment in api.info():
        if deployment["model_info"].get("db_model"):
            return deployment
    created = api.create("bench-export-template", {
        "model": "openai/gpt-4o", "api_base": "http://127.0.0.1:9/v1", "api_key": "fake",
        "mock_response": "hello"}, {"description": "a template", "access_groups": ["bench"]})
    try:
        return api.get(created["model_id"])
    finally:
        api.delete(created["model_id"])


def serve(template_path, count):
    """Run in a process of its own, so the body's memory never counts as the CLI's
    (a forked child starts with its parent's resident memory)."""
    with open(template_path, encoding="utf-8") as handle:
        one = json.load(handle)
    data = []
    for i in range(count):
        copy = json.loads(json.dumps(one))
        copy["model_name"] = f"bench-export-{i:05d}"
        copy["model_info"]["id"] = f"bench-export-id-{i:05d}"
        data.append(copy)
    body = json.dumps({"data": data}).encode()
    del data

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            answer = body if self.path.startswith("/model/info") else b'{"credentials": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], len(body), flush=True)
    server.serve_forever()


def main():
    if sys.argv[1:2] == ["--serve"]:
        return serve(sys.argv[2], int(sys.argv[3]))
    parser = proxy_arguments(__doc__)
    parser.set_defaults(runs=3)
    parser.add_argument("--counts", default="500,2000,8000")
    args = parser.parse_args()
    cli = shutil.which(args.cli) or args.cli
    api = ModelsAPI(Session(args.url, api_key=args.key))
    one = template(api)
    print(f"one deployment is {len(json.dumps(one))} bytes of /model/info JSON")
    with tempfile.TemporaryDirectory() as tmp:
        template_path = os.path.join(tmp, "template.json")
        with open(template_path, "w", encoding="utf-8") as handle:
            json.dump(one, handle)
        for count in (int(c) for c in args.counts.split(",")):
            server = subprocess.Popen([sys.executable, __file__, "--serve", template_path,
                                       str(count)], stdout=subprocess.PIPE, text=True)
            try:
                port, size = (int(v) for v in server.stdout.readline().split())
                url = f"http://127.0.0.1:{port}"
                out = os.path.join(tmp, f"{count}.yaml")
                command = ["sh", "-c", f'rm -f "{out}" && exec "{cli}" models export -o "{out}"']
                wall, peak, rc = measure(command, runs=args.runs, env=cli_env(url, "sk-bench"))
            finally:
                server.terminate()
                server.wait()
            with open(out, encoding="utf-8") as handle:
                entries = sum(1 for line in handle if line.startswith("- model_name: "))
            if rc != 0 or entries != count:
                sys.exit(f"{count}: exit code {rc}, {entries} entries written")
            print(f"export of {count:>5} deployments ({size / 1e6:5.1f} MB answer): median "
                  f"{wall / 1000:5.2f} s, peak RSS {peak:5.1f} MiB")
        out = os.path.join(tmp, "real.yaml")
        wall, peak, rc = measure([cli, "models", "export", "-o", out], runs=1,
                                 env=cli_env(args.url, args.key))
        print(f"export of the real proxy ({len(api.info())} deployments): {wall / 1000:.2f} s, "
              f"peak RSS {peak:.1f} MiB, exit code {rc}")


if __name__ == "__main__":
    main()
