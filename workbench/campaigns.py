"""The three ways of finding clues, as functions the papermill notebooks call (专项行动筛查).

* top-down (自上而下): national-platform clue lists matched to the named company's records —
  the ``top_down_*`` rules read ``platform_clue_auto`` / ``platform_clue_agri``;
* platform cross-comparison (反欺诈平台筛查): the whole rule library and rings on the
  2018-onward upload;
* company self-screening (公司自行筛查): the pre-2017 accident & health review (Attachments
  3 and 4, aggregated, de-duplicated and exported for the national re-screening) and the
  industry-wide screen for the cases companies already hold (Attachments 5 and 6).

Dispatch (下发) writes one workbook per company holding its own records only and records a
``dispatched`` event for each clue in the lifecycle store.  Notebooks stay thin: the logic is here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path

import duckdb
import pandas as pd

from . import audit
from .config import Campaign
from .errors import WorkbenchError
from .lifecycle import LifecycleStore
from .screen import ScreenResult, engine_options, latest_run, screen
from .taxonomy import FRAUD_KINDS, PRE2017_TYPES
from .workbook import WorkbookResult, company_clues, write_company_workbook

log = logging.getLogger(__name__)

__all__ = ["engine_options"]  # re-exported for the notebooks: engine keywords from their parameters

STEPS = {
    "top_down": "自上而下线索 top-down platform clues",
    "cross_comparison": "平台交叉比对 platform cross-comparison",
    "pre2017": "2017年及以前意健险自查 pre-2017 A&H self-review",
    "known_cases": "已掌握案件同类筛查 industry screen for known cases",
}
TOP_DOWN_RULES = ("top_down_platform_auto", "top_down_platform_agri")
KNOWN_CASE_RULES = ("known_case_auto", "known_case_agri", "known_case_ah")
FRAUD_KIND_TO_PRE2017 = {k: t for t, kinds in PRE2017_TYPES.items() for k in kinds}


def companies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The companies taking part: the register if loaded, else every company seen in the manifest."""
    reg = con.execute("SELECT company_code, company_name, company_type, city FROM company ORDER BY 1").df()
    seen = con.execute("SELECT DISTINCT company_code FROM manifest WHERE company_code IS NOT NULL AND "
                       "status = 'loaded' ORDER BY 1").df()
    missing = seen[~seen["company_code"].isin(reg["company_code"])]
    return pd.concat([reg, missing], ignore_index=True)


def _available(con, rule_ids) -> list[str]:
    from .rules import discover

    have = set(discover())
    return [r for r in rule_ids if r in have]


def run_top_down(con, *, params: dict | None = None, **engine) -> ScreenResult:
    """Match the platform clue lists (auto, agri) to the warehouse and enrich them.

    ``engine`` (every ``run_*`` step): where the rules run, as :func:`workbench.screen.screen`
    takes it — ``engine="spark"``, ``spark_master``, ``spark_conf``, ``parquet``, ``spark``;
    a notebook builds them from its parameters with :func:`engine_options`."""
    rules = _available(con, TOP_DOWN_RULES)
    if not rules:
        raise WorkbenchError("没有自上而下匹配规则 / no top-down rules found in sql/rules")
    return screen(con, rules=rules, params=params, period="campaign", rings=False, **engine)


def unmatched_platform_clues(con) -> pd.DataFrame:
    """Platform clues that name a claim or policy the named company never submitted (to return upstream)."""
    return con.execute("""
        SELECT 'auto' AS line, p.platform_clue_no, p.company_code, p.claim_no AS record_no, p.risk_type
        FROM platform_clue_auto p
        WHERE p.claim_no IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM auto_claim c WHERE c.company_code = p.company_code AND c.claim_no = p.claim_no)
        UNION ALL
        SELECT 'agri', p.platform_clue_no, p.company_code, coalesce(p.claim_no, p.policy_no), p.risk_type
        FROM platform_clue_agri p
        WHERE NOT EXISTS (SELECT 1 FROM agri_claim c WHERE c.company_code = p.company_code AND c.claim_no = p.claim_no)
          AND NOT EXISTS (SELECT 1 FROM agri_policy q WHERE q.company_code = p.company_code AND q.policy_no = p.policy_no)
        ORDER BY 1, 2
    """).df()


