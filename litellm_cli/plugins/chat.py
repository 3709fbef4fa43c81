"""``litellm-proxy chat completions``: talk to a model from the terminal or a pipeline."""

import json

from litellm_cli import exceptions
from litellm_cli.command import Command
from litellm_cli.utils import (TYPED_VALUE_HELP, number, parse_pairs, positive_int,
                               valid_name)

# Roles a message can have with text content alone ("tool" and "function"
# messages need more fields than ROLE:CONTENT can carry).
ROLES = ("system", "developer", "user", "assistant")
STDIN = "-"
# Request fields set by options of the same name; sent only when given.
PARAMETERS = ("temperature", "top_p", "n", "max_tokens", "presence_penalty",
              "frequency_penalty", "user")
# Fields --param may not set: the command sets (and checks) these itself.
_RESERVED = frozenset(PARAMETERS) | {"model", "messages", "stream", "stream_options"}


def _shorten(text, width=60):
    return text if len(text) <= width else text[:width - 3] + "..."


def parse_message(text):
    """``ROLE:CONTENT`` -> ``{"role", "content"}``; only the first colon splits."""
    role, sep, content = text.partition(":")
    role = role.strip().lower()
    if not sep or not role:
        raise exceptions.UsageError(
            f"--message {_shorten(text)!r} has no role: write ROLE:CONTENT, "
            f"e.g. 'user:{_shorten(text, 20)}'")
    if role not in ROLES:
        raise exceptions.UsageError(
            f"--message {_shorten(text)!r}: unknown role {role!r} "
            f"(use one of: {', '.join(ROLES)})")
    if not content.strip():
        raise exceptions.UsageError(f"--message {_shorten(text)!r} has no content")
    return {"role": role, "content": content}


def build_messages(message_args, system=None, read_stdin=None):
    """The request's messages: ``-s`` first, then each ``-m`` in order.

    With no ``-m`` the user message comes from stdin; so does a message whose
    content is ``-`` (``-m user:-``). ``read_stdin()`` returns that text.
    """
    messages = [parse_message(m) for m in message_args] or [{"role": "user", "content": STDIN}]
    from_stdin = [m for m in messages if m["content"] == STDIN]
    if len(from_stdin) > 1:
        raise exceptions.UsageError("only one --message can be read from stdin ('-')")
    for message in from_stdin:
        message["content"] = read_stdin()
        if not message["content"].strip():
            raise exceptions.UsageError(
                "no message: stdin was empty (pipe text in, or use -m user:TEXT)")
    if system is not None:
        if not system.strip():
            raise exceptions.UsageError("--system is empty")
        messages.insert(0, {"role": "system", "content": system})
    return messages


def build_body(parsed_args, messages):
    """The request body: the model, the messages, and only the parameters given."""
    body = parse_pairs(parsed_args.param, "--param")
    fixed = {"model": parsed_args.model, "messages": messages}
    for field in PARAMETERS:
        value = getattr(parsed_args, field)
        if value is not None:
            fixed[field] = value
    if parsed_args.stream and parsed_args.usage:
        # Without this a streamed reply carries no token counts.
        fixed["stream_options"] = {"include_usage": True}
    clash = sorted(set(body) & _RESERVED)
    if clash:
        raise exceptions.UsageError(
            f"--param {clash[0]}: set it with its own option or argument instead")
    body.update(fixed)
    return body


def format_usage(usage, cost):
    """The one-line usage report for stderr."""
    usage = usage or {}
    parts = [f"{name}={usage[name]}" for name in
             ("prompt_tokens", "completion_tokens", "total_tokens") if name in usage]
    if cost is None:
        cost = usage.get("cost")
    if cost is not None:
        parts.append(f"cost_usd={float(cost):.10g}")
    if not parts:
        return "usage: the proxy reported no token counts"
    return "usage: " + " ".join(parts)


def _separator(index, total):
    return f"--- choice {index + 1} of {total} ---\n"


