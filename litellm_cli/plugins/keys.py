"""``litellm-proxy keys ...``: list, generate, inspect, change, block, import and
delete virtual keys."""

import argparse
import functools

from litellm_cli import exceptions, resolve
from litellm_cli.api.keys import PAGE_SIZE_MAX, RESET_SPEND_FROM, hash_key, key_label
from litellm_cli.command import Command, DeleteCommand, Lister, PagedLister, ShowOne
from litellm_cli.display import listing, object_row, showing
from litellm_cli.arguments import ANY_MODELS, EXPIRY, StdinOnce, add_filters, add_options
from litellm_cli.utils import (amount, delete_each, duration, read_key, read_keys, read_secret,
                               request_body, required_changes, split_list, valid_name)

LIST_COLUMNS = ("token", "key_name", "key_alias", "user_id", "team_id", "spend", "max_budget",
                "expires")
GENERATE_COLUMNS = ("key", "key_name", "token", "key_alias", "models", "max_budget", "expires",
                    "user_id", "team_id", "budget_id")
UPDATE_COLUMNS = ("token", "key_name", "key_alias", "models", "max_budget", "spend", "expires",
                  "budget_duration", "tpm_limit", "rpm_limit", "team_id", "user_id", "blocked")
IMPORT_COLUMNS = ("object", "name", "status", "detail")
ENTERPRISE = "an Enterprise feature of the proxy: an unlicensed proxy refuses it (exit 4)"


def _add_budget_option(parser):
    """--spend, or its other name --max-budget (the proxy's max_budget)."""
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--spend", dest="max_budget", type=amount, metavar="USD",
                        help="the most the key may spend in USD; calls are refused beyond it "
                             "(sent as the proxy's max_budget)")
    budget.add_argument("--max-budget", dest="max_budget", type=amount, metavar="USD",
                        help="the same as --spend")


def _add_change_options(parser):
    """The settings ``keys update`` and ``keys regenerate`` can change."""
    add_options(parser, "the key", models=ANY_MODELS)
    _add_budget_option(parser)
    add_options(parser, "the key", "budget_duration", "duration", "key_alias", "metadata",
                "tpm_limit", "rpm_limit", "max_parallel_requests")
    parser.add_argument("--tags", metavar="TAG[,TAG...]",
                        help=f"comma-separated tags for spend tracking ({ENTERPRISE})")
    add_options(parser, "the key", "team_id", "user_id")


def _changes(parsed_args):
    """The request body for the change options that were given."""
    return request_body(parsed_args, ("max_budget", "budget_duration", "duration", "key_alias",
                                      "tpm_limit", "rpm_limit", "max_parallel_requests",
                                      "team_id", "user_id"),
                        lists=("models", "tags"), objects=("metadata",))


def _add_keys_argument(parser, verb):
    parser.add_argument("keys", type=valid_name, nargs="+", metavar="KEY", action=StdinOnce,
                        help=f"the keys (sk-...), key hashes or key aliases to {verb}; @FILE "
                             "or @- reads them from a file or stdin (one a line)")


def _given_keys(parsed_args):
    """The KEY arguments with @FILE/@- read; the raw keys are masked in all output."""
    return [key for value in parsed_args.keys for key in read_keys(value, "KEY")]


class ListKey(PagedLister):
    """List virtual keys, one page or all of them"""

    client, noun, page_size, page_size_max = "keys", "key", 10, PAGE_SIZE_MAX

    completion_cache = ("key-aliases", "key_alias")

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_filters(parser, "keys", "user_id", "team_id", "organization_id", "key_hash",
                    "key_alias")
        parser.add_argument("--include-team-keys", action="store_true",
                            help="also list the keys of teams the caller administers")
        parser.add_argument(
            "--return-full-object", action=argparse.BooleanOptionalAction, default=True,
            help="fetch every field of each key (the default); with "
                 "--no-return-full-object the proxy sends only the key hashes")
        return parser

    def take_action(self, parsed_args):
        full = parsed_args.return_full_object
        keys = self.items(parsed_args, return_full_object=full, user_id=parsed_args.user_id,
                          team_id=parsed_args.team_id,
                          organization_id=parsed_args.organization_id,
                          key_hash=parsed_args.key_hash, key_alias=parsed_args.key_alias,
                          include_team_keys=parsed_args.include_team_keys)
        if not full:
            return ("token",), ((token,) for token in keys)
        return listing(parsed_args, LIST_COLUMNS, keys)


