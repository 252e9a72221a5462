"""Data-quality scorecards (数据质量记分卡): the list an insurer works through to clean its data.

The campaign plan asks each company to clean up its claims data (§五.3).  Everything needed is
already in the warehouse's bookkeeping — ``manifest`` (what each file held), ``rejects`` (every
rejected row and why), ``row_notes`` (warnings and automatic fixes on loaded rows) — and in the
loaded rows themselves.  For each company and each kind it submitted, on its current submission:

* **completeness** of each required and important field (``Field.required`` / ``Field.important``
  in the contract).  A required field is counted over every row read: an empty one is rejected
  as ``missing_required``, so filled = rows read − those.  An important (optional) field is
  counted over the loaded rows, the only ones whose values are kept;
* **rows rejected** and their share, by reason (:data:`CATEGORIES`: missing values, identifier
  check digits, number formats, Excel damage, date anomalies, duplicates, values outside the
  allowed lists, another company's rows); a row with two problems counts once per category and
  once in the total;
* **check-digit failures** (ID numbers, VINs, USCC: rejected) and bank cards failing Luhn (kept
  with a warning); **Excel damage** (IDs in scientific notation or cut to 15 digits: rejected;
  Excel serial dates: converted, shown for information); **date anomalies** (unreadable dates,
  outside the data window, date order such as closed before the loss); **duplicates** on the
  natural key;
* the **change since the previous submission** of the same kind (the batch it replaced, whose
  rejects stay in the warehouse): rows, rejected share, and each category;
* a **clean-up list** (整改清单): every problem with its rows and what to do, worst first.

A **score** (质量得分, 0–100) ranks companies in the association's league table:
``100 × (0.7 × share of rows loaded + 0.3 × completeness of important fields)``; grades
优 ≥ 95, 良 ≥ 90, 中 ≥ 80, else 差.  The weights are a documented default, not a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook

from .config import Campaign
from .contract import KINDS
from .xlsx import append_rows, cell

#: Reason categories: code -> category, and the category's Chinese name and priority in the clean-up list.
CATEGORIES = {
    "missing_required": ("必填项缺失 missing required", 1),
    "excel": ("Excel损坏 Excel damage", 1),
    "checksum": ("校验位错误 check digit", 1),
    "format": ("号码格式错误 format", 2),
    "date": ("日期异常 date anomaly", 2),
    "duplicate": ("重复行 duplicate", 2),
    "value": ("取值错误 value", 3),
    "company": ("非本公司数据 another company's rows", 1),
    "other": ("其他 other", 3),
}
CODE_CATEGORY = {
    "missing_required": "missing_required",
    "excel_sci_notation": "excel",
    "excel_trailing_zeros": "excel",
    "excel_sci_notation_code": "excel",
    "id_checksum": "checksum",
    "vin_checksum": "checksum",
    "uscc_checksum": "checksum",
    "id_format": "format",
    "id_region": "format",
    "id_birthdate": "format",
    "card_format": "format",
    "phone_format": "format",
    "plate_format": "format",
    "vin_format": "format",
    "uscc_format": "format",
    "bad_code_digits": "format",
    "bad_region": "format",
    "name_format": "format",
    "masked_input": "format",
    "bad_date": "date",
    "out_of_window": "date",
    "duplicate_row": "duplicate",
    "bad_enum": "value",
    "bad_number": "value",
    "negative": "value",
    "not_integer": "value",
    "out_of_range": "value",
    "company_mismatch": "company",
}
#: Short names of the commonest reasons, for the clean-up list (others use their category's name).
CODE_ZH = {
    "missing_required": "必填项为空",
    "excel_sci_notation": "Excel科学计数法",
    "excel_trailing_zeros": "Excel截断(末位000)",
    "excel_sci_notation_code": "编号被Excel转为科学计数法",
    "id_checksum": "证件号码校验位错误",
    "vin_checksum": "车架号校验位错误",
    "uscc_checksum": "信用代码校验位错误",
    "duplicate_row": "重复行",
    "out_of_window": "不在报送期间",
    "bad_date": "日期无法识别",
    "cross_field": "字段先后/大小矛盾",
    "bad_enum": "不在可选值中",
    "bad_number": "数值无法识别",
    "company_mismatch": "非本公司数据",
}
#: Warnings on loaded rows that are check-digit failures (kept, but worth fixing).
CHECKSUM_WARNINGS = ("card_luhn",)
PRIORITY_ZH = {1: "高", 2: "中", 3: "低"}
SCORE_WEIGHTS = (0.7, 0.3)  # rows loaded, important-field completeness
GRADES = ((95, "优"), (90, "良"), (80, "中"), (0, "差"))
#: Important fields filled in fewer rows than this go on the clean-up list.
LOW_COMPLETENESS = 0.9


def category_of(code: str, field: str | None, kind: str | None) -> str:
    """The reason category of a reject code; a cross-field check is a date anomaly when it compares dates."""
    if code == "cross_field":
        k = KINDS.get(kind or "")
        try:
            typ = k.field(field).type if k and field else None
        except Exception:  # noqa: BLE001 - an unknown field is simply not a date
            typ = None
        return "date" if typ in ("date", "datetime") else "value"
    return CODE_CATEGORY.get(code, "other")


def grade(score: float | None) -> str:
    if score is None or score != score:
        return ""
    return next(g for floor, g in GRADES if score >= floor)


def _share(num, den):
    return round(num / den, 4) if den else None


@dataclass
class Scorecard:
    """One company's scorecard."""

    company: str
    summary: dict  # the company's row of the league table
    kinds: (
        pd.DataFrame
    )  # one row per kind submitted (current batch), with the previous batch's figures
    fields: pd.DataFrame  # completeness per required / important field
    reasons: pd.DataFrame  # rejected rows by kind and reason
    cleanup: pd.DataFrame  # the clean-up list, worst first

    def to_text(self) -> str:
        s = self.summary
        lines = [
            f"数据质量记分卡 / data-quality scorecard: {self.company}  得分 score {s['质量得分']} ({s['等级']})",
            f"  读取 {s['读取行数']} 行，退回 {s['退回行数']} 行 (退回率 {_pct(s['退回率'])})；"
            f"必填项完整率 {_pct(s['必填项完整率'])}，重要项完整率 {_pct(s['重要项完整率'])}",
            f"  校验位错误 {s['校验位错误']}，校验警告 {s['校验警告(已入库)']}，Excel损坏 {s['Excel损坏']}，"
            f"日期异常 {s['日期异常']}，重复行 {s['重复行']}",
        ]
        if s.get("上次退回率") is not None:
            lines.append(
                f"  较上次报送 since previous: 退回率 {_pct(s['上次退回率'])} → {_pct(s['重报类型本次退回率'])}"
            )
        if len(self.cleanup):
            lines.append("  整改清单 clean-up list (前10项 top 10):")
            for r in self.cleanup.head(10).itertuples(index=False):
                lines.append(f"    [{r.优先级}] {r.数据类型} {r.字段} {r.问题}: {r.行数} 行")
        return "\n".join(lines)


