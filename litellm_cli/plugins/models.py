"""``litellm-proxy models ...``: list, inspect, add, change and remove models, and keep
them as code (import, diff, apply, export: credential_list and model_list run
through the state engine, litellm_cli.api.state_sync)."""

import datetime
import re

from litellm_cli import exceptions
from litellm_cli.command import Command, DeleteByIds, Lister, ShowOne
from litellm_cli.display import JSONColumn, pick_columns, wants_all_fields
from litellm_cli.utils import (TYPED_VALUE_HELP, number, parse_pairs, split_list, valid_name,
                               write_yaml_list)


def _params(model):
    return model.get("litellm_params") or {}


def _info(model):
    return model.get("model_info") or {}


def _per_1k_tokens(cost):
    # Rounded so 2.5e-06 * 1000 shows as 0.0025, not 0.0025000000000000005.
    return None if cost is None else round(cost * 1000, 12)


# The columns of `models info`, as documented, and how each is read.
INFO_COLUMNS = {
    "public_model": lambda m: m.get("model_name"),
    "upstream_model": lambda m: _params(m).get("model"),
    "credential_name": lambda m: _params(m).get("litellm_credential_name"),
    "created_at": lambda m: _info(m).get("created_at"),
    "updated_at": lambda m: _info(m).get("updated_at"),
    "id": lambda m: _info(m).get("id"),
    "input_cost": lambda m: _per_1k_tokens(_info(m).get("input_cost_per_token")),
    "output_cost": lambda m: _per_1k_tokens(_info(m).get("output_cost_per_token")),
}
# created_at and updated_at are filled only by LiteLLM Enterprise proxies.
DEFAULT_INFO_COLUMNS = "public_model,upstream_model,id,input_cost,output_cost"

MODEL_COLUMNS = ("id", "model_name", "upstream_model", "credential_name", "litellm_params",
                 "model_info")


def _format_model(model):
    """One deployment as ``models get/add/update`` show it (secrets are masked
    by the base classes)."""
    info = {k: v for k, v in _info(model).items() if v is not None}
    return (
        info.get("id"),
        model.get("model_name"),
        _params(model).get("model"),
        _params(model).get("litellm_credential_name"),
        JSONColumn(_params(model)),
        JSONColumn(info),
    )


def _format_public_model(model):
    created = model.get("created")
    if isinstance(created, (int, float)):
        created = datetime.datetime.fromtimestamp(
            created, datetime.timezone.utc).isoformat(timespec="seconds")
    return model.get("id"), model.get("object"), created, model.get("owned_by")


def _add_param_options(parser):
    parser.add_argument(
        "-p", "--param", action="append", default=[], metavar="KEY=VALUE",
        help="a litellm_params entry (model, api_base, api_key, ...); repeat for more. "
             + TYPED_VALUE_HELP)
    parser.add_argument(
        "-i", "--info", action="append", default=[], metavar="KEY=VALUE",
        help="a model_info entry (description, access_groups, ...); repeat for more; "
             "typed like --param")


class ListModel(Lister):
    """List the model names the proxy serves"""

    completion_cache = ("models", "id")

    def take_action(self, parsed_args):
        models = self.app.client_manager.models.list()
        return ("id", "object", "created", "owned_by"), [_format_public_model(m) for m in models]


