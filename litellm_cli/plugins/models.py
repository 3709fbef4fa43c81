"""``litellm-proxy models ...``: list, inspect, add, change, remove and import models."""

import datetime
import re

from litellm_cli import exceptions
from litellm_cli.api.models import ModelsAPI
from litellm_cli.command import Command, Lister, ShowOne
from litellm_cli.redact import mask_data
from litellm_cli.utils import JSONColumn, parse_pairs, split_list

IMPORT_MAX_CONCURRENCY = 10  # requests' default connection pool size


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
        params.setdefault("model", parsed_args.model_name)
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


class DeleteModel(Command):
    """Delete a model deployment stored in the proxy's database"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("model_id", metavar="MODEL_ID", help="the deployment's id")
        return parser

    def take_action(self, parsed_args):
        ModelsAPI(self.session).delete(parsed_args.model_id)
        self.warn(f"Deleted model {parsed_args.model_id}")


# -- import -------------------------------------------------------------------

IMPORT_COLUMNS = ("model_name", "upstream_model", "provider", "access_groups", "id", "status")


def load_model_list(path):
    """The ``model_list`` of a proxy config file, checked entry by entry."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        raise exceptions.UsageError(f"cannot read {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise exceptions.UsageError(f"{path} is not valid YAML: {' '.join(str(exc).split())}") \
            from None
    model_list = data.get("model_list") if isinstance(data, dict) else None
    if not isinstance(model_list, list):
        raise exceptions.UsageError(
            f"{path} must have a 'model_list' key holding a list of models")
    for index, entry in enumerate(model_list):
        ok = (isinstance(entry, dict) and isinstance(entry.get("model_name"), str)
              and isinstance(entry.get("litellm_params"), dict)
              and isinstance(entry["litellm_params"].get("model"), str)
              and isinstance(entry.get("model_info") or {}, dict))
        if not ok:
            raise exceptions.UsageError(
                f"{path}: model_list[{index}] needs a model_name and litellm_params.model "
                "(and model_info, if given, must be a mapping)")
    return model_list


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


def _provider(upstream_model):
    return upstream_model.split("/", 1)[0]


def _concurrency(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= IMPORT_MAX_CONCURRENCY:
        raise exceptions.UsageError(
            f"--concurrency: expected a whole number from 1 to {IMPORT_MAX_CONCURRENCY}, "
            f"got {text!r}")
    return value


class ImportModel(Lister):
    """Add every model of a proxy config YAML file (its model_list) to the proxy"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("yaml_file", metavar="FILE",
                            help="YAML file with a model_list, as in the proxy's config.yaml")
        parser.add_argument("--dry-run", action="store_true",
                            help="list what would be imported; change nothing")
        parser.add_argument("--only-models-matching-regex", metavar="REGEX",
                            help="import only models whose litellm_params.model matches REGEX")
        parser.add_argument("--only-access-groups-matching-regex", metavar="REGEX",
                            help="import only models with a model_info.access_groups item "
                                 "matching REGEX")
        parser.add_argument("--concurrency", metavar="N", type=_concurrency, default=8,
                            help="models added at the same time, 1 to "
                                 f"{IMPORT_MAX_CONCURRENCY} (default 8)")
        return parser

    def take_action(self, parsed_args):
        entries = select_models(
            load_model_list(parsed_args.yaml_file),
            _compile(parsed_args.only_models_matching_regex, "--only-models-matching-regex"),
            _compile(parsed_args.only_access_groups_matching_regex,
                     "--only-access-groups-matching-regex"))
        if parsed_args.dry_run:
            rows = [self._row(entry, None, "would import") for entry in entries]
        else:
            rows = self._import(entries, parsed_args.concurrency)
        self._summarise(rows, parsed_args.dry_run)
        failed = sum(1 for row in rows if row[-1] == "failed")
        if failed:
            self.produce_output(parsed_args, IMPORT_COLUMNS, rows)
            raise exceptions.CLIError(f"{failed} of {len(rows)} models failed to import")
        return IMPORT_COLUMNS, rows

    @staticmethod
    def _row(entry, model_id, status):
        upstream = entry["litellm_params"]["model"]
        return (entry["model_name"], upstream, _provider(upstream),
                JSONColumn(_access_groups(entry)), model_id, status)

    def _import(self, entries, concurrency):
        from concurrent.futures import ThreadPoolExecutor

        api = ModelsAPI(self.session)

        def add(entry):
            try:
                created = api.create(entry["model_name"], entry["litellm_params"],
                                     entry.get("model_info"))
            except (exceptions.ConnectionFailure, exceptions.Unauthorized,
                    exceptions.Forbidden):
                raise  # not about this model: stop the whole import
            except exceptions.CLIError as exc:
                self.warn(f"failed to import {entry['model_name']}: {exc}")
                return self._row(entry, None, "failed")
            return self._row(entry, created.get("model_id"), "imported")

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = [pool.submit(add, entry) for entry in entries]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _summarise(self, rows, dry_run):
        counts = {}
        for row in rows:
            if row[-1] != "failed":
                counts[row[2]] = counts.get(row[2], 0) + 1
        by_provider = ", ".join(f"{p}: {n}" for p, n in sorted(counts.items()))
        done = sum(counts.values())
        noun = "model" if len(rows) == 1 else "models"
        if dry_run:
            message = f"Would import {done} {noun}"
        else:
            message = f"Imported {done} of {len(rows)} {noun}"
        self.warn(message + (f" ({by_provider})" if by_provider else ""))
