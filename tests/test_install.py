"""tools/install.py hands pip's package sources to uv, and falls back to pip.

pip itself is the oracle for its configuration: a real ``pip config list`` reads a config
file and ``PIP_*`` variables written here, and uv must be given exactly what pip would use.
"""

import os
import subprocess
import sys

from tools import install


def real_pip_config(tmp_path, file_text, variables):
    """``pip config list`` of this interpreter's pip with one extra config file."""
    config = tmp_path / "pip.conf"
    config.write_text(file_text)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=str(config), **variables)
    pip = [sys.executable, "-m", "pip", "config", "list"]
    return subprocess.run(pip, capture_output=True, text=True, env=env, check=True).stdout


def test_uv_gets_the_sources_pip_would_use(tmp_path):
    listed = real_pip_config(
        tmp_path,
        "[global]\n"
        "index-url = https://mirror.test/simple\n"
        "extra-index-url = file:///a/simple\n    file:///b/simple\n"
        "find-links = /wheels-from-file\n"
        "constraint = /global-constraints.txt\n"
        "[install]\n"
        "constraint = /install-constraints.txt\n",
        {"PIP_FIND_LINKS": "/wheels-one /wheels-two"},
    )
    arguments, _ = install.uv_arguments(install.pip_settings(listed))
    pairs = list(zip(arguments[::2], arguments[1::2], strict=True))
    assert ("--index-strategy", "unsafe-best-match") in pairs
    assert ("--index-url", "https://mirror.test/simple") in pairs
    # a value on two lines of the file is two indexes
    assert [v for k, v in pairs if k == "--extra-index-url"] == [
        "file:///a/simple",
        "file:///b/simple",
    ]
    # PIP_FIND_LINKS replaces the file's find-links, as it does for pip
    assert [v for k, v in pairs if k == "--find-links"] == ["/wheels-one", "/wheels-two"]
    # the [install] section overrides [global] for `pip install`
    assert [v for k, v in pairs if k == "--constraint"] == ["/install-constraints.txt"]


def test_no_index_and_the_certificate_are_passed_on(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    settings = install.pip_settings(
        "global.no-index='true'\nglobal.cert='/etc/ca.pem'\nnot a setting\n"
    )
    arguments, environment = install.uv_arguments(settings)
    assert "--no-index" in arguments
    assert environment == {"SSL_CERT_FILE": "/etc/ca.pem"}
    assert install.uv_arguments({}) == (install.UV_FIXED, {})


def fake_installers(monkeypatch, tmp_path, succeeds):
    """Replace every command with a recorder; ``succeeds(argv)`` says which succeed."""
    ran = []

    def run(argv, env=None):
        ran.append(argv)
        return succeeds(argv)

    python = tmp_path / "python"
    python.touch()
    monkeypatch.setattr(install, "PYTHON", python)
    monkeypatch.setattr(install, "run", run)
    monkeypatch.setattr(install, "pip_config", lambda pip: "global.find-links='/w'\n")
    return ran


def test_uv_installs_the_course_when_it_can(monkeypatch, tmp_path, capsys):
    ran = fake_installers(monkeypatch, tmp_path, lambda argv: True)
    assert install.main([]) == 0
    assert ran[0][-2:] == ["--quiet", "uv"]
    assert ran[1][0].endswith("/uv") and ran[1][-2:] == ["-e", install.REQUIREMENT]
    assert "--find-links" in ran[1] and len(ran) == 2
    assert "with uv" in capsys.readouterr().out


def test_pip_installs_the_course_when_uv_fails(monkeypatch, tmp_path, capsys):
    ran = fake_installers(monkeypatch, tmp_path, lambda argv: not argv[0].endswith("/uv"))
    assert install.main([]) == 0
    assert ran[-1][-3:] == ["--quiet", "-e", install.REQUIREMENT] and "pip" in ran[-1]
    out, err = capsys.readouterr()
    assert "uv failed" in err and "with pip" in out


def test_a_failed_install_says_so_and_fails(monkeypatch, tmp_path, capsys):
    fake_installers(monkeypatch, tmp_path, lambda argv: False)
    assert install.main([]) == 1
    assert "could not install" in capsys.readouterr().err