def run_cross_comparison(con, *, params: dict | None = None, lines: list[str] | None = None,
                         rules: list[str] | None = None, rings: bool = True, **engine) -> ScreenResult:
    """The platform screening of the 2018-onward upload: every rule (but the form-driven ones) and rings."""
    from .rules import discover, select_rules

    if rules is None:
        chosen = select_rules(discover(), lines=lines, period="campaign")
        rules = [r.id for r in chosen if r.id not in TOP_DOWN_RULES + KNOWN_CASE_RULES]
    return screen(con, rules=rules, params=params, period="campaign", rings=rings, **engine)


def run_known_cases(con, *, params: dict | None = None, **engine) -> ScreenResult:
    """Screen the whole industry for the people, accounts, agents, shops of the cases companies hold."""
    rules = _available(con, KNOWN_CASE_RULES)
    if not rules:
        raise WorkbenchError("没有已知案件筛查规则 / no known-case rules found in sql/rules")
    return screen(con, rules=rules, params=params, period="campaign", rings=False, **engine)


def run_pre2017(con, *, params: dict | None = None, **engine) -> ScreenResult:
    """The accident & health rules on the pre-2017 settled claims (ah_claim_hist, medical_receipt_hist)."""
    return screen(con, lines=["accident_health", "life"], params=params, period="pre2017", rings=False,
                  **engine)


# --- Attachments 3 and 4 (pre-2017 self-review) -------------------------------------------------

ATT3_COLUMNS = ["公司代码", "线索编号", "疑似欺诈类型", "保单号", "赔案号", "涉案人员姓名", "涉案人员证件号码", "出险日期",
                "涉案金额(元)", "线索描述", "医院名称", "人员令牌"]
ATT4_COLUMNS = ["公司代码", "姓名", "证件类型", "证件号码", "风险类别", "认定依据", "理赔次数", "涉及金额(元)",
                "录入日期", "人员令牌"]


def attachment3(con, company: str | None = None) -> pd.DataFrame:
    """Draft Attachment 3 (pre-2017 suspected fraud clues) from the pre-2017 clues, per company."""
    df = con.execute("""
        SELECT r.company_code, c.clue_id, c.fraud_kind, c.evidence_zh,
               string_agg(DISTINCT h.policy_no, ';' ORDER BY h.policy_no) AS policy_no,
               string_agg(DISTINCT h.claim_no, ';' ORDER BY h.claim_no) AS claim_no,
               any_value(h.insured_name_mask) AS person_name, any_value(h.insured_id_mask) AS person_id,
               any_value(h.insured_id_token) AS person_token, min(h.loss_date) AS loss_date,
               -- money in 分, summed in one order: the same figure whatever order the rows came in
               round(sum(h.paid_amount ORDER BY h.paid_amount), 2) AS amount,
               string_agg(DISTINCT h.hospital_name, ';' ORDER BY h.hospital_name) AS hospital_name
        FROM clues c
        JOIN clue_records r ON r.clue_id = c.clue_id AND r.record_kind = 'ah_claim_hist'
        JOIN ah_claim_hist h ON h.company_code = r.company_code AND h.claim_no = r.record_no
        WHERE c.current AND c.period = 'pre2017' AND c.rule_id <> 'ring'
          AND ($company IS NULL OR r.company_code = $company)
        GROUP BY r.company_code, c.clue_id, c.fraud_kind, c.evidence_zh
        ORDER BY r.company_code, c.clue_id
    """, {"company": company}).df()
    df["type"] = df["fraud_kind"].map(lambda k: FRAUD_KIND_TO_PRE2017.get(k, "多头投保"))
    out = pd.DataFrame({
        "公司代码": df["company_code"], "线索编号": df["clue_id"], "疑似欺诈类型": df["type"], "保单号": df["policy_no"],
        "赔案号": df["claim_no"], "涉案人员姓名": df["person_name"], "涉案人员证件号码": df["person_id"],
        "出险日期": df["loss_date"], "涉案金额(元)": df["amount"], "线索描述": df["evidence_zh"],
        "医院名称": df["hospital_name"], "人员令牌": df["person_token"]})
    return out[ATT3_COLUMNS]


