"""Client-side key rotation: works on every proxy, no Enterprise licence needed.

For each old key a replacement is made with every setting the old key has
(alias, models, budgets and spend so far, limits, metadata, team, user, the
expiry left). Its secret is chosen here and handed to ``save(entry)``, which
must store it durably, BEFORE the replacement is created and before anything
happens to the old key. Both keys are then marked in their metadata (under
``MARK``): the replacement names the key it replaces; the old key names its
replacement, its alias, and when it stops. The old key is set to expire when
its grace ends (or blocked at once with no grace); ``finish()`` later blocks
or deletes every old key whose grace has passed.

Resumable: a re-run finds a replacement by its mark and completes the steps
that were not done, never making a second one; a secret that was saved but
whose key was never created (``pending``) is used for the replacement.
Usable without the CLI::

    rotation = Rotation(KeysAPI(session))
    for result in rotation.run(keys, grace=timedelta(hours=24), save=store):
        print(result)   # {"key_alias", "token", "status", "replacement", "stops_at", "detail"}
"""

import datetime
import secrets

from litellm_cli import exceptions
from litellm_cli.api.keyimport import parse_time
from litellm_cli.redact import REDACTOR

MARK = "litellm_cli_rotation"
KEY_BYTES = 32  # the new secret: "sk-" and 43 URL-safe characters


def mark(key):
    return (key.get("metadata") or {}).get(MARK) or {}


def _iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _result(key, status, replacement=None, stops_at=None, detail=""):
    return {"key_alias": mark(key).get("key_alias") or key.get("key_alias"),
            "token": key.get("token"), "status": status, "replacement": replacement,
            "stops_at": stops_at, "detail": detail}


def retired_alias(alias, token):
    """The alias an old key takes so that its replacement can have its own
    (the proxy wants aliases unique)."""
    return f"{alias}-rotated-{token[:8]}"


