"""``litellm-proxy http request``: call any proxy endpoint directly."""

import json

from litellm_cli import exceptions, redact
from litellm_cli.command import Command
from litellm_cli.utils import loads_json, parse_json, read_secret


def parse_header(text):
    """``name:value``; the value of a secret header (Authorization, *-key,
    *-token...) may be ``@FILE`` or ``@-`` and is masked in all output."""
    name, sep, value = text.partition(":")
    name, value = name.strip(), value.strip()
    if not sep or not name:
        raise exceptions.UsageError(f"--header: expected 'name:value', got {text!r}")
    if not value:
        # Most often an unset shell variable (-H "X-Api-Key:$KEY").
        raise exceptions.UsageError(f"--header {name}: the value is empty")
    if redact.is_secret_header(name):
        value = read_secret(value, f"--header {name}")
        redact.remember(value.split()[-1])  # the token of "Bearer <token>"
    return name, value


class SendRequest(Command):
    """Send an HTTP request to any proxy endpoint and print the response body

    Secret-named fields of a JSON answer are masked as in every command's
    output; --show-secret prints the ones you ask for.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("method", metavar="METHOD", help="HTTP method: GET, POST, PUT, ...")
        parser.add_argument("uri", metavar="URI",
                            help="path appended to the base URL, e.g. /models (a full URL "
                                 "must be on the proxy's scheme, host and port: the API key "
                                 "is sent nowhere else)")
        body = parser.add_mutually_exclusive_group()
        body.add_argument("-d", "--data", metavar="DATA",
                          help="request body, sent as JSON when it is JSON and as is otherwise")
        body.add_argument("-j", "--json", metavar="JSON",
                          help="request body as JSON (validated before sending)")
        parser.add_argument("-H", "--header", action="append", default=[], metavar="NAME:VALUE",
                            help="extra request header; repeat for more. The value of a "
                                 "secret header (Authorization, *-key, *-token...) may be "
                                 "@FILE or @- (read from a file or stdin)")
        parser.add_argument("--show-secret", action="append", default=[], metavar="FIELD",
                            help="print this secret-named field of a JSON answer as the proxy "
                                 "sent it (e.g. key, the new key of POST /key/generate), at "
                                 "any depth; a dotted name (metadata.api_key) names a field "
                                 "inside another. Repeat for more. Secrets you handed in stay "
                                 "masked")
        return parser

    def take_action(self, parsed_args):
        in_url = redact.url_secrets(parsed_args.uri)
        if in_url:
            redact.remember(in_url)
            self.warn("note: the URI holds a secret, and URLs are kept in access logs: "
                      "prefer a key's hash (the keys commands send only hashes)")
        headers = dict(parse_header(h) for h in parsed_args.header)
        kwargs = {"headers": headers}
        if parsed_args.json is not None:
            kwargs["json"] = parse_json(parsed_args.json, "--json")
        elif parsed_args.data is not None:
            try:
                kwargs["json"] = loads_json(parsed_args.data)
            except (ValueError, RecursionError):
                kwargs["data"] = parsed_args.data.encode("utf-8")
            else:
                redact.remember_fields(kwargs["json"])
        response = self.session.request(parsed_args.method, parsed_args.uri,
                                        raise_exc=False, **kwargs)
        # Masked as every command's output is, but for the fields asked for.
        try:
            body = json.dumps(redact.mask_output(response.json(),
                                                 shown=tuple(parsed_args.show_secret)),
                              indent=2, ensure_ascii=False)
        except ValueError:
            # The proxy speaks UTF-8, whatever requests guesses for text/plain.
            body = redact.mask_output(response.content.decode("utf-8", errors="replace"))
        if body:
            self.write_text(body if body.endswith("\n") else body + "\n")
        if response.status_code >= 400:
            # The path is the user's: a 404 for it says nothing about the base URL.
            raise self.session.error_for(response, parsed_args.method.upper(),
                                         known_path=False)
        return 0
