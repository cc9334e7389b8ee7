"""What the course needs outside Python: checked, and installed when missing.

``make course`` and ``make test`` run this before any long work, with the system's
``python3`` (standard library only: it runs before ``.venv`` exists)::

    python3 tools/sysdeps.py            # system packages: apt-get when root or password-less sudo
    .venv/bin/python tools/sysdeps.py --browser   # then Playwright's Chromium if still none

For each row of ``REQUIREMENTS``: present, nothing happens; missing, its Debian packages are
installed with apt-get when this runs as root or may use sudo without a password; otherwise
Chromium comes from Playwright's own ``playwright install chromium`` (once the Python packages
are installed), and whatever is still missing is reported in one message naming the exact
command to run. The exit status is 1 when something the target needs is missing (Node.js and
npm build the book: ``make course`` needs them; ``make test`` needs all four), so the build
stops before the long work instead of failing half-way through it.

To require another system package, add a row to ``REQUIREMENTS``.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"


class System:
    """The few facts and commands this script uses; the tests replace it with a fake."""

    def euid(self) -> int:
        return os.geteuid()

    def which(self, name: str) -> str | None:
        return shutil.which(name)

    def output(self, argv: list[str]) -> str | None:
        """A command's standard output, or None when it cannot run or fails."""
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    def run(self, argv: list[str], env: dict[str, str] | None = None) -> tuple[bool, str]:
        """Run a command quietly: (succeeded, its output, for when it did not)."""
        with tempfile.TemporaryFile("w+") as log:
            try:
                code = subprocess.run(
                    argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
                ).returncode
            except OSError as error:
                return False, str(error)
            log.seek(0)
            return code == 0, log.read()

    def glob(self, pattern: str) -> list[str]:
        return glob.glob(os.path.expanduser(pattern))


# --- what is needed --------------------------------------------------------------------


def _version(text: str | None) -> tuple[int, ...] | None:
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    return tuple(int(g) for g in match.groups() if g is not None) if match else None


def find_bwrap(system: System) -> str | None:
    return system.which("bwrap")


def find_system_chromium(system: System) -> str | None:
    return system.which("chromium") or system.which("chromium-browser")


def playwright_browsers(system: System) -> list[str]:
    """Chromium builds Playwright downloaded (``playwright install chromium``)."""
    home = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or "~/.cache/ms-playwright"
    return sorted(system.glob(f"{home}/chromium-*") + system.glob(f"{home}/chromium_headless*"))


def find_chromium(system: System) -> str | None:
    found = find_system_chromium(system)
    if found:
        return found
    downloaded = playwright_browsers(system)
    return f"Playwright's ({Path(downloaded[-1]).name})" if downloaded else None


def find_node(system: System) -> str | None:
    """Node.js 18 or later (the book's pinned assets come through npm)."""
    version = _version(system.output(["node", "--version"])) if system.which("node") else None
    return ".".join(map(str, version)) if version and version[0] >= 18 else None


def find_postgres(system: System) -> str | None:
    """PostgreSQL's server programs (``initdb``, ``pg_ctl``): the portal's tests start a
    throwaway cluster with them. Debian keeps them outside PATH, one folder per version."""
    found = sorted(system.glob("/usr/lib/postgresql/*/bin/initdb"))
    return found[-1] if found else system.which("initdb")


def find_npm(system: System) -> str | None:
    version = _version(system.output(["npm", "--version"])) if system.which("npm") else None
    return ".".join(map(str, version)) if version else None


@dataclass(frozen=True)
class Requirement:
    name: str
    why: str
    debian: tuple[str, ...]  # the Debian packages that provide it
    find: Callable[[System], str | None]  # what was found (a path, a version), None if missing
    needed_by: tuple[str, ...]  # the make targets that fail without it
    playwright: bool = False  # Playwright can download it when apt-get cannot be used


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "bubblewrap",
        "the autograder's sandbox (without it, grading runs unsandboxed and says so)",
        ("bubblewrap",),
        find_bwrap,
        needed_by=("test",),
    ),
    Requirement(
        "Chromium",
        "the browser the book's tests drive",
        ("chromium",),
        find_chromium,
        needed_by=("test",),
        playwright=True,
    ),
    Requirement(
        "Node.js",
        "version 18 or later: npm installs the book's pinned browser assets",
        ("nodejs",),
        find_node,
        needed_by=("course", "test"),
    ),
    Requirement(
        "npm",
        "installs the book's browser assets",
        ("npm",),
        find_npm,
        needed_by=("course", "test"),
    ),
    Requirement(
        "PostgreSQL",
        "the portal's tests run the same suite on a throwaway PostgreSQL server as on SQLite",
        ("postgresql",),
        find_postgres,
        needed_by=("test",),
    ),
)


