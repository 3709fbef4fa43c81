"""Base classes for every command, ours and third-party plugins'.

Subclass ``Command`` (prints nothing or free text), ``Lister`` (returns
``(columns, rows)``) or ``ShowOne`` (returns ``(columns, values)``); the last
two get cliff's table/json/yaml/csv/value formatters and ``-c``.
"""

import argparse
import copy
import functools
import itertools

import cliff.command
import cliff.lister
import cliff.show
# cliff's help formatter is private (cliff._argparse) and has no public
# equivalent; this is its only use. test_output_contract.py fails loudly if
# it moves or stops being an argparse formatter.
from cliff._argparse import SmartHelpFormatter
from cliff.columns import FormattableColumn

from litellm_cli import exceptions


class HelpFormatter(argparse.RawDescriptionHelpFormatter, SmartHelpFormatter):
    """cliff's help formatter, keeping the description's and epilog's paragraphs."""


class _Base:
    def get_epilog(self):
        # cliff's version scans every installed distribution's metadata each
        # time a parser is built (tens of milliseconds); we never need that.
        return self._epilog or ""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.formatter_class = HelpFormatter

        def error(message):
            raise exceptions.UsageError(f"{message} (see '{prog_name} --help')")

        parser.error = error
        return parser

    @property
    def session(self):
        """The HTTP session to the proxy (see litellm_cli.session.Session)."""
        return self.app.client_manager.session

    def write_text(self, text, flush=False):
        """Write free text (a reply, a response body) to stdout: exact on a
        pipe; on a terminal with control characters escaped (line breaks and
        tabs kept), so what the proxy sends cannot drive the terminal."""
        from litellm_cli.utils import escape_text

        out = self.app.stdout
        out.write(escape_text(text) if out.isatty() else text)
        if flush:
            out.flush()

    def warn(self, message):
        """A note for the user on stderr, one line whatever names it quotes
        (control characters escaped); stdout stays data only. Secrets masked."""
        from litellm_cli.redact import REDACTOR
        from litellm_cli.utils import escape_controls

        self.app.stderr.write(f"{escape_controls(REDACTOR.values(message))}\n")


class Command(_Base, cliff.command.Command):
    pass


def _masked_row(column_names, row, shown):
    """A row of output with its secrets masked (see redact.mask_output): the
    one rule for everything a command shows, read from the proxy or not."""
    from litellm_cli.redact import mask_output

    masked = []
    for name, value in zip(column_names, row):
        if isinstance(value, FormattableColumn):
            value = copy.copy(value)
            value._value = mask_output(value._value, name, shown)
        else:
            value = mask_output(value, name, shown)
        masked.append(value)
    return tuple(masked)


# Our wording for the options cliff adds to every command that shows data
# (by dest), and for its groups of them (by title).
FORMAT_HELP = {
    "formatter": "the output format (default: table)",
    "columns": "a column to show; repeat for more, they come out in the order given",
    "sort_columns": "sort by this column (shown or not); repeat for more, the first one first",
    "noindent": "print the JSON on one line",
    "max_width": "the widest the table may be, in characters; below 1, no limit "
                 "(default: $CLIFF_MAX_TERM_WIDTH, else the terminal's width)",
    "fit_width": "fit the table to the terminal's width (on by default on a terminal, "
                 "or with CLIFF_FIT_WIDTH=1)",
    "print_empty": "print the header even when nothing was found",
    "quote_mode": "which cells to quote (default: nonnumeric, every cell but numbers)",
    "prefix": "put PREFIX before every variable name (letters, digits and _)",
}
FORMAT_METAVARS = {"max_width": "N", "sort_columns": "COLUMN"}
FORMAT_GROUPS = {
    "output formatters": ("output format", None),
    "csv formatter": ("-f csv", None),
    "json formatter": ("-f json", None),
    "table formatter": ("-f table", None),
    "shell formatter": ("-f shell", "name='value' lines, safe to eval"),
}


