"""Every subcommand answers --help; user errors exit 2 with a message, not a traceback."""

import subprocess
import sys

import pytest

from workbench.cli import _load_extensions, build_parser


def subcommands():
    _load_extensions()
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("name", subcommands())
def test_help_on_each_subcommand(name):
    out = subprocess.run([sys.executable, "-m", "workbench.cli", name, "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "usage: workbench" in out.stdout


def test_user_error_exits_2_without_traceback(tmp_path):
    out = subprocess.run([sys.executable, "-m", "workbench.cli", "template", "no_such_kind", "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "未知的数据类型" in out.stderr and "Traceback" not in out.stderr
