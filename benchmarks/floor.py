#!/usr/bin/env python3
"""The floor: a standard-library one-shot that sends the same request as a CLI command.

    LITELLM_PROXY_URL=... LITELLM_PROXY_API_KEY=... python benchmarks/floor.py CASE [ARG]

CASE is one of: models-list, keys-list, keys-info KEY, chat, http-get PATH. Each sends the
request the matching ``litellm-proxy`` command sends and prints the answer as that command
does with ``-f json`` (chat: the reply text). bench_floor.py times it next to the CLI.
Nothing else: no retries, no error handling, no options.
"""

import json
import os
import sys
import urllib.parse
import urllib.request


def call(method, path, params=None, body=None):
    url = os.environ["LITELLM_PROXY_URL"].rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, method=method, headers={
        "Authorization": "Bearer " + os.environ["LITELLM_PROXY_API_KEY"],
        "Accept": "application/json", "Content-Type": "application/json"},
        data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def main(case, arg=None):
    if case == "models-list":
        out = call("GET", "/models")["data"]
    elif case == "keys-list":
        out = call("GET", "/key/list", {"return_full_object": "true"})["keys"]
    elif case == "keys-info":
        out = call("GET", "/key/info", {"key": arg})
    elif case == "chat":
        reply = call("POST", "/chat/completions",
                     body={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
        sys.stdout.write(reply["choices"][0]["message"]["content"] + "\n")
        return
    elif case == "http-get":
        out = call("GET", arg)
    else:
        sys.exit(f"unknown case {case!r}")
    sys.stdout.write(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
