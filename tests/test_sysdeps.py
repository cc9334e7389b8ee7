"""tools/sysdeps.py decides what to install, and how, from faked commands.

Every combination that matters: root, password-less sudo, neither; each requirement present
or missing; apt-get there or not; Playwright's command there (after `make install`) or not.
The fake installs what a command would install, so the tests see the script's final report.
"""

from pathlib import Path

import pytest

from tools import sysdeps

PLAYWRIGHT = str(sysdeps.VENV_BIN / "playwright")
EVERYTHING = {"bwrap", "chromium", "node", "npm", "initdb", "apt-get", "sudo"}
DEBIAN_PROVIDES = {
    "bubblewrap": "bwrap",
    "chromium": "chromium",
    "nodejs": "node",
    "npm": "npm",
    "postgresql": "initdb",
}


class FakeSystem(sysdeps.System):
    """Commands on PATH, the user id, whether sudo needs a password; records what ran."""

    def __init__(self, commands, euid=1000, sudo_ok=False, node="v20.11.1", apt_ok=True):
        self.commands = set(commands)
        self._euid, self.sudo_ok, self.node, self.apt_ok = euid, sudo_ok, node, apt_ok
        self.ran: list[list[str]] = []
        self.browsers: list[str] = []

    def euid(self):
        return self._euid

    def which(self, name):
        if name not in self.commands:
            return None
        return name if "/" in name else f"/usr/bin/{name}"

    def output(self, argv):
        if argv == ["sudo", "-n", "true"]:
            return "" if self.sudo_ok else None
        if argv == ["node", "--version"]:
            return self.node
        if argv == ["npm", "--version"]:
            return "9.2.0"
        raise AssertionError(f"unexpected command {argv}")

    def run(self, argv, env=None):
        self.ran.append(argv)
        command = argv[2:] if argv[:2] == ["sudo", "-n"] else argv
        if command[0] == "apt-get":
            if not self.apt_ok:
                return False, "E: Unable to locate package chromium"
            if command[1] == "install":
                assert self._euid == 0 or argv[:2] == ["sudo", "-n"], "apt-get without root"
                self.commands |= {DEBIAN_PROVIDES[p] for p in command if p in DEBIAN_PROVIDES}
                if "nodejs" in command:
                    self.node = "v18.19.0"
            return True, ""
        if command == [PLAYWRIGHT, "install", "chromium"]:
            self.browsers.append("~/.cache/ms-playwright/chromium-1187")
            return True, ""
        raise AssertionError(f"unexpected command {argv}")

    def glob(self, pattern):
        return [b for b in self.browsers if "chromium-" in pattern]


def installs(system):
    return [argv for argv in system.ran if "install" in argv]


def test_everything_present_installs_nothing_and_says_so_in_one_line(capsys):
    system = FakeSystem(EVERYTHING, euid=0)
    assert sysdeps.main([], system) == 0
    assert system.ran == []
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        "system: bubblewrap /usr/bin/bwrap, Chromium /usr/bin/chromium, Node.js 20.11.1, npm 9.2.0,"
        " PostgreSQL /usr/bin/initdb"
    ]


@pytest.mark.parametrize("euid, sudo_ok, prefix", [(0, False, []), (1000, True, ["sudo", "-n"])])
def test_root_or_passwordless_sudo_installs_every_missing_package_with_apt(
    euid, sudo_ok, prefix, capsys
):
    system = FakeSystem({"apt-get", "sudo", "npm"}, euid=euid, sudo_ok=sudo_ok)
    assert sysdeps.main([], system) == 0
    assert system.ran == [
        [*prefix, "apt-get", "update", "-qq"],
        [
            *prefix,
            "apt-get",
            "install",
            "-y",
            "-qq",
            "bubblewrap",
            "chromium",
            "nodejs",
            "postgresql",
        ],
    ]
    assert {"bwrap", "chromium", "node", "initdb"} <= system.commands
    assert "error" not in capsys.readouterr().err


def test_root_installs_only_what_is_missing():
    system = FakeSystem(EVERYTHING - {"bwrap"}, euid=0)
    assert sysdeps.main([], system) == 0
    assert installs(system) == [["apt-get", "install", "-y", "-qq", "bubblewrap"]]