class GenerateKey(ShowOne):
    """Create a virtual key; the new key is shown only this once"""

    shown_secrets = ("key",)  # the new key: what the command is for

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_options(parser, "the key", "models")
        parser.add_argument("--aliases", metavar="JSON",
                            help='model aliases as a JSON object, e.g. \'{"fast": "gpt-4o"}\' '
                                 "(@FILE reads a file)")
        _add_budget_option(parser)
        add_options(parser, "the key", "duration", "key_alias", "team_id", "user_id", "budget_id",
                    duration=EXPIRY + " (default: no expiry)")
        parser.add_argument("--config", metavar="JSON",
                            help="extra key settings as a JSON object (@FILE reads a file)")
        return parser

    def take_action(self, parsed_args):
        body = request_body(parsed_args, ("max_budget", "duration", "key_alias", "team_id",
                                          "user_id", "budget_id"),
                            lists=("models",), objects=("aliases", "config"))
        key = self.app.client_manager.keys.generate(body)
        return showing(key, parsed_args, GENERATE_COLUMNS)


class ShowKey(ShowOne):
    """Show a key's settings, limits and spend"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--key", type=valid_name, required=True, metavar="KEY",
                            help="the key (sk-...) or its hash, as `keys list` shows it, or "
                                 "its alias; @FILE or @- reads it from a file or stdin")
        return parser

    def take_action(self, parsed_args):
        api = self.app.client_manager.keys
        given = resolve.key(api, read_key(parsed_args.key, "--key"))
        answer = api.info(given)
        # The proxy echoes the key it was given; show its hash instead.
        key = {"token": hash_key(answer.get("key") or given), **answer["info"]}
        return showing(key)


class DeleteKey(DeleteCommand):
    """Delete keys by key, hash or alias; each is reported on its own"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--keys", metavar="KEY[,KEY...]",
                            help="comma-separated keys (sk-...) or key hashes; @FILE or @- "
                                 "reads them (commas or one per line) from a file or stdin")
        parser.add_argument("--key-aliases", metavar="ALIAS[,ALIAS...]",
                            help="comma-separated key aliases; deletes every key with each alias")
        return parser

    def take_action(self, parsed_args):
        keys = read_keys(parsed_args.keys, "--keys") if parsed_args.keys else []
        aliases = split_list(parsed_args.key_aliases)
        if not keys and not aliases:
            raise exceptions.UsageError("give at least one of --keys or --key-aliases")
        api = self.app.client_manager.keys
        # One call per key: the proxy reports unknown keys as deleted when
        # they come in a batch with known ones, and ignores the aliases when
        # keys are given too.
        targets = [(f"key {key_label(k)}", functools.partial(api.delete, k)) for k in keys]
        targets += [(f"key alias {a!r}", functools.partial(api.delete_alias, a))
                    for a in aliases]
        self.delete_all(parsed_args, targets, "keys")


def _each_key(command, parsed_args, call, action, done, display=None):
    """Run ``call(key)`` for every KEY and return ``display(answers)``.

    One KEY fails as its error does (own message and exit code). Several are
    each tried and reported on stderr; when any failed, the answers of those
    that worked are shown first, then "N of M keys failed to <action>" (exit 1).
    """
    answers = []
    given = _given_keys(parsed_args)
    api = command.app.client_manager.keys

    def run(key):
        answers.append(call(resolve.key(api, key)))

    def shown():
        return display(answers) if display else None

    try:
        delete_each([(f"key {key_label(k)}", functools.partial(run, k))
                    for k in given], command.warn, "keys", action, done)
    except exceptions.CLIError:
        if answers and display:
            command.produce_output(parsed_args, *shown())
        raise
    return shown()