# --- deciding ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Commands to run, in order, that install ``provides`` (requirement names)."""

    provides: tuple[str, ...]
    commands: tuple[tuple[str, ...], ...]


def privilege(system: System) -> str:
    """'root', 'sudo' (password-less) or 'none': how system packages may be installed."""
    if system.euid() == 0:
        return "root"
    if system.which("sudo") and system.output(["sudo", "-n", "true"]) is not None:
        return "sudo"
    return "none"


def plan(
    missing: list[Requirement], how: str, has_apt: bool, playwright: str | None, later: bool
) -> tuple[list[Step], list[str]]:
    """(the steps that install what is missing, the names left to a later run).

    With apt-get and root or password-less sudo: one ``apt-get install`` of every missing
    package. Otherwise what Playwright can download comes from ``playwright`` (the path of
    its command) or, when the Python packages are not installed yet (``later``), is left to
    the run after them; the rest has no step (``advice`` names the command to run).
    """
    if not missing:
        return [], []
    names = tuple(r.name for r in missing)
    if has_apt and how in ("root", "sudo"):
        sudo = ("sudo", "-n") if how == "sudo" else ()
        packages = tuple(p for r in missing for p in r.debian)
        update = (*sudo, "apt-get", "update", "-qq")
        install = (*sudo, "apt-get", "install", "-y", "-qq", *packages)
        return [Step(names, (update, install))], []
    downloadable = tuple(r.name for r in missing if r.playwright)
    if downloadable and playwright:
        return [Step(downloadable, ((playwright, "install", "chromium"),))], []
    return [], list(downloadable) if later else []


def advice(missing: list[Requirement], has_apt: bool) -> str:
    """One message naming the exact command that installs what is still missing."""
    packages = " ".join(p for r in missing for p in r.debian)
    if has_apt:
        command = f"sudo apt-get install {packages}"
    else:
        command = f"install {packages} with your distribution's package manager"
    lines = [f"Missing: {', '.join(r.name for r in missing)}. Run: {command}"]
    if any(r.playwright for r in missing):
        lines.append(
            "  (Chromium also comes without root: make install && "
            ".venv/bin/playwright install chromium)"
        )
    if any(r.find is find_node for r in missing):
        lines.append("  (Node.js 18 or later; Debian 12 and Ubuntu 24.04 ship it as nodejs)")
    return "\n".join(lines)


# --- doing -------------------------------------------------------------------------------


def execute(step: Step, system: System) -> bool:
    """Run a step's commands quietly (their output shown only on failure)."""
    print(f"installing {', '.join(step.provides)}: {' '.join(step.commands[-1])}", flush=True)
    for command in step.commands:
        ok, log = system.run(list(command), {"DEBIAN_FRONTEND": "noninteractive"})
        if not ok:
            print("\n".join(log.strip().splitlines()[-15:]), file=sys.stderr)
            return False
    return True


def main(argv: list[str] | None = None, system: System | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--target", choices=["course", "test"], default="test", help="what is about to run"
    )
    parser.add_argument(
        "--browser",
        action="store_true",
        help="the run after the Python packages: Playwright may download Chromium",
    )
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 - run by the system python3, whatever it is
        print(f"error: Python 3.11 or later is needed; python3 is {sys.version.split()[0]}")
        return 1
    system = system or System()
    missing = [r for r in REQUIREMENTS if not r.find(system)]
    has_apt = system.which("apt-get") is not None
    playwright = system.which(str(VENV_BIN / "playwright"))
    steps, later = plan(missing, privilege(system), has_apt, playwright, not args.browser)
    for step in steps:
        execute(step, system)
    found = {r.name: r.find(system) for r in REQUIREMENTS}
    still = [r for r in REQUIREMENTS if not found[r.name] and r.name not in later]
    if later:
        print(f"{', '.join(later)}: none found; Playwright's comes after the Python packages")
    if not still:
        if not later and not args.browser:
            print("system: " + ", ".join(f"{k} {v}" for k, v in found.items() if v))
        return 0
    print(advice(still, has_apt), file=sys.stderr)
    fatal = [r for r in still if args.target in r.needed_by]
    for r in still:
        print(f"{'error' if r in fatal else 'warning'}: no {r.name}: {r.why}", file=sys.stderr)
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main())
