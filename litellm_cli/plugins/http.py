"""``litellm-proxy http request``: call any proxy endpoint directly."""

import json

from litellm_cli import exceptions
from litellm_cli.command import Command
from litellm_cli.utils import parse_json


def parse_header(text):
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise exceptions.UsageError(f"--header: expected 'name:value', got {text!r}")
    return name.strip(), value.strip()


class Request(Command):
    """Send an HTTP request to any proxy endpoint and print the response body"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("method", metavar="METHOD", help="HTTP method: GET, POST, PUT, ...")
        parser.add_argument("uri", metavar="URI", help="path appended to the base URL, e.g. /models")
        body = parser.add_mutually_exclusive_group()
        body.add_argument("-d", "--data", metavar="DATA",
                          help="request body, sent as JSON when it is JSON and as is otherwise")
        body.add_argument("-j", "--json", metavar="JSON",
                          help="request body as JSON (validated before sending)")
        parser.add_argument("-H", "--header", action="append", default=[], metavar="NAME:VALUE",
                            help="extra request header; repeat for more")
        return parser

    def take_action(self, parsed_args):
        headers = dict(parse_header(h) for h in parsed_args.header)
        kwargs = {"headers": headers}
        if parsed_args.json is not None:
            kwargs["json"] = parse_json(parsed_args.json, "--json")
        elif parsed_args.data is not None:
            try:
                kwargs["json"] = json.loads(parsed_args.data)
            except ValueError:
                kwargs["data"] = parsed_args.data.encode("utf-8")
        response = self.session.request(parsed_args.method, parsed_args.uri,
                                        raise_exc=False, **kwargs)
        try:
            body = json.dumps(response.json(), indent=2, ensure_ascii=False)
        except ValueError:
            body = response.text
        if body:
            self.app.stdout.write(body if body.endswith("\n") else body + "\n")
        if response.status_code >= 400:
            raise exceptions.from_response(response, parsed_args.method.upper(), response.url)
        return 0
