"""``litellm-proxy models ...``: list, inspect, add, change, remove and import models."""

import datetime
import re

from litellm_cli import exceptions
from litellm_cli.api.credentials import CredentialsAPI
from litellm_cli.api.models import ModelsAPI
from litellm_cli.command import DeleteCommand, Lister, ShowOne
from litellm_cli.display import JSONColumn
from litellm_cli.redact import mask_data
from litellm_cli.utils import parse_pairs, parse_yaml, split_list


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
DEFAULT_INFO_COLUMNS = "public_model,upstream_model,updated_at"

MODEL_COLUMNS = ("id", "model_name", "upstream_model", "credential_name", "litellm_params",
                 "model_info")


def _format_model(model):
    """One deployment as ``models get/add/update`` show it; secrets masked."""
    info = {k: v for k, v in _info(model).items() if v is not None}
    return (
        info.get("id"),
        model.get("model_name"),
        _params(model).get("model"),
        _params(model).get("litellm_credential_name"),
        JSONColumn(mask_data(_params(model))),
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
        help="a litellm_params entry (model, api_base, api_key, ...); repeat for more")
    parser.add_argument(
        "-i", "--info", action="append", default=[], metavar="KEY=VALUE",
        help="a model_info entry (description, access_groups, ...); repeat for more")


class ListModel(Lister):
    """List the model names the proxy serves"""

    def take_action(self, parsed_args):
        models = ModelsAPI(self.session).list()
        return ("id", "object", "created", "owned_by"), [_format_public_model(m) for m in models]


class InfoModel(Lister):
    """Show every model deployment with its upstream model, credential and costs"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            # dest differs from cliff's own -c/--column (dest "columns").
            "--columns", dest="info_columns", metavar="COLUMNS", default=DEFAULT_INFO_COLUMNS,
            help="comma-separated columns to show, from: " + ", ".join(INFO_COLUMNS)
                 + f" (default: {DEFAULT_INFO_COLUMNS}); costs are USD per 1000 tokens")
        return parser

    def take_action(self, parsed_args):
        columns = split_list(parsed_args.info_columns)
        unknown = [c for c in columns if c not in INFO_COLUMNS]
        if unknown or not columns:
            raise exceptions.UsageError(
                f"--columns: unknown column(s) {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(INFO_COLUMNS)}")
        models = ModelsAPI(self.session).info()
        rows = [tuple(INFO_COLUMNS[c](m) for c in columns) for m in models]
        return columns, rows


class ShowModel(ShowOne):
    """Show one model deployment, found by id or by name"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", metavar="MODEL_ID", help="the deployment's id")
        which.add_argument("--name", metavar="MODEL_NAME",
                           help="the public model name (must match one deployment)")
        return parser

    def take_action(self, parsed_args):
        api = ModelsAPI(self.session)
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
            "model_name", metavar="MODEL_NAME",
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
        created = ModelsAPI(self.session).create(parsed_args.model_name, params, info)
        # The proxy answers with encrypted params; show the ones we sent, masked.
        shown = {"model_name": created.get("model_name"), "litellm_params": params,
                 "model_info": {**_info(created), "id": created.get("model_id")}}
        shown["model_info"].pop("db_model", None)  # always false in this answer
        return MODEL_COLUMNS, _format_model(shown)


class UpdateModel(ShowOne):
    """Change some params or info fields of a model deployment; others are kept"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("model_id", metavar="MODEL_ID", help="the deployment's id")
        _add_param_options(parser)
        return parser

    def take_action(self, parsed_args):
        params = parse_pairs(parsed_args.param, "--param")
        info = parse_pairs(parsed_args.info, "--info")
        if not params and not info:
            raise exceptions.UsageError("nothing to update: give --param and/or --info")
        api = ModelsAPI(self.session)
        api.update(parsed_args.model_id, params, info)
        # The answer holds encrypted params: read the result back instead.
        return MODEL_COLUMNS, _format_model(api.get(parsed_args.model_id))


class DeleteModel(DeleteCommand):
    """Delete a model deployment stored in the proxy's database"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("model_id", metavar="MODEL_ID", help="the deployment's id")
        return parser

    def take_action(self, parsed_args):
        self.confirm(parsed_args, f"model deployment {parsed_args.model_id}")
        ModelsAPI(self.session).delete(parsed_args.model_id)
        self.warn(f"Deleted model {parsed_args.model_id}")