class ListModelInfo(Lister):
    """Show every model deployment with its upstream model, credential and costs"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            # dest differs from cliff's own -c/--column (dest "columns").
            "--columns", dest="info_columns", metavar="COLUMNS",
            help="comma-separated columns to show, the same as one -c per column: "
                 + ", ".join(INFO_COLUMNS) + f" (default: {DEFAULT_INFO_COLUMNS}; "
                 "json and yaml show them all); costs are USD per 1000 tokens")
        return parser

    def take_action(self, parsed_args):
        if parsed_args.info_columns is not None:
            picked = split_list(parsed_args.info_columns)
            if not picked:
                raise exceptions.UsageError("--columns: give at least one column")
            parsed_args.columns = picked + parsed_args.columns
        columns = tuple(INFO_COLUMNS)
        pick_columns(columns, parsed_args.columns)  # a typo fails before any request
        if not wants_all_fields(parsed_args):
            columns = tuple(split_list(DEFAULT_INFO_COLUMNS))
        models = self.app.client_manager.models.info()
        return columns, [tuple(INFO_COLUMNS[c](m) for c in columns) for m in models]


class ShowModel(ShowOne):
    """Show one model deployment, found by id or by name"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", type=valid_name, metavar="MODEL_ID", help="the deployment's id")
        which.add_argument("--name", type=valid_name, metavar="MODEL_NAME",
                           help="the public model name (must match one deployment)")
        return parser

    def take_action(self, parsed_args):
        api = self.app.client_manager.models
        if parsed_args.id:
            return MODEL_COLUMNS, _format_model(api.get(parsed_args.id))
        found = api.find(parsed_args.name)
        if not found:
            raise exceptions.CLIError(f"no model is named {parsed_args.name!r}",
                                      exit_code=exceptions.EXIT_NOT_FOUND)
        if len(found) > 1:
            ids = ", ".join(_info(m).get("id") or "?" for m in found)
            raise exceptions.UsageError(
                f"{len(found)} deployments are named {parsed_args.name!r}; "
                f"pick one with --id ({ids})")
        return MODEL_COLUMNS, _format_model(found[0])


class AddModel(ShowOne):
    """Add a model deployment to the proxy"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            "model_name", type=valid_name, metavar="MODEL_NAME",
            help="the public name callers use; also the upstream model unless -p model=... "
                 "is given")
        _add_param_options(parser)
        return parser

    def take_action(self, parsed_args):
        params = parse_pairs(parsed_args.param, "--param")
        if "model" not in params:
            # The proxy requires litellm_params.model; the documented examples
            # leave it out and mean the public name.
            params["model"] = parsed_args.model_name
            self.warn(f"note: no -p model=... given; using {parsed_args.model_name!r} "
                      "as the upstream model")
        info = parse_pairs(parsed_args.info, "--info")
        created = self.app.client_manager.models.create(parsed_args.model_name, params, info)
        # The proxy answers with encrypted params; show the ones we sent, masked.
        shown = {"model_name": created.get("model_name"), "litellm_params": params,
                 "model_info": {**_info(created), "id": created.get("model_id")}}
        shown["model_info"].pop("db_model", None)  # always false in this answer
        return MODEL_COLUMNS, _format_model(shown)


class UpdateModel(ShowOne):
    """Change some params or info fields of a model deployment; others are kept"""

    _epilog = """\
-p KEY=null removes the param. That needs LiteLLM >= 1.109 (litellm_params_to_remove);
older releases would keep the value, so the command refuses and sends nothing."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("model_id", type=valid_name, metavar="MODEL_ID",
                            help="the deployment's id")
        _add_param_options(parser)
        return parser

    def take_action(self, parsed_args):
        params = parse_pairs(parsed_args.param, "--param")
        info = parse_pairs(parsed_args.info, "--info")
        if not params and not info:
            raise exceptions.UsageError("nothing to update: give --param and/or --info")
        api = self.app.client_manager.models
        api.update(parsed_args.model_id, params, info)
        # The answer holds encrypted params: read the result back instead.
        return MODEL_COLUMNS, _format_model(api.get(parsed_args.model_id))


class DeleteModel(DeleteByIds):
    """Delete model deployments stored in the proxy's database; each id is tried and reported"""

    client, noun, metavar = "models", "model", "MODEL_ID"
    ids_help = "the deployments' ids (as `models info -c id` shows them)"


# -- config as code: import, diff, apply, export ------------------------------

MAX_WORKERS = 10  # requests' default connection pool size
# The proxy reloads its whole model list under one lock on every /model/new,
# so requests in flight only overlap their work outside that lock: measured
# 1.1-1.3x faster than one at a time (benchmarks/bench_import.py). 4 keeps the
# lock busy; more adds nothing but makes other clients' model writes wait.
DEFAULT_WORKERS = 4
# A progress bar on a terminal for runs with more writes than this.
PROGRESS_AFTER = 5