class UpdateKey(Lister):
    """Change a key's models, budget, expiry, alias, metadata, limits or tags

    Only the settings given change. --metadata is merged into the key's
    metadata (the fields given are set, the others kept); a field set to null
    ('{"field": null}') is removed. Several keys get the same changes; each
    is tried and shown, and when any fails the command ends with
    "N of M keys failed to update" (exit 1). Tags are an Enterprise feature
    of the proxy: an unlicensed proxy refuses them (exit 4).
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_keys_argument(parser, "change")
        _add_change_options(parser)
        return parser

    def take_action(self, parsed_args):
        changes = required_changes(_changes(parsed_args))
        if "key_alias" in changes and len(_given_keys(parsed_args)) > 1:
            raise exceptions.UsageError("--key-alias names one key; give only one KEY")
        api = self.app.client_manager.keys

        def update(key):
            answer = api.update(key, changes)
            answer.pop("key", None)  # the proxy echoes the secret it was given
            return answer

        return _each_key(self, parsed_args, update, "update", "Updated",
                         lambda answers: listing(parsed_args, UPDATE_COLUMNS, answers))
class RegenerateKey(ShowOne):
    """Issue a new secret for a key (Enterprise); the new key is shown only this once

    The key keeps its settings and spend (apart from the changes given); the
    old secret stops working at once, or after --grace-period. Regenerating
    keys is an Enterprise feature of the proxy: an unlicensed proxy refuses
    it with HTTP 500, and the command shows the proxy's message and exits 7.
    """

    shown_secrets = GenerateKey.shown_secrets

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("key", type=valid_name, metavar="KEY",
                            help="the key (sk-...), its hash or its alias; @FILE or @- reads it")
        parser.add_argument("--grace-period", type=duration, metavar="DURATION",
                            help="keep the old secret working this long (e.g. 24h)")
        _add_change_options(parser)
        return parser

    def take_action(self, parsed_args):
        changes = _changes(parsed_args)
        if parsed_args.grace_period:
            changes["grace_period"] = parsed_args.grace_period
        api = self.app.client_manager.keys
        key = api.regenerate(resolve.key(api, read_key(parsed_args.key, "KEY")), changes)
        return showing(key, parsed_args, GENERATE_COLUMNS)


class _SetKeyBlocked(Command):
    blocked = True

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_keys_argument(parser, "block" if self.blocked else "unblock")
        return parser

    def take_action(self, parsed_args):
        api = self.app.client_manager.keys
        verb = "block" if self.blocked else "unblock"
        _each_key(self, parsed_args, api.block if self.blocked else api.unblock, verb,
                  f"{verb.title()}ed")


class BlockKey(_SetKeyBlocked):
    """Block keys: the proxy refuses every call made with them until unblocked"""


class UnblockKey(_SetKeyBlocked):
    """Unblock keys, so they can be used again"""

    blocked = False


class ResetSpendKey(Lister):
    """Set keys' spend back to 0 (or to --to), keeping their budget

    Shows each key's spend before and after. Several keys are each tried;
    when any fails the command ends with "N of M keys failed to reset" (exit 1).
    """

    _epilog = (f"Needs LiteLLM >= {RESET_SPEND_FROM} (older releases have no reset route: exit 6, "
               "nothing sent).")

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_keys_argument(parser, "reset")
        parser.add_argument("--to", type=amount, default=0.0, metavar="USD",
                            help="the spend to set, at most the current spend (default 0)")
        return parser

    def take_action(self, parsed_args):
        api = self.app.client_manager.keys
        fields = ("key_hash", "previous_spend", "spend", "max_budget")
        api.require_reset_spend()
        return _each_key(
            self, parsed_args, lambda key: api.reset_spend(key, parsed_args.to), "reset",
            "Reset spend of",
            lambda answers: (("token",) + fields[1:],
                             [object_row(answer, fields) for answer in answers]))


def _since(text):
    """``--created-since``: YYYY-MM-DD, YYYY-MM-DD_HH:MM or ISO 8601, in UTC."""
    import datetime

    for form in ("%Y-%m-%d", "%Y-%m-%d_%H:%M"):
        try:
            return datetime.datetime.strptime(text, form).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            pass
    from litellm_cli.api.keyimport import parse_time

    value = parse_time(text)
    if value is None or "-" not in text:
        raise argparse.ArgumentTypeError(
            f"expected YYYY-MM-DD, YYYY-MM-DD_HH:MM or an ISO 8601 time, got {text!r}")
    return value


def _open_private(path):
    """Open ``path`` for appending, readable by its owner only (0600); its
    folder is synced, so that a new file's name survives a crash too. Only a
    regular file is taken: not a symbolic link (the secrets would go, and the
    mode change apply, where it points), a device (/dev/full), a pipe or a
    folder; so a bad path fails here, before anything is sent."""
    import errno
    import os
    import stat

    fd = None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW
                     | os.O_NONBLOCK, 0o600)  # a pipe with no reader fails, not hangs
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise exceptions.UsageError(f"--secrets-out: {path} is not a regular file")
        os.set_blocking(fd, True)
        os.fchmod(fd, 0o600)
        folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as exc:
        if fd is not None:
            os.close(fd)
        if exc.errno == errno.ELOOP:
            raise exceptions.UsageError(f"--secrets-out: {path} is a symbolic link: give the "
                                        "file it points to") from None
        raise exceptions.UsageError(f"--secrets-out: cannot write {path}: {exc}") from None
    return os.fdopen(fd, "a", encoding="utf-8")


class ImportKey(Lister):
    """Copy every key of another proxy here, with the teams and users they need

    The destination (the proxy this command talks to) issues a NEW secret for
    each key: a proxy keeps only hashes, so the source's secrets cannot be
    copied and do not work here. --secrets-out FILE is required (except with
    --dry-run): each new secret is written and synced to it before the key
    is reported created, and nothing else shows them. A key whose secret
    cannot be saved is deleted again and reported failed, and no further
    key is created, so a re-run retries them.

    Every source key is read, page by page; keys that have expired there and
    the proxy UI's own session keys are skipped. Missing teams and users are
    created first; a key whose team or user cannot be created is not
    imported, and the reason is shown. Each key keeps every setting it has,
    as state export writes keys (models, budgets, soft budget, spend, limits,
    expiry, metadata, tags...); a key that sets a field the destination's
    LiteLLM release does not take is not imported, and its row names the
    field. One row per team, user and key: created, skipped (already there)
    or failed, with the reason; a summary goes to stderr and the exit code is
    1 when anything failed (or, with --dry-run, would fail: e.g. a key's
    budget_id missing here). Running the same import again creates
    nothing twice: imported keys carry their source key's hash in their
    metadata (litellm_cli_imported_from). A source that is this proxy itself
    is refused (exit 2). A team's spend cannot be copied (the proxy cannot
    set it); its row says so.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument("--source-base-url", required=True, metavar="URL",
                            help="the proxy to copy the keys from")
        parser.add_argument("--source-api-key", metavar="KEY",
                            help="an admin key of the source proxy; @FILE or @- reads it from "
                                 "a file or stdin, keeping it out of shell history")
        parser.add_argument("--dry-run", action="store_true",
                            help="read both proxies and show what would happen; change nothing")
        parser.add_argument("--created-since", type=_since, metavar="DATE",
                            help="only keys created at or after DATE (UTC): YYYY-MM-DD or "
                                 "YYYY-MM-DD_HH:MM")
        add_filters(parser, "the source's keys", "team_id", "user_id")
        parser.add_argument("--secrets-out", metavar="FILE",
                            help="append each new secret to FILE (created readable by you "
                                 "only), one JSON object a line: "
                                 '{"key_alias": ..., "source_token": ..., "key": ...}; '
                                 "required unless --dry-run")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.api.keyimport import KeyImport
        from litellm_cli.session import Session

        url = parsed_args.source_base_url
        if not url.startswith(("http://", "https://")):
            raise exceptions.UsageError(
                f"--source-base-url must start with http:// or https://, got {url!r}")
        if not parsed_args.secrets_out and not parsed_args.dry_run:
            raise exceptions.UsageError(
                "--secrets-out FILE is required: the new keys' secrets are saved nowhere else "
                "(--dry-run shows the plan without it)")
        source_key = None
        if parsed_args.source_api_key is not None:
            source_key = read_secret(parsed_args.source_api_key, "--source-api-key")
        dest = self.session
        source = Session(url, api_key=source_key, timeout=dest.timeout, verify=dest.verify)
        secrets = None
        if not parsed_args.dry_run:
            secrets = _open_private(parsed_args.secrets_out)
            self.warn("Note: the destination issues a NEW secret for every imported key; the "
                      "source's secrets do not work there. New secrets go to "
                      f"{parsed_args.secrets_out} only.")
        given = self.app.client_manager.settings.sources["api_key"]
        refused = (f"the source proxy {url} refused the key given with --source-api-key",
                   f"the destination proxy {dest.base_url} refused "
                   + (f"the key from {given}" if given != "default" else
                      "the request: no API key was given (--api-key, LITELLM_PROXY_API_KEY "
                      "or a profile)"))
        results = []
        try:
            for result in KeyImport(source, dest, refused).run(
                    created_since=parsed_args.created_since, dry_run=parsed_args.dry_run,
                    on_secret=secrets and functools.partial(_save_secret, secrets),
                    team_id=parsed_args.team_id, user_id=parsed_args.user_id):
                results.append(result)
        except BaseException:
            # Stopped part-way (Ctrl-C, a proxy went away): say what was done; a
            # re-run skips it.
            if results:
                self.produce_output(parsed_args, IMPORT_COLUMNS,
                                    [object_row(r, IMPORT_COLUMNS) for r in results])
                self.warn(_import_summary(results, parsed_args.dry_run)
                          + ". Stopped early: run the same import again to add the rest.")
            raise
        finally:
            source.close()
            if secrets:
                secrets.close()
        self.warn(_import_summary(results, parsed_args.dry_run))
        rows = [object_row(r, IMPORT_COLUMNS) for r in results]
        failed = sum(r["status"] in ("failed", "would fail") for r in results)
        if failed:
            self.fail_showing(parsed_args, IMPORT_COLUMNS, rows,
                              f"{failed} of {len(results)} items "
                              f"{'would fail' if parsed_args.dry_run else 'failed'} to import")
        return IMPORT_COLUMNS, rows


