"""Teams in a state file (``teams:``), by ``team_id``, with their members.

A team's ``members: [{user_id, role, max_budget_in_team}]`` is managed when
the entry has a ``members`` key: listed members are added or updated, others
removed. Each membership is an Item of its own (kind ``team_members``), sent
after users exist (order 35) through ``/team/member_add``, ``member_update``
and ``member_delete``. An entry without ``members`` leaves membership alone.

The proxy adds whoever creates a team as its admin (``default_user_id`` for
the master key): that member is the proxy's, never exported, compared or
removed. A member's ``max_budget_in_team`` is exported only when it is the
member's own (not the team's ``team_member_budget`` every member shares).
"""

from litellm_cli import exceptions, versions
from litellm_cli.api.kinds.base import Item, change, same
from litellm_cli.api.kinds.common import Managed
from litellm_cli.api.teams import TeamPagesAPI, TeamsAPI

MEMBERS = "team_members"  # the kind of membership Items
MEMBERS_ORDER = 35  # after users (30)
CREATOR = "default_user_id"  # the member the proxy adds for the master key
# team_member_* request fields: the team's default member budget, by column.
MEMBER_BUDGET = {"team_member_budget": "max_budget", "team_member_rpm_limit": "rpm_limit",
                 "team_member_tpm_limit": "tpm_limit",
                 "team_member_budget_duration": "budget_duration",
                 "team_member_model_max_budget": "model_max_budget"}
MEMBER_FIELDS = ("role", "max_budget_in_team")
# More teams with members than this, and one /team/list (every team's
# memberships, but also every team's keys, a query a team) costs less than
# a /team/info for each.
INFO_READS_MAX = 25
V2_LIST_FROM = (1, 90)


class Teams(Managed):
    section, identity, order = "teams", "team_id", 20
    defaults = {"blocked": False}
    not_exported = frozenset({"admins", "members", "members_with_roles"})

    def __init__(self, session, request_fields=()):
        super().__init__(session, request_fields)
        self.api = TeamsAPI(session)
        self.memberships = Memberships(self)

    # -- reading ---------------------------------------------------------------

    def read(self):
        """Every team from /v2/team/list (fast, paged); for the teams with
        members (a member's own budget in the team) or model aliases (which
        /v2/team/list leaves out before 1.108), /team/info, or one /team/list
        when there are many. Before 1.90, /team/list alone: /v2/team/list
        shows a proxy_admin_viewer key only its own teams there."""
        from concurrent.futures import ThreadPoolExecutor

        if versions.parse(self.release) < V2_LIST_FROM:
            return [self.normalize_team(team, team.get("team_memberships"))
                    for team in self.api.list()]
        teams = list(self.all_pages(TeamPagesAPI(self.session)))
        needed = [team["team_id"] for team in teams
                  if any(m.get("user_id") != CREATOR for m in team.get("members_with_roles")
                         or ())
                  or (team.get("model_id") is not None and not team.get("litellm_model_table"))]
        if len(needed) > INFO_READS_MAX:
            listed = {team.get("team_id"): team for team in self.api.list()}
            return [self.normalize_team(team, (listed.get(team["team_id"]) or {})
                                        .get("team_memberships")) for team in teams]
        with ThreadPoolExecutor(max_workers=4) as pool:
            infos = dict(zip(needed, pool.map(self._info, needed)))
        found = []
        for team in teams:
            info = infos.get(team["team_id"], {})
            if info is not None:  # None: deleted meanwhile
                found.append(self.normalize_team(team, info.get("team_memberships"),
                                                 info.get("team_info")))
        return found

    def _info(self, team_id):
        try:
            return self.api.get(team_id)
        except exceptions.NotFound:
            return None

    def read_one(self, name):
        try:
            answer = self.api.get(name)
        except exceptions.NotFound:
            return None
        info = answer.get("team_info") or {}
        return self.normalize_team(info, answer.get("team_memberships"), info)

    def normalize_team(self, team, memberships, info=None):
        out = self.normalize(team)
        table = (team.get("litellm_model_table") or (info or {}).get("litellm_model_table")
                 or {}).get("model_aliases")
        if table and not out.get("model_aliases"):
            out["model_aliases"] = table
        default_budget = (team.get("metadata") or {}).get("team_member_budget_id")
        if default_budget:
            if info is None:  # /team/list has no team_member_budget_table
                info = self.api.get(team["team_id"]).get("team_info") or {}
            budget = info.get("team_member_budget_table") or {}
            for field, column in MEMBER_BUDGET.items():
                if out.get(field) is None:
                    out[field] = budget.get(column)
        own = {m.get("user_id"): (m.get("litellm_budget_table") or {}).get("max_budget")
               for m in memberships or () if m.get("budget_id") != default_budget}
        out["members"] = [
            {"user_id": m.get("user_id"), "role": m.get("role"),
             **({"user_email": m["user_email"]} if m.get("user_email") else {}),
             **({"max_budget_in_team": own[m.get("user_id")]}
                if own.get(m.get("user_id")) is not None else {})}
            for m in team.get("members_with_roles") or () if m.get("user_id") != CREATOR]
        return out

    def export(self, current):
        out = super().export(current)
        members = [{k: v for k, v in m.items() if not (k == "user_email" and m.get("user_id"))}
                   for m in current.get("members") or ()]
        if members:
            out["members"] = members
        return out

    # -- planning --------------------------------------------------------------

    def plan(self, wanted, owner, prune=False, force_secrets=False):
        items = super().plan(wanted, owner, prune, force_secrets)
        teams = {item.name: item for item in items}
        for obj in wanted or ():
            item = teams.get(obj.get(self.identity))
            if isinstance(obj.get("members"), list) and item and item.status != "failed":
                items += self.plan_members(item.name, obj["members"], item.current)
        return items

    def plan_members(self, team_id, members, current):
        have = (current or {}).get("members") or []
        items, matched = [], []
        for member in members:
            if member.get("user_id") == CREATOR:
                continue
            found = find_member(have, member)
            wanted = {"team_id": team_id, **member}
            if found is None:
                items.append(self.memberships.item(team_id, member, "would create", "create",
                                                   wanted=wanted))
                continue
            matched.append(found)
            changes = member_changes(member, found)
            status, action = ("would update", "update") if changes else ("unchanged", None)
            items.append(self.memberships.item(team_id, member, status, action, wanted=wanted,
                                               current=found, changes=changes))
        for found in have:
            if not any(found is m for m in matched):
                items.append(self.memberships.item(team_id, found, "would delete", "delete",
                                                   current={"team_id": team_id, **found}))
        return items

    # -- writing ---------------------------------------------------------------

    def send_create(self, body):
        return self.api.create(body)

    def send_update(self, name, body):
        return self.api.update(name, body, merge_metadata=False)

    def stored(self, answer, name):
        if isinstance(answer, dict) and answer.get(self.identity) == name:
            return self.normalize_team(answer, None, answer)
        return None

    def delete(self, item):
        self.api.delete(item.name)