def _pct(x) -> str:
    return "—" if x is None or x != x else f"{x:.1%}"


# --- the figures ----------------------------------------------------------------------------------


def _batches(con, company: str | None) -> pd.DataFrame:
    """Current batches of company submissions, each with the batch it replaced (if any)."""
    return con.execute(
        """
        SELECT m.batch_id, m.kind, m.company_code, m.file_name, m.loaded_at, m.rows_read, m.rows_loaded,
               m.rows_rejected, p.batch_id AS prev_batch, p.loaded_at AS prev_loaded_at, p.rows_read AS prev_rows_read,
               p.rows_rejected AS prev_rows_rejected
        FROM manifest m
        LEFT JOIN (SELECT *, row_number() OVER (PARTITION BY replaced_by ORDER BY loaded_at DESC) AS k
                   FROM manifest WHERE status = 'replaced') p ON p.replaced_by = m.batch_id AND p.k = 1
        WHERE m.status = 'loaded' AND m.company_code IS NOT NULL AND ($company IS NULL OR m.company_code = $company)
        ORDER BY m.company_code, m.kind
    """,
        {"company": company},
    ).df()


def _rejects(con, batch_ids: list[str]) -> pd.DataFrame:
    df = con.execute(
        """
        SELECT r.batch_id, r."row", r.code, r.field, r.kind, any_value(r.reason_zh) AS reason_zh
        FROM rejects r WHERE r.batch_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL
    """,
        [batch_ids],
    ).df()
    df["category"] = [
        category_of(c, f, k) for c, f, k in zip(df["code"], df["field"], df["kind"], strict=True)
    ]
    return df


