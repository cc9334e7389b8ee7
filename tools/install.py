"""Install the course's Python packages into ``.venv``, quickly.

``make install`` (and so ``make course`` and ``make test``) runs this with the system's
``python3`` (standard library only)::

    python3 tools/install.py          # .venv with the course, its tests and the portal

pip took 122 s of ``make course`` on a fresh clone of this 2-core machine (resolving and
unpacking about 170 packages, PyTorch among them); uv installs the same versions in about
20 s, so uv is installed into ``.venv`` with pip and does the rest. uv does not read pip's
configuration, so the package sources pip is configured with (its index, extra indexes,
find-links folders, constraints, certificate) are passed on to uv: both see the same
packages. When uv cannot be installed, pip installs everything as before.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

try:  # run as a script (python3 tools/install.py): tools/ is on the path
    from sysdeps import System
except ImportError:  # imported as tools.install, by the tests
    from tools.sysdeps import System

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENT = f"{ROOT}[test,portal]"

# pip's option -> uv's; for each, the values pip holds (space- or newline-separated).
PIP_TO_UV = {
    "index-url": "--index-url",
    "extra-index-url": "--extra-index-url",
    "find-links": "--find-links",
    "constraint": "--constraint",
}
# The sections ``pip install`` reads an option from, lowest precedence first: a later one
# replaces an earlier one (``:env:`` holds the ``PIP_*`` variables). pip has already merged
# its configuration files (global, user, site) into the first two.
SECTIONS = ["global", "install", ":env:"]
# pip considers every index alike and takes the best version from any of them; uv by default
# takes a package only from the first index that has it. This keeps pip's behaviour.
UV_FIXED = ["--index-strategy", "unsafe-best-match"]


def pip_settings(config_list: str) -> dict[str, str]:
    """pip's effective settings from the output of ``pip config list``.

    Each line reads ``section.key='value'``; for each key the highest-precedence section of
    ``SECTIONS`` wins. A value given on several lines in a file is listed with ``\\n``
    between them: the values of a list option come back separated by spaces.
    """
    found: dict[str, tuple[int, str]] = {}
    for line in config_list.splitlines():
        name, sep, value = line.partition("=")
        section, dot, key = name.rpartition(".")
        if not sep or not dot or section not in SECTIONS:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        value = " ".join(value.replace("\\n", " ").split())
        rank = SECTIONS.index(section)
        if key not in found or rank >= found[key][0]:
            found[key] = (rank, value)
    return {key: value for key, (_, value) in found.items()}


def uv_arguments(settings: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """uv's options and environment for pip's settings (see ``pip_settings``)."""
    arguments = list(UV_FIXED)
    for pip_option, uv_option in PIP_TO_UV.items():
        for value in settings.get(pip_option, "").split():
            arguments += [uv_option, value]
    if settings.get("no-index", "").lower() in ("1", "true", "yes", "on"):
        arguments.append("--no-index")
    environment = {}
    if settings.get("cert") and "SSL_CERT_FILE" not in os.environ:
        environment["SSL_CERT_FILE"] = settings["cert"]
    return arguments, environment


def pip_config(pip: list[str]) -> str:
    """What ``pip config list`` prints: pip's settings from its files and variables."""
    return subprocess.run([*pip, "config", "list"], capture_output=True, text=True).stdout


def run(argv: list[str], env: dict[str, str] | None = None) -> bool:
    """Run quietly (``sysdeps.System.run``); on failure print what it printed, and say so."""
    succeeded, output = System().run(argv, env)
    if not succeeded:
        # pip notes every configured local folder that lacks a package: noise, not the error.
        noise = "is ignored: it is neither a file nor a directory"
        print("\n".join(line for line in output.splitlines() if noise not in line), file=sys.stderr)
    return succeeded


def install_with_uv(pip: list[str]) -> bool:
    """uv into .venv with pip, then the course with uv from pip's package sources."""
    if not run([*pip, "install", "--quiet", "uv"]):
        return False
    arguments, environment = uv_arguments(pip_settings(pip_config(pip)))
    uv = [str(VENV / "bin" / "uv"), "pip", "install", "--quiet", "--python", str(PYTHON)]
    if run([*uv, *arguments, "-e", REQUIREMENT], env=environment):
        return True
    print("python packages: uv failed (above); installing with pip instead", file=sys.stderr)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip", action="store_true", help="install with pip only (slower)")
    options = parser.parse_args(argv)
    start = time.perf_counter()
    if not PYTHON.exists() and not run([sys.executable, "-m", "venv", str(VENV)]):
        return 1
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    if not options.pip and install_with_uv(pip):
        installer = "uv"
    elif run([*pip, "install", "--quiet", "-e", REQUIREMENT]):
        installer = "pip"
    else:
        print(f"python packages: pip could not install {REQUIREMENT} (above)", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    print(f"python packages: installed into .venv/ with {installer} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
