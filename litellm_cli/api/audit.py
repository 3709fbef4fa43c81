"""The rules ``litellm-proxy audit`` judges a proxy by, and the engine that runs them.

No cliff and no printing: ``audit(state, policy)`` yields findings (dicts with
``severity, rule, kind, object, problem, fix``) for a state: a dict of lists
under the state file's names (``keys``, ``teams``, ``users``, ``model_list``,
``credential_list``, ``budgets``, ``customers``), each object in the proxy's
own field names. ``read_state(session)`` reads one from a live proxy::

    from litellm_cli.api.audit import Policy, audit, read_state

    for finding in audit(read_state(session), Policy()):
        print(finding["severity"], finding["rule"], finding["object"])

A finding never holds a secret: keys are named by alias and hash (``token``).
"""

import collections
import datetime
import shlex
from concurrent.futures import ThreadPoolExecutor

from litellm_cli.api.keyimport import parse_time
from litellm_cli.utils import to_timedelta

SEVERITIES = ("info", "warning", "error", "critical")
KINDS = ("keys", "teams", "users", "model_list", "credential_list", "budgets", "customers")
PROXY_ADMIN = "proxy_admin"
ALL_MODELS = "all-proxy-models"
CLI = "litellm-proxy"
# Ids and names in a suggested command are quoted: a copied fix never runs what a name holds.
q = shlex.quote
KEY_FIELDS = ("token", "key_alias", "max_budget", "budget_id", "expires", "updated_at", "blocked",
              "last_active", "created_at", "models", "user_id", "team_id")

Rule = collections.namedtuple("Rule", "id kind severity explanation")

RULES = {rule.id: rule for rule in (
    Rule("key-no-budget", "key", "warning",
         "a key with neither max_budget nor budget_id can spend without limit"),
    Rule("key-no-expiry", "key", "warning",
         "a key that never expires, or expires later than max_key_lifetime from now"),
    Rule("key-expired", "key", "info", "a key that has expired but is still stored"),
    Rule("key-blocked-long", "key", "info",
         "a key blocked (last changed) more than blocked_after ago: delete it"),
    Rule("key-unused", "key", "warning",
         "a key with no call for unused_after (the proxy's last_active; its creation when "
         "it was never used)"),
    Rule("key-all-models", "key", "warning",
         "a key that may call every model (no models list and no team, or all-proxy-models)"),
    Rule("key-admin", "key", "critical",
         "a key of a proxy_admin user: it can do everything the master key can"),
    Rule("key-orphan", "key", "error", "a key whose user or team no longer exists"),
    Rule("key-no-alias", "key", "info", "a key without an alias: nobody can tell what it is for"),
    Rule("key-duplicate-alias", "key", "warning",
         "several keys share one alias, so commands naming the alias are ambiguous"),
    Rule("team-no-budget", "team", "warning", "a team without max_budget"),
    Rule("team-no-members", "team", "info", "a team with no members"),
    Rule("user-no-budget", "user", "info", "a user (not a proxy admin) without max_budget"),
    Rule("user-no-team", "user", "info", "a user in no team who owns keys"),
    Rule("model-no-price", "model", "error",
         "a model without an input or output price: its spend is counted as 0"),
    Rule("model-config-and-db", "model", "warning",
         "the same deployment both in the proxy's config file and in its database"),
    Rule("credential-unused", "credential", "info", "a credential no model uses"),
    Rule("budget-unused", "budget", "info",
         "a budget that no key, team or customer references"),
    Rule("customer-no-budget", "customer", "warning", "a customer (end user) without a budget"),
)}

# Settings a rules file may change, and their defaults: max_key_lifetime makes
# key-no-expiry also flag keys expiring later than that from now; unused_after
# and blocked_after are the thresholds of key-unused and key-blocked-long.
SETTINGS = {"max_key_lifetime": None, "unused_after": "90d", "blocked_after": "30d"}