def _notes(con, batch_ids: list[str]) -> pd.DataFrame:
    return con.execute(
        """
        SELECT batch_id, field, severity, code, count(DISTINCT "row") AS n, any_value(note_zh) AS note_zh
        FROM row_notes WHERE batch_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL
    """,
        [batch_ids],
    ).df()


def _important_filled(con, batches: pd.DataFrame) -> dict[tuple[str, str], int]:
    """{(batch, field): loaded rows with the field filled}, one query per kind."""
    out: dict[tuple[str, str], int] = {}
    for kind_name, grp in batches.groupby("kind"):
        kind = KINDS.get(kind_name)
        fields = [f for f in kind.fields if f.important and not f.required] if kind else []
        if not fields:
            continue
        cols = [(f.name, f"{f.name}_token" if f.identifier else f.name) for f in fields]
        sel = ", ".join(f'count("{c}") AS "{n}"' for n, c in cols)
        rows = con.execute(
            f'SELECT _batch_id, {sel} FROM "{kind_name}" WHERE _batch_id IN '
            f"(SELECT unnest(?::VARCHAR[])) GROUP BY 1",
            [list(grp["batch_id"])],
        ).fetchall()
        for r in rows:
            for (n, _), v in zip(cols, r[1:], strict=True):
                out[(r[0], n)] = int(v)
    return out