IDENTITY_HELP = """\
Which deployment an entry of the file is: the one with its model_info.id
(models export writes it). An entry without one gets a derived id, a UUID of
the file's owner, its model_name and its position among the entries of that
model_name without an id (0, 1, ...): changing its rpm or rotating its api_key
updates the same deployment in place, entries of one model_name (load
balancing) are separate deployments, and two runs of one file at once create
each once. A deployment made before derived ids (by this tool, or by hand) is
found by its model_name and params but the secrets, and then records the
derived id. Moving an entry before another of its model_name swaps the two.

Plain YAML values mean what they mean to the proxy reading the same file
(YAML 1.1: 0.50 and 1_000 are numbers, yes is true; dates stay text), and
numbers compare as numbers. An entry with only a model_name uses it as
litellm_params.model too (said on stderr). A bad entry fails on its own; the
others still go through."""

IMPORT_EPILOG = f"""\
Credentials in the file's credential_list are imported first, since models can
use them through litellm_credential_name (with a filter, only those that the
selected models use). A credential whose name already exists is skipped, not
overwritten. A model that is already deployed is skipped, so importing the
same file again creates nothing twice.

{IDENTITY_HELP}

The output has one row per credential and model, in file order, with its
status (created, skipped or failed) and the reason; a summary goes to stderr,
and the exit code is 1 when anything failed (2 for an invalid entry).
--dry-run reads the proxy and
changes nothing. If the run is stopped (Ctrl-C, lost connection), a model
that was being sent is checked on the proxy before it is reported."""

APPLY_EPILOG = f"""\
Makes the deployments stored in the proxy's database match FILE, like
kubectl apply: creates what is missing, updates what differs in place (same
id), leaves the rest alone (an unchanged file sends no write at all), and
with --prune deletes the database deployments and credentials of the file's
owner that the file does not list (after listing them and asking on the
terminal, /dev/tty; with no terminal to ask on it refuses, unless --yes).
Credentials in credential_list are created or
updated the same way. Deployments from the proxy's own config file cannot be
changed through the API and are never deleted.

Ownership: what apply and import create or update records the file's owner
(its top-level owner:, default litellm-cli) in model_info.litellm_cli_sync or
credential_info.litellm_cli_sync. --prune deletes only that owner's objects,
and only of a list the file gives (credential_list: [] prunes every
credential of the owner; a missing or null list prunes none); others (made by
models add, the UI, another owner's file) are kept and shown as unmanaged.
Listing one in the file adopts it. A credential that a deployment on the
proxy, or an entry of the file, uses is kept (one whose deployment this run
deletes goes in the next run).

Only the fields an entry lists are compared and sent: a field left out of
the file, and a secret the file does not give, stays as it is on the proxy.
A null removes a field only where this proxy can (prices, tiered_pricing,
cache_control_injection_points, litellm_credential_name); removing any other
(rpm: null) fails with the reason. Secrets cannot be read back and nothing
derived from them is stored, so they are not compared: the reason column
names them, and --force-secrets sends them anyway.

{IDENTITY_HELP}

One row per item with its status (created, updated, unchanged, deleted,
kept, unmanaged, failed) and the changed fields (secrets masked); a summary on stderr;
exit code 1 if anything failed, 2 if an entry of the file is invalid (then
--prune deletes nothing: the deployments it would delete are kept).

A param set to null is removed: prices and litellm_credential_name on every
release, any other param from LiteLLM 1.109 on (litellm_params_to_remove);
on older releases such an entry fails, saying so."""

DIFF_EPILOG = f"""\
Shows, per deployment and credential, what 'models apply FILE' would do:
create, update (each changed field, old -> new, secrets masked), unchanged,
and with --prune delete. Reads the proxy only. Exit code 0 when there is
nothing to do, 1 when there are differences, 2 when an entry of the file is
invalid, other codes for errors (as diff and kubectl diff do).

{IDENTITY_HELP}"""