class PolicyError(ValueError):
    """A rules file that cannot be used; the message names the problem."""


class Policy:
    """Which rules run, at which severity, with which settings and exceptions.

    ``Policy.from_document(data)`` reads a rules file's document::

        rules:                     # rule id -> off | a severity | {severity: ...}
          key-no-alias: off
          key-unused: error
        settings:
          max_key_lifetime: 90d
          unused_after: 30d
        exceptions:                # findings to leave out, each with a reason
          - {rule: key-no-budget, object: ci-bot, reason: "capped upstream"}
    """

    def __init__(self, severities=None, settings=None, exceptions=()):
        self.severities = {rule.id: rule.severity for rule in RULES.values()}
        self.severities.update(severities or {})
        self.settings = dict(SETTINGS)
        self.settings.update(settings or {})
        self.exceptions = list(exceptions)

    @classmethod
    def from_document(cls, data, source="rules file"):
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise PolicyError(f"{source}: expected a mapping with rules, settings, exceptions")
        unknown = set(data) - {"rules", "settings", "exceptions"}
        if unknown:
            raise PolicyError(f"{source}: unknown section {sorted(unknown)[0]!r} (expected "
                              "rules, settings, exceptions)")
        severities = {}
        for rule, value in _mapping(data, "rules", source).items():
            _known_rule(rule, source)
            if isinstance(value, dict):
                if set(value) != {"severity"}:
                    raise PolicyError(f"{source}: rules.{rule}: only 'severity' can be set")
                value = value["severity"]
            if value is False or value == "off":
                value = None
            elif value not in SEVERITIES:
                raise PolicyError(f"{source}: rules.{rule}: expected off or one of "
                                  f"{', '.join(SEVERITIES)}, got {value!r}")
            severities[rule] = value
        settings = {}
        for name, value in _mapping(data, "settings", source).items():
            if name not in SETTINGS:
                raise PolicyError(f"{source}: unknown setting {name!r} (known: "
                                  f"{', '.join(SETTINGS)})")
            try:
                to_timedelta(value)
            except ValueError as exc:
                raise PolicyError(f"{source}: settings.{name}: {exc}") from None
            settings[name] = str(value)
        exceptions = data.get("exceptions") or []
        if not isinstance(exceptions, list):
            raise PolicyError(f"{source}: exceptions: expected a list")
        for number, item in enumerate(exceptions, 1):
            if not isinstance(item, dict) or set(item) != {"rule", "object", "reason"}:
                raise PolicyError(f"{source}: exceptions #{number}: expected rule, object and "
                                  "reason (and nothing else)")
            _known_rule(item["rule"], source)
            if not str(item["reason"] or "").strip():
                raise PolicyError(f"{source}: exceptions #{number}: give a reason")
        return cls(severities, settings, exceptions)

    def excepted(self, rule, names):
        return any(item["rule"] == rule and str(item["object"]) in names
                   for item in self.exceptions)

    def duration(self, name):
        value = self.settings[name]
        return None if value is None else to_timedelta(value)


def _mapping(data, section, source):
    value = data.get(section) or {}
    if not isinstance(value, dict):
        raise PolicyError(f"{source}: {section}: expected a mapping")
    return value


def _known_rule(rule, source):
    if rule not in RULES:
        raise PolicyError(f"{source}: unknown rule {rule!r} (see 'audit --list-rules')")