class CreateChatCompletion(Command):
    """Send a conversation to a model and print its reply"""

    # A plain Command with its own -f/--format rather than a ShowOne: the
    # default output is the reply as bare text, which none of cliff's
    # formatters prints, and a streamed reply must be written while it
    # arrives, before there is anything to hand to a formatter. -f json
    # prints the proxy's response object as is.

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("model", type=valid_name, metavar="MODEL",
                            help="model to ask, by its name on the proxy (see 'models list')")
        parser.add_argument(
            "-m", "--message", action="append", default=[], metavar="ROLE:CONTENT",
            help="a message of the conversation, e.g. 'user:Hello'; repeat for more, in "
                 f"order. Roles: {', '.join(ROLES)}. Only the first colon splits. "
                 "CONTENT '-' reads stdin; with no --message the user message is read "
                 "from stdin")
        parser.add_argument("-s", "--system", metavar="TEXT",
                            help="system prompt, sent before all other messages")
        parser.add_argument("-t", "--temperature", type=number(0, 2), metavar="0..2",
                            help="sampling temperature; higher is more random")
        parser.add_argument("--top-p", type=number(0, 1), metavar="0..1",
                            help="nucleus sampling: keep the tokens within this "
                                 "probability mass")
        parser.add_argument("--n", type=positive_int, metavar="N",
                            help="how many alternative replies to generate")
        parser.add_argument("--max-tokens", type=positive_int, metavar="N",
                            help="most tokens the reply may have")
        parser.add_argument("--presence-penalty", type=number(-2, 2), metavar="-2..2",
                            help="penalise tokens that already appeared at all")
        parser.add_argument("--frequency-penalty", type=number(-2, 2), metavar="-2..2",
                            help="penalise tokens by how often they already appeared")
        parser.add_argument("--user", type=valid_name, metavar="ID",
                            help="identifier of the end user, for the proxy's spend tracking")
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                            help="any other request field (e.g. seed=7, stop=[\"\\n\"]); "
                                 "repeat for more. " + TYPED_VALUE_HELP)
        parser.add_argument("--stream", action="store_true",
                            help="print the reply as it is generated")
        parser.add_argument("--usage", action="store_true",
                            help="report token counts and cost on stderr (the cost of a "
                                 "stream needs LiteLLM >= 1.108, which sends it)")
        parser.add_argument("-f", "--format", choices=("text", "json"), default="text",
                            help="text: the reply only (default); json: the whole response "
                                 "object, or with --stream one chunk object per line")
        return parser

    def take_action(self, parsed_args):
        messages = build_messages(parsed_args.message, parsed_args.system, self._read_stdin)
        body = build_body(parsed_args, messages)
        api = self.app.client_manager.chat
        if parsed_args.stream:
            # A stream's cost comes in its usage chunk, not in a header.
            usage = self._print_stream(api.stream(body), parsed_args)
            cost = None
        else:
            response, cost = api.create(body)
            usage = response.get("usage")
            self._print_response(response, parsed_args.format)
        if parsed_args.usage:
            self.app.stderr.write(format_usage(usage, cost) + "\n")
        return 0

    def _read_stdin(self):
        from litellm_cli.utils import claim_stdin

        claim_stdin("the message")
        stdin = self.app.stdin
        if stdin.isatty():
            self.warn("Type the message, then Ctrl-D on a new line:")
        return stdin.read()

    def _print_response(self, response, fmt):
        if fmt == "json":
            self.write_text(json.dumps(response, indent=2, ensure_ascii=False) + "\n")
            return
        choices = response.get("choices") or []
        for choice in choices:
            if len(choices) > 1:
                self.write_text(_separator(choice.get("index", 0), len(choices)))
            text = (choice.get("message") or {}).get("content") or ""
            self.write_text(text if text.endswith("\n") else text + "\n")

    def _print_stream(self, chunks, parsed_args):
        """Write each piece of the reply as it arrives; return the reported usage.

        With --n above 1 the first choice is printed live and the others,
        which arrive interleaved with it, once the stream has ended.
        """
        usage = None
        if parsed_args.format == "json":
            for chunk in chunks:
                usage = chunk.get("usage") or usage
                self.write_text(json.dumps(chunk, ensure_ascii=False) + "\n", flush=True)
            return usage
        total = parsed_args.n or 1
        later = {}
        last = "\n"
        try:
            if total > 1:
                self.write_text(_separator(0, total))
            for chunk in chunks:
                usage = chunk.get("usage") or usage
                for choice in chunk.get("choices") or ():
                    text = (choice.get("delta") or {}).get("content")
                    if not text:
                        continue
                    index = choice.get("index", 0)
                    if index:
                        later.setdefault(index, []).append(text)
                    else:
                        # Set first: Ctrl-C can land right after the flush.
                        last = text[-1]
                        self.write_text(text, flush=True)
        finally:
            # Whatever ends the stream (the end, an error, Ctrl-C), what was
            # printed stays, and ends with a newline.
            if last != "\n":
                self.write_text("\n", flush=True)
        for index in sorted(later):
            text = "".join(later[index])
            self.write_text(_separator(index, total)
                            + (text if text.endswith("\n") else text + "\n"))
        return usage