def test_a_node_older_than_18_counts_as_missing():
    system = FakeSystem(EVERYTHING, euid=0, node="v16.20.2")
    assert sysdeps.main([], system) == 0
    assert installs(system) == [["apt-get", "install", "-y", "-qq", "nodejs"]]


def test_neither_root_nor_sudo_names_the_exact_command_and_fails_before_the_long_work(capsys):
    system = FakeSystem(EVERYTHING - {"bwrap", "node"}, sudo_ok=False)
    assert sysdeps.main(["--target", "course"], system) == 1  # the book needs Node.js
    assert system.ran == []
    err = capsys.readouterr().err
    assert "Run: sudo apt-get install bubblewrap nodejs" in err
    assert "error: no Node.js" in err
    assert "warning: no bubblewrap" in err  # make course grades unsandboxed without it


def test_without_bubblewrap_make_course_goes_on_and_make_test_stops():
    assert sysdeps.main(["--target", "course"], FakeSystem(EVERYTHING - {"bwrap", "sudo"})) == 0
    assert sysdeps.main(["--target", "test"], FakeSystem(EVERYTHING - {"bwrap", "sudo"})) == 1


def test_without_root_chromium_waits_for_playwright_then_comes_from_it(capsys):
    system = FakeSystem(EVERYTHING - {"chromium", "sudo"})
    assert sysdeps.main([], system) == 0  # before the Python packages: left for later
    assert system.ran == []
    assert "Playwright's comes after the Python packages" in capsys.readouterr().out
    system.commands.add(PLAYWRIGHT)  # make install put Playwright into .venv
    assert sysdeps.main(["--browser"], system) == 0
    assert system.ran == [[PLAYWRIGHT, "install", "chromium"]]
    assert sysdeps.find_chromium(system) == "Playwright's (chromium-1187)"
    system.ran.clear()
    assert sysdeps.main(["--browser"], system) == 0  # the next run finds it
    assert system.ran == []


def test_no_chromium_and_no_playwright_after_install_fails_make_test_with_both_routes(capsys):
    system = FakeSystem(EVERYTHING - {"chromium", "sudo"})
    assert sysdeps.main(["--browser"], system) == 1
    err = capsys.readouterr().err
    assert "Run: sudo apt-get install chromium" in err
    assert ".venv/bin/playwright install chromium" in err
    assert sysdeps.main(["--browser", "--target", "course"], system) == 0  # course needs no browser


def test_a_failed_apt_get_shows_its_output_and_the_command(capsys):
    system = FakeSystem(EVERYTHING - {"chromium"}, euid=0, apt_ok=False)
    assert sysdeps.main([], system) == 1
    err = capsys.readouterr().err
    assert "Unable to locate package chromium" in err
    assert "Run: sudo apt-get install chromium" in err


def test_without_apt_get_the_advice_names_the_packages_not_apt(capsys):
    system = FakeSystem(EVERYTHING - {"apt-get", "bwrap"}, euid=0)
    assert sysdeps.main([], system) == 1
    assert system.ran == []
    assert "install bubblewrap with your distribution's package manager" in capsys.readouterr().err


@pytest.mark.parametrize(
    "euid, commands, sudo_ok, expected",
    [
        (0, set(), False, "root"),
        (1000, {"sudo"}, True, "sudo"),
        (1000, {"sudo"}, False, "none"),
        (1000, set(), True, "none"),
    ],
)
def test_privilege(euid, commands, sudo_ok, expected):
    assert sysdeps.privilege(FakeSystem(commands, euid=euid, sudo_ok=sudo_ok)) == expected


def test_ci_runs_the_readmes_two_commands_and_nothing_else():
    # the installation lives in the two commands (tools/sysdeps.py), not in CI's script
    root = Path(__file__).resolve().parents[1]
    lines = [
        line.strip()
        for line in (root / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    commands = [line for line in lines if not line.startswith(("set ", "cd ", "export "))]
    assert commands == ["python3 --version", "make course", "make test"]
    readme = (root / "README.md").read_text()
    assert "make course" in readme and "make test" in readme
    assert "apt-get" not in (root / ".ci" / "run").read_text()
