#!/usr/bin/env python3
"""Benchmark ``state export / diff / apply`` on a proxy with many objects.

Fills the source proxy (--url/--key; best a fresh one, e.g. a sandbox) with
--teams teams, --users users, --keys keys and --models deployments (defaults:
the issue's 200 / 500 / 1,000 / 300) through plain HTTP, then measures:

1. ``state export`` beside a plain sequential script reading the same list
   endpoints (median wall time, peak RSS);
2. ``state diff`` of that export, and an unchanged ``state apply``, against
   the export's time;
3. with --url2/--key2 (an EMPTY second proxy): a plain HTTP loop creating
   the same objects, then, once those are deleted, ``state apply`` of the
   export; and checks that nothing is lost or duplicated.

Everything it created is deleted at the end, also when interrupted.

    python benchmarks/bench_state.py --url URL --key KEY [--url2 URL2 --key2 KEY2]
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import requests
import yaml

from common import cli_env, measure, proxy_arguments, run_once

PLAIN_READS = """
import sys, requests
url, key = sys.argv[1:3]
http = requests.Session()
http.headers["Authorization"] = "Bearer " + key
for path, items in (("/key/list", "keys"), ("/user/list", "users")):
    page = 1
    while True:
        body = http.get(url + path, params={"page": page, "size": 100, "page_size": 100,
                        "return_full_object": "true"}, timeout=300).json()
        if not body[items] or page >= body.get("total_pages", 0):
            break
        page += 1
for path in ("/team/list", "/model/info", "/credentials", "/budget/list", "/customer/list"):
    http.get(url + path, timeout=300).json()
"""

# The plain loop: one POST an object, in the order state apply uses, one at a time.
PLAIN_CREATES = """
import json, sys, requests
url, key, path = sys.argv[1:4]
http = requests.Session()
http.headers["Authorization"] = "Bearer " + key
for route, body in json.load(open(path)):
    http.post(url + route, json=body, timeout=300).raise_for_status()
"""


def http_for(url, key):
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    return http


def fill(http, url, args, prefix, workers=4):
    """The objects, created in parallel; returns the plain loop's list of creates."""
    teams = [{"team_id": f"{prefix}-team-{i}", "team_alias": f"{prefix}-team-{i}",
              "max_budget": 10 + i % 7} for i in range(args.teams)]
    users = [{"user_id": f"{prefix}-user-{i}", "user_email": f"{prefix}-{i}@example.com",
              "max_budget": 5, "auto_create_key": False} for i in range(args.users)]
    models = [{"model_name": f"{prefix}-model-{i % 50}",
               "litellm_params": {"model": "openai/gpt-4o-mini", "mock_response": "hi",
                                  "rpm": 10 + i},
               "model_info": {"id": f"{prefix}-model-{i}"}} for i in range(args.models)]
    keys = [{"key_alias": f"{prefix}-key-{i}", "max_budget": 1 + i % 5,
             "team_id": teams[i % len(teams)]["team_id"] if teams else None,
             "key": f"sk-{prefix}-{i}-{uuid.uuid4().hex}"} for i in range(args.keys)]
    creates = ([("/team/new", t) for t in teams] + [("/user/new", u) for u in users]
               + [("/model/new", m) for m in models] + [("/key/generate", k) for k in keys])

    def post(create):
        response = http.post(url + create[0], json=create[1], timeout=300)
        if response.status_code >= 400:
            raise SystemExit(f"{create[0]} failed: HTTP {response.status_code} "
                             f"{response.text[:200]}")

    for group in ("/team/new", "/user/new", "/model/new", "/key/generate"):
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            list(pool.map(post, [c for c in creates if c[0] == group]))
    return creates


def clean(http, url, prefix):
    """Delete every object whose id or alias starts with ``prefix``."""
    def ids(path, items, field, **params):
        found, page = [], 1
        while True:
            body = http.get(url + path, params={"page": page, "size": 100, "page_size": 100,
                                                **params}, timeout=300).json()
            rows = body[items] if isinstance(body, dict) else body
            found += [r for r in rows if str(r.get(field) or "").startswith(prefix)]
            if not isinstance(body, dict) or not rows or page >= body.get("total_pages", 0):
                return found
            page += 1

    keys = [k["token"] for k in ids("/key/list", "keys", "key_alias",
                                    return_full_object="true")]
    for i in range(0, len(keys), 100):
        http.post(url + "/key/delete", json={"keys": keys[i:i + 100]}, timeout=300)
    models = [m for m in http.get(url + "/model/info", timeout=300).json()["data"]
              if str(m.get("model_name", "")).startswith(prefix)]
    for model in models:
        http.post(url + "/model/delete", json={"id": model["model_info"]["id"]}, timeout=300)
    users = [u["user_id"] for u in ids("/user/list", "users", "user_id")]
    for i in range(0, len(users), 100):
        http.post(url + "/user/delete", json={"user_ids": users[i:i + 100]}, timeout=300)
    teams = [t["team_id"] for t in http.get(url + "/team/list", timeout=300).json()
             if str(t.get("team_id", "")).startswith(prefix)]
    for i in range(0, len(teams), 50):
        http.post(url + "/team/delete", json={"team_ids": teams[i:i + 50]}, timeout=300)
    return len(keys) + len(models) + len(users) + len(teams)


