"""``litellm-proxy state ...``: the whole proxy as one file. ``state
validate`` checks a file offline (litellm_cli.api.state); ``state export``,
``diff`` and ``apply`` compare it with the proxy and make the proxy match
(the engine is litellm_cli.api.state_sync, one adapter a kind in
litellm_cli/api/kinds/)."""

from litellm_cli import exceptions
from litellm_cli.command import Command, Lister
from litellm_cli.utils import dump_yaml, write_yaml_list

COLUMNS = ("level", "kind", "object", "field", "problem")
# How much of an object's name a row shows (names come from the file, and may be huge).
NAME_CHARS = 100

VALIDATE_EPILOG = """\
FILE is one YAML mapping whose keys are kinds of objects, each a list of objects
written with the field names of the proxy's API: budgets (budget_id), teams
(team_id, with members: [{user_id, role, max_budget_in_team}]), users (user_id),
customers (user_id), credential_list (credential_name), model_list (as in the
proxy's config.yaml; model_info.id when given) and keys (key_alias; never the key
itself), and an optional owner. The proxy's settings sections (general_settings,
litellm_settings, router_settings, environment_variables...) are not checked, so a
proxy config.yaml is a state file.

Nothing is sent to the proxy. Each problem is a row: an error (an unknown field,
with the release that added it or the closest name; a wrong type; a missing or
repeated identity) or a note (a reference to an object the file does not give,
which must then exist on the proxy). os.environ/NAME is taken for any field of
litellm_params and credential_values, as the proxy reads it there. Exit 0 when the
file is valid (notes allowed: shown, with a summary on stderr), 2 when it is not."""


def _shortened(name):
    if isinstance(name, str) and len(name) > NAME_CHARS:
        return f"{name[:NAME_CHARS]}... ({len(name)} characters)"
    return name


class ValidateState(Lister):
    """Check a state file offline against the proxy's request models"""

    _epilog = VALIDATE_EPILOG

    def get_parser(self, prog_name):
        from litellm_cli.api.state import DEFAULT_RELEASE

        parser = super().get_parser(prog_name)
        parser.add_argument("state_file", metavar="FILE", help="the state file; - reads stdin")
        parser.add_argument("--litellm-version", metavar="VERSION", default=DEFAULT_RELEASE,
                            help=f"the LiteLLM release whose request models the file is "
                                 f"checked against (default {DEFAULT_RELEASE})")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.api.state import read_state, validate

        data = read_state(parsed_args.state_file, self.app.stdin)
        report = validate(data, parsed_args.litellm_version)
        source = "<stdin>" if parsed_args.state_file == "-" else parsed_args.state_file
        if report.ignored:
            self.warn(f"note: {source}: {', '.join(report.ignored)}: proxy settings, not "
                      "objects; not checked")
        rows = [(p.level, p.kind, _shortened(p.name), p.field, p.problem)
                for p in report.problems]
        errors = len(report.errors)
        notes = len(rows) - errors
        noted = f", {notes} note{'s' * (notes != 1)}" if notes else ""
        if errors:
            self.fail_showing(parsed_args, COLUMNS, rows, exceptions.UsageError(
                f"{source} is invalid: {errors} error{'s' * (errors != 1)}{noted} "
                f"(LiteLLM {parsed_args.litellm_version})"))
        objects = sum(report.objects.values())
        self.warn(f"valid: {objects} object{'s' * (objects != 1)} in {len(report.objects)} "
                  f"kind{'s' * (len(report.objects) != 1)}{noted} "
                  f"(LiteLLM {parsed_args.litellm_version})")
        return COLUMNS, rows

    def nothing_found(self):
        pass  # the summary line says it


KINDS_HELP = ("budgets, teams (with members), users, customers, credential_list, model_list "
              "and keys")