def _save_secret(handle, source_key, new_key):
    """Append one secret to the --secrets-out file and make it durable (on
    disk, not in a buffer) before the key is reported created."""
    import json
    import os

    entry = {"key_alias": source_key.get("key_alias"), "source_token": source_key["token"],
             "key": new_key}
    handle.write(json.dumps(entry) + "\n")
    handle.flush()
    os.fsync(handle.fileno())


def _import_summary(results, dry_run):
    """``Keys: 3 created, 1 skipped, 0 failed; teams: ...; users: ...``"""
    parts = []
    for kind in ("key", "team", "user"):
        statuses = [r["status"] for r in results if r["object"] == kind]
        if statuses or kind == "key":
            counts = ", ".join(f"{statuses.count(s)} {s}" for s in
                               sorted(set(statuses) | ({"would create"} if dry_run
                                                       else {"created", "failed"})))
            parts.append(f"{kind}s: {counts}")
    text = "; ".join(parts)
    return ("Dry run, nothing changed. " if dry_run else "") + text[0].upper() + text[1:]


ROTATE_COLUMNS = ("key_alias", "token", "status", "replacement", "stops_at", "detail")


def _saved_secrets(path):
    """``{old token: entry}`` of the secrets an earlier (interrupted) rotation saved."""
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise exceptions.UsageError(f"--secrets-out: cannot read {path}: {exc}") from None
    saved = {}
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # not a line this command wrote
        if isinstance(entry, dict) and entry.get("old_token") and entry.get("key"):
            saved[entry["old_token"]] = entry
    return saved


