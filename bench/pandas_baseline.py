"""The peer baseline (同行基线): five cross-company rules written the way an analyst writes them in pandas.

Why this exists: analysts at the association screen today with pandas scripts over exported tables.
Issue 9 asks how the workbench compares — time and peak memory — on the same data and the same
rules, and that both give the same clues. Each function below mirrors one rule file of
``sql/rules/`` (same parameters, same selection, same clue keys) in idiomatic pandas: boolean
filters, ``groupby().nunique()``, self-``merge`` for time windows, ``explode`` for lists. It returns
the clue records as a frame of ``clue_key, company_code, record_kind, record_no`` so they can be
compared row for row with the rule engine's output.

Tables are read from parquet (the analyst's export), with only the columns each rule needs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

RECORD_COLS = ["clue_key", "company_code", "record_kind", "record_no"]

#: rule id → (tables and columns the pandas version reads)
COLUMNS = {
    "ah_multi_company_cover": {
        "ah_policy": ["company_code", "policy_no", "insured_id_token", "line", "channel", "sum_insured", "start_date"]
    },
    "ah_duplicate_receipt": {
        "medical_receipt": ["company_code", "claim_no", "receipt_code", "receipt_no", "amount", "claimed_amount"],
    },
    "agri_shared_payee_account": {
        "agri_claim": ["company_code", "claim_no", "policy_no", "farmer_id_token", "payee_account_token",
                       "payee_relation", "payee_id_token", "paid_amount"],
        "agri_policy": ["company_code", "policy_no", "assistant_id_token"],
    },
    "auto_vehicle_repeat": {"auto_claim": ["company_code", "claim_no", "vin_token", "accident_time"]},
    "agri_duplicate_parcel_tag": {
        "agri_policy": ["company_code", "policy_no", "start_date", "end_date", "parcel_codes", "ear_tags"]
    },
}


def load(parquet_dir: Path, rule_id: str) -> dict[str, pd.DataFrame]:
    """Read the columns one rule needs from the exported parquet files."""
    out = {}
    for table, cols in COLUMNS[rule_id].items():
        df = pd.read_parquet(parquet_dir / f"{table}.parquet", columns=cols)
        for c in ("start_date", "end_date", "accident_time"):
            if c in df:
                df[c] = pd.to_datetime(df[c])
        out[table] = df
    return out


def _records(df: pd.DataFrame) -> pd.DataFrame:
    return df[RECORD_COLS].drop_duplicates().reset_index(drop=True)


def ah_multi_company_cover(t: dict, window_days: int = 90, min_companies: int = 3) -> pd.DataFrame:
    p = t["ah_policy"]
    s = p[p.insured_id_token.notna() & p.line.isin(["意外险", "医疗险"])
          & (p.channel.fillna("") != "团体保险") & p.start_date.notna()]
    nco = s.groupby("insured_id_token").company_code.nunique()
    s = s[s.insured_id_token.isin(nco[nco >= min_companies].index)]
    anchors = s[["insured_id_token", "start_date"]].drop_duplicates().rename(columns={"start_date": "anchor"})
    m = anchors.merge(s, on="insured_id_token")
    days = (m.start_date - m.anchor).dt.days
    m = m[(days >= 0) & (days <= window_days)].copy()
    m["pol"] = m.company_code + "/" + m.policy_no
    w = m.groupby(["insured_id_token", "anchor"]).agg(companies=("company_code", "nunique"),
                                                      total_si=("sum_insured", "sum")).reset_index()
    w = w[w.companies >= min_companies]
    best = (w.sort_values(["insured_id_token", "companies", "total_si", "anchor"],
                          ascending=[True, False, False, True])
            .drop_duplicates("insured_id_token"))
    r = best[["insured_id_token", "anchor"]].merge(s, on="insured_id_token")
    d = (r.start_date - r.anchor).dt.days
    r = r[(d >= 0) & (d <= window_days)].copy()
    r["clue_key"] = "insured:" + r.insured_id_token
    r["record_kind"], r["record_no"] = "ah_policy", r.policy_no
    return _records(r)


def ah_duplicate_receipt(t: dict, min_claims: int = 2) -> pd.DataFrame:
    r = t["medical_receipt"]
    r = r[r.receipt_code.notna() & r.receipt_no.notna()].copy()
    r["claimed"] = r.claimed_amount.fillna(r.amount)
    src = r[["company_code", "claim_no", "receipt_code", "receipt_no", "amount", "claimed"]].drop_duplicates()
    src = src.assign(ck=src.company_code + "/" + src.claim_no)
    n = src.groupby(["receipt_code", "receipt_no"]).ck.nunique().rename("claims").reset_index()
    f = src.merge(n[n.claims >= min_claims], on=["receipt_code", "receipt_no"])
    f["clue_key"] = "receipt:" + f.receipt_code + "/" + f.receipt_no
    claims = f.assign(record_kind="ah_claim", record_no=f.claim_no)
    receipts = f.assign(record_kind="medical_receipt", record_no=f.receipt_code + "/" + f.receipt_no)
    return _records(pd.concat([claims, receipts]))


def agri_shared_payee_account(t: dict, min_farmers: int = 3, min_farmers_official: int = 2) -> pd.DataFrame:
    k, p = t["agri_claim"], t["agri_policy"]
    s = k.merge(p, on=["company_code", "policy_no"], how="left")
    s = s[s.payee_account_token.notna() & s.farmer_id_token.notna()].copy()
    s["official"] = (s.payee_relation.isin(["协保员", "村干部"])
                     | (s.payee_id_token.notna() & (s.payee_id_token == s.assistant_id_token))).astype(int)
    g = s.groupby("payee_account_token").agg(farmers=("farmer_id_token", "nunique"), official=("official", "max"))
    keep = g[(g.farmers >= min_farmers) | ((g.official == 1) & (g.farmers >= min_farmers_official))].index
    r = s[s.payee_account_token.isin(keep)].copy()
    r["clue_key"] = "account:" + r.payee_account_token
    r["record_kind"], r["record_no"] = "agri_claim", r.claim_no
    return _records(r)


def auto_vehicle_repeat(t: dict, short_days: int = 90, short_count: int = 3, long_days: int = 365,
                        long_count: int = 5) -> pd.DataFrame:
    c = t["auto_claim"]
    s = c[c.vin_token.notna() & c.accident_time.notna()].copy()
    s["accident_date"] = s.accident_time.dt.normalize()
    n = s.groupby("vin_token").accident_time.nunique()
    s2 = s[s.vin_token.isin(n[n >= min(short_count, long_count)].index)]
    a = s2[["vin_token", "accident_time", "accident_date"]].drop_duplicates()
    m = a.merge(s2[["vin_token", "accident_time", "accident_date"]], on="vin_token", suffixes=("_a", ""))
    days = (m.accident_date - m.accident_date_a).dt.days
    m = m[(days >= 0) & (days <= long_days)]
    n_long = m.groupby(["vin_token", "accident_time_a"]).accident_time.nunique()
    short = m[(m.accident_date - m.accident_date_a).dt.days <= short_days]
    n_short = short.groupby(["vin_token", "accident_time_a"]).accident_time.nunique()
    per_vin = pd.DataFrame({"n_short": n_short.groupby("vin_token").max(),
                            "n_long": n_long.groupby("vin_token").max()}).fillna(0)
    vins = per_vin[(per_vin.n_short >= short_count) | (per_vin.n_long >= long_count)].index
    r = s[s.vin_token.isin(vins)].copy()
    r["clue_key"] = "vin:" + r.vin_token
    r["record_kind"], r["record_no"] = "auto_claim", r.claim_no
    return _records(r)


def agri_duplicate_parcel_tag(t: dict, min_policies: int = 2) -> pd.DataFrame:
    p = t["agri_policy"]
    parts = []
    for col, item_type in (("parcel_codes", "parcel"), ("ear_tags", "ear_tag")):
        x = p[p[col].notna()][["company_code", "policy_no", "start_date", "end_date", col]].copy()
        x["item"] = x[col].str.split(";")
        x = x.explode("item")
        x["item"] = x["item"].str.strip()
        x["item_type"] = item_type
        parts.append(x.drop(columns=col))
    s = pd.concat(parts)
    s = s[s["item"].notna() & (s["item"] != "")].drop_duplicates()
    s["pol"] = s.company_code + "/" + s.policy_no
    n = s.groupby(["item_type", "item"]).pol.nunique()
    s = s.merge(n[n >= min_policies].rename("n").reset_index(), on=["item_type", "item"])
    m = s.merge(s[["item_type", "item", "pol", "start_date", "end_date"]], on=["item_type", "item"],
                suffixes=("", "_b"))
    m = m[(m.pol != m.pol_b) & (m.start_date_b <= m.end_date) & (m.start_date <= m.end_date_b)]
    f = m[["item_type", "item", "company_code", "policy_no", "pol"]].drop_duplicates()
    e = f.groupby(["item_type", "item"]).pol.nunique()
    f = f.merge(e[e >= min_policies].rename("policies").reset_index(), on=["item_type", "item"])
    f["clue_key"] = f.item_type + ":" + f.item
    f["record_kind"], f["record_no"] = "agri_policy", f.policy_no
    return _records(f)


RULES = {
    "ah_multi_company_cover": ah_multi_company_cover,
    "ah_duplicate_receipt": ah_duplicate_receipt,
    "agri_shared_payee_account": agri_shared_payee_account,
    "auto_vehicle_repeat": auto_vehicle_repeat,
    "agri_duplicate_parcel_tag": agri_duplicate_parcel_tag,
}


def engine_records(con, rule_id: str) -> pd.DataFrame:
    """The same rule's clue records from the workbench's rule engine (DuckDB)."""
    from workbench.engine import Engine
    from workbench.rules import load_rule_id

    # the parcel rule's extra item rows name the same agri_policy records: _records folds them
    return _records(Engine(con).fetch(load_rule_id(rule_id)))


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM) in MiB.

    Not ``ru_maxrss``: on Linux that survives fork and exec, so a child started by a large parent
    would report the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def same_records(a: pd.DataFrame, b: pd.DataFrame) -> tuple[bool, int, int]:
    """(equal, rows only in a, rows only in b) of two record frames."""
    ka = set(map(tuple, a[RECORD_COLS].astype(str).to_numpy()))
    kb = set(map(tuple, b[RECORD_COLS].astype(str).to_numpy()))
    return ka == kb, len(ka - kb), len(kb - ka)


def export_parquet(con, out_dir: Path) -> None:
    """Export the tables the baseline reads (what an analyst would receive) as parquet."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {t for cols in COLUMNS.values() for t in cols}
    for t in sorted(tables):
        con.execute(f"COPY {t} TO '{out_dir / (t + '.parquet')}' (FORMAT parquet)")