OWNER_TEXT = """\
Ownership: everything apply creates or updates carries the file's owner (its
top-level owner:, default litellm-cli) in the object's metadata. --prune deletes
only objects of the file's kinds that carry the same owner and that the file no
longer lists; anything else (made in the UI, by another tool or another file's
owner) is kept and shown as unmanaged. Budgets and customers have no metadata on
the proxy, so they are never pruned. A kind the file leaves out, or writes as
null (model_list: with nothing under it), is not managed by the file: nothing of
it is read, changed or pruned; only an explicit empty list (model_list: []) prunes
all of the owner's objects of that kind."""

DIFF_EPILOG = f"""\
Compares a state file with the proxy, kind by kind ({KINDS_HELP}): each object
is a row, create, update (each field, old -> new, secrets as ***), unchanged or,
with --prune, delete (or unmanaged: kept). Only the fields the file gives are
compared. Secrets cannot be compared (the proxy never shows them): a row notes
them (apply --force-secrets sends them).

{OWNER_TEXT}

The file is first checked as 'state validate' checks it, against the schema of
the proxy's release. Exit 0 when there is nothing to do, 1 when there are
differences, 2 when the file is invalid."""

APPLY_EPILOG = f"""\
Makes the proxy match a state file: creates what is missing in dependency
order (budgets, teams, users, team members, customers, credentials, models,
keys), updates what differs in place, and with --prune deletes in the reverse
order. An unchanged file sends no write. Each object is a row; a summary goes to
stderr; exit 1 if anything failed. A run that is stopped (Ctrl-C, the proxy
gone) says what became of each object, and running it again completes it.

A key to create needs --secrets-out FILE (checked before anything is written):
its new secret is chosen here, written there (mode 0600, one JSON object a line
with key_alias and key), and made durable before the key exists. It is shown
nowhere else.

Secrets need not be in the file: a value written cli.environ/NAME is read from
this program's environment variable NAME, and cli.file/PATH from the file PATH
(its content, without a final newline); os.environ/NAME is sent as it is, for
the proxy to read from its own environment.

{OWNER_TEXT}

--prune asks on the terminal (/dev/tty, also when the file comes on stdin);
where it cannot ask it refuses, unless --yes."""

EXPORT_EPILOG = f"""\
Writes the proxy's objects as a state file that 'state apply' takes back with
no change: {KINDS_HELP}. Never a secret, not even masked: keys appear by
key_alias with their settings (keys without an alias, and the admin UI's own
session keys, are left out), credentials without their values, models without
their upstream keys. Fields the proxy fills in by itself (spend, dates, ids it
made up) are left out.

--owner NAME writes only the objects that carry that owner (see 'state apply
--help'), with owner: NAME at the top; budgets, customers and tags carry no
owner, so all of them are written (the owner's objects may use them: leave
them out with --kind).
Promotion between proxies is composition:
  litellm-proxy state export --profile staging | litellm-proxy state apply - --profile prod
With -o, the file is written whole or not at all, readable by its owner only."""

DIFF_COLUMNS = ("action", "kind", "name", "changes", "reason")
APPLY_COLUMNS = ("kind", "name", "status", "changes", "reason")
_ACTIONS = {"would create": "create", "would update": "update", "would delete": "delete",
            "failed": "invalid"}


class _StateFileCommand(Lister):
    """What diff and apply share: FILE, --prune, reading and validating."""

    prune_help = None

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("state_file", metavar="FILE", help="the state file; - reads stdin")
        parser.add_argument("--prune", action="store_true", help=self.prune_help)
        return parser

    def read_state(self, parsed_args):
        """The file, resolved (cli.environ/, cli.file/) and validated against
        the proxy's release; an invalid file exits 2 with its problems."""
        from litellm_cli.api.state import read_state, resolve_references, validate
        from litellm_cli.api.state_sync import schema_release

        data = read_state(parsed_args.state_file, self.app.stdin)
        release = schema_release(self.session)
        report = validate(data, release)
        if report.errors:
            rows = [(p.level, p.kind, _shortened(p.name), p.field, p.problem)
                    for p in report.errors]
            self.fail_showing(parsed_args, COLUMNS, rows, exceptions.UsageError(
                f"{_source(parsed_args)} is invalid: {len(rows)} error"
                f"{'s' * (len(rows) != 1)} (LiteLLM {release}; 'state validate' says more)"))
        return resolve_references(data)

    def sync(self):
        from litellm_cli.api.state_sync import StateSync

        return StateSync(self.session)


