"""Summary figures (总结报告): Attachments 1 and 2, rule effectiveness, trends, rule suggestions.

Everything here is computed from the clue tables (warehouse) joined to what came
back (lifecycle store: feedback, verdicts, events), so the figures a report
shows can be re-derived from the data at any time.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from .lifecycle import VERDICTS, LifecycleStore
from .taxonomy import FRAUD_KINDS, LINES


def _outcomes(store: LifecycleStore) -> pd.DataFrame:
    """One row per clue that has any outcome: latest company feedback, latest verdict, current state."""
    fb = pd.read_sql_query(
        "SELECT clue_id, company_code, conclusion, amount_involved, amount_recovered, referred_to_police, referral_date,"
        " police_case_no FROM feedback WHERE superseded_by IS NULL", store.connection)
    fb_clue = (fb.groupby("clue_id")
               .agg(confirmed_by_company=("conclusion", lambda s: bool((s == "确认欺诈").any())),
                    rejected_by_company=("conclusion", lambda s: bool((s == "排除欺诈").any()) and not (s == "确认欺诈").any()),
                    company_referred=("referred_to_police", lambda s: bool((s == "是").any())),
                    amount_involved=("amount_involved", "sum"), amount_recovered=("amount_recovered", "sum"),
                    police_case_no=("police_case_no", lambda s: ";".join(sorted({x for x in s if isinstance(x, str) and x}))),
                    referral_date=("referral_date", "min"))
               .reset_index()) if len(fb) else pd.DataFrame(columns=[
                   "clue_id", "confirmed_by_company", "rejected_by_company", "company_referred", "amount_involved",
                   "amount_recovered", "police_case_no", "referral_date"])
    v = pd.read_sql_query("SELECT subject AS clue_id, verdict FROM verdicts v WHERE verdict_id = "
                          "(SELECT max(verdict_id) FROM verdicts x WHERE x.subject = v.subject)", store.connection)
    st = store.current_states().rename(columns={"subject": "clue_id"})[["clue_id", "state"]]
    out = st.merge(fb_clue, on="clue_id", how="outer").merge(v, on="clue_id", how="left")
    return out


def clue_outcomes(con: duckdb.DuckDBPyConnection, store: LifecycleStore, period: str = "campaign") -> pd.DataFrame:
    """Every current clue with its outcome flags (confirmed, referred, case filed, not fraud)."""
    clues = con.execute("SELECT clue_id, rule_id, title_zh, line, fraud_kind, tier, score, amount, companies, "
                        "company_count, first_seen_at FROM clues WHERE current AND period = ?", [period]).df()
    out = clues.merge(_outcomes(store), on="clue_id", how="left")
    for c in ("confirmed_by_company", "rejected_by_company", "company_referred"):
        out[c] = out[c].fillna(False).astype(bool)
    out["panel_refer"] = out["verdict"].eq("refer")
    out["panel_not_fraud"] = out["verdict"].eq("not_fraud")
    out["dispatched"] = out["state"].notna()
    out["confirmed"] = out["confirmed_by_company"] | out["panel_refer"] | out["state"].isin(["referred", "case_filed"])
    out["not_fraud"] = (out["rejected_by_company"] | out["panel_not_fraud"]) & ~out["confirmed"]
    out["referred"] = out["state"].isin(["referred", "case_filed"]) | out["company_referred"]
    out["case_filed"] = out["state"].eq("case_filed") | out["police_case_no"].fillna("").ne("")
    out["line_zh"] = out["line"].map(lambda x: LINES.get(x, x).split(" ")[0])
    out["fraud_kind_zh"] = out["fraud_kind"].map(lambda k: FRAUD_KINDS[k].zh if k in FRAUD_KINDS else k)
    return out


def attachment1(outcomes: pd.DataFrame, by: str, cities: dict[str, str] | None = None) -> pd.DataFrame:
    """Attachment 1 (专项行动成果汇总): counts and amounts by company, city or line."""
    df = outcomes.copy()
    if by == "company":
        df = df.assign(key=df["companies"].str.split(";")).explode("key")
    elif by == "city":
        df = df.assign(key=df["companies"].str.split(";")).explode("key")
        df["key"] = df["key"].map(lambda c: (cities or {}).get(c, "未知"))
        df = df.drop_duplicates(["clue_id", "key"])
    else:
        df["key"] = df["line_zh"]
    def figures(g):
        return pd.DataFrame({
            "下发线索数": g["dispatched"].sum(), "确认欺诈数": g["confirmed"].sum(), "排除欺诈数": g["not_fraud"].sum(),
            "移送公安数": g["referred"].sum(), "立案数": g["case_filed"].sum(),
            "涉案金额(元)": g["amount_involved"].sum(), "挽损金额(元)": g["amount_recovered"].sum()})

    label = {"company": "公司", "city": "城市", "line": "险种"}[by]
    res = figures(df.groupby("key", sort=True)).reset_index().rename(columns={"key": label})
    # the total counts each clue once, even when it involves several companies or cities
    total = figures(outcomes.assign(key="合计").groupby("key")).reset_index().rename(columns={"key": label})
    return pd.concat([res, total], ignore_index=True)


def attachment2(con: duckdb.DuckDBPyConnection, store: LifecycleStore) -> pd.DataFrame:
    """Attachment 2 (移送公安线索清单): clues referred by the association's panels and by companies themselves."""
    ev = pd.read_sql_query(
        "SELECT subject AS clue_id, min(at) AS referred_at, group_concat(DISTINCT actor) AS actors FROM events "
        "WHERE state = 'referred' GROUP BY subject", store.connection)
    v = pd.read_sql_query("SELECT DISTINCT subject AS clue_id FROM verdicts WHERE verdict = 'refer'", store.connection)
    fb = pd.read_sql_query("SELECT clue_id, company_code, referral_date, police_case_no, amount_involved FROM feedback "
                           "WHERE superseded_by IS NULL AND referred_to_police = '是'", store.connection)
    ids = sorted(set(ev.clue_id) | set(fb.clue_id))
    if not ids:
        return pd.DataFrame(columns=["序号", "线索编号", "移送方式", "涉及公司", "险种", "欺诈类型", "涉案金额(元)", "移送日期",
                                     "公安立案编号"])
    clues = con.execute("SELECT clue_id, line, fraud_kind, companies, amount FROM clues WHERE clue_id IN "
                        "(SELECT unnest(?::VARCHAR[]))", [ids]).df()
    fbg = fb.groupby("clue_id").agg(referral_date=("referral_date", "min"),
                                    police_case_no=("police_case_no", lambda s: ";".join(sorted({x for x in s if isinstance(x, str) and x}))),
                                    amount_involved=("amount_involved", "sum")).reset_index()
    df = clues.merge(fbg, on="clue_id", how="left").merge(ev, on="clue_id", how="left")
    df["how"] = ["协会研判移送" if c in set(v.clue_id) else "公司自行移送" for c in df.clue_id]
    df["date"] = df["referral_date"].fillna(df["referred_at"].str[:10])
    df = df.sort_values(["date", "clue_id"]).reset_index(drop=True)
    return pd.DataFrame({
        "序号": range(1, len(df) + 1), "线索编号": df.clue_id, "移送方式": df.how, "涉及公司": df.companies,
        "险种": df.line.map(lambda x: LINES.get(x, x).split(" ")[0]),
        "欺诈类型": df.fraud_kind.map(lambda k: FRAUD_KINDS[k].zh if k in FRAUD_KINDS else k),
        "涉案金额(元)": df.amount_involved.fillna(df.amount), "移送日期": df.date, "公安立案编号": df.police_case_no.fillna(""),
    })