# -- import -------------------------------------------------------------------

IMPORT_COLUMNS = ("kind", "name", "upstream_model", "access_groups", "id", "status", "reason")
MAX_IMPORT_WORKERS = 10  # requests' default connection pool size
# The proxy reloads its whole model list under one lock on every /model/new,
# so requests in flight only overlap their work outside that lock: measured
# 1.1-1.3x faster than one at a time (benchmarks/bench_import.py). 4 keeps the
# lock busy; more adds nothing but makes other clients' model writes wait.
DEFAULT_IMPORT_WORKERS = 4

IMPORT_EPILOG = """\
Credentials in the file's credential_list are imported first, since models can
use them through litellm_credential_name (with a filter, only those that the
selected models use). A credential whose name already exists is skipped, not
overwritten.

A model that is already deployed is skipped, so importing the same file again
creates nothing twice. A deployment counts as already there when one on the
proxy (as GET /model/info lists it, read once before importing) or earlier in
the file has the same model_name and the same litellm_params model, api_base
and litellm_credential_name, compared as written.

The output has one row per credential and model, in file order, with its
status (created, skipped or failed) and the reason; a summary goes to stderr,
and the exit code is 1 when anything failed. --dry-run reads the proxy to tell
what it would skip and changes nothing."""


def _entry_error(path, where, needs):
    return exceptions.UsageError(f"{path}: {where} {needs}")