def _source(parsed_args):
    return "<stdin>" if parsed_args.state_file == "-" else parsed_args.state_file


def _changes(item):
    from litellm_cli.plugins.models import ChangesColumn

    return ChangesColumn(item.changes)


def _name(item):
    return _shortened(item.name)


def _status_word(status):
    return "not applied" if status == "not done" else status


def state_summary(plan, done):
    """``budgets: 1 created, 2 unchanged; teams: ...`` in the plan's kind order."""
    kinds = []
    for item in plan.items:
        if item.kind not in kinds:
            kinds.append(item.kind)
    parts = []
    for kind in kinds:
        statuses = [item.status for item in plan.items if item.kind == kind]
        words = []
        for status in dict.fromkeys(statuses):
            label = _status_word(status) if done else _ACTIONS.get(status, status)
            words.append(f"{statuses.count(status)} {label}")
        parts.append(f"{kind}: {', '.join(words)}")
    return "; ".join(parts) or "nothing in the file to compare"


class DiffState(_StateFileCommand):
    """Show what 'state apply FILE' would change on the proxy"""

    _epilog = DIFF_EPILOG
    prune_help = "also show the owner's objects apply --prune would delete, and the unmanaged"

    def take_action(self, parsed_args):
        data = self.read_state(parsed_args)
        plan = self.sync().plan(data, prune=parsed_args.prune)
        self.invalid = plan.count("failed")
        self.differences = len(plan.writes)
        self.warn(state_summary(plan, False))
        rows = [(_ACTIONS.get(item.status, item.status), item.kind, _name(item), _changes(item),
                 item.reason) for item in plan.items]
        return DIFF_COLUMNS, rows

    def run(self, parsed_args):
        super().run(parsed_args)
        if self.invalid:
            self.warn(f"Error: {self.invalid} objects cannot be applied (see 'reason')")
            return exceptions.EXIT_USAGE
        return exceptions.EXIT_FAILURE if self.differences else exceptions.EXIT_OK


class ApplyState(_StateFileCommand):
    """Make the proxy match a state file"""

    _epilog = APPLY_EPILOG
    prune_help = "also delete the owner's objects of the file's kinds that the file does not list"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--dry-run", action="store_true",
                            help="show what would be done; change nothing (see also state diff)")
        parser.add_argument("-y", "--yes", action="store_true",
                            help="with --prune, do not ask for confirmation (where there is no "
                                 "terminal to ask on, --prune needs it)")
        parser.add_argument("--secrets-out", metavar="FILE",
                            help="append the secrets of the keys apply creates to FILE (0600, "
                                 "one JSON object a line); needed when a key is created")
        parser.add_argument("--force-secrets", action="store_true",
                            help="also send every secret the file gives (they cannot be "
                                 "compared: the proxy never shows them)")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.command import confirm_on_terminal

        data = self.read_state(parsed_args)
        sync = self.sync()
        plan = sync.plan(data, prune=parsed_args.prune, force_secrets=parsed_args.force_secrets)
        columns = APPLY_COLUMNS
        if parsed_args.dry_run:
            self.warn("Dry run, nothing changed. " + state_summary(plan, False))
            return self._finish(parsed_args, plan, dry_run=True)
        secrets = None
        if any(item.secret for item in plan.writes):
            if not parsed_args.secrets_out:
                raise exceptions.UsageError(
                    f"the file creates {sum(1 for i in plan.writes if i.secret)} key(s): "
                    "--secrets-out FILE is required, the new secrets are saved nowhere else "
                    "(nothing was changed)")
            from litellm_cli.plugins.keys import _open_private

            if _same_file(parsed_args.state_file, parsed_args.secrets_out):
                raise exceptions.UsageError(
                    "--secrets-out is the state file itself: the new secrets would end up in "
                    "it (and in git); give another file (nothing was changed)")
            secrets = _open_private(parsed_args.secrets_out)
        doomed = [item for item in plan.writes if item.pruned]
        if doomed:
            confirm_on_terminal(self, parsed_args, f"{len(doomed)} object(s) the file no longer "
                                "lists: " + ", ".join(f"{i.kind} {_name(i)}" for i in doomed))
        try:
            sync.execute(plan, on_done=self._report_failure,
                         save_secret=secrets and (lambda s: _save(secrets, s, parsed_args.secrets_out)))
        except BaseException as exc:
            self.produce_output(parsed_args, columns, self._rows(plan))
            if getattr(exc, "exit_code", None) == exceptions.EXIT_AUTH:
                then = "run it again with an admin key (the master key) to do the rest"
            else:
                then = "run the same apply again to do the rest"
            self.warn(f"{state_summary(plan, True)}. Stopped early: {then}.")
            raise
        finally:
            if secrets:
                try:
                    secrets.close()
                except OSError:
                    pass  # _save said it: the secret it could not write is the run's error
        self.warn(state_summary(plan, True))
        return self._finish(parsed_args, plan)

    def _report_failure(self, item):
        if item.status == "failed":
            self.warn(f"Failed to apply {item.kind} {_name(item)}: {item.reason}")

    def _rows(self, plan):
        return [(item.kind, _name(item), _status_word(item.status), _changes(item), item.reason)
                for item in plan.items]

    def _finish(self, parsed_args, plan, dry_run=False):
        rows = self._rows(plan)
        failed = plan.count("failed")
        if failed:
            message = f"{failed} object(s) {'cannot be applied' if dry_run else 'failed'}"
            self.fail_showing(parsed_args, APPLY_COLUMNS, rows, exceptions.UsageError(message)
                              if dry_run else message)
        return APPLY_COLUMNS, rows