def read_state(session, workers=4):
    """Every object the rules judge, read from the proxy: the independent reads,
    and the pages of keys and users, ``workers`` at a time. Returns a dict of
    lists (KINDS)."""
    from litellm_cli.api.budgets import BudgetsAPI
    from litellm_cli.api.credentials import CredentialsAPI
    from litellm_cli.api.customers import CustomersAPI
    from litellm_cli.api.keys import KeysAPI
    from litellm_cli.api.models import ModelsAPI
    from litellm_cli.api.teams import TeamsAPI
    from litellm_cli.api.users import UsersAPI

    reads = {
        # Only the fields the rules read: a key object holds ~100 fields, and a
        # proxy may have tens of thousands of keys.
        "keys": lambda: [{name: key.get(name) for name in KEY_FIELDS}
                         for key in KeysAPI(session).all_parallel(pages,
                                                                  return_full_object=True)],
        "users": lambda: list(UsersAPI(session).all_parallel(pages)),
        "teams": lambda: TeamsAPI(session).list(),
        "model_list": lambda: list(ModelsAPI(session).iter_info()),
        "credential_list": lambda: CredentialsAPI(session).list(),
        "budgets": lambda: BudgetsAPI(session).list(),
        "customers": lambda: CustomersAPI(session).list(),
    }
    # Two pools: a kind's read waits for its pages, which must not wait for
    # a worker that the kinds' reads hold.
    with ThreadPoolExecutor(workers) as pages, ThreadPoolExecutor(len(reads)) as kinds:
        futures = {kind: kinds.submit(read) for kind, read in reads.items()}
        return {kind: future.result() for kind, future in futures.items()}


def check_state(data, source):
    """A state file's document as a state (dict of lists); PolicyError if it is not one."""
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: expected a mapping of object kinds ({', '.join(KINDS)})")
    if not any(kind in data for kind in KINDS):
        # A config.yaml's other sections may be there, but with none of these
        # there is nothing to judge: most likely the wrong file.
        raise PolicyError(f"{source}: none of the object kinds {', '.join(KINDS)} is in it")
    state = {}
    for kind in KINDS:
        value = data.get(kind) or []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise PolicyError(f"{source}: {kind}: expected a list of objects")
        state[kind] = value
    return state


