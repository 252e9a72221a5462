"""Campaign forms and reference lists (专项行动表单与名录).

The company register, the national platforms' top-down clue lists (全国车险反欺诈
信息系统、农险信息平台线索), Attachment 5 (companies' own clues and cracked
cases), Attachment 6 (high-risk persons) and Attachment 7 (contacts).  Platform
lists point partly at planted scenarios, partly at honest records (noise) and
in two places at claim numbers that do not exist, as real lists do.
"""

from __future__ import annotations

import pandas as pd
from faker import Faker

from ..taxonomy import FRAUD_KINDS
from .planter import Planter
from .tables import frame

AUTO_RISKS = {
    "auto_staged": [
        ("R101", "同一车辆短期内多次出险"),
        ("R105", "同一人员多次出险且角色互换"),
        ("R102", "出险时间接近起保时间"),
    ],
    "auto_repair_inflation": [("R201", "修理厂案均赔款及换件比例异常")],
    "auto_injury_broker": [("R301", "人伤案件同一委托代理人集中")],
    "noise": [
        ("R103", "夜间单方事故"),
        ("R102", "出险时间接近起保时间"),
        ("R101", "同一车辆短期内多次出险"),
    ],
}
AGRI_RISKS = {
    "agri_duplicate": "重复投保",
    "agri_fictitious": "承保数量超过确权面积或存栏量",
    "agri_false_claim": "疑似虚假理赔",
    "agri_after_loss": "先出险后投保",
    "agri_shared_account": "同一账户接收多户赔款",
    "noise": "赔付金额异常",
}
LINE_ZH = {"auto": "车险", "agri": "农险", "accident_health": "意健险", "life": "寿险"}


def company_frame(pl: Planter) -> pd.DataFrame:
    cos = pl.w.companies
    return frame(
        "company",
        len(cos),
        {
            "company_code": [c.code for c in cos],
            "company_name": [c.name for c in cos],
            "company_type": [c.type for c in cos],
            "city": [c.city for c in cos],
        },
    )


def contacts(pl: Planter, seed: int) -> list[dict]:
    """Attachment 7 (专项行动联系人): one or two contacts per company, invented."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rows = []
    for c in pl.w.companies:
        for j in range(1 + int(pl.rng.random() < 0.5)):
            rows.append(
                {
                    "unit_name": c.name,
                    "unit_type": "保险公司",
                    "company_code": c.code,
                    "city": c.city,
                    "contact_name": fake.name(),
                    "position": ("风险合规部总经理", "理赔部经理", "反欺诈岗")[
                        j + int(pl.rng.integers(0, 2))
                    ],
                    "office_phone": f"0431-8{int(pl.rng.integers(0, 10**6)):06d}"[:13],
                    "mobile": fake.phone_number(),
                    "email": fake.free_email(),
                }
            )
    return rows


def _scenario_rows(pl: Planter, kind: str) -> dict[str, list[dict]]:
    """Planted rows of ``kind`` grouped by scenario id."""
    key = {
        "auto_claim": "claim_no",
        "agri_claim": "claim_no",
        "agri_policy": "policy_no",
        "ah_claim": "claim_no",
        "ah_policy": "policy_no",
        "auto_policy": "policy_no",
    }[kind]
    by_no = {r[key]: r for r in pl.rows[kind]}
    out: dict[str, list[dict]] = {}
    for rec in pl.truth.records:
        if rec["kind"] == kind and rec["record_no"] in by_no:
            out.setdefault(rec["scenario_id"], []).append(by_no[rec["record_no"]])
    return out


def _kind_of(pl: Planter) -> dict[str, dict]:
    return {s["scenario_id"]: s for s in pl.truth.scenarios}


def platform_auto(pl: Planter, tables: dict) -> None:
    """The national auto platform's list (全国车险反欺诈信息系统线索)."""
    rng = pl.rng
    scen = _kind_of(pl)
    seq = iter(range(1, 10**6))

    def clue(row: dict, risk: tuple[str, str], claim_no: str | None = None) -> dict:
        n = next(seq)
        return {
            "platform_clue_no": f"CXFZ2019{n * 7919 % 1000000:06d}",
            "company_code": row["company_code"],
            "claim_no": claim_no or row["claim_no"],
            "plate_type": "新能源小型车" if len(row.get("plate", "")) == 8 else "小型汽车",
            "plate": row.get("plate", ""),
            "vin": row.get("vin", ""),
            "risk_type_code": risk[0],
            "risk_type": risk[1],
            "risk_source": "全国车险反欺诈信息系统",
            "stored_time": f"2019-07-{int(rng.integers(1, 15)):02d} {int(rng.integers(8, 18)):02d}:"
            f"{int(rng.integers(0, 60)):02d}",
            "person_name": row.get("driver_name", ""),
            "person_id_type": "居民身份证",
            "person_id": row.get("driver_id", ""),
            "phone": row.get("driver_phone", ""),
        }

    for sid, claims in sorted(_scenario_rows(pl, "auto_claim").items()):
        fk = scen[sid]["fraud_kind"]
        if fk not in AUTO_RISKS or rng.random() > 0.6:
            continue
        risks = AUTO_RISKS[fk]
        for c in claims[: 1 + int(rng.integers(0, 2))]:
            pl.add("platform_clue_auto", clue(c, risks[int(rng.integers(0, len(risks)))]), sid)
    bg = tables["auto_claim"]
    noise = bg.iloc[rng.choice(len(bg), min(len(bg), 6), replace=False)].to_dict("records")
    items = [
        (
            "platform_clue_auto",
            pl.add("platform_clue_auto", clue(r, AUTO_RISKS["noise"][int(rng.integers(0, 3))])),
        )
        for r in noise
    ]
    pl.negative(
        "platform clue (top-down) that is not fraud",
        "全国平台下发线索，核查后为正常赔案(噪声)",
        items,
    )
    missing = []
    for r in noise[:2]:
        fake_no = pl.number(r["company_code"], "DC", pd.Timestamp(r["accident_time"]).date())
        missing.append(
            (
                "platform_clue_auto",
                pl.add("platform_clue_auto", clue(r, AUTO_RISKS["noise"][0], fake_no)),
            )
        )
    pl.negative(
        "platform clue naming a claim that does not exist",
        "平台线索中的报案号在公司报送数据中不存在，需向平台核实",
        missing,
    )