EXPORT_EPILOG = """\
Writes a proxy config YAML of the deployments stored in the proxy's database:
a model_list with each deployment's model_name, litellm_params and own
model_info (with its id, so apply finds the same deployment again), and a
credential_list with the credentials those use. Importing or applying the
file against the same proxy changes nothing.

Secrets the proxy does not give back (api_key, credential values, any
secret-named params or model_info field...) and URLs with a password in them
are never written, not even masked, and their absence in the file never
clears them on the proxy. Every model_info field set on a deployment is kept;
what the proxy fills in from its price map is left out (a field is kept where
it differs from that map). Prices are written in litellm_params. Deployments
from the proxy's config file (not in the database) are left out and counted
on stderr. Needs an admin key: any other sees only some models (exit 4,
nothing written). -o FILE writes FILE readable by its owner only (mode
0600), replacing it only once the export is complete."""

# The state file's sections, and what a row calls their objects.
KINDS = {"credential_list": "credential", "model_list": "model"}

IMPORT_COLUMNS = ("kind", "name", "upstream_model", "access_groups", "id", "status", "reason")
APPLY_COLUMNS = ("kind", "name", "upstream_model", "id", "status", "changes", "reason")
DIFF_COLUMNS = ("action", "kind", "name", "upstream_model", "id", "changes", "reason")


class ChangesColumn(JSONColumn):
    """``field: old -> new`` lines in tables; the list of changes in json/yaml.
    A line break inside a value is shown escaped: each change stays one line."""

    def human_readable(self):
        return "\n".join(f"{_shown(c['field'])}: {_shown(c['old'])} -> {_shown(c['new'])}"
                         for c in self._value)


# How much of a changed value a table shows (-f json/yaml show it whole).
VALUE_CHARS = 200


def _shown(value):
    import json

    from litellm_cli.utils import escape_controls

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    if len(text) > VALUE_CHARS:
        text = f"{text[:VALUE_CHARS]}... ({len(text)} characters)"
    return escape_controls(text)


def _compile(pattern, option):
    try:
        return re.compile(pattern) if pattern else None
    except re.error as exc:
        raise exceptions.UsageError(f"{option}: invalid regular expression: {exc}") from None


class _SyncCommand(Lister):
    """What import, diff and apply share: the FILE argument (``file_help``
    says what it is for), reading it and running a plan. A command that
    writes (``verb`` "import" or "apply") also takes --dry-run
    (``dry_run_help``) and --workers; one that may delete, --prune
    (``prune_help``)."""

    verb = file_help = dry_run_help = prune_help = None

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("yaml_file", metavar="FILE",
                            help=f"proxy config YAML with a model_list (and optionally a "
                                 f"credential_list) {self.file_help}; - reads stdin")
        if self.verb:
            parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
            parser.add_argument("--workers", metavar="N", type=number(1, MAX_WORKERS, int),
                                default=DEFAULT_WORKERS,
                                help=f"models sent to the proxy at the same time, 1 to "
                                     f"{MAX_WORKERS} (default {DEFAULT_WORKERS})")
        if self.prune_help:
            parser.add_argument("--prune", action="store_true", help=self.prune_help)
        return parser

    def read_config(self, parsed_args):
        from litellm_cli.api.model_config import read_config

        config = read_config(parsed_args.yaml_file, self.app.stdin)
        for note in config.notes:
            self.warn(note)
        return config

    def sync(self, parsed_args):
        from litellm_cli.api.state_sync import StateSync

        return StateSync(self.session, getattr(parsed_args, "workers", DEFAULT_WORKERS))

    def run_plan(self, parsed_args, sync, plan, columns, row):
        """Execute ``plan`` (unless --dry-run); rows as (columns, rows), failures exit 1."""
        if not parsed_args.dry_run:
            progress = _Progress(self.app.stderr, len(plan.writes))

            def done(item):
                if item.status == "failed":  # as soon as known, in file order
                    progress.end()
                    self.warn(f"Failed to {self.verb} {KINDS[item.kind]} {item.name}: "
                              f"{item.reason}")
                progress.step(item)

            try:
                sync.execute(plan, on_done=done)
            except BaseException as exc:
                # Stopped part-way (Ctrl-C, the proxy went away): say exactly what was
                # done before the error is reported, and what a re-run needs.
                progress.end()
                self.produce_output(parsed_args, columns, [row(item) for item in plan.items])
                if getattr(exc, "exit_code", None) == exceptions.EXIT_AUTH:
                    then = (f"the key may not make these changes: run the same {self.verb} "
                            "with an admin key (the master key, or a proxy_admin user's key) "
                            "to do the rest")
                else:
                    then = f"run the same {self.verb} again to do the rest"
                self.warn(f"{_summary(plan, self.verb, False)}. Stopped early: {then}.")
                raise
            progress.end()
        self.warn(_summary(plan, self.verb, parsed_args.dry_run))
        rows = [row(item) for item in plan.items]
        failures = _failures(plan)
        if failures:
            message = (f"{failures} are invalid" if parsed_args.dry_run
                       else f"{failures} failed to {self.verb}")
            # Entries the file got wrong make it a usage error (exit 2).
            invalid = any(item.entry is not None and item.entry.error for item in plan.items)
            self.fail_showing(parsed_args, columns, rows,
                              exceptions.UsageError(message) if invalid else message)
        return columns, rows