def attachment4(con, company: str | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Draft Attachment 4 (pre-2017 high-risk persons, six categories) for persons with the company's claims."""
    run = latest_run(con, "pre2017")
    df = con.execute("""
        WITH mine AS (
            SELECT DISTINCT company_code, insured_id_token AS token, insured_name_mask AS name_mask,
                   insured_id_mask AS id_mask
            FROM ah_claim_hist WHERE ($company IS NULL OR company_code = $company))
        SELECT m.company_code, min(m.name_mask) AS name_mask, min(m.id_mask) AS id_mask,
               h.category_zh, h.evidence_zh, h.claim_count, round(h.amount, 2) AS amount, h.person_token
        FROM high_risk_persons h JOIN mine m ON m.token = h.person_token
        WHERE h.run_id = $run
        GROUP BY m.company_code, h.category_zh, h.evidence_zh, h.claim_count, h.amount, h.person_token
        ORDER BY m.company_code, h.category_zh, h.person_token
    """, {"company": company, "run": run}).df()
    today = today or dt.date.today()
    out = pd.DataFrame({
        "公司代码": df["company_code"], "姓名": df["name_mask"], "证件类型": "居民身份证", "证件号码": df["id_mask"],
        "风险类别": df["category_zh"], "认定依据": df["evidence_zh"], "理赔次数": df["claim_count"],
        "涉及金额(元)": df["amount"], "录入日期": today, "人员令牌": df["person_token"]})
    return out[ATT4_COLUMNS]


def aggregate_pre2017(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All companies' Attachments 3/4 — drafts from the rules plus the forms companies submitted —
    de-duplicated across companies by person (and type/category)."""
    att3 = attachment3(con)
    forms3 = con.execute("""SELECT company_code AS 公司代码, clue_no AS 线索编号, fraud_type AS 疑似欺诈类型,
        policy_no AS 保单号, claim_no AS 赔案号, person_name_mask AS 涉案人员姓名, person_id_mask AS 涉案人员证件号码,
        loss_date AS 出险日期, amount AS "涉案金额(元)", description AS 线索描述, hospital_name AS 医院名称,
        person_id_token AS 人员令牌 FROM att3_clue""").df()
    all3 = pd.concat([att3, forms3], ignore_index=True)
    agg3 = (all3.groupby(["人员令牌", "疑似欺诈类型"], dropna=False, sort=True)
            .agg(涉案人员证件号码=("涉案人员证件号码", "first"), 涉及公司=("公司代码", lambda s: ";".join(sorted(set(s)))),
                 公司数=("公司代码", "nunique"), 线索编号=("线索编号", lambda s: ";".join(sorted(set(s)))),
                 涉案金额=("涉案金额(元)", "sum"))
            .reset_index())
    att4 = attachment4(con)
    forms4 = con.execute("""SELECT company_code AS 公司代码, person_name_mask AS 姓名, person_id_mask AS 证件号码,
        risk_category AS 风险类别, basis AS 认定依据, claim_count AS 理赔次数, amount AS "涉及金额(元)",
        person_id_token AS 人员令牌 FROM att4_person""").df()
    all4 = pd.concat([att4, forms4], ignore_index=True)
    agg4 = (all4.groupby(["人员令牌", "风险类别"], dropna=False, sort=True)
            .agg(证件号码=("证件号码", "first"), 涉及公司=("公司代码", lambda s: ";".join(sorted(set(s)))),
                 公司数=("公司代码", "nunique"), 理赔次数=("理赔次数", "max"))
            .reset_index())
    return agg3, agg4


RESCREEN_RESULT_COLUMNS = ["全国复筛结果", "外省涉及公司数", "复筛备注"]


def export_for_national(con, out_dir: Path, campaign: Campaign) -> Path:
    """The file for the national accident & health risk system: one row per person, tokens and masks only."""
    agg3, agg4 = aggregate_pre2017(con)
    persons = pd.concat([
        agg3.rename(columns={"涉案人员证件号码": "证件号码(脱敏)", "疑似欺诈类型": "类别"})[
            ["人员令牌", "证件号码(脱敏)", "类别", "涉及公司", "公司数"]],
        agg4.rename(columns={"证件号码": "证件号码(脱敏)", "风险类别": "类别"})[
            ["人员令牌", "证件号码(脱敏)", "类别", "涉及公司", "公司数"]],
    ])
    persons = (persons.groupby("人员令牌", sort=True)
               .agg(**{"证件号码(脱敏)": ("证件号码(脱敏)", "first"),
                       "类别": ("类别", lambda s: ";".join(sorted(set(s)))),
                       "涉及公司": ("涉及公司", lambda s: ";".join(sorted({c for x in s for c in x.split(";")}))),
                       "公司数": ("公司数", "max")}).reset_index())
    for c in RESCREEN_RESULT_COLUMNS:
        persons[c] = None
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"全国复筛报送_{campaign.year}.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        persons.to_excel(xw, sheet_name="复筛人员", index=False)
        pd.DataFrame({"说明": [f"{campaign.name}：2017年及以前意健险疑似欺诈线索和高风险人员汇总，按人员去重。",
                              "人员令牌为协会脱敏令牌，再识别由报送公司在本公司系统内完成。",
                              "请在“全国复筛结果”“外省涉及公司数”“复筛备注”三列填写复筛结果后返回。",
                              f"经办人 operator：{audit.operator_label(campaign)}；"
                              f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M}"]}).to_excel(
            xw, sheet_name="说明", index=False)
    audit.record_for_warehouse_con(con, "export_national", campaign=campaign, outputs=[path],
                                   summary=f"全国复筛报送文件：{len(persons)} 人")
    return path


def import_national_results(con, path: Path) -> int:
    """Read the re-screening file back with its result columns filled; return rows recorded."""
    df = pd.read_excel(path, sheet_name="复筛人员", dtype=str, engine="calamine").fillna("")
    missing = [c for c in ["人员令牌", *RESCREEN_RESULT_COLUMNS] if c not in df.columns]
    if missing:
        raise WorkbenchError(f"复筛结果文件缺少列 / result file lacks columns: {missing}")
    df = df[df["全国复筛结果"].str.strip() != ""]
    bad = df[~df["人员令牌"].str.match(r"^ID_[0-9a-f]{24}$")]
    if len(bad):
        raise WorkbenchError(f"复筛结果文件中有{len(bad)}行人员令牌无效，请勿修改令牌列 / {len(bad)} rows with invalid tokens")
    n = pd.to_numeric(df["外省涉及公司数"], errors="coerce")
    rows = pd.DataFrame({"person_token": df["人员令牌"], "person_mask": df.get("证件号码(脱敏)"),
                         "result": df["全国复筛结果"].str.strip(), "other_province_companies": n.astype("Int64"),
                         "remarks": df["复筛备注"], "source_file": path.name, "imported_at": dt.datetime.now()})
    con.execute("DELETE FROM national_rescreen WHERE source_file = ?", [path.name])
    con.register("incoming_rescreen", rows)
    con.execute("INSERT INTO national_rescreen BY NAME SELECT * FROM incoming_rescreen")
    con.unregister("incoming_rescreen")
    audit.record_for_warehouse_con(con, "import_national", data_inputs=False,
                                   inputs=[{"file": path.name, "sha256": audit.sha256_of(path)}],
                                   outputs=[{"path": "warehouse.duckdb#national_rescreen", "rows": len(rows)}],
                                   summary=f"导入全国复筛结果 {path.name}：{len(rows)} 行")
    return len(rows)


# --- dispatch --------------------------------------------------------------------------------


def dispatch_company(con, campaign: Campaign, company: str, out_dir: Path, *, store: LifecycleStore | None = None,
                     min_tier: str = "B", actor: str | None = None, issued: dt.date | None = None,
                     include_pre2017: bool = True, company_name: str | None = None) -> WorkbookResult | None:
    """Write one company's clue workbook (its own records only) and record the dispatch.

    The workbook holds the company's current 2018-onward clues from every step (top-down,
    cross-comparison, known cases) at ``min_tier`` or better, and — when the pre-2017 review has
    run — its draft Attachments 3 and 4.  Reads the warehouse only, so companies run in parallel.
    """
    issued = issued or dt.date.today()
    runs = [r for r in (latest_run(con, "campaign"), latest_run(con, "pre2017")) if r]
    dispatch_id = f"D{issued:%Y%m%d}-{(runs[0] if runs else 'norun')[-8:]}"
    sel = con.execute("SELECT clue_id FROM clues WHERE current AND period = 'campaign'").df()["clue_id"].tolist()
    clues, details = company_clues(con, company, sel, min_tier=min_tier)
    att = {}
    if include_pre2017 and latest_run(con, "pre2017"):
        a3, a4 = attachment3(con, company), attachment4(con, company, issued)
        if len(a3):
            att["附表3 疑似欺诈线索(2017年及以前)"] = a3.drop(columns=["人员令牌"])
        if len(a4):
            att["附表4 高风险人员(2017年及以前)"] = a4.drop(columns=["人员令牌"])
    if clues.empty and not att:
        return None
    provenance = {}
    for r in runs:
        provenance.update({f"{k} [{r[-8:]}]" if k != "程序版本 git commit" else k: v
                           for k, v in _provenance(con, r).items()})
    res = write_company_workbook(con, campaign, company, out_dir, dispatch_id=dispatch_id, company_name=company_name,
                                 provenance=provenance, clue_ids=list(clues["clue_id"]), attachments=att,
                                 issued=issued, clue_data=(clues, details))
    if store is not None:
        sha = hashlib.sha256(res.path.read_bytes()).hexdigest()
        store.record_dispatch(dispatch_id, company, str(res.path), sha, list(clues["clue_id"]), issued,
                              issued + dt.timedelta(days=campaign.feedback_days), ";".join(runs),
                              actor or campaign.operator or "未配置")
    return res


def _provenance(con, run_id: str | None) -> dict:
    if not run_id:
        return {}
    row = con.execute("SELECT run_id, started_at, period, data_fingerprint, git_commit, rules FROM screen_runs "
                      "WHERE run_id = ?", [run_id]).fetchone()
    import json

    rules = json.loads(row[5])
    return {"筛查运行 run": row[0], "运行时间 started": str(row[1]), "数据期间 period": row[2],
            "数据指纹 data fingerprint": row[3][:16] if row[3] else "未核对 unchecked (parquet read as it is)",
            "程序版本 git commit": row[4] or "",
            "规则版本 rules": "; ".join(f"{r['id']} v{r['version']}" for r in rules)}


def fraud_kind_zh(code: str) -> str:
    return FRAUD_KINDS[code].zh if code in FRAUD_KINDS else code


def same_signature_clues(con) -> pd.DataFrame:
    """Other clues of the rules that also fired on the records companies reported (Attachment 5):
    the same pattern (同类问题) elsewhere in the industry."""
    return con.execute("""
        WITH reported AS (
            SELECT a.company_code, trim(x.no) AS record_no, a.clue_no
            FROM att5_clue a, unnest(string_split(coalesce(a.claim_no, '') || ';' || coalesce(a.policy_no, ''), ';')) AS x(no)
            WHERE trim(x.no) <> ''),
        hit AS (
            SELECT DISTINCT c.rule_id, c.clue_id, rp.clue_no
            FROM reported rp JOIN clue_records r ON r.company_code = rp.company_code AND r.record_no = rp.record_no
            JOIN clues c ON c.clue_id = r.clue_id
            WHERE c.current AND c.period = 'campaign' AND c.rule_id NOT LIKE 'known_case%' AND c.rule_id <> 'ring')
        SELECT h.rule_id AS 规则, any_value(c.title_zh) AS 规则名称, count(DISTINCT h.clue_no) AS 已报案件数,
               count(DISTINCT c.clue_id) FILTER (WHERE c.clue_id NOT IN (SELECT clue_id FROM hit)) AS 同类其他线索,
               count(DISTINCT c.clue_id) FILTER (WHERE c.clue_id NOT IN (SELECT clue_id FROM hit) AND c.tier = 'A') AS 其中一级
        FROM hit h JOIN clues c ON c.rule_id = h.rule_id AND c.current AND c.period = 'campaign'
        GROUP BY h.rule_id ORDER BY 同类其他线索 DESC
    """).df()
