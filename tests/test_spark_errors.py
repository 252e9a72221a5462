"""The Spark engine's mistakes and refusals (Spark 引擎的错误提示): what a new user runs into.

Most checks happen before a Spark session starts — the parquet location and its export manifest,
the master URL, Java, the workbench's own settings — so most tests here need neither PySpark nor
Java and take a second. The few that start Java (a bad setting only Spark can judge) run the
command in a subprocess and skip without PySpark or Java, except under ``CI=true``, where they
fail (as ``tests/test_spark_parity.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from rulefix import Fix

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.export import MANIFEST, ensure_export, export_parquet, read_manifest

pytestmark = pytest.mark.spark


def _unavailable(reason: str):
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"CI=true: the Spark tests must run, but {reason}", pytrace=False)
    pytest.skip(f"Spark tests skipped: {reason}")


def _need_spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _unavailable("pyspark is not installed (pip install '.[spark]')")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        _unavailable("no Java on PATH (apt-get install default-jre-headless)")


def _warehouse(tmp_path, name="warehouse.duckdb", policies=("P1",)) -> Path:
    fix = Fix(tmp_path, name=name)
    for no in policies:
        fix.add("auto_policy", policy_no=no)
    fix.close()
    return fix.path


def _foreign_tables(folder: Path) -> list[Path]:
    """Tables laid out as Spark writes them, by someone else: no workbench manifest."""
    files = []
    for table in ("auto_policy", "auto_claim"):
        (folder / table).mkdir(parents=True)
        path = folder / table / "part-00000-abc.snappy.parquet"
        duckdb.sql(f"COPY (SELECT 1 AS x) TO '{path}' (FORMAT parquet)")
        files.append(path)
    return files


def _screen(warehouse, *extra) -> list[str]:
    return ["screen", "--warehouse", str(warehouse), "--rules", "auto_loss_before_start",
            "--no-rings", "--engine", "spark", *extra]


# --- 1. never delete what the workbench did not write ------------------------------------------


def test_export_refuses_a_folder_of_tables_it_did_not_write(tmp_path, capsys):
    wh = _warehouse(tmp_path)
    theirs = tmp_path / "platform"
    files = _foreign_tables(theirs)
    before = {p: p.read_bytes() for p in files}
    assert main(["export", "--warehouse", str(wh), "--parquet", str(theirs)]) == 2
    err = capsys.readouterr().err
    assert "不是工作台导出" in err and "holds no workbench export manifest" in err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in files} == before  # nothing replaced
    assert not (theirs / MANIFEST).exists()


def test_export_refuses_a_folder_with_a_stray_file_and_accepts_an_empty_one(tmp_path):
    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    stray = tmp_path / "out"
    stray.mkdir()
    (stray / "readme.txt").write_text("ours, not the workbench's", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="not empty and holds no workbench export manifest"):
        export_parquet(fix.con, stray)
    assert (stray / "readme.txt").read_text(encoding="utf-8") == "ours, not the workbench's"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_parquet(fix.con, empty).tables["auto_policy"] == 1
    fix.close()


def test_a_refresh_keeps_other_files_and_refuses_foreign_files_in_a_table_folder(tmp_path):
    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    out = tmp_path / "pq"
    export_parquet(fix.con, out)
    (out / "readme.txt").write_text("note", encoding="utf-8")  # beside the tables: kept
    fix.add("auto_policy", policy_no="P2")
    again = ensure_export(fix.con, out)
    assert again.status == "refreshed" and "changed" in again.refreshed
    assert (out / "readme.txt").read_text(encoding="utf-8") == "note"
    extra = out / "auto_policy" / "part-00001-theirs.parquet"
    extra.write_bytes(b"not ours")
    fix.add("auto_policy", policy_no="P3")
    with pytest.raises(WorkbenchError, match="holds files the workbench did not write"):
        ensure_export(fix.con, out)
    assert extra.read_bytes() == b"not ours"
    fix.close()


def test_a_folder_of_tables_without_a_manifest_is_read_as_it_is_with_a_warning(tmp_path, caplog):
    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    theirs = tmp_path / "platform"
    files = _foreign_tables(theirs)
    with caplog.at_level("WARNING", logger="workbench.export"):
        found = ensure_export(fix.con, theirs)
    fix.close()
    assert found.status == "unchecked" and not found.checked and not found.data_fingerprint
    assert "not a workbench export" in caplog.text and "不是工作台导出" in caplog.text
    assert all(p.exists() for p in files) and not (theirs / MANIFEST).exists()


def test_a_file_instead_of_a_folder_is_refused(tmp_path, capsys):
    wh = _warehouse(tmp_path)
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert main(["export", "--warehouse", str(wh), "--parquet", str(afile)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    con = duckdb.connect(str(wh))
    for location in (afile, f"file://{afile}"):
        with pytest.raises(WorkbenchError, match="is a file, not a folder"):
            ensure_export(con, location)
    con.close()
    assert afile.read_text(encoding="utf-8") == "x"


# --- 2. an export of other data is never screened as this warehouse's ---------------------------


@pytest.fixture
def java_checked(monkeypatch):
    """The Java check passes (the test is about what comes after it)."""
    from workbench import spark_engine

    monkeypatch.setattr(spark_engine, "check_java", lambda env=None: "java")


def test_a_remote_export_of_another_warehouse_is_refused(tmp_path, capsys, java_checked):
    other = _warehouse(tmp_path, "other.duckdb", policies=("X1", "X2"))
    con = duckdb.connect(str(other))
    export_parquet(con, tmp_path / "shared")
    con.close()
    mine = _warehouse(tmp_path)
    url = f"file://{tmp_path / 'shared'}"
    con = duckdb.connect(str(mine))
    with pytest.raises(WorkbenchError, match="exported from another warehouse") as err:
        ensure_export(con, url)
    con.close()
    assert "cannot be refreshed" in str(err.value)
    assert f"workbench export --parquet {tmp_path / 'shared'}`" in str(err.value)  # not file://
    assert "file://" not in str(err.value).split("export again")[1]
    # the command line: refused before any Spark session, nothing recorded as screened
    assert main(_screen(mine, "--parquet", url)) == 2
    assert "exported from another warehouse" in capsys.readouterr().err
    con = duckdb.connect(str(mine))
    assert con.execute("SELECT count(*) FROM screen_runs").fetchone()[0] == 0
    con.close()


def test_a_remote_export_that_matches_is_used_with_its_fingerprint(tmp_path):
    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    export_parquet(fix.con, tmp_path / "pq")
    found = ensure_export(fix.con, f"file://{tmp_path / 'pq'}")
    fix.close()
    assert found.status == "current" and found.checked
    assert found.data_fingerprint == read_manifest(tmp_path / "pq")["data_fingerprint"]


def test_a_local_export_of_another_warehouse_is_exported_again_and_says_why(tmp_path):
    other = _warehouse(tmp_path, "other.duckdb", policies=("X1", "X2"))
    con = duckdb.connect(str(other))
    export_parquet(con, tmp_path / "pq")
    con.close()
    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    again = ensure_export(fix.con, tmp_path / "pq")
    fix.close()
    assert again.status == "refreshed" and "another warehouse" in again.refreshed
    assert read_manifest(tmp_path / "pq")["tables"]["auto_policy"] == 1


def test_a_damaged_manifest_is_exported_again_here_and_refused_remotely(tmp_path):
    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    out = tmp_path / "pq"
    export_parquet(fix.con, out)
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="manifest is damaged"):
        ensure_export(fix.con, f"file://{out}")
    again = ensure_export(fix.con, out)
    fix.close()
    assert again.status == "refreshed" and "damaged" in again.refreshed
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["tables"]["auto_policy"] == 1


def test_the_run_summary_says_when_the_export_was_refreshed_or_not_checked():
    from workbench.screen import ScreenResult

    detail = {"engine": "spark", "master": "local[2]", "parquet": "/w/parquet", "export": "refreshed",
              "export_refreshed": "the warehouse changed since the export", "rules_on_duckdb": {}}
    text = ScreenResult("R1", "campaign", 1, 0, 1.0, engine="spark", engine_detail=detail).to_text()
    assert "the parquet export was refreshed automatically: /w/parquet" in text
    detail.update(export="unchecked")
    text = ScreenResult("R1", "campaign", 1, 0, 1.0, engine="spark", engine_detail=detail).to_text()
    assert "is not a workbench export" in text and "no data fingerprint recorded" in text
    detail.update(export="current", rules_on_duckdb={"r1": "needs a DuckDB function"})
    text = ScreenResult("R1", "campaign", 1, 0, 1.0, engine="spark", engine_detail=detail).to_text()
    assert "rules run on DuckDB (not portable): r1 (needs a DuckDB function)" in text


def test_a_run_on_data_nobody_checked_records_no_fingerprint(tmp_path):
    """screen_runs.data_fingerprint may be NULL (V021): a run over tables read as they are."""
    fix = Fix(tmp_path)
    fix.con.execute(
        "INSERT INTO screen_runs (run_id, started_at, period, status, rules, params, data_fingerprint) "
        "VALUES ('R1', now(), 'campaign', 'done', '[]', '{}', NULL)")
    assert fix.con.execute("SELECT data_fingerprint FROM screen_runs").fetchone() == (None,)
    from workbench.campaigns import _provenance

    assert _provenance(fix.con, "R1")["数据指纹 data fingerprint"].startswith("未核对 unchecked")
    fix.close()


# --- before the session: settings, master, Java ------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-2", "abc", ""])
def test_rules_at_once_must_be_a_positive_integer(value):
    from workbench.spark_engine import workbench_conf

    with pytest.raises(WorkbenchError, match="must be a positive integer"):
        workbench_conf({"workbench.rulesAtOnce": value})
    assert workbench_conf({"workbench.rulesAtOnce": "4", "spark.x": "1"}) == ({"spark.x": "1"}, 4)


def test_an_unknown_workbench_setting_is_an_error_naming_the_known_ones():
    from workbench.spark_engine import workbench_conf

    with pytest.raises(WorkbenchError, match=r"workbench\.rulesatonce.*known: workbench\.rulesAtOnce"):
        workbench_conf({"workbench.rulesatonce": "4"})


@pytest.mark.parametrize("master, says", [
    ("bogus", "is not a Spark master URL"),
    ("local[abc]", "is not a Spark master URL"),
    ("local[0]", "at least one core"),
    ("spark://nohost", "is not a Spark master URL"),
    ("yarn", "HADOOP_CONF_DIR or YARN_CONF_DIR"),
])
def test_a_bad_master_is_refused_before_java_starts(tmp_path, capsys, monkeypatch, master, says):
    from workbench.spark_engine import check_master

    monkeypatch.delenv("HADOOP_CONF_DIR", raising=False)
    monkeypatch.delenv("YARN_CONF_DIR", raising=False)
    wh = _warehouse(tmp_path)
    assert main(_screen(wh, "--spark-master", master)) == 2
    err = capsys.readouterr().err
    assert says in err and "docs/spark.md" in err and "Traceback" not in err
    for good in ("local", "local[2]", "local[*]", "local[2,3]", "spark://h:7077,h2:7077",
                 "k8s://https://k:443"):
        check_master(good, {})
    check_master("yarn", {"HADOOP_CONF_DIR": "/etc/hadoop"})


def test_an_unreachable_standalone_master_is_reported_in_seconds(tmp_path, capsys, java_checked):
    import socket
    import time

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    wh = _warehouse(tmp_path)
    started = time.perf_counter()
    assert main(_screen(wh, "--spark-master", f"spark://127.0.0.1:{port}")) == 2
    err = capsys.readouterr().err
    assert time.perf_counter() - started < 30
    assert f"cannot reach the Spark master spark://127.0.0.1:{port}" in err and "Traceback" not in err


def test_java_home_without_java_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nonexistent"))
    wh = _warehouse(tmp_path)
    assert main(_screen(wh)) == 2
    err = capsys.readouterr().err
    assert "has no bin/java" in err and "JAVA_HOME=" in err and "Traceback" not in err


def test_a_java_older_than_17_is_refused(tmp_path, monkeypatch, capsys):
    from workbench.spark_engine import check_java

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text('#!/bin/sh\necho \'openjdk version "11.0.20" 2023-07-18\' >&2\n', encoding="utf-8")
    java.chmod(0o755)
    env = {"PATH": str(bin_dir)}
    with pytest.raises(WorkbenchError, match="is Java 11"):
        check_java(env)
    java.write_text('#!/bin/sh\necho \'java version "1.8.0_381"\' >&2\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="is Java 8"):
        check_java(env)
    java.write_text('#!/bin/sh\necho \'openjdk version "17.0.15" 2025-04-15\' >&2\n', encoding="utf-8")
    assert check_java(env) == str(java)
    java.write_text('#!/bin/sh\necho \'openjdk version "11.0.20"\' >&2\n', encoding="utf-8")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert main(_screen(_warehouse(tmp_path))) == 2
    err = capsys.readouterr().err
    assert "Spark needs Java 17 or later" in err and "Traceback" not in err


def test_the_session_failure_names_the_master_the_setting_and_the_reason():
    from workbench.spark_engine import session_failure

    exc = Exception(
        "Error while instantiating 'org.apache.spark.sql.internal.SessionStateBuilder':\n\nJVM "
        "stacktrace:\njava.lang.IllegalArgumentException: Error while instantiating …\n\tat x\n"
        "Caused by: org.apache.spark.SparkIllegalArgumentException: [INVALID_CONF_VALUE.TYPE_MISMATCH] "
        "The value 'abc' in the config \"spark.sql.shuffle.partitions\" is invalid.\n\tat y")
    text = session_failure("local[2]", {"spark.sql.shuffle.partitions": "abc"}, exc)
    assert text.startswith("Spark 会话启动失败 / the Spark session failed to start (master local[2]; "
                           "--spark-conf spark.sql.shuffle.partitions=abc)")
    assert "The value 'abc' in the config" in text
    assert "check the setting: spark.sql.shuffle.partitions=abc" in text and "docs/spark.md" in text


# --- the run record: Ctrl-C, a failure before the rules ----------------------------------------


def test_ctrl_c_marks_the_run_interrupted_and_exits_130(tmp_path, monkeypatch, capsys):
    from workbench.engine import Engine

    wh = _warehouse(tmp_path)

    def interrupted(self, rule, params):
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "run_rule", interrupted)
    argv = ["screen", "--warehouse", str(wh), "--rules", "auto_loss_before_start", "--no-rings"]
    assert main(argv) == 130
    err = capsys.readouterr().err
    assert "已中断 / interrupted" in err and "Traceback" not in err
    con = duckdb.connect(str(wh))
    status, message, finished = con.execute(
        "SELECT status, message, finished_at FROM screen_runs").fetchone()
    con.close()
    assert status == "interrupted" and "interrupted" in message and finished is not None


def test_a_failure_while_the_period_opens_marks_the_run_failed(tmp_path, monkeypatch):
    from contextlib import contextmanager

    from workbench.engine import Engine
    from workbench.screen import screen

    @contextmanager
    def broken(self, period):
        raise WorkbenchError("Spark 读不到表 auto_claim / Spark cannot read table auto_claim")
        yield

    monkeypatch.setattr(Engine, "period", broken)
    fix = Fix(tmp_path)
    with pytest.raises(WorkbenchError):
        screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    row = fix.con.execute("SELECT status, message FROM screen_runs").fetchone()
    fix.close()
    assert row[0] == "failed" and "cannot read table auto_claim" in row[1]


# --- 3. run takes the cluster route --------------------------------------------------------------


SCREENING_NOTEBOOKS = ("top_down_clues", "cross_comparison", "known_cases", "pre2017_review")


def test_run_passes_parquet_and_spark_conf_to_the_screening_notebooks(tmp_path, campaign, monkeypatch):
    from workbench import audit, runner

    wh = _warehouse(tmp_path)
    seen = []

    def execute(task):
        name, _, out, params = task
        seen.append((name, params))
        return runner.NotebookRun(name, None, out, True)

    monkeypatch.setattr(runner, "_execute", execute)
    monkeypatch.setattr(audit, "record_runs", lambda *a, **k: None)
    argv = ["--config", str(campaign.source), "run", "top_down", "--warehouse", str(wh), "--engine",
            "spark", "--spark-master", "spark://m:7077", "--parquet", "hdfs:///fraud/2019",
            "--spark-conf", "spark.executor.memory=8g", "--spark-conf", "workbench.rulesAtOnce=8"]
    assert main(argv) == 0
    (name, params), = seen
    assert params["engine"] == "spark" and params["spark_master"] == "spark://m:7077"
    assert params["spark_parquet"] == "hdfs:///fraud/2019"
    assert params["spark_conf"] == {"spark.executor.memory": "8g", "workbench.rulesAtOnce": "8"}


@pytest.mark.parametrize("option", [["--spark-master", "local[2]"], ["--parquet", "/x"],
                                    ["--spark-conf", "a=b"]])
def test_run_refuses_spark_options_without_the_spark_engine(tmp_path, campaign, capsys, option):
    wh = _warehouse(tmp_path)
    argv = ["--config", str(campaign.source), "run", "top_down", "--warehouse", str(wh), *option]
    assert main(argv) == 2
    assert "need --engine spark" in capsys.readouterr().err
    assert not (campaign.output_dir / "runs").exists()  # nothing ran


def test_the_screening_notebooks_take_parquet_and_spark_conf():
    from workbench.warehouse import PROJECT_ROOT

    for name in SCREENING_NOTEBOOKS:
        nb = json.loads((PROJECT_ROOT / "parametrized" / f"{name}.ipynb").read_text(encoding="utf-8"))
        cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        params = next("".join(c["source"]) for c in nb["cells"]
                      if "parameters" in c.get("metadata", {}).get("tags", []))
        for line in ('spark_parquet = ""', "spark_conf = {}", 'engine = "duckdb"', 'spark_master = ""'):
            assert line in params, f"{name}: {line}"
        assert any("engine_options(engine, spark_master, spark_parquet, spark_conf)" in c
                   for c in cells), f"{name} does not pass the Spark parameters on"


def test_engine_options_from_notebook_parameters():
    from workbench.screen import engine_options

    assert engine_options() == {"engine": "duckdb"}
    assert engine_options("spark", "", "", {}) == {"engine": "spark", "spark_master": None,
                                                    "parquet": None, "spark_conf": None}
    assert engine_options("spark", "yarn", "hdfs:///x", ["a=b"])["spark_conf"] == {"a": "b"}
    with pytest.raises(WorkbenchError, match="need --engine spark"):
        engine_options("duckdb", spark_conf={"a": "b"})
    with pytest.raises(WorkbenchError, match="unknown engine"):
        engine_options("sprak")


def test_an_invalid_engine_is_refused_in_both_languages(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["screen", "--engine", "sprak"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "未知的引擎" in err and "unknown engine 'sprak'" in err


# --- with Java: settings only Spark can judge ----------------------------------------------------


def _cli(*argv, env=None):
    return subprocess.run([sys.executable, "-m", "workbench.cli", *argv], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.mark.parametrize("setting, says", [
    ("spark.sql.shuffle.partitions=abc", "spark.sql.shuffle.partitions"),
    ("spark.driver.memory=lots", "Invalid maximum heap size"),
])
def test_a_bad_spark_setting_is_a_session_start_failure_naming_it(tmp_path, setting, says):
    _need_spark()
    wh = _warehouse(tmp_path)
    out = _cli(*_screen(wh, "--spark-master", "local[1]", "--spark-conf", setting))
    assert out.returncode == 2, out.stderr[-2000:]
    assert "the Spark session failed to start (master local[1]" in out.stderr
    assert f"check the setting: {setting}" in out.stderr and says in out.stderr
    assert "cannot read table" not in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.splitlines()) < 10, out.stderr  # Spark's own console is in its log


def test_export_to_a_file_url_suggests_the_path(tmp_path, capsys):
    wh = _warehouse(tmp_path)
    assert main(["export", "--warehouse", str(wh), "--parquet", f"file://{tmp_path}/pq"]) == 2
    err = capsys.readouterr().err
    assert f"`workbench export --parquet {tmp_path}/pq`" in err


def test_an_hdfs_manifest_is_compared_too(tmp_path):
    """hdfs://, s3a:// manifests come through the Spark session (``read_text``): same rules."""
    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    export_parquet(fix.con, tmp_path / "pq")
    text = (tmp_path / "pq" / MANIFEST).read_text(encoding="utf-8")
    url = "hdfs://nn/warehouse/fraud/2019"
    found = ensure_export(fix.con, url, read_text=lambda u: text if u == f"{url}/{MANIFEST}" else None)
    assert found.status == "current" and found.data_fingerprint == json.loads(text)["data_fingerprint"]
    assert ensure_export(fix.con, url, read_text=lambda u: None).status == "unchecked"
    with pytest.raises(WorkbenchError, match="manifest is damaged"):
        ensure_export(fix.con, url, read_text=lambda u: "")
    fix.add("auto_policy", policy_no="P2")
    with pytest.raises(WorkbenchError, match="the warehouse changed since the export") as err:
        ensure_export(fix.con, url, read_text=lambda u: text)
    fix.close()
    assert "workbench export --parquet /a/local/folder`, then copy the table folders to " + url in str(err.value)