class Rotation:
    """``release``: the proxy's LiteLLM release, whose key fields a
    replacement copies (default: the pinned release's)."""

    def __init__(self, keys_api, now=None, release=None):
        from litellm_cli.api.kinds.keys import copier
        from litellm_cli.api.state import DEFAULT_RELEASE

        self.keys = keys_api
        self.now = now or datetime.datetime.now(datetime.timezone.utc)
        self.copier = copier(None, release or DEFAULT_RELEASE)

    def replacements(self, all_keys):
        """``{old token: replacement key}`` among ``all_keys``, by their marks."""
        return {mark(key)["replaces"]: key for key in all_keys if mark(key).get("replaces")}

    def in_grace(self, key, all_keys):
        """The old key that ``key`` replaces while that one's grace lasts, else None."""
        replaces = mark(key).get("replaces")
        for other in all_keys if replaces else ():
            stops = parse_time(mark(other).get("stops_at"))
            if other.get("token") == replaces and stops is not None and stops > self.now:
                return other
        return None

    def run(self, selected, all_keys, grace, save, pending=None, dry_run=False):
        """Rotate each of ``selected`` (full key objects, from ``all_keys``, every
        key of the proxy). ``pending``: ``{old token: saved entry}`` from earlier
        runs. Yields one result per key."""
        replacements = self.replacements(all_keys)
        pending = pending or {}
        for key in selected:
            try:
                yield self._rotate(key, replacements.get(key["token"]), grace, save,
                                   pending.get(key["token"]), dry_run)
            except exceptions.CLIError as exc:
                yield _result(key, "failed", detail=str(exc))

    def _rotate(self, old, replacement, grace, save, saved, dry_run):
        done = mark(old)
        if done.get("replaced_by"):
            # Interrupted before the replacement took the alias over: finish that.
            alias = done.get("key_alias")
            if alias and replacement and replacement.get("key_alias") != alias:
                if dry_run:
                    return _result(old, "would resume", replacement["token"], done["stops_at"])
                self.keys.update(replacement["token"], {"key_alias": alias})
                return _result(old, "resumed", replacement["token"], done["stops_at"])
            return _result(old, "already rotated", done["replaced_by"], done.get("stops_at"))
        if dry_run:
            return _result(old, "would resume" if replacement else "would rotate",
                           replacement and replacement["token"],
                           _iso(self.now + grace), "a new secret would be issued")
        status = "resumed" if replacement or saved else "rotated"
        if replacement is None:
            replacement = self._replace(old, save, saved)
        alias = old.get("key_alias")
        stops = self.now + grace
        changes = {"metadata": {**(old.get("metadata") or {}), MARK: {
            "replaced_by": replacement["token"], "stops_at": _iso(stops), "key_alias": alias}}}
        if alias:
            changes["key_alias"] = retired_alias(alias, old["token"])
        expires = parse_time(old.get("expires"))
        if not grace:
            changes["blocked"] = True
        elif expires is None or expires > stops:
            changes["duration"] = f"{max(1, int(grace.total_seconds()))}s"
        self.keys.update(old["token"], changes)
        if alias and replacement.get("key_alias") != alias:
            self.keys.update(replacement["token"], {"key_alias": alias})
        return _result(old, status, replacement["token"], _iso(stops))

    def _replace(self, old, save, saved):
        """Create the replacement of ``old``; its secret is saved first."""
        saved = saved or self._new_secret(old, save)
        body = self.copier.copy_body(old, self.now)
        body.pop("key_alias", None)  # taken over once the old key gives it up
        body["metadata"][MARK] = {"replaces": old["token"], "at": _iso(self.now)}
        REDACTOR.add(saved["key"])  # one saved by an earlier run, too
        body["key"] = saved["key"]
        created = self.keys.generate(body, check=False)
        return {"token": created.get("token") or saved["token"], "key_alias": None}

    def regenerate(self, selected, all_keys, grace, save, pending=None, dry_run=False):
        """Rotate with the proxy's own regenerate (Enterprise): the key keeps its
        row and settings and gets the secret saved here first; the proxy keeps
        the old secret working for ``grace``. Resumable like ``run``."""
        tokens = {key["token"] for key in all_keys}
        pending = pending or {}
        for key in selected:
            saved = pending.get(key["token"])
            if saved and saved["token"] in tokens:
                yield _result(key, "already rotated", saved["token"], detail="regenerated")
                continue
            if dry_run:
                yield _result(key, "would regenerate", stops_at=_iso(self.now + grace))
                continue
            saved = saved or self._new_secret(key, save)
            changes = {"new_key": saved["key"]}
            if grace:
                changes["grace_period"] = f"{max(1, int(grace.total_seconds()))}s"
            try:
                self.keys.regenerate(key["token"], changes)
            except exceptions.CLIError as exc:
                yield _result(key, "failed", detail=str(exc))
                continue
            yield _result(key, "regenerated", saved["token"], _iso(self.now + grace))

    def _new_secret(self, old, save):
        """A new secret for ``old``'s replacement, saved (``save``) before it is used."""
        from litellm_cli.api.keys import hash_key

        secret = "sk-" + secrets.token_urlsafe(KEY_BYTES)
        REDACTOR.add(secret)  # masked in every message and log, whatever echoes it
        saved = {"key_alias": old.get("key_alias"), "old_token": old["token"],
                 "token": hash_key(secret), "key": secret}
        save(saved)
        return saved

    def finish(self, all_keys, delete=False, dry_run=False):
        """Block (or ``delete``) every old key whose grace has passed."""
        for key in all_keys:
            done = mark(key)
            stops = parse_time(done.get("stops_at"))
            if not done.get("replaced_by") or stops is None or stops > self.now:
                continue
            if not delete and key.get("blocked"):
                continue  # finished by an earlier run
            verb = "deleted" if delete else "blocked"
            if dry_run:
                yield _result(key, f"would be {verb}", done["replaced_by"], done["stops_at"])
                continue
            try:
                if delete:
                    self.keys.delete(key["token"])
                else:
                    self.keys.block(key["token"])
            except exceptions.CLIError as exc:
                yield _result(key, "failed", done["replaced_by"], done["stops_at"], str(exc))
                continue
            yield _result(key, verb, done["replaced_by"], done["stops_at"])
