"""This CLI as an installed distribution: its version, and the packages that
share its files.

From 1.110 the ``litellm`` wheel ships a top-level ``litellm_cli`` package too
(an empty ``__init__.py`` and a ``main.py``) and a ``litellm-proxy`` console
script of its own. Installed in the same environment, it overwrites ours;
uninstalled, it deletes them. So nothing of ours lives in
``litellm_cli/__init__.py`` (it is empty, like theirs: the package works as a
namespace package when it is gone) and the version comes from the
distribution's metadata, not from the package.
"""

import base64
import functools
import hashlib
import importlib.metadata
import os

NAME = "litellm-cli"
SCRIPTS = ("litellm-proxy", "litellm-cli")
# The distribution known to ship a litellm_cli package and a litellm-proxy script.
NEIGHBOUR = "litellm"
ISOLATED = "install this CLI in an environment of its own (pipx install or uv tool install)"


@functools.lru_cache(maxsize=None)
def version():
    """The installed distribution's version; in a source tree, _version.txt's."""
    try:
        return importlib.metadata.version(NAME)
    except importlib.metadata.PackageNotFoundError:
        with open(os.path.join(os.path.dirname(__file__), "_version.txt"), encoding="utf-8") as f:
            return f.read().strip()


def check():
    """One line saying how another package in this environment broke or can
    break this CLI's commands, and the fix; None when nothing is shared.

    Reads the RECORD files of this distribution and of ``litellm``, and
    hashes this distribution's console scripts: only for ``--version``.
    """
    try:
        ours = importlib.metadata.distribution(NAME)
    except importlib.metadata.PackageNotFoundError:  # a source tree: nothing installed
        return None
    broken = dict(_changed_scripts(ours))
    neighbour = _neighbour()
    who = (f"the {NEIGHBOUR} package ({neighbour.version}) in this environment" if neighbour
           else "another package")
    if broken:
        did = " and ".join(f"{state} `{script}`" for script, state in sorted(broken.items()))
        working = [script for script in SCRIPTS if script not in broken]
        fix = f"run `{working[0]}`, or {ISOLATED}" if working else ISOLATED
        return f"{who} {did}; {fix}"
    if neighbour:
        return (f"{who} ships a litellm_cli package and a `litellm-proxy` too: installing, "
                f"upgrading or removing it breaks this CLI's commands; {ISOLATED}")
    return None


def _changed_scripts(dist):
    """(name, "replaced" or "removed") of this distribution's console scripts
    whose file is not the one it installed (an unreadable one is not judged)."""
    for record in dist.files or ():
        name = os.path.basename(record)
        if name not in SCRIPTS or not record.hash:
            continue
        try:
            data = dist.locate_file(record).read_bytes()
        except FileNotFoundError:
            yield name, "removed"
            continue
        except OSError:
            continue
        digest = base64.urlsafe_b64encode(hashlib.new(record.hash.mode, data).digest())
        if digest.rstrip(b"=").decode() != record.hash.value:
            yield name, "replaced"


def _neighbour():
    """The ``litellm`` distribution when it ships files in litellm_cli/, else None."""
    try:
        dist = importlib.metadata.distribution(NEIGHBOUR)
    except importlib.metadata.PackageNotFoundError:
        return None
    # Its RECORD has thousands of lines: scanning them is ten times faster than files().
    shares = any(path.startswith("litellm_cli/")
                 for path in (dist.read_text("RECORD") or "").splitlines())
    return dist if shares else None