class _Display(_Base):
    """What Lister and ShowOne share: our formats, ``-c`` in the order given,
    and secrets masked in every value shown.

    cliff has no public way to replace its formatters; ``_load_formatter_plugins``
    is the hook it keeps "so tests can override". It is used here only, and
    tests/unit/test_output_contract.py fails loudly if cliff stops calling it.
    The help of cliff's options is reworded through argparse's parser._actions
    and _action_groups, which argparse offers no public way to reach either.
    """

    #: The secret-named fields this command exists to show, by name or by
    #: the end of a dotted path (``model_info.key``), at any depth. Every
    #: other secret-named field is masked, at any depth, but for the proxy's
    #: fields that only look secret (redact.NOT_SECRETS: a key's hash...).
    shown_secrets = ()

    def fail_showing(self, parsed_args, columns, data, error):
        """Print what was done (``columns``, ``data``), then fail with ``error``
        (a CLIError, or its message)."""
        self.produce_output(parsed_args, columns, data)
        raise error if isinstance(error, BaseException) else exceptions.CLIError(error)

    def _load_formatter_plugins(self):
        from litellm_cli.display import FORMATTERS

        formatters = super()._load_formatter_plugins()
        for formatter in formatters:
            if formatter.name in FORMATTERS:
                formatter.obj = FORMATTERS[formatter.name]()
        return formatters

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        for action in parser._actions:
            action.help = FORMAT_HELP.get(action.dest, action.help)
            action.metavar = FORMAT_METAVARS.get(action.dest, action.metavar)
        for group in parser._action_groups:
            group.title, group.description = FORMAT_GROUPS.get(
                (group.title or "").lower(), (group.title, group.description))
        return parser


class Lister(_Display, cliff.lister.Lister):
    #: What the one line on stderr names when nothing matched (on a terminal);
    #: the command's first word ("keys") unless set.
    empty_noun = None
    #: ``(cache name, column)``: keep the column's values for shell completion
    #: (see plugins/completion.py), e.g. ``("models", "id")``.
    completion_cache = None

    def produce_output(self, parsed_args, column_names, data):
        from litellm_cli.display import pick_columns

        rows = iter(data)
        first = next(rows, None)
        if first is None:
            # Nothing on stdout but an empty document in json/yaml; people
            # at a terminal get one line on stderr instead of a blank table.
            if parsed_args.formatter in ("json", "yaml"):
                self.app.stdout.write("[]\n")
            elif parsed_args.formatter == "table" and parsed_args.print_empty:
                return super().produce_output(parsed_args, column_names, ())
            elif self.app.stdout.isatty():
                self.nothing_found()
            return 0
        names = tuple(column_names)  # as they are now: reordered below
        rows = (_masked_row(names, row, self.shown_secrets)
                for row in itertools.chain([first], rows))
        if parsed_args.columns:
            # cliff keeps its own column order when it picks columns: put
            # the picked ones first, in the order asked for, and let it pick
            # (after sorting, which may use any column).
            picked = pick_columns(column_names, parsed_args.columns)
            order = picked + [i for i in range(len(column_names)) if i not in picked]
            column_names = [column_names[i] for i in order]
            rows = (tuple(row[i] for i in order) for row in rows)
        if self.completion_cache and self.completion_cache[1] in column_names:
            rows = self._remembered(rows, column_names.index(self.completion_cache[1]))
        return super().produce_output(parsed_args, column_names, rows)

    def nothing_found(self):
        """Say on stderr that nothing was found (stdout is a terminal, and the
        table would be empty). A command that says so itself does nothing."""
        noun = self.empty_noun or (self.cmd_name or "results").split()[0]
        self.warn(f"No {noun} found.")

    def _remembered(self, rows, index):
        """``rows`` as they stream by; once all are out, their ``index``
        values go to the completion cache. Values a terminal could not show
        as they are (control characters, bidi overrides) are left out: the
        shell would print them raw when it lists completions."""
        from litellm_cli.utils import is_terminal_safe, save_completion_cache

        seen = []
        for row in rows:
            value = row[index]
            if isinstance(value, str) and is_terminal_safe(value):
                seen.append(value)
            yield row
        save_completion_cache(self.completion_cache[0], seen)


class ShowOne(_Display, cliff.show.ShowOne):
    def produce_output(self, parsed_args, column_names, data):
        from litellm_cli.display import pick_columns

        data = list(_masked_row(column_names, data, self.shown_secrets))
        if parsed_args.columns:
            picked = pick_columns(column_names, parsed_args.columns)
            column_names = [column_names[i] for i in picked]
            data = [data[i] for i in picked]
        self.formatter.emit_one(column_names, data, self.app.stdout, parsed_args)
        return 0