def find_member(members, member):
    """The member of ``members`` that ``member`` names (by user_id, else user_email)."""
    key = "user_id" if member.get("user_id") is not None else "user_email"
    return next((m for m in members if m.get(key) == member.get(key)), None)


def member_changes(wanted, current):
    """Only the fields the file gives are compared."""
    return [change(field, current.get(field), wanted[field]) for field in MEMBER_FIELDS
            if field in wanted and not same(wanted[field], current.get(field))
            and not (wanted[field] is None and current.get(field) is None)]


class Memberships:
    """Sends membership Items (``item.adapter``) and checks what became of them."""

    def __init__(self, teams):
        self.teams = teams
        self.per_team = {}  # team_id: how many membership items it has so far

    def item(self, team_id, member, status, action, **kwargs):
        user = member.get("user_id") if member.get("user_id") is not None else member.get(
            "user_email")
        item = Item(MEMBERS, f"{team_id}/{user}", status, action, **kwargs)
        # One team's membership changes run one after another: the proxy rewrites the
        # team's member list whole, and two at once lose one (seen on LiteLLM 1.90.7).
        # Different teams' run side by side.
        place = self.per_team[team_id] = self.per_team.get(team_id, -1) + 1
        item.order, item.adapter = MEMBERS_ORDER + place / 10_000, self
        return item

    def send(self, item, owner):
        api, team_id = self.teams.api, (item.wanted or item.current)["team_id"]
        if item.action == "delete":
            api.remove_member(team_id, **_who(item.current))
            if self.current(item) is not None:
                raise exceptions.UnexpectedAnswer("the proxy answered the removal but the "
                                                  "member is still in the team")
            return
        member = {k: v for k, v in item.wanted.items() if k != "team_id"}
        if item.action == "create":
            try:
                api.add_member(team_id, {k: v for k, v in member.items()
                                         if k in ("user_id", "user_email", "role")},
                               member.get("max_budget_in_team"))
            except exceptions.HttpError:
                found = self.current(item)
                if found is None:
                    raise
                item.action, item.current = "update", found
                item.changes = member_changes(member, found)
                item.reason = "added meanwhile by another run" + (
                    ": updated in place" if item.changes else ", as the file says: nothing sent")
                if not item.changes:
                    item.status = "unchanged"  # the engine keeps it
        if item.action == "update" and item.changes:
            fields = {c["field"] for c in item.changes}
            api.update_member(team_id, {f: member[f] for f in fields}, **_who(member))
        found = self.current(item)
        if found is None:
            raise exceptions.UnexpectedAnswer("the proxy answered but the member is not in "
                                              "the team")
        left = member_changes(member, found)
        if left:
            raise exceptions.CLIError(
                f"the proxy did not store {', '.join(c['field'] for c in left)}")

    def current(self, item):
        """The member as the proxy now holds it, or None."""
        wanted = item.wanted or item.current
        team = self.teams.read_one(wanted["team_id"])
        return find_member((team or {}).get("members") or [], wanted)

    def landed(self, item):
        try:
            found = self.current(item)
        except exceptions.CLIError:
            return None
        if item.action == "delete":
            return found is None
        return found is not None and not member_changes(item.wanted, found)


def _who(member):
    if member.get("user_id") is not None:
        return {"user_id": member["user_id"]}
    return {"user_email": member.get("user_email")}