class ImportModel(_SyncCommand):
    """Add the models (and credentials) of a proxy config YAML file to the proxy"""

    _epilog = IMPORT_EPILOG
    verb, file_help = "import", "to import"
    dry_run_help = "show what would be created and what skipped; change nothing"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        for what, where in (("models", "whose litellm_params.model matches REGEX"),
                            ("access-groups", "with a model_info.access_groups item matching "
                                              "REGEX")):
            parser.add_argument(f"--only-{what}-matching-regex", metavar="REGEX",
                                help=f"import only models {where}")
        return parser

    def take_action(self, parsed_args):
        model_regex = _compile(parsed_args.only_models_matching_regex,
                               "--only-models-matching-regex")
        group_regex = _compile(parsed_args.only_access_groups_matching_regex,
                               "--only-access-groups-matching-regex")
        config = self.read_config(parsed_args)
        chosen = config.select(model_regex, group_regex)
        sync = self.sync(parsed_args)
        plan = sync.plan(config.state(), create_only=True)
        if chosen is not config:  # planned whole, so each entry keeps its derived id
            places = {entry.where for entry in chosen.credentials + chosen.models}
            plan.items = [item for item in plan.items if item.entry.where in places]
        return self.run_plan(parsed_args, sync, plan, IMPORT_COLUMNS, self._row)

    def _row(self, item):
        from litellm_cli.api.model_config import access_groups

        model = KINDS[item.kind] == "model"
        groups = JSONColumn(access_groups(item.entry.data)) if model else None
        return (KINDS[item.kind], item.name, _upstream_model(item), groups, item.id,
                _status_word(item.status, self.verb), item.reason)


class ApplyModel(_SyncCommand):
    """Make the proxy's database deployments match a proxy config YAML file"""

    _epilog = APPLY_EPILOG
    verb, file_help = "apply", "that the proxy should match"
    dry_run_help = "show what would be done; change nothing (see also models diff)"
    prune_help = ("also delete the file owner's database deployments and credentials that "
                  "the file does not list")

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("-y", "--yes", action="store_true",
                            help="with --prune, do not ask for confirmation (where there is no "
                                 "terminal to ask on, --prune needs it)")
        parser.add_argument("--force-secrets", action="store_true",
                            help="also send every secret the file gives (api_key, credential "
                                 "values...): the proxy never shows them, so they cannot be "
                                 "compared, and one changed elsewhere is not seen otherwise")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.command import confirm_on_terminal

        config = self.read_config(parsed_args)
        sync = self.sync(parsed_args)
        plan = sync.plan(config.state(parsed_args.prune), prune=parsed_args.prune,
                         force_secrets=parsed_args.force_secrets)
        doomed = [item for item in plan.items if item.status == "would delete"]
        if doomed and not parsed_args.dry_run:
            confirm_on_terminal(self, parsed_args, f"{len(doomed)} model deployment(s) and "
                                  "credential(s) the file does not list: " + ", ".join(
                                      f"{KINDS[item.kind]} {item.name}" + (f" ({item.id})" if item.id
                                                                    else "")
                                      for item in doomed))
        return self.run_plan(parsed_args, sync, plan, APPLY_COLUMNS, self._row)

    def _row(self, item):
        return (KINDS[item.kind], item.name, _upstream_model(item), item.id,
                _status_word(item.status, self.verb), ChangesColumn(item.changes), item.reason)