def platform_agri(pl: Planter, tables: dict) -> None:
    """The agricultural platform's list (农险信息平台线索)."""
    rng = pl.rng
    scen = _kind_of(pl)
    seq = iter(range(1, 10**6))

    def clue(row: dict, risk: str, desc: str, claim_no: str | None = None) -> dict:
        n = next(seq)
        return {
            "platform_clue_no": f"NXPT2019{n * 6133 % 1000000:06d}",
            "company_code": row["company_code"],
            "policy_no": row.get("policy_no", ""),
            "claim_no": claim_no if claim_no is not None else row.get("claim_no", ""),
            "farmer_name": row.get("farmer_name", ""),
            "farmer_id": row.get("farmer_id", ""),
            "payee_account": row.get("payee_account", ""),
            "county_code": row.get("county_code", ""),
            "risk_type": risk,
            "risk_desc": desc,
            "stored_time": f"2019-07-{int(rng.integers(1, 15)):02d} 10:00",
        }

    pols = _scenario_rows(pl, "agri_policy")
    claims = _scenario_rows(pl, "agri_claim")
    for sid in sorted(set(pols) | set(claims)):
        fk = scen[sid]["fraud_kind"]
        if fk not in AGRI_RISKS or rng.random() > 0.6:
            continue
        row = (claims.get(sid) or pols.get(sid))[0]
        pl.add(
            "platform_clue_agri", clue(row, AGRI_RISKS[fk], scen[sid]["description_zh"][:60]), sid
        )
    bg = tables["agri_claim"]
    noise = bg.iloc[rng.choice(len(bg), min(len(bg), 4), replace=False)].to_dict("records")
    items = [
        (
            "platform_clue_agri",
            pl.add("platform_clue_agri", clue(r, AGRI_RISKS["noise"], "赔付金额高于同村平均")),
        )
        for r in noise
    ]
    pl.negative(
        "platform clue (top-down) that is not fraud", "农险平台线索，核查后为正常赔案(噪声)", items
    )
    missing = []
    for r in noise[:2]:
        fake_no = pl.number(r["company_code"], "NC", pd.Timestamp(r["report_date"]).date())
        missing.append(
            (
                "platform_clue_agri",
                pl.add(
                    "platform_clue_agri",
                    clue(r, AGRI_RISKS["noise"], "赔付金额高于同村平均", fake_no),
                ),
            )
        )
    pl.negative(
        "platform clue naming a claim that does not exist",
        "平台线索中的赔案号在公司报送数据中不存在，需向平台核实",
        missing,
    )


def _main_person(kind: str, row: dict) -> tuple[str, str]:
    for prefix in ("insured", "driver", "farmer"):
        if f"{prefix}_id" in row and row[f"{prefix}_id"]:
            return row[f"{prefix}_name"], row[f"{prefix}_id"]
    return "", ""