class DeleteCommand(Command):
    """Base for commands that destroy something.

    Adds ``-y/--yes``. ``confirm()`` names what will be deleted and asks when
    stdin is a terminal; without a terminal (scripts, CI, pipes) it never
    prompts, so scripted use keeps working.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("-y", "--yes", action="store_true",
                            help="do not ask for confirmation")
        return parser

    def confirm(self, parsed_args, what):
        if parsed_args.yes or not self.app.stdin.isatty():
            return
        self.app.stderr.write(f"This will delete {what}.\nContinue? [y/N] ")
        self.app.stderr.flush()
        answer = self.app.stdin.readline()
        if answer.strip().lower() not in ("y", "yes"):
            raise exceptions.CLIError("aborted; nothing was deleted")

    def delete_all(self, parsed_args, targets, plural):
        """Confirm, then run every ``(label, delete)``: see utils.delete_each."""
        from litellm_cli.utils import delete_each

        self.confirm(parsed_args, f"{len(targets)} {plural}: "
                                  + ", ".join(label for label, _ in targets))
        delete_each(targets, self.warn, plural)


TTY = "/dev/tty"  # where confirm_on_terminal asks


def confirm_on_terminal(command, parsed_args, what):
    """Ask on the terminal (/dev/tty, even when stdin is a file or a pipe)
    before deleting ``what``; where there is no terminal to ask on, refuse
    unless --yes (exit 2: nothing was changed)."""
    from litellm_cli.utils import escape_controls

    if parsed_args.yes:
        return
    what = escape_controls(what)
    try:
        tty = open(TTY, "r+", encoding="utf-8", errors="replace")
    except OSError:
        raise exceptions.UsageError(f"this would delete {what}; there is no terminal to ask "
                                    "on: give --yes to go ahead (nothing was changed)") from None
    with tty:
        tty.write(f"This will delete {what}.\nContinue? [y/N] ")
        tty.flush()
        answer = tty.readline()
    if answer.strip().lower() not in ("y", "yes"):
        raise exceptions.CLIError("aborted; nothing was changed")


class _OnClient:
    """A command on one API client: ``client`` is its name on the client
    manager ("teams"), ``noun`` what it handles ("team"), ``plural`` the
    plural ("teams" by default), ``metavar`` an id's placeholder ("TEAM_ID")."""

    client = noun = metavar = None
    plural = None

    @property
    def api(self):
        return getattr(self.app.client_manager, self.client)

    @property
    def nouns(self):
        return self.plural or f"{self.noun}s"


class DeleteByIds(_OnClient, DeleteCommand):
    """Deletes the objects whose ids are given (``api.delete(id)``); each is
    tried and reported. ``ids_help`` is the help of the ids (default: "the
    <plural> to delete")."""

    ids_help = None

    def get_parser(self, prog_name):
        from litellm_cli.utils import valid_name

        parser = super().get_parser(prog_name)
        parser.add_argument("ids", type=valid_name, nargs="+", metavar=self.metavar,
                            help=self.ids_help or f"the {self.nouns} to delete")
        return parser

    def take_action(self, parsed_args):
        self.delete_all(parsed_args, [(f"{self.noun} {ident}",
                                       functools.partial(self.delete_one, ident))
                                      for ident in parsed_args.ids], self.nouns)

    def delete_one(self, ident):
        """Delete what ``ident`` names (teams also take a unique alias)."""
        self.api.delete(ident)


class ShowById(_OnClient, ShowOne):
    """Shows the object its argument names (``find``), through ``format``.

    The object is positional (``id_help`` its help), ``--id`` still
    accepted; with ``id_option`` it is ``--id`` (``users get --id``, as the
    documented surface has it).
    """

    id_option = False
    id_help = None

    def get_parser(self, prog_name):
        from litellm_cli.arguments import add_object
        from litellm_cli.utils import valid_name

        parser = super().get_parser(prog_name)
        if self.id_option:
            parser.add_argument("--id", type=valid_name, required=True, metavar=self.metavar,
                                help=f"the {self.noun}'s id")
        else:
            add_object(parser, "id", self.metavar, self.noun,
                       self.id_help or f"the {self.noun} to show", "--id")
        return parser

    def find(self, name):
        """``api.get``'s answer for what ``name`` names (teams also take a unique alias)."""
        return self.api.get(name)

    def format(self, answer):
        return answer

    def take_action(self, parsed_args):
        from litellm_cli.display import showing

        return showing(self.format(self.find(parsed_args.id)))


class PagedLister(_OnClient, Lister):
    """A listing the proxy pages (the API is a ``litellm_cli.api.paging.PagedAPI``):
    --page, --size and --all; ``items(parsed_args, **filters)`` fetches what
    they ask for. ``page_size`` is the proxy's default page size,
    ``page_size_max`` the largest it accepts."""

    page_size = page_size_max = None

    def get_parser(self, prog_name):
        from litellm_cli.arguments import add_paging_options

        parser = super().get_parser(prog_name)
        add_paging_options(parser, self.nouns, self.page_size, self.page_size_max)
        return parser

    def items(self, parsed_args, **filters):
        return self.api.items(page=parsed_args.page, size=parsed_args.size,
                              all_pages=parsed_args.all, **filters)