def audit(state, policy, now=None, master_token=None, offline=False):
    """Every finding of ``policy``'s rules on ``state``, most severe first.

    ``master_token`` is the hash of the key that read the state (not flagged
    as an admin key); ``offline`` says the state is a file, not a live proxy
    (the rules that need what only the proxy knows say so in their text).
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    findings = []

    def find(rule, kind, name, names, problem, fix, at_most=None):
        severity = policy.severities[rule]
        if severity is None or policy.excepted(rule, names):
            return
        if at_most and SEVERITIES.index(severity) > SEVERITIES.index(at_most):
            severity = at_most
        findings.append({"severity": severity, "rule": rule, "kind": kind, "object": name,
                         "problem": problem, "fix": fix})

    _audit_keys(state, policy, now, master_token, find)
    _audit_people(state, find)
    _audit_models(state, offline, find)
    _audit_budgets(state, find)
    findings.sort(key=lambda f: (-SEVERITIES.index(f["severity"]), f["rule"], f["object"]))
    return findings


def _key_names(key):
    """``(label, names)``: how a finding shows a key (alias and hash, never
    the secret) and the names an exception may use for it."""
    alias, token = key.get("key_alias"), key.get("token")
    label = " ".join(part for part in (alias, f"({token})" if token and alias else token)
                     if part) or "(no alias, no hash)"
    return label, {name for name in (alias, token) if name}


def _key_ref(key):
    """What a fix command names a key by: its hash, else (a state file) its alias."""
    return key.get("token") or f"--key-alias {key.get('key_alias')}"


def _ago(delta):
    days = delta.days
    return f"{days} days" if days >= 1 else f"{int(delta.total_seconds() // 3600)} hours"


def _audit_keys(state, policy, now, master_token, find):
    users = {user.get("user_id"): user for user in state["users"]}
    teams = {team.get("team_id") for team in state["teams"]}
    aliases = collections.Counter(key.get("key_alias") for key in state["keys"]
                                  if key.get("key_alias"))
    max_life = policy.duration("max_key_lifetime")
    unused_after = policy.duration("unused_after")
    blocked_after = policy.duration("blocked_after")
    for key in state["keys"]:
        label, names = _key_names(key)
        ref = _key_ref(key)

        def flag(rule, problem, fix):
            find(rule, "key", label, names, problem, fix)

        if key.get("max_budget") is None and not key.get("budget_id"):
            flag("key-no-budget", "no max_budget and no budget_id: spend is unlimited",
                 f"{CLI} keys update {q(ref)} --max-budget USD")
        expires = parse_time(key.get("expires"))
        if expires is None and key.get("duration"):
            try:
                expires = now + to_timedelta(key["duration"])
            except ValueError:
                pass
        if expires is None:
            flag("key-no-expiry", "never expires", f"{CLI} keys update {q(ref)} --duration 90d")
        elif expires <= now:
            flag("key-expired", f"expired {_ago(now - expires)} ago ({expires:%Y-%m-%d})",
                 f"{CLI} keys delete --keys {q(ref)}")
        elif max_life is not None and expires - now > max_life:
            flag("key-no-expiry", f"expires in {_ago(expires - now)}, more than "
                                  f"max_key_lifetime {policy.settings['max_key_lifetime']}",
                 f"{CLI} keys update {q(ref)} --duration {policy.settings['max_key_lifetime']}")
        changed = parse_time(key.get("updated_at"))
        if key.get("blocked") and changed and now - changed > blocked_after:
            flag("key-blocked-long", f"blocked, unchanged for {_ago(now - changed)}",
                 f"{CLI} keys delete --keys {q(ref)}")
        _check_unused(key, now, unused_after, policy.settings["unused_after"], ref, flag)
        models = key.get("models") or []
        if ALL_MODELS in models or (not models and not key.get("team_id")):
            flag("key-all-models", "may call every model on the proxy",
                 f"{CLI} keys update {q(ref)} --models MODEL[,MODEL...]")
        owner = users.get(key.get("user_id"))
        if (owner and owner.get("user_role") == PROXY_ADMIN
                and key.get("token") != master_token):
            flag("key-admin", f"belongs to proxy admin {key['user_id']}",
                 f"{CLI} keys delete --keys {q(ref)}")
        for field, known, what in (("user_id", users, "user"), ("team_id", teams, "team")):
            if key.get(field) and key[field] not in known:
                flag("key-orphan", f"its {what} {key[field]} no longer exists",
                     f"{CLI} keys delete --keys {q(ref)}")
        alias = key.get("key_alias")
        if not alias:
            flag("key-no-alias", "no alias", f"{CLI} keys update {q(ref)} --key-alias NAME")
        elif aliases[alias] > 1:
            flag("key-duplicate-alias", f"{aliases[alias]} keys share the alias {alias}",
                 f"{CLI} keys update {q(ref)} --key-alias NEW_NAME")


def _check_unused(key, now, unused_after, setting, ref, flag):
    if key.get("token") is None:
        return  # a state file's key: nothing says when it was used
    last = parse_time(key.get("last_active"))
    since = last or parse_time(key.get("created_at"))
    if since is None or now - since <= unused_after:
        return
    source = ("last call (the key's last_active)" if last
              else "never used (no last_active); created")
    flag("key-unused", f"{source} {_ago(now - since)} ago, more than unused_after {setting}",
         f"{CLI} keys block {q(ref)}")


def _members(team):
    """A team's member user ids, from the proxy (members_with_roles) or a state file (members)."""
    members = team.get("members_with_roles") or team.get("members") or []
    return {member.get("user_id") for member in members if isinstance(member, dict)}


