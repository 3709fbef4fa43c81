"""``litellm-proxy plugin list``: where each command group comes from, and whether it loads."""

from litellm_cli.command import Lister
from litellm_cli.commandmanager import NAMESPACE
from litellm_cli.exceptions import CLIError


class ListPlugin(Lister):
    """List command groups, the package each comes from, and load errors"""

    empty_noun = "plugins"

    def take_action(self, parsed_args):
        import importlib.metadata

        origin = {}
        for ep in importlib.metadata.entry_points(group=NAMESPACE):
            dist = getattr(ep, "dist", None)
            origin[ep.name.replace("_", " ")] = (
                (dist.metadata["Name"], dist.version) if dist else ("unknown", ""))
        manager = self.app.command_manager
        rows = []
        for group, names in manager.groups().items():
            if manager.entry_point(names[0]) is None:
                continue  # built into the app (help)
            errors = []
            for name in names:
                try:
                    manager.load(name)
                except CLIError as exc:
                    errors.append(exc.reason)
            packages = sorted({origin.get(n, ("unknown", "")) for n in names})
            rows.append((
                group,
                [n.split(" ", 1)[1] if " " in n else n for n in names],
                ", ".join(p for p, _ in packages),
                ", ".join(v for _, v in packages if v) or None,
                f"{len(errors)} of {len(names)} fail to load: {errors[0]}" if errors else "ok",
            ))
        return ("group", "commands", "package", "version", "status"), rows
