"""`make run` and `make test` name a missing Debian package in one line, never a stack trace.

Absence is simulated (the loader and the finder patched, a stand-in Python), never by uninstalling.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fundapp import system_check

ROOT = Path(__file__).resolve().parents[2]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    """make in the checkout as a person runs it, not as a sub-make of the `make test` that runs this suite."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run(["make", *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False)


def _without(monkeypatch: pytest.MonkeyPatch, *sonames: str) -> None:
    """The libraries named here cannot be loaded or found, as on a machine without their packages."""
    real_cdll = system_check.ctypes.CDLL
    real_find = system_check.ctypes.util.find_library

    def cdll(name: str, *args: object, **kwargs: object) -> object:
        if name in sonames:
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return real_cdll(name, *args, **kwargs)

    def find(name: str) -> str | None:
        return None if f"lib{name}.so.0" in sonames else real_find(name)

    monkeypatch.setattr(system_check.ctypes, "CDLL", cdll)
    monkeypatch.setattr(system_check.ctypes.util, "find_library", find)


def test_a_missing_pangoft2_is_named_in_one_line_with_the_apt_get_command(monkeypatch, capsys):
    _without(monkeypatch, "libpangoft2-1.0.so.0")
    assert system_check.main() == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("missing system package: libpangoft2-1.0-0 (apt-get install libpango-1.0-0 libpangoft2-1.0-0)\n")


def test_without_pango_at_all_both_packages_are_named_on_the_one_line(monkeypatch, capsys):
    _without(monkeypatch, "libpango-1.0.so.0", "libpangoft2-1.0.so.0")
    assert system_check.main() == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("missing system package: libpango-1.0-0 libpangoft2-1.0-0 (apt-get install ")


def test_the_check_is_silent_and_passes_where_the_packages_are_installed():
    result = subprocess.run(
        [sys.executable, "-m", "fundapp.system_check"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@needs_make
def test_make_run_and_make_test_check_the_system_before_anything_else_runs():
    commands = _make("-n", "-B", "run", "test").stdout.splitlines()
    check = commands.index(".venv/bin/python -m fundapp.system_check")
    assert check < commands.index(".venv/bin/flask db upgrade")
    assert check < next(n for n, line in enumerate(commands) if line.startswith(".venv/bin/pytest"))


@needs_make
def test_a_python_without_its_venv_package_is_named_in_one_line(tmp_path):
    python = tmp_path / "python3.11"
    python.write_text('#!/bin/sh\n[ "$1" = "-c" ] && exit 1\nexit 0\n')  # "import ensurepip" fails
    python.chmod(0o755)
    result = _make("install", f"PYTHON={python}", f"VENV={tmp_path / 'venv'}")
    assert result.returncode != 0
    assert result.stdout == "missing system package: python3.11-venv (apt-get install python3.11-venv)\n"
    assert not (tmp_path / "venv").exists()