class DiffModel(_SyncCommand):
    """Show what 'models apply FILE' would change on the proxy"""

    _epilog = DIFF_EPILOG
    file_help = "to compare with the proxy"
    prune_help = ("also show the deployments and credentials apply --prune would delete, "
                  "and the ones it keeps (unmanaged)")

    def take_action(self, parsed_args):
        config = self.read_config(parsed_args)
        plan = self.sync(parsed_args).plan(config.state(parsed_args.prune),
                                           prune=parsed_args.prune)
        self.invalid = plan.count("failed")
        self.differences = len(plan.writes)
        self.warn(_summary(plan, "apply", True, prefix=""))
        rows = [(_ACTIONS.get(item.status, item.status), KINDS[item.kind], item.name,
                 _upstream_model(item), item.id, ChangesColumn(item.changes), item.reason)
                for item in plan.items]
        return DIFF_COLUMNS, rows

    def run(self, parsed_args):
        super().run(parsed_args)
        if self.invalid:
            self.warn(f"Error: {self.invalid} entries of the file are invalid (see 'reason')")
            return exceptions.EXIT_USAGE
        return exceptions.EXIT_FAILURE if self.differences else exceptions.EXIT_OK


_ACTIONS = {"would create": "create", "would update": "update", "would delete": "delete",
            "failed": "invalid", "kept": "keep"}


class ExportModel(Command):
    """Write the proxy's database deployments as a proxy config YAML file"""

    _epilog = EXPORT_EPILOG

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="write to FILE (replaced whole, readable by its owner only) "
                                 "instead of stdout")
        return parser

    def take_action(self, parsed_args):
        def export(out):
            models, credentials, config_only = _export(self.session)
            return (*_dump_export(models, credentials, out), config_only)

        if parsed_args.output:  # a folder it cannot write in fails before any request
            counts = _write_private_file(parsed_args.output, export)
        else:
            counts = export(self.app.stdout)
        self.warn("Exported {} deployments and {} credentials; left out {} from the proxy's "
                  "config file".format(*counts))
        if not counts[0]:
            self.warn("note: the proxy has no deployment in its database, so the file lists "
                      "none; applying it with --prune would delete every one added since")


def _export(session):
    """The database deployments as a model_list, the credentials they use as
    a credential_list, and how many deployments of the proxy's config file
    were left out."""
    from litellm_cli.api.kinds.models import CONFIG_FILE
    from litellm_cli.api.state_sync import StateSync

    sync = StateSync(session)
    try:
        found = sync.export_spooled(["credential_list", "model_list"])
    except (exceptions.Unauthorized, exceptions.Forbidden) as exc:
        raise exc.recast(type(exc), "models export needs a proxy admin key: another key "
                         "sees only the models it may use, so the file would lack the "
                         f"rest (the proxy refused GET /credentials: {exc.details})") from None
    stored = {c["credential_name"]: c for c in found["credential_list"]}
    used = {}  # in the order the deployments name them
    for entry in found["model_list"]:
        name = entry["litellm_params"].get("litellm_credential_name")
        if name in stored:
            used.setdefault(name, stored[name])
    skipped = sync.skipped.get("model_list", {}).get(CONFIG_FILE, 0)
    return found["model_list"], list(used.values()), skipped


def _dump_export(models, credentials, out):
    """YAML, one entry at a time; returns the counts."""
    return (write_yaml_list(out, "model_list", models),
            write_yaml_list(out, "credential_list", credentials) if credentials else 0)


