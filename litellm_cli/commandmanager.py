"""Command discovery without importing the commands.

cliff's own CommandManager imports every command module on every run, so one
slow plugin slows every command. This manager reads the entry point list
(stevedore keeps it cached) and imports a command's module only when that
command is run or its help is shown. It offers what cliff's App and
commands use of a command manager (``add_command``, ``namespace``) and
``find_command``.

Commands are entry points in the ``litellm.cli`` namespace. The entry point
name is the command's words joined with ``_``: ``models_list`` is
``litellm-proxy models list``. Any installed package can register more.
"""

import logging

import stevedore

from litellm_cli import exceptions

NAMESPACE = "litellm.cli"
LOG = logging.getLogger(__name__)


class CommandManager:
    def __init__(self, namespace=NAMESPACE):
        self.namespace = namespace
        self._builtin = {}
        self._entry_points = {}
        # names=[] lists the entry points and loads none of them.
        listing = stevedore.NamedExtensionManager(namespace, names=[])
        for ep in listing.list_entry_points():
            name = ep.name.replace("_", " ")
            known = self._entry_points.get(name)
            if known is not None and known.value != ep.value:
                LOG.warning("warning: command %r is registered twice (%s and %s); using %s",
                            name, known.value, ep.value, known.value)
                continue
            self._entry_points[name] = ep

    # -- what cliff's App uses ------------------------------------------------

    def add_command(self, name, command_class):
        self._builtin[name] = command_class

    def find_command(self, argv):
        """Return ``(command_class, name, remaining_args)`` for argv."""
        words = []
        for arg in argv:
            if arg.startswith("-"):
                break
            words.append(arg)
        known = set(self.names())
        for i in range(len(words), 0, -1):
            name = " ".join(words[:i])
            if name in known:
                return self.load(name), name, argv[i:]
        raise ValueError(f"unknown command {' '.join(words) or argv[0]!r}")

    # -- ours -----------------------------------------------------------------

    def names(self):
        return sorted(set(self._entry_points) | set(self._builtin))

    def groups(self):
        """Map each first command word to the full names under it."""
        groups = {}
        for name in self.names():
            groups.setdefault(name.split()[0], []).append(name)
        return groups

    def entry_point(self, name):
        return self._entry_points.get(name)

    def suggestions(self, words):
        import difflib

        typed = " ".join(words)
        names = self.names()
        close = difflib.get_close_matches(typed, names, n=3, cutoff=0.6)
        if not close and words:
            close = [n for n in names if n.split()[0] == words[0]]
        return close

    def load(self, name):
        """Import one command's class. A broken plugin is an error for that command only."""
        if name in self._builtin:
            return self._builtin[name]
        ep = self._entry_points[name]
        failures = []
        manager = stevedore.NamedExtensionManager(
            self.namespace, names=[ep.name],
            on_load_failure_callback=lambda _m, _ep, err: failures.append(err),
            on_missing_entrypoints_callback=lambda _names: None)
        for ext in manager:
            if ext.entry_point.value == ep.value:
                return ext.plugin
        reason = f"{type(failures[0]).__name__}: {failures[0]}" if failures else "not found"
        error = exceptions.CLIError(
            f"command {name!r} could not be loaded from entry point "
            f"{ep.name} = {ep.value}: {reason}")
        error.reason = reason
        raise error

    def describe(self, name):
        """The first line of a command's help, or a one-line load warning."""
        try:
            cls = self.load(name)
        except exceptions.CLIError as exc:
            LOG.warning("warning: %s", exc)
            return None
        doc = (cls.__doc__ or "").strip().splitlines()
        return doc[0].rstrip(".") if doc else ""