def _durably(handle):
    """``save(entry)``: one JSON line, flushed and synced to disk before it returns."""
    import json
    import os

    def save(entry):
        handle.write(json.dumps(entry) + "\n")
        handle.flush()
        os.fsync(handle.fileno())

    return save


class RotateKey(Lister):
    """Replace keys with new ones, keeping every setting; the old keys work for a grace period

    Works on every proxy (no Enterprise licence). For each selected key a
    replacement is created with the old key's settings (alias, models,
    budgets and spend, limits, metadata, team, user, the expiry left). Its
    secret is written to --secrets-out (flushed and synced, mode 0600, one
    JSON object a line) BEFORE the key is created and before anything happens
    to the old key. The old key gives its alias to the replacement (taking
    ALIAS-rotated-<hash prefix>), both keys are marked in their metadata
    (litellm_cli_rotation), and the old key expires when --grace ends
    (--grace 0 blocks it at once). 'keys rotate --finish' (safe from cron)
    blocks, or with --delete deletes, every old key whose grace has passed.

    Re-running an interrupted rotation finishes it without a second
    replacement; a key already rotated is reported as such. The admin UI's
    own session keys (team litellm-dashboard) are rotated only when named, or
    with --team-id litellm-dashboard.
    """

    def get_parser(self, prog_name):
        from litellm_cli.utils import timedelta_argument

        parser = super().get_parser(prog_name)
        parser.add_argument("keys", type=valid_name, nargs="*", metavar="KEY",
                            help="keys (sk-...), key hashes or aliases only one key has, to "
                                 "rotate; @FILE or @- reads them from a file or stdin (one a "
                                 "line)")
        add_filters(parser, "keys", "key_alias", "team_id", "user_id")
        parser.add_argument("--older-than", type=timedelta_argument, metavar="DURATION",
                            help="only keys created longer ago than DURATION (e.g. 90d)")
        parser.add_argument("--grace", type=timedelta_argument, default="24h",
                            metavar="DURATION",
                            help="how long the old keys keep working (default: 24h; 0: "
                                 "blocked at once)")
        parser.add_argument("--secrets-out", metavar="FILE",
                            help="append each new secret to FILE (created readable by you "
                                 'only), one JSON object a line: {"key_alias", "old_token", '
                                 '"token", "key"}; required to rotate')
        parser.add_argument("--use-regenerate", action="store_true",
                            help="use the proxy's own regenerate (Enterprise): the key keeps "
                                 "its settings and gets the new secret, and the proxy ends the "
                                 "old one after --grace; an unlicensed proxy refuses it")
        parser.add_argument("--finish", action="store_true",
                            help="block every old key whose grace has passed, instead of "
                                 "rotating")
        parser.add_argument("--delete", action="store_true",
                            help="with --finish: delete those old keys instead of blocking")
        parser.add_argument("--dry-run", action="store_true",
                            help="show what would happen; change nothing")
        return parser

    def take_action(self, parsed_args):
        from litellm_cli.api.rotate import Rotation
        from litellm_cli.api.state_sync import schema_release

        selectors = (parsed_args.keys, parsed_args.key_alias, parsed_args.team_id,
                     parsed_args.user_id, parsed_args.older_than)
        if parsed_args.finish:
            if parsed_args.use_regenerate or any(
                    selector is not None and selector != [] for selector in selectors):
                raise exceptions.UsageError("--finish acts on every rotated key whose grace "
                                            "has passed; it takes no KEY, filter or "
                                            "--use-regenerate")
        elif parsed_args.delete:
            raise exceptions.UsageError("--delete goes with --finish")
        elif all(selector is None or selector == [] for selector in selectors):
            raise exceptions.UsageError("name the keys to rotate: KEY, --key-alias, "
                                        "--team-id, --user-id or --older-than")
        elif not parsed_args.secrets_out and not parsed_args.dry_run:
            raise exceptions.UsageError("--secrets-out FILE is required: the new secrets are "
                                        "written there and nowhere else")
        handle = pending = None
        if not parsed_args.finish and not parsed_args.dry_run:
            # Before anything is read or written: a secret must have a place to go.
            pending = _saved_secrets(parsed_args.secrets_out)
            handle = _open_private(parsed_args.secrets_out)
        api = self.app.client_manager.keys
        makes_keys = not parsed_args.finish and not parsed_args.dry_run
        rotation = Rotation(api, release=schema_release(self.app.client_manager.session)
                            if makes_keys else None)
        rows = []
        try:
            all_keys = list(api.iter_all(return_full_object=True))
            if parsed_args.finish:
                results = rotation.finish(all_keys, parsed_args.delete, parsed_args.dry_run)
            else:
                results = self._rotate(parsed_args, rotation, all_keys,
                                       handle and _durably(handle), pending)
            for result in results:
                rows.append(object_row(result, ROTATE_COLUMNS))
                detail = f": {result['detail']}" if result.get("detail") else ""
                self.warn(f"{result['status'].capitalize()}: key {result.get('key_alias') or ''} "
                          f"{result['token']}{detail}")
        except BaseException:
            if rows:
                self.produce_output(parsed_args, ROTATE_COLUMNS, rows)
                self.warn("Stopped early: run the same command again to finish; nothing is "
                          "done twice.")
            raise
        finally:
            if handle:
                handle.close()
        failed = sum(row[2] == "failed" for row in rows)
        if failed:
            self.fail_showing(parsed_args, ROTATE_COLUMNS, rows,
                              f"{failed} of {len(rows)} keys failed to rotate")
        return ROTATE_COLUMNS, rows

    def _rotate(self, parsed_args, rotation, all_keys, save, pending):
        from litellm_cli.api.keyimport import UI_TEAM, parse_time
        from litellm_cli.api.rotate import mark

        given, tokens = set(), {key["token"] for key in all_keys}
        for name in (k for value in parsed_args.keys for k in read_keys(value, "KEY")):
            try:  # a key, a hash, or an alias only one key has
                given.add(hash_key(name) if name in tokens or resolve.is_key_or_hash(name)
                          else resolve.key_by_alias(all_keys, name))
            except exceptions.CLIError as exc:
                yield {"token": name, "status": "failed", "detail": str(exc)}
        for token in sorted(given - tokens):
            yield {"token": token, "status": "failed", "detail": "no such key"}
        oldest = parsed_args.older_than and rotation.now - parsed_args.older_than

        def selected(key):
            if given and key["token"] not in given:
                return False
            if not given and key.get("team_id") == UI_TEAM != parsed_args.team_id:
                return False  # the admin UI's session keys: rotating one logs its user out
            alias = parsed_args.key_alias
            if alias and alias not in (key.get("key_alias"), mark(key).get("key_alias")):
                return False
            if any(getattr(parsed_args, name) and key.get(name) != getattr(parsed_args, name)
                   for name in ("team_id", "user_id")):
                return False
            created = parse_time(key.get("created_at"))
            return not oldest or (created is not None and created <= oldest)

        chosen = []
        for key in filter(selected, all_keys):
            old = rotation.in_grace(key, all_keys)
            if old is None:
                chosen.append(key)
            else:
                yield {"key_alias": key.get("key_alias"), "token": key["token"],
                       "status": "skipped", "detail": f"the replacement of {old['token']}, "
                                                     f"whose grace ends {mark(old)['stops_at']}"}
        rotation.keys.with_budget_ids(chosen)  # the replacements keep the budget
        rotate = rotation.regenerate if parsed_args.use_regenerate else rotation.run
        yield from rotate(chosen, all_keys, parsed_args.grace, save, pending,
                          dry_run=parsed_args.dry_run)