def rule_effectiveness(outcomes: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """Per rule: clues dispatched, with an outcome, confirmed; precision = confirmed / decided."""
    d = outcomes[outcomes["dispatched"]].assign(decided=lambda x: x.confirmed | x.not_fraud)
    g = d.groupby(["rule_id", "title_zh"], dropna=False)
    res = pd.DataFrame({
        "下发": g.size(), "已有结论": g["decided"].sum(),
        "确认": g["confirmed"].sum(), "排除": g["not_fraud"].sum(), "移送": g["referred"].sum(),
    }).reset_index()
    res["确认率"] = (res["确认"] / res["已有结论"].where(res["已有结论"] > 0)).round(3)
    res["建议"] = [
        (f"提高阈值或降级：确认率低于{threshold:.0%}" if p < threshold else "保持")
        if p == p else "结论不足，继续观察"
        for p in res["确认率"]]
    return res.sort_values(["确认率", "下发"], ascending=[True, False]).reset_index(drop=True)


def trends(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Clues and confirmed fraud by month first seen, line and fraud kind (风险趋势)."""
    df = outcomes.copy()
    df["month"] = pd.to_datetime(df["first_seen_at"]).dt.strftime("%Y-%m")
    return (df.groupby(["month", "line_zh", "fraud_kind_zh"]).agg(线索=("clue_id", "count"), 确认=("confirmed", "sum"),
                                                                 涉案金额=("amount", "sum")).reset_index())


VERDICT_ZH = {k: v[0] for k, v in VERDICTS.items()}