def _category_rows(rej: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows per batch and category (a row counts once per category)."""
    if rej.empty:
        return pd.DataFrame(columns=list(CATEGORIES)).rename_axis("batch_id")
    return (
        rej.drop_duplicates(["batch_id", "row", "category"])
        .groupby(["batch_id", "category"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(CATEGORIES), fill_value=0)
    )


def compute(con: duckdb.DuckDBPyConnection, company: str | None = None) -> dict[str, Scorecard]:
    """Scorecards of every company with a submission (or of ``company``)."""
    batches = _batches(con, company)
    if batches.empty:
        return {}
    current = list(batches["batch_id"])
    previous = [b for b in batches["prev_batch"] if isinstance(b, str)]
    rej = _rejects(con, current + previous)
    notes = _notes(con, current)
    cat = _category_rows(rej)
    missing = (
        rej[rej.code == "missing_required"]
        .groupby(["batch_id", "field"])["row"]
        .nunique()
        .to_dict()
        if len(rej)
        else {}
    )
    filled_imp = _important_filled(con, batches)

    kind_rows, field_rows = [], []
    for b in batches.itertuples(index=False):
        kind = KINDS.get(b.kind)
        req_exp = req_fill = imp_exp = imp_fill = 0
        for f in kind.fields if kind else ():
            if f.required:
                exp, fill, what = (
                    b.rows_read,
                    b.rows_read - missing.get((b.batch_id, f.name), 0),
                    "必填 required",
                )
                req_exp, req_fill = req_exp + exp, req_fill + fill
            elif f.important:
                exp, fill, what = (
                    b.rows_loaded,
                    filled_imp.get((b.batch_id, f.name), 0),
                    "重要 important",
                )
                imp_exp, imp_fill = imp_exp + exp, imp_fill + fill
            else:
                continue
            field_rows.append(
                {
                    "公司": b.company_code,
                    "数据类型": kind.zh,
                    "kind": b.kind,
                    "字段": f.zh,
                    "field": f.name,
                    "类别": what,
                    "应填行数": int(exp),
                    "已填行数": int(fill),
                    "完整率": _share(fill, exp),
                }
            )
        c = cat.loc[b.batch_id] if b.batch_id in cat.index else pd.Series(0, index=list(CATEGORIES))
        n = notes[notes.batch_id == b.batch_id]
        warn = int(n[(n.severity == "warning") & n.code.isin(CHECKSUM_WARNINGS)]["n"].sum())
        serial = int(n[n.code == "excel_serial_date"]["n"].sum())
        row = {
            "公司": b.company_code,
            "数据类型": kind.zh if kind else b.kind,
            "kind": b.kind,
            "文件": b.file_name,
            "报送时间": pd.Timestamp(b.loaded_at).to_pydatetime(),
            "读取行数": int(b.rows_read),
            "入库行数": int(b.rows_loaded),
            "退回行数": int(b.rows_rejected),
            "退回率": _share(b.rows_rejected, b.rows_read),
            "必填应填": req_exp,
            "必填已填": req_fill,
            "必填项完整率": _share(req_fill, req_exp),
            "重要应填": imp_exp,
            "重要已填": imp_fill,
            "重要项完整率": _share(imp_fill, imp_exp),
            "必填项缺失": int(c["missing_required"]),
            "校验位错误": int(c["checksum"]),
            "校验警告(已入库)": warn,
            "号码格式错误": int(c["format"]),
            "Excel损坏": int(c["excel"]),
            "Excel日期序列号(已转换)": serial,
            "日期异常": int(c["date"]),
            "重复行": int(c["duplicate"]),
            "取值错误": int(c["value"]),
            "非本公司数据": int(c["company"]),
        }
        if isinstance(b.prev_batch, str):
            pc = (
                cat.loc[b.prev_batch]
                if b.prev_batch in cat.index
                else pd.Series(0, index=list(CATEGORIES))
            )
            row.update(
                {
                    "上次报送时间": pd.Timestamp(b.prev_loaded_at).to_pydatetime(),
                    "上次读取行数": int(b.prev_rows_read),
                    "上次退回行数": int(b.prev_rows_rejected),
                    "上次退回率": _share(b.prev_rows_rejected, b.prev_rows_read),
                    "上次校验位错误": int(pc["checksum"]),
                    "上次Excel损坏": int(pc["excel"]),
                    "上次日期异常": int(pc["date"]),
                    "上次重复行": int(pc["duplicate"]),
                    "上次必填项缺失": int(pc["missing_required"]),
                }
            )
            row["退回率变化(百分点)"] = (
                round(100 * (row["退回率"] - row["上次退回率"]), 2)
                if row["上次退回率"] is not None and row["退回率"] is not None
                else None
            )
        kind_rows.append(row)
    kinds = pd.DataFrame(kind_rows)
    fields = pd.DataFrame(field_rows)
    cur_rej = rej[rej.batch_id.isin(current)]
    cards = {}
    for code, kd in kinds.groupby("公司", sort=True):
        batch_ids = set(batches.loc[batches.company_code == code, "batch_id"])
        r = cur_rej[cur_rej.batch_id.isin(batch_ids)].merge(
            batches[["batch_id", "kind"]].rename(columns={"kind": "k"}), on="batch_id"
        )
        reasons = _reasons(r)
        cleanup = _cleanup(
            r,
            notes[notes.batch_id.isin(batch_ids)].merge(
                batches[["batch_id", "kind"]], on="batch_id"
            ),
            fields[fields["公司"] == code],
        )
        cards[code] = Scorecard(
            code,
            _summary(code, kd),
            kd.reset_index(drop=True),
            fields[fields["公司"] == code].reset_index(drop=True),
            reasons,
            cleanup,
        )
    return cards


def _summary(code: str, kd: pd.DataFrame) -> dict:
    read, loaded, rejected = (
        int(kd["读取行数"].sum()),
        int(kd["入库行数"].sum()),
        int(kd["退回行数"].sum()),
    )
    req = _share(kd["必填已填"].sum(), kd["必填应填"].sum())
    imp = _share(kd["重要已填"].sum(), kd["重要应填"].sum())
    loaded_share = _share(read - rejected, read)
    score = None
    if loaded_share is not None:
        score = round(
            100
            * (
                SCORE_WEIGHTS[0] * loaded_share
                + SCORE_WEIGHTS[1] * (imp if imp is not None else 1.0)
            ),
            1,
        )
    out = {
        "公司": code,
        "文件数": len(kd),
        "读取行数": read,
        "入库行数": loaded,
        "退回行数": rejected,
        "退回率": _share(rejected, read),
        "必填项完整率": req,
        "重要项完整率": imp,
        **{
            k: int(kd[k].sum())
            for k in (
                "必填项缺失",
                "校验位错误",
                "校验警告(已入库)",
                "号码格式错误",
                "Excel损坏",
                "Excel日期序列号(已转换)",
                "日期异常",
                "重复行",
                "取值错误",
                "非本公司数据",
            )
        },
        "质量得分": score,
        "等级": grade(score),
        "重报类型数": 0,
        "上次退回率": None,
        "重报类型本次退回率": None,
        "退回率变化(百分点)": None,
    }
    if "上次读取行数" in kd and kd["上次读取行数"].notna().any():
        re = kd[kd["上次读取行数"].notna()]
        prev = _share(re["上次退回行数"].sum(), re["上次读取行数"].sum())
        now = _share(re["退回行数"].sum(), re["读取行数"].sum())
        out.update(
            {
                "重报类型数": len(re),
                "上次退回率": prev,
                "重报类型本次退回率": now,
                "退回率变化(百分点)": round(100 * (now - prev), 2)
                if prev is not None and now is not None
                else None,
            }
        )
    return out


def _reasons(r: pd.DataFrame) -> pd.DataFrame:
    cols = ["数据类型", "问题类别", "字段", "原因代码", "退回行数", "说明"]
    if r.empty:
        return pd.DataFrame(columns=cols)
    g = (
        r.groupby(["k", "category", "field", "code"], dropna=False)
        .agg(n=("row", "nunique"), reason=("reason_zh", "first"))
        .reset_index()
    )
    return (
        pd.DataFrame(
            {
                "数据类型": g["k"].map(lambda k: KINDS[k].zh if k in KINDS else k),
                "问题类别": g["category"].map(lambda c: CATEGORIES[c][0]),
                "字段": [_field_zh(k, f) for k, f in zip(g["k"], g["field"], strict=True)],
                "原因代码": g["code"],
                "退回行数": g["n"].astype(int),
                "说明": g["reason"],
            }
        )
        .sort_values(["退回行数", "数据类型"], ascending=[False, True])
        .reset_index(drop=True)
    )


def _field_zh(kind: str, field) -> str:
    if not isinstance(field, str) or not field:
        return "(整行 whole row)"
    k = KINDS.get(kind)
    try:
        return k.field(field).zh if k else field
    except Exception:  # noqa: BLE001
        return field


def _cleanup(r: pd.DataFrame, notes: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    """Every problem an insurer should fix, worst first: rejects, warnings, thin important fields."""
    items = []
    if len(r):
        g = (
            r.groupby(["k", "category", "field", "code"], dropna=False)
            .agg(
                n=("row", "nunique"),
                reason=("reason_zh", "first"),
                rows=(
                    "row",
                    lambda s: (
                        "、".join(str(x) for x in sorted(set(s))[:10])
                        + ("…" if s.nunique() > 10 else "")
                    ),
                ),
            )
            .reset_index()
        )
        for x in g.itertuples(index=False):
            items.append(
                {
                    "priority": CATEGORIES[x.category][1],
                    "数据类型": KINDS[x.k].zh if x.k in KINDS else x.k,
                    "字段": _field_zh(x.k, x.field),
                    "问题": CODE_ZH.get(x.code, CATEGORIES[x.category][0].split(" ")[0]),
                    "行数": int(x.n),
                    "处理": "已退回，请改正后重新报送",
                    "示例行号": x.rows,
                    "说明": x.reason,
                }
            )
    warn = notes[notes.severity == "warning"] if len(notes) else notes
    for x in warn.itertuples(index=False):
        items.append(
            {
                "priority": 3,
                "数据类型": KINDS[x.kind].zh if x.kind in KINDS else x.kind,
                "字段": _field_zh(x.kind, x.field),
                "问题": "校验警告" if x.code in CHECKSUM_WARNINGS else "警告",
                "行数": int(x.n),
                "处理": "已入库，请核对",
                "示例行号": "",
                "说明": x.note_zh,
            }
        )
    thin = (
        fields[
            (fields["类别"].str.startswith("重要"))
            & (fields["应填行数"] > 0)
            & (fields["完整率"] < LOW_COMPLETENESS)
        ]
        if len(fields)
        else fields
    )
    for x in thin.itertuples(index=False):
        items.append(
            {
                "priority": 2,
                "数据类型": x.数据类型,
                "字段": x.字段,
                "问题": "重要字段填写率低",
                "行数": int(x.应填行数 - x.已填行数),
                "处理": "请补充后重新报送",
                "示例行号": "",
                "说明": f"{x.字段}仅{x.完整率:.0%}的行已填写，该字段用于筛查规则，缺失会漏掉线索",
            }
        )
    cols = ["优先级", "数据类型", "字段", "问题", "行数", "处理", "示例行号", "说明"]
    if not items:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(items).sort_values(
        ["priority", "行数"], ascending=[True, False], kind="stable"
    )
    df["优先级"] = df["priority"].map(PRIORITY_ZH)
    return df[cols].reset_index(drop=True)


def league_table(cards: dict[str, Scorecard]) -> pd.DataFrame:
    """All companies, best score first (数据质量排行榜)."""
    cols = [
        "排名",
        "公司",
        "质量得分",
        "等级",
        "文件数",
        "读取行数",
        "退回行数",
        "退回率",
        "必填项完整率",
        "重要项完整率",
        "校验位错误",
        "校验警告(已入库)",
        "Excel损坏",
        "日期异常",
        "重复行",
        "上次退回率",
        "重报类型本次退回率",
        "退回率变化(百分点)",
    ]
    if not cards:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame([c.summary for c in cards.values()])
    df = df.sort_values(
        ["质量得分", "公司"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
    df["排名"] = range(1, len(df) + 1)
    return df[cols]


# --- writing ----------------------------------------------------------------------------------------

KIND_COLUMNS = [
    "数据类型",
    "文件",
    "报送时间",
    "读取行数",
    "入库行数",
    "退回行数",
    "退回率",
    "必填项完整率",
    "重要项完整率",
    "必填项缺失",
    "校验位错误",
    "校验警告(已入库)",
    "号码格式错误",
    "Excel损坏",
    "Excel日期序列号(已转换)",
    "日期异常",
    "重复行",
    "取值错误",
    "非本公司数据",
    "上次报送时间",
    "上次读取行数",
    "上次退回行数",
    "上次退回率",
    "退回率变化(百分点)",
]


def _rows(df: pd.DataFrame, cols: list[str]):
    df = df.reindex(columns=cols)
    return (
        [None if (isinstance(v, float) and v != v) or v is pd.NaT else v for v in r]
        for r in df.itertuples(index=False)
    )


def write_sheets(
    wb: Workbook, card: Scorecard, campaign: Campaign, *, compact: bool = False
) -> None:
    """The scorecard's sheets in a write-only workbook; ``compact``: one sheet (for the ingest receipt)."""
    ws = wb.create_sheet("数据质量记分卡")
    s = card.summary
    ws.append([cell(ws, f"{campaign.name} 数据质量记分卡 / data-quality scorecard", bold=True)])
    for k, v in [
        ("报送单位 company", card.company),
        ("生成时间 generated", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("经办人 operator", _operator(campaign)),
        ("质量得分 score", s["质量得分"]),
        ("等级 grade", s["等级"]),
        ("读取行数 rows read", s["读取行数"]),
        ("退回行数 rows rejected", s["退回行数"]),
        ("退回率 rejected share", _pct(s["退回率"])),
        ("必填项完整率 required complete", _pct(s["必填项完整率"])),
        ("重要项完整率 important complete", _pct(s["重要项完整率"])),
        (
            "较上次报送 since previous",
            "首次报送 first submission"
            if s["上次退回率"] is None
            else f"重报{s['重报类型数']}类：退回率 {_pct(s['上次退回率'])} → {_pct(s['重报类型本次退回率'])}",
        ),
        (
            "说明 note",
            "得分 = 100 ×（0.7 × 入库率 + 0.3 × 重要项完整率）；请按“整改清单”逐项整改源系统数据后重新报送。",
        ),
    ]:
        ws.append([cell(ws, k), cell(ws, v)])
    ws.append([])
    ws.append([cell(ws, "各类数据 by kind (本次报送 current submission)", bold=True)])
    append_rows(ws, KIND_COLUMNS, _rows(card.kinds, KIND_COLUMNS), percent=_SHARES)
    ws.append([])
    ws.append([cell(ws, "整改清单 clean-up list", bold=True)])
    append_rows(ws, list(card.cleanup.columns), card.cleanup.itertuples(index=False))
    if compact:
        return
    ws2 = wb.create_sheet("字段完整率")
    cols = ["数据类型", "字段", "field", "类别", "应填行数", "已填行数", "完整率"]
    append_rows(ws2, cols, _rows(card.fields, cols), percent=_SHARES)
    ws3 = wb.create_sheet("退回原因")
    append_rows(ws3, list(card.reasons.columns), card.reasons.itertuples(index=False))


#: columns holding shares (0–1), shown as percentages in the workbooks
_SHARES = frozenset(("退回率", "上次退回率", "重报类型本次退回率", "必填项完整率", "重要项完整率", "完整率"))


def _operator(campaign: Campaign) -> str:
    from .audit import operator_label

    return operator_label(campaign)


def write_scorecards(
    con: duckdb.DuckDBPyConnection, campaign: Campaign, out_dir: Path, company: str | None = None
) -> tuple[dict[str, Scorecard], list[Path]]:
    """One workbook per company and the league table (all companies) in ``out_dir``."""
    cards = compute(con, company)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for code, card in cards.items():
        wb = Workbook(write_only=True)
        write_sheets(wb, card, campaign)
        path = out_dir / f"数据质量记分卡_{code}.xlsx"
        wb.save(path)
        written.append(path)
    if company is None and cards:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("数据质量排行榜")
        ws.append(
            [
                cell(
                    ws,
                    f"{campaign.name} 各公司数据质量排行榜 / data-quality league table",
                    bold=True,
                )
            ]
        )
        ws.append(
            [
                cell(ws, "生成时间 generated"),
                cell(ws, dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
                cell(ws, "经办人 operator"),
                cell(ws, _operator(campaign)),
            ]
        )
        league = league_table(cards)
        append_rows(ws, list(league.columns), _rows(league, list(league.columns)), percent=_SHARES)
        ws2 = wb.create_sheet("各公司各类数据")
        all_kinds = pd.concat([c.kinds for c in cards.values()], ignore_index=True)
        append_rows(ws2, ["公司", *KIND_COLUMNS], _rows(all_kinds, ["公司", *KIND_COLUMNS]), percent=_SHARES)
        path = out_dir / f"数据质量排行榜_{campaign.year}.xlsx"
        wb.save(path)
        written.append(path)
    return cards, written


def league_text(league: pd.DataFrame) -> str:
    if league.empty:
        return "没有公司报送数据 / no company submissions in the warehouse"
    show = league[
        [
            "排名",
            "公司",
            "质量得分",
            "等级",
            "读取行数",
            "退回行数",
            "退回率",
            "必填项完整率",
            "重要项完整率",
            "校验位错误",
            "Excel损坏",
            "日期异常",
            "重复行",
            "退回率变化(百分点)",
        ]
    ].copy()
    for c in ("退回率", "必填项完整率", "重要项完整率"):
        show[c] = show[c].map(_pct)
    show["退回率变化(百分点)"] = show["退回率变化(百分点)"].map(
        lambda x: "—" if x is None or x != x else f"{x:+.2f}"
    )
    return "数据质量排行榜 / data-quality league table\n" + show.to_string(index=False)