def _write_private_file(path, write):
    """``write(out)`` into a new file only its owner can read, which then takes
    the place of ``path``: an interrupted export never leaves a partial file."""
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".litellm-export-")  # mode 0600
    except OSError as exc:
        raise exceptions.UsageError(f"-o: cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            result = write(out)
        os.replace(temporary, path)
    except OSError as exc:
        os.unlink(temporary)
        raise exceptions.UsageError(f"-o: cannot write {path}: {exc.strerror}") from None
    except BaseException:
        os.unlink(temporary)
        raise
    return result


class _Progress:
    """``[#####     ] 12/200`` on stderr when it is a terminal and the run is long."""

    WIDTH = 30

    def __init__(self, stream, total):
        self.stream, self.total, self.done = stream, total, 0
        isatty = getattr(stream, "isatty", None)
        self.shown = total > PROGRESS_AFTER and bool(isatty and isatty())

    def step(self, item):
        self.done += 1
        if self.shown:
            filled = self.WIDTH * self.done // self.total
            self.stream.write(f"\r[{'#' * filled}{' ' * (self.WIDTH - filled)}] "
                              f"{self.done}/{self.total}")
            self.stream.flush()

    def end(self):
        """Move off the bar's line (for a message, or at the end)."""
        if self.shown and self.done:
            self.stream.write("\n")


_LABELS = {
    "import": ("created", "skipped", "failed"),
    "apply": ("created", "updated", "unchanged", "deleted", "kept", "unmanaged", "failed"),
}
_PLANNED = {
    "import": (("would create", "would be created"), ("skipped", "would be skipped"),
               ("failed", "invalid")),
    "apply": (("would create", "to create"), ("would update", "to update"),
              ("unchanged", "unchanged"), ("would delete", "to delete"),
              ("kept", "kept (not pruned)"), ("unmanaged", "unmanaged"), ("failed", "invalid")),
}


def _summary(plan, verb, dry_run, prefix="Dry run, nothing changed. "):
    """``Models: 12 created, 3 skipped, 1 failed`` (and the same for credentials)."""
    if dry_run:
        labels = list(_PLANNED[verb])
    else:
        labels = [(s, s) for s in _LABELS[verb]]
        labels += [(s, _status_word(s, verb)) for s in ("unknown", "not done")]
    # Failures, and what only a stopped run has, are counted only when there are any.
    rare = (("unknown", "not done", "kept", "unmanaged") if not dry_run
            else ("failed", "kept", "unmanaged"))
    parts = []
    for section, kind in KINDS.items():
        mine = [item.status for item in plan.items if item.kind == section]
        if mine or kind == "model":
            counts = ", ".join(f"{mine.count(status)} {label}" for status, label in labels
                               if status not in rare or status in mine)
            parts.append(f"{kind}s: {counts}")
    text = "; ".join(parts)
    return (prefix if dry_run else "") + text[0].upper() + text[1:]


def _upstream_model(item):
    """A model row's litellm_params.model, from the file (the proxy's for a delete)."""
    if KINDS[item.kind] != "model":
        return None
    data = item.wanted if item.wanted is not None else item.current
    params = data.get("litellm_params") if isinstance(data, dict) else None
    model = params.get("model") if isinstance(params, dict) else None
    return model if isinstance(model, str) else None


_NOT_DONE = {"import": "not imported", "apply": "not applied"}


def _status_word(status, verb):
    """The engine's "not done" in the command's words: not imported, not applied."""
    return _NOT_DONE[verb] if status == "not done" else status


def _failures(plan):
    """``1 of 2 credentials and 3 of 16 models``, or "" when nothing failed;
    what prune keeps (kept, unmanaged) is not counted."""
    parts = []
    for section, kind in KINDS.items():
        mine = [item for item in plan.items
                if item.kind == section and item.status not in ("kept", "unmanaged")]
        failed = sum(1 for item in mine if item.status == "failed")
        if failed:
            parts.append(f"{failed} of {len(mine)} {kind}s")
    return " and ".join(parts)