def count(http, url, prefix):
    """``{kind: (objects, distinct ids)}`` of the objects starting with ``prefix``."""
    keys = []
    page = 1
    while True:
        body = http.get(url + "/key/list", params={"page": page, "size": 100,
                                                   "return_full_object": "true"},
                        timeout=300).json()
        keys += [k["key_alias"] for k in body["keys"]
                 if str(k.get("key_alias") or "").startswith(prefix)]
        if not body["keys"] or page >= body.get("total_pages", 0):
            break
        page += 1
    models = [m["model_info"]["id"] for m in http.get(url + "/model/info", timeout=300)
              .json()["data"] if str(m.get("model_name", "")).startswith(prefix)]
    teams = [t["team_id"] for t in http.get(url + "/team/list", timeout=300).json()
             if str(t.get("team_id", "")).startswith(prefix)]
    return {"keys": (len(keys), len(set(keys))), "models": (len(models), len(set(models))),
            "teams": (len(teams), len(set(teams)))}


def main():
    parser = proxy_arguments(__doc__.splitlines()[0])
    parser.add_argument("--url2", help="an EMPTY second proxy, for the apply measurement")
    parser.add_argument("--key2")
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--keys", type=int, default=1000)
    parser.add_argument("--models", type=int, default=300)
    parser.set_defaults(runs=3)
    args = parser.parse_args()
    url = args.url.rstrip("/")
    http = http_for(url, args.key)
    prefix = f"bench-state-{uuid.uuid4().hex[:6]}"
    env = cli_env(url, args.key)
    tmp = tempfile.mkdtemp()
    exported = os.path.join(tmp, "state.yaml")
    try:
        started = time.perf_counter()
        creates = fill(http, url, args, prefix)
        print(f"{len(creates)} objects created in {time.perf_counter() - started:.1f} s "
              f"(prefix {prefix}); load {os.getloadavg()[0]:.1f}; {args.runs} runs each")
        cases = {
            "state export -o FILE": [args.cli, "state", "export", "-o", exported],
            "plain sequential reads": [sys.executable, "-c", PLAIN_READS, url, args.key]}
        figures = {}
        for name, argv in cases.items():
            wall, peak, rc = measure(argv, runs=args.runs, env=env)
            figures[name] = wall
            print(f"  {name:<32} {wall / 1000:7.2f} s  {peak:7.1f} MiB  (exit {rc})")
            if rc != 0:
                sys.exit(f"{name} failed (exit {rc})")
        # Objects made by other tools carry no owner: the first apply adopts them (one
        # write each, the owner marker); from then on the file settles.
        wall, _, _, rc = run_once([args.cli, "state", "apply", exported], env=env)
        print(f"  {'state apply FILE (adopting)':<32} {wall / 1000:7.2f} s  (exit {rc})")
        for name, argv in {"state diff FILE": [args.cli, "state", "diff", exported],
                           "state apply FILE (unchanged)": [args.cli, "state", "apply",
                                                            exported]}.items():
            wall, peak, rc = measure(argv, runs=args.runs, env=env)
            ratio = wall / figures["state export -o FILE"]
            print(f"  {name:<32} {wall / 1000:7.2f} s  {peak:7.1f} MiB  (exit {rc}) "
                  f"{ratio:.2f}x export")
            if rc != 0:
                shown = subprocess.run([args.cli, "state", "diff", exported, "-f", "json"],
                                       env=env, capture_output=True, text=True)
                rows = [r for r in json.loads(shown.stdout or "[]")
                        if r["action"] != "unchanged"]
                for row in rows[:5]:
                    print(f"    {row['action']} {row['kind']} {row['name']}: "
                          f"{json.dumps(row['changes'])[:300]} {row['reason'] or ''}")
                sys.exit(f"{name} failed (exit {rc}): the file does not settle "
                         f"({len(rows)} rows differ)")
        if args.url2:
            apply_to_empty(args, exported, creates, prefix, tmp)
    finally:
        removed = clean(http, url, prefix)
        print(f"deleted {removed} objects of {prefix} on the source", file=sys.stderr)


def apply_to_empty(args, exported, creates, prefix, tmp):
    url2 = args.url2.rstrip("/")
    http2 = http_for(url2, args.key2)
    env2 = cli_env(url2, args.key2)
    # Only the objects made here: the export also holds what the source had before.
    with open(exported, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    mine = {section: [o for o in (objects or []) if prefix in json.dumps(o)]
            for section, objects in data.items() if section != "owner"}
    subset = os.path.join(tmp, "subset.yaml")
    with open(subset, "w", encoding="utf-8") as handle:
        yaml.safe_dump(mine, handle)
    plain = os.path.join(tmp, "creates.json")
    with open(plain, "w", encoding="utf-8") as handle:
        json.dump(creates, handle)
    try:
        loop, _, _, rc = run_once([sys.executable, "-c", PLAIN_CREATES, url2, args.key2, plain],
                                  env=env2)
        print(f"  plain HTTP loop of {len(creates)} creates   {loop / 1000:7.2f} s  (exit {rc})")
        clean(http2, url2, prefix)
        wall, _, _, rc = run_once([args.cli, "state", "apply", subset, "--secrets-out",
                                   os.path.join(tmp, "secrets.jsonl")], env=env2)
        print(f"  state apply to an empty proxy     {wall / 1000:7.2f} s  (exit {rc}) "
              f"{wall / loop:.2f}x the plain loop; load {os.getloadavg()[0]:.1f}")
        found = count(http2, url2, prefix)
        wanted = {"keys": args.keys, "models": args.models, "teams": args.teams}
        for kind, (objects, distinct) in found.items():
            print(f"    {kind}: {objects} on the proxy, {wanted[kind]} wanted, "
                  f"{wanted[kind] - distinct} lost, {objects - distinct} duplicated")
    finally:
        clean(http2, url2, prefix)


if __name__ == "__main__":
    main()