def _audit_people(state, find):
    in_teams = set()
    for team in state["teams"]:
        team_id = team.get("team_id")
        label = " ".join(p for p in (team.get("team_alias"), f"({team_id})") if p)
        names = {name for name in (team_id, team.get("team_alias")) if name}
        members = _members(team) - {None}
        in_teams |= members
        if team.get("max_budget") is None:
            find("team-no-budget", "team", label, names, "no max_budget",
                 f"{CLI} teams update {q(team_id)} --max-budget USD")
        if not members:
            find("team-no-members", "team", label, names, "no members",
                 f"{CLI} teams member add {q(team_id)} --user-id USER  (or teams delete {q(team_id)})")
    key_owners = collections.Counter(key.get("user_id") for key in state["keys"])
    for user in state["users"]:
        user_id = user.get("user_id")
        names = {name for name in (user_id, user.get("user_email")) if name}
        teams = set(user.get("teams") or []) - {None}
        if user.get("max_budget") is None and user.get("user_role") != PROXY_ADMIN:
            find("user-no-budget", "user", user_id, names, "no max_budget",
                 f"{CLI} users update {q(user_id)} --max-budget USD")
        if not teams and user_id not in in_teams and key_owners[user_id]:
            find("user-no-team", "user", user_id, names,
                 f"in no team, owns {key_owners[user_id]} key(s)",
                 f"{CLI} teams member add TEAM --user-id {q(user_id)}")


def _price(model, name):
    """The deployment's own price, else the one the proxy shows (from LiteLLM's price
    list); None when there is none. A 0 the proxy shows that the deployment does not set
    is none: older releases (1.100.5) show 0 for a model the price list lacks."""
    own = (model.get("litellm_params") or {}).get(name)
    if own is not None:
        return own
    return (model.get("model_info") or {}).get(name) or None


def _audit_models(state, offline, find):
    used_credentials = set()
    deployments = collections.defaultdict(set)  # (name, upstream) -> {in db?}
    for model in state["model_list"]:
        params, info = model.get("litellm_params") or {}, model.get("model_info") or {}
        name = model.get("model_name")
        label = f"{name} ({info['id']})" if info.get("id") else str(name)
        names = {n for n in (name, info.get("id")) if n}
        used_credentials.add(params.get("litellm_credential_name"))
        missing = [side for side in ("input", "output")
                   if _price(model, f"{side}_cost_per_token") is None]
        if missing:
            # Offline, LiteLLM's price list (which the proxy fills prices in
            # from) is unknown: the finding is only a note.
            note = (" in the file (the proxy may know one from LiteLLM's price list)"
                    if offline else "")
            find("model-no-price", "model", label, names,
                 f"no {' or '.join(missing)} price{note}",
                 f"{CLI} models update {q(info.get('id') or name)} "
                 "-i input_cost_per_token=USD -i output_cost_per_token=USD",
                 at_most="info" if offline else None)
        if "db_model" in info:
            deployments[(name, params.get("model"), params.get("api_base"))].add(
                bool(info["db_model"]))
    for (name, upstream, _), places in sorted(deployments.items(), key=str):
        if places == {True, False}:
            find("model-config-and-db", "model", str(name), {str(name)},
                 f"{upstream} is served from both the config file and the database",
                 f"{CLI} models delete ID  (the database copy), or remove it from config.yaml")
    for credential in state["credential_list"]:
        name = credential.get("credential_name")
        if name not in used_credentials:
            find("credential-unused", "credential", str(name), {name},
                 "no model uses it", f"{CLI} credentials delete {q(name)}")


def _audit_budgets(state, find):
    referenced = {item.get("budget_id") for kind in ("keys", "teams", "customers")
                  for item in state[kind]}
    referenced |= {(item.get("litellm_budget_table") or {}).get("budget_id")
                   for item in state["customers"]}
    for budget in state["budgets"]:
        budget_id = budget.get("budget_id")
        if budget_id not in referenced:
            find("budget-unused", "budget", str(budget_id), {budget_id},
                 "nothing references it", f"{CLI} budgets delete {q(budget_id)}")
    for customer in state["customers"]:
        user_id = customer.get("user_id")
        if not customer.get("budget_id") and not customer.get("litellm_budget_table") \
                and customer.get("max_budget") is None:
            find("customer-no-budget", "customer", str(user_id),
                 {n for n in (user_id, customer.get("alias")) if n}, "no budget",
                 f"{CLI} customers update {q(user_id)} --max-budget USD")