def attachment5(pl: Planter) -> None:
    """Attachment 5: some scenarios reported by the company holding one part of them."""
    rng = pl.rng
    counters: dict[str, int] = {}
    chosen = []
    by_kind: dict[str, list[dict]] = {}
    for s in pl.truth.scenarios:
        if s["period"] == "campaign" and s["fraud_kind"] in FRAUD_KINDS:
            by_kind.setdefault(s["fraud_kind"], []).append(s)
    for fk in (
        "auto_staged",
        "auto_injury_broker",
        "auto_repair_inflation",
        "agri_shared_account",
        "agri_fictitious",
        "ah_multi_company",
        "ah_fake_death",
        "ah_duplicate_receipt",
    ):
        lst = by_kind.get(fk, [])
        chosen += lst[: max(1, len(lst) // 4)]
    kinds = ("auto_claim", "agri_claim", "ah_claim", "agri_policy", "ah_policy")
    rows_by = {k: _scenario_rows(pl, k) for k in kinds}
    for s in chosen:
        sid = s["scenario_id"]
        rows = [(k, r) for k in kinds for r in rows_by[k].get(sid, [])]
        if not rows:
            continue
        co = rows[0][1]["company_code"]
        mine = [(k, r) for k, r in rows if r["company_code"] == co]
        claims = [r for k, r in mine if k.endswith("claim")]
        policies = [r for k, r in mine if k.endswith("policy")]
        first = (claims or policies)[0]
        name, pid = _main_person(rows[0][0], first)
        counters[co] = counters.get(co, 0) + 1
        cracked = rng.random() < 0.3
        agent = first.get("representative_name") or first.get("assistant_name") or ""
        account = ""
        if s["fraud_kind"] in ("agri_shared_account", "auto_staged", "ah_fake_death"):
            account = first.get("payee_account", "")
        line = LINE_ZH[FRAUD_KINDS[s["fraud_kind"]].line]
        row = {
            "company_code": co,
            "clue_no": f"{co}-XS2019-{counters[co]:03d}",
            "line": "寿险" if first.get("line") == "寿险" else line,
            "fraud_type": FRAUD_KINDS[s["fraud_kind"]].zh,
            "case_status": "已破获案件" if cracked else "疑似线索",
            "policy_no": ";".join(sorted({r["policy_no"] for r in claims + policies})),
            "claim_no": ";".join(r["claim_no"] for r in claims),
            "person_name": name,
            "person_id": pid,
            "loss_date": (first.get("loss_date") or first.get("accident_time", "")[:10]),
            "amount": round(sum(float(r["paid_amount"]) for r in claims), 2) if claims else None,
            "description": s["description_zh"],
            "plate": first.get("plate", ""),
            "payee_account": account,
            "agent_name": agent,
            "hospital_name": first.get("hospital_name", ""),
            "repair_shop_name": first.get("repair_shop_name", ""),
            "police_case_no": f"J2201{int(rng.integers(0, 10**10)):010d}" if cracked else "",
        }
        pl.add("att5_clue", row, sid)


def attachment6(pl: Planter) -> None:
    """Attachment 6: high-risk persons the companies already know (高风险人员)."""
    for sid, p, co, n, days in pl.w.cache.get("high_risk", []):
        pl.add(
            "att6_person",
            {
                "company_code": co,
                "person_name": p.name,
                "person_id_type": "居民身份证",
                "person_id": p.id,
                "risk_category": "医疗滥用",
                "basis": f"一年内{n}次因轻微外伤住院，累计{days}天",
                "claim_count": n,
                "amount": None,
                "reported_date": "2019-07-26",
            },
            sid,
        )
    scen = _kind_of(pl)
    claims = _scenario_rows(pl, "ah_claim")
    done = set()
    for sid, rows in sorted(claims.items()):
        fk = scen[sid]["fraud_kind"]
        if fk in done or fk not in ("ah_duplicate_receipt", "ah_fake_death", "ah_multi_company"):
            continue
        done.add(fk)
        r = rows[0]
        if fk == "ah_fake_death":
            name, pid, cat = r["payee_name"], r["payee_id"], "蓄意骗保"
            basis = "作为非近亲属受益人领取意外身故保险金，死亡证明缺失"
        elif fk == "ah_duplicate_receipt":
            name, pid, cat = r["insured_name"], r["insured_id"], "医疗票据重复理赔"
            basis = "同一住院票据在多家公司重复索赔"
        else:
            name, pid, cat = r["insured_name"], r["insured_id"], "隐瞒信息"
            basis = "投保时未告知在他公司的大额意外险"
        pl.add(
            "att6_person",
            {
                "company_code": r["company_code"],
                "person_name": name,
                "person_id_type": "居民身份证",
                "person_id": pid,
                "risk_category": cat,
                "basis": basis,
                "claim_count": len(rows),
                "amount": round(sum(float(x["paid_amount"]) for x in rows), 2),
                "reported_date": "2019-07-29",
            },
            sid,
        )
