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


def test_a_warehouse_held_by_another_process_is_a_clear_message(tmp_path, capsys):
    """While a screen holds the warehouse, other commands say so instead of a DuckDB traceback."""
    from workbench.cli import main
    from workbench.warehouse import connect

    path = tmp_path / "w.duckdb"
    connect(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert main(["rings", "--warehouse", str(path)]) == 1
        err = capsys.readouterr().err
        assert "仓库正被另一个进程使用 / the warehouse is in use by another process" in err
        assert str(path) in err and f"PID {holder.pid}" in err and "Traceback" not in err
        assert main(["screen", "--warehouse", str(path), "--rules", "auto_loss_before_start"]) == 1
    finally:
        holder.kill()
        holder.wait()
