"""What `make demo` prints at the end: workbooks and clue counts in company order."""

from __future__ import annotations

import datetime as dt

from test_workbook import _clue

from workbench.demo import clue_counts, demo_summary, natural_key
from workbench.lifecycle import LifecycleStore, default_store_path
from workbench.warehouse import connect


def test_natural_order_of_company_codes():
    assert sorted(["C10", "C02", "C9", "C01", "C12", "C11"], key=natural_key) == [
        "C01", "C02", "C9", "C10", "C11", "C12"]


def test_demo_summary_lists_companies_in_natural_order(campaign, tmp_path):
    wh = tmp_path / "w.duckdb"
    con = connect(wh)
    codes = ["C10", "C02", "C9", "C01"]  # dispatched in this order
    for i, code in enumerate(codes):
        _clue(con, f"CL{i:014d}", "A", 90.0, code, "证据", 1000)
        con.execute("INSERT INTO clue_records VALUES (?, ?, 'ah_policy', ?, 'policy', 1000)",
                    [f"CL{i:014d}", code, f"P-{code}"])
    assert list(clue_counts(con).index) == ["C01", "C02", "C9", "C10"]
    con.close()
    store = LifecycleStore(default_store_path(wh))
    for i, code in enumerate(codes):
        store.record_dispatch(f"D{i}", code, f"wb/{code}/{code}_线索下发.xlsx", "sha", [f"CL{i:014d}"],
                              dt.date(2019, 8, 1), dt.date(2019, 8, 31), "R1", "协会")
    store.close()
    reports = campaign.output_dir / "reports"
    reports.mkdir(parents=True)
    (reports / "summary_report.html").write_text("<html></html>", encoding="utf-8")
    (reports / "总结报告_2019.xlsx").write_bytes(b"xlsx")
    text = demo_summary(campaign, wh, tmp_path / "no_truth")
    assert f"总结报告 summary report: {reports / '总结报告_2019.xlsx'}, {reports / 'summary_report.html'}" in text
    listed = [line.split()[0] for line in text.split("each company's clue workbook:\n", 1)[1].split("\n\n", 1)[0]
              .splitlines()]
    assert listed == ["C01", "C02", "C9", "C10"]
    table = text.split("clues per campaign step and company:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [row.split()[0] for row in table[2:]] == ["C01", "C02", "C9", "C10"]