def _same_file(one, other):
    import os

    try:
        return one != "-" and os.path.samefile(one, other)
    except OSError:
        return False  # one of them is missing: not the same


def _save(handle, secret, path):
    """Append one new key's secret to --secrets-out and make it durable."""
    import json
    import os

    try:
        handle.write(json.dumps({"key_alias": secret["key_alias"], "key": secret["key"]})
                     + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    except OSError as exc:
        raise exceptions.CLIError(f"--secrets-out: cannot write {path}: "
                                  f"{exc.strerror or exc}") from None


class ExportState(Command):
    """Write the proxy's objects as a state file"""

    _epilog = EXPORT_EPILOG

    def get_parser(self, prog_name):
        from litellm_cli.api.state_sync import EXPORTED
        from litellm_cli.utils import valid_name

        parser = super().get_parser(prog_name)
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="write to FILE (replaced whole, readable by its owner only) "
                                 "instead of stdout")
        parser.add_argument("--kind", metavar="KIND", action="append", choices=EXPORTED,
                            help=f"export only this kind (repeatable): {', '.join(EXPORTED)}")
        parser.add_argument("--owner", metavar="NAME", type=valid_name,
                            help="export only the objects that carry this owner")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.api.state_sync import StateSync
        from litellm_cli.plugins.models import _write_private_file

        sync = StateSync(self.session)
        found = sync.export_spooled(parsed_args.kind, parsed_args.owner)

        def write(out):
            _dump_state(found, parsed_args.owner, out)

        if parsed_args.output:
            _write_private_file(parsed_args.output, write)
        else:
            write(self.app.stdout)
        counts = ", ".join(f"{len(objects)} {section}" for section, objects in found.items())
        self.warn(f"Exported {counts}")
        for section, reasons in sync.skipped.items():
            said = ", ".join(f"{count} ({why})" for why, count in reasons.items())
            self.warn(f"note: left out of {section}: {said}")
        for section, why in sync.unserved.items():
            self.warn(f"note: {section} not exported: {why}")


def _dump_state(found, owner, out):
    """The state file, one object at a time (``found``: {section: objects})."""
    if owner is not None:
        out.write(dump_yaml({"owner": owner}))
    for section, objects in found.items():
        write_yaml_list(out, section, objects)