def load_config(path):
    """``(credential_list, model_list)`` of a proxy config file, checked entry by entry."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise exceptions.UsageError(f"cannot read {path}: {exc}") from None
    data = parse_yaml(text, path)
    if not isinstance(data, dict) or "model_list" not in data:
        raise exceptions.UsageError(f"{path} has no 'model_list' (the list of models to import)")
    model_list, credential_list = data["model_list"], data.get("credential_list") or []
    if not isinstance(model_list, list):
        raise exceptions.UsageError(
            f"{path}: 'model_list' must be a list of models, not {type(model_list).__name__}")
    if not isinstance(credential_list, list):
        raise exceptions.UsageError(f"{path}: 'credential_list' must be a list of credentials, "
                                    f"not {type(credential_list).__name__}")
    for index, entry in enumerate(model_list):
        if not (isinstance(entry, dict) and isinstance(entry.get("model_name"), str)
                and isinstance(entry.get("litellm_params"), dict)
                and isinstance(entry["litellm_params"].get("model"), str)
                and isinstance(entry.get("model_info") or {}, dict)):
            raise _entry_error(path, f"model_list[{index}]",
                               "needs a model_name and litellm_params.model "
                               "(and model_info, if given, must be a mapping)")
    for index, entry in enumerate(credential_list):
        if not (isinstance(entry, dict) and isinstance(entry.get("credential_name"), str)
                and isinstance(entry.get("credential_values"), dict)
                and isinstance(entry.get("credential_info") or {}, dict)):
            raise _entry_error(path, f"credential_list[{index}]",
                               "needs a credential_name and credential_values (a mapping)")
    return credential_list, model_list


def _compile(pattern, option):
    try:
        return re.compile(pattern) if pattern else None
    except re.error as exc:
        raise exceptions.UsageError(f"{option}: invalid regular expression: {exc}") from None


def _access_groups(entry):
    groups = (entry.get("model_info") or {}).get("access_groups") or []
    return [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []


def select_models(model_list, model_regex=None, group_regex=None):
    """Entries whose upstream model matches ``model_regex`` and which have an
    access group matching ``group_regex`` (each filter only when given)."""
    return [
        entry for entry in model_list
        if (model_regex is None or model_regex.search(entry["litellm_params"]["model"]))
        and (group_regex is None or any(group_regex.search(g) for g in _access_groups(entry)))
    ]


def deployment_key(model):
    """What makes two deployments the same for ``models import`` (see its help)."""
    params = _params(model)
    values = (model.get("model_name"), params.get("model"), params.get("api_base"),
              params.get("litellm_credential_name"))
    return tuple(None if value is None else str(value) for value in values)


def _workers(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_IMPORT_WORKERS:
        raise exceptions.UsageError(
            f"--workers: expected a whole number from 1 to {MAX_IMPORT_WORKERS}, got {text!r}")
    return value


class _Item:
    """One credential or model of the file, and what became of it."""

    def __init__(self, kind, entry, status=None, reason=None, ident=None):
        self.kind, self.entry = kind, entry
        self.status, self.reason, self.id = status, reason, ident

    @property
    def name(self):
        return self.entry["credential_name" if self.kind == "credential" else "model_name"]

    def row(self):
        upstream = groups = None
        if self.kind == "model":
            upstream = self.entry["litellm_params"]["model"]
            groups = JSONColumn(_access_groups(self.entry))
        return self.kind, self.name, upstream, groups, self.id, self.status, self.reason


class ImportModel(Lister):
    """Add the models (and credentials) of a proxy config YAML file to the proxy"""

    _epilog = IMPORT_EPILOG

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("yaml_file", metavar="FILE",
                            help="YAML file with a model_list (and optionally a credential_list),"
                                 " as in the proxy's config.yaml")
        parser.add_argument("--dry-run", action="store_true",
                            help="show what would be created and what skipped; change nothing")
        parser.add_argument("--only-models-matching-regex", metavar="REGEX",
                            help="import only models whose litellm_params.model matches REGEX")
        parser.add_argument("--only-access-groups-matching-regex", metavar="REGEX",
                            help="import only models with a model_info.access_groups item "
                                 "matching REGEX")
        parser.add_argument("--workers", metavar="N", type=_workers,
                            default=DEFAULT_IMPORT_WORKERS,
                            help=f"models sent to the proxy at the same time, 1 to "
                                 f"{MAX_IMPORT_WORKERS} (default {DEFAULT_IMPORT_WORKERS})")
        return parser

    def take_action(self, parsed_args):
        credential_list, model_list = load_config(parsed_args.yaml_file)
        model_regex = _compile(parsed_args.only_models_matching_regex,
                               "--only-models-matching-regex")
        group_regex = _compile(parsed_args.only_access_groups_matching_regex,
                               "--only-access-groups-matching-regex")
        selected = select_models(model_list, model_regex, group_regex)
        if model_regex or group_regex:
            used = {m["litellm_params"].get("litellm_credential_name") for m in selected}
            credential_list = [c for c in credential_list if c["credential_name"] in used]
        credentials, models = self._plan(credential_list, selected)
        items = credentials + models
        if not parsed_args.dry_run:
            try:
                self._create_credentials(credentials)
                self._create_models(models, parsed_args.workers)
            except BaseException:
                # Stopped part-way (Ctrl-C, the proxy went away): say exactly what was done
                # before the error is reported; a re-run skips what was created.
                for item in items:
                    if item.status == "would create":
                        item.status, item.reason = "not imported", "the import stopped first"
                self.produce_output(parsed_args, IMPORT_COLUMNS, [item.row() for item in items])
                self.warn(_summary(items, False) + ". Stopped early: run the same import "
                          "again to add the rest.")
                raise
        self.warn(_summary(items, parsed_args.dry_run))
        rows = [item.row() for item in items]
        failures = _failures(items)
        if failures:
            self.produce_output(parsed_args, IMPORT_COLUMNS, rows)
            raise exceptions.CLIError(f"{failures} failed to import")
        return IMPORT_COLUMNS, rows

    def _plan(self, credential_list, model_list):
        """Items to create ("would create") and to skip, from one read of the proxy."""
        existing_credentials = set()
        if credential_list:
            existing_credentials = {c.get("credential_name")
                                    for c in CredentialsAPI(self.session).list()}
        credentials = [
            _Item("credential", entry, "skipped", "already on the proxy")
            if entry["credential_name"] in existing_credentials
            else _Item("credential", entry, "would create")
            for entry in credential_list]
        deployed = {deployment_key(m): _info(m).get("id") for m in ModelsAPI(self.session).info()}
        in_file = set()
        models = []
        for entry in model_list:
            key = deployment_key(entry)
            if key in deployed:
                models.append(_Item("model", entry, "skipped", "already on the proxy",
                                    deployed[key]))
            elif key in in_file:
                models.append(_Item("model", entry, "skipped",
                                    "same deployment as an earlier entry of the file"))
            else:
                in_file.add(key)
                models.append(_Item("model", entry, "would create"))
        return credentials, models

    def _create_credentials(self, credentials):
        # Few, and needed before any model: one at a time.
        api = CredentialsAPI(self.session)

        def create(entry):
            api.create(entry["credential_name"], entry["credential_values"],
                       entry.get("credential_info"))
            return None  # a credential has no id but its name

        for item in credentials:
            if item.status == "would create":
                _attempt(item, create)
                self._report_failure(item)

    def _create_models(self, models, workers):
        from concurrent.futures import ThreadPoolExecutor

        api = ModelsAPI(self.session)

        def create(entry):
            created = api.create(entry["model_name"], entry["litellm_params"],
                                 entry.get("model_info"))
            return created.get("model_id")

        todo = [item for item in models if item.status == "would create"]
        if todo:
            self.warn(f"Creating {len(todo)} models, {min(workers, len(todo))} at a time...")
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_attempt, item, create) for item in todo]
            try:
                for item, future in zip(todo, futures):
                    future.result()
                    self._report_failure(item)  # as soon as known, in file order
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _report_failure(self, item):
        if item.status == "failed":
            self.warn(f"Failed to import {item.kind} {item.name}: {item.reason}")


def _attempt(item, create):
    """Create ``item``: it becomes created (with the new id) or failed (with the reason)."""
    try:
        item.id = create(item.entry)
    except exceptions.ConnectionFailure as exc:
        if exc.maybe_received:  # only a re-run can tell whether it was created
            item.status, item.reason = "unknown", f"connection lost: {exc}"
        else:
            item.status, item.reason = "not imported", str(exc)
        raise  # not about this item: stop the whole import
    except (exceptions.Unauthorized, exceptions.Forbidden):
        raise  # not about this item: stop the whole import
    except exceptions.CLIError as exc:
        item.status, item.reason = "failed", str(exc)
    else:
        item.status = "created"


def _summary(items, dry_run):
    """``Models: 12 created, 3 skipped, 1 failed`` (and the same for credentials)."""
    labels = ({"would create": "would be created", "skipped": "would be skipped"} if dry_run
              else {"created": "created", "skipped": "skipped", "failed": "failed",
                    "unknown": "unknown", "not imported": "not imported"})
    always = ("would create", "skipped", "created", "failed")
    parts = []
    for kind in ("credential", "model"):
        mine = [item.status for item in items if item.kind == kind]
        if mine or kind == "model":
            counts = ", ".join(f"{mine.count(status)} {label}" for status, label in labels.items()
                               if status in always or status in mine)
            parts.append(f"{kind}s: {counts}")
    text = "; ".join(parts)
    return ("Dry run, nothing changed. " if dry_run else "") + text[0].upper() + text[1:]


def _failures(items):
    """``1 of 2 credentials and 3 of 16 models``, or "" when nothing failed."""
    parts = []
    for kind in ("credential", "model"):
        mine = [item for item in items if item.kind == kind]
        failed = sum(1 for item in mine if item.status == "failed")
        if failed:
            parts.append(f"{failed} of {len(mine)} {kind}s")
    return " and ".join(parts)
