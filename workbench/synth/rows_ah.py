"""Row builders for planted accident & health records (意健险植入记录的行构造).

Policies, claims (current and pre-2017) and medical receipts filled the way an
insurer's export fills them, so that planted rows look like their neighbours
except for the signature they carry.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .planter import TD, D, Person, Planter, d, t

CAMPAIGN_END = D(2019, 6, 30)


def end_of(start: dt.date, years: int = 1) -> dt.date:
    """Policy end: the day before the anniversary (终保日期)."""
    try:
        return start.replace(year=start.year + years) - TD(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def policy(
    pl: Planter,
    p: Person,
    co: str,
    line: str,
    start: dt.date,
    *,
    sum_insured: float,
    death: float | None = None,
    product: str | None = None,
    premium: float | None = None,
    holder: Person | None = None,
    relation: str = "本人",
    ben: Person | None = None,
    ben_rel: str | None = None,
    channel: str | None = None,
    agent: tuple[str, str] | None = None,
    years: int = 1,
) -> dict:
    """An ``ah_policy`` row (承保明细)."""
    rng = pl.rng
    product = (
        product
        or {
            "意外险": "综合意外伤害保险",
            "医疗险": "住院医疗费用补偿保险",
            "寿险": "定期寿险(20年)",
            "重疾险": "重大疾病保险",
        }[line]
    )
    if death is None:
        death = sum_insured if line in ("意外险", "寿险", "重疾险") else 0.0
    if premium is None:
        rate = {"意外险": 0.0018, "医疗险": 0.02, "寿险": 0.03, "重疾险": 0.025}[line]
        premium = round(sum_insured * rate * float(rng.uniform(0.8, 1.2)), 2)
    channel = channel or str(rng.choice(["个人代理", "网络销售", "直销"], p=[0.5, 0.3, 0.2]))
    if channel in ("个人代理", "专业代理") and agent is None:
        agent = pl.agent(co)
    holder = holder or p
    issue = dt.datetime.combine(
        start - TD(days=int(rng.integers(0, 3))),
        dt.time(int(rng.integers(8, 21)), int(rng.integers(0, 60))),
    )
    return {
        "company_code": co,
        "line": line,
        "policy_no": pl.number(co, "AH", start),
        "product_name": product,
        "policyholder_name": holder.name,
        "policyholder_id_type": "居民身份证",
        "policyholder_id": holder.id,
        "policyholder_phone": holder.phone,
        "insured_name": p.name,
        "insured_id_type": "居民身份证",
        "insured_id": p.id,
        "insured_phone": p.phone,
        "insured_relation": relation,
        "insured_occupation": p.occupation
        if p.age_on(start) >= 18
        else ("学生" if p.age_on(start) >= 6 else "学龄前儿童"),
        "annual_income": p.income,
        "beneficiary_name": ben.name if ben else "",
        "beneficiary_id_type": "居民身份证" if ben else "",
        "beneficiary_id": ben.id if ben else "",
        "beneficiary_relation": ben_rel or ("法定" if death else ""),
        "sum_insured": sum_insured,
        "death_sum_insured": death,
        "premium": premium,
        "issue_time": t(issue),
        "start_date": d(start),
        "end_date": d(end_of(start, years)),
        "channel": channel,
        "agent_code": agent[0] if agent else "",
        "agent_name": agent[1] if agent else "",
        "region_code": p.region,
    }


def virtual_policy(pl: Planter, co: str, line: str, start: dt.date) -> dict:
    """A policy that is not in the upload (earlier years): number, line and start only."""
    return {
        "company_code": co,
        "line": line,
        "policy_no": pl.number(co, "AH", start),
        "start_date": d(start),
    }


def claim(
    pl: Planter,
    p: Person,
    pol: dict,
    loss: dt.date,
    loss_type: str,
    *,
    claimed: float,
    cause: str = "意外",
    diag: tuple[str, str] = ("T14.0", "软组织挫伤"),
    hospital: pd.Series | None = None,
    admission: dt.date | None = None,
    discharge: dt.date | None = None,
    grade: str = "",
    cert: str = "",
    report: dt.date | None = None,
    close: dt.date | None = None,
    paid: float | None = None,
    decision: str = "正常赔付",
    payee: Person | None = None,
    payee_rel: str = "本人",
    reporter: str | None = None,
    loss_region: str | None = None,
    kind: str = "ah_claim",
    close_cap: dt.date = CAMPAIGN_END,
) -> dict:
    """An ``ah_claim`` / ``ah_claim_hist`` row (已决赔案)."""
    rng = pl.rng
    co = pol["company_code"]
    report = report or (discharge or loss) + TD(days=int(rng.integers(1, 6)))
    close = close or min(report + TD(days=int(rng.integers(8, 30))), close_cap)
    payee = payee or p
    return {
        "company_code": co,
        "line": pol["line"],
        "claim_no": pl.number(co, "CL", report),
        "policy_no": pol["policy_no"],
        "policy_start_date": pol["start_date"],
        "insured_name": p.name,
        "insured_id_type": "居民身份证",
        "insured_id": p.id,
        "loss_date": d(loss),
        "loss_type": loss_type,
        "loss_cause": cause,
        "loss_region_code": loss_region or p.region,
        "diagnosis_code": diag[0],
        "diagnosis": diag[1],
        "hospital_code": hospital["code"] if hospital is not None else "",
        "hospital_name": hospital["name"] if hospital is not None else "",
        "admission_date": d(admission),
        "discharge_date": d(discharge),
        "disability_grade": grade,
        "death_certificate": cert,
        "report_date": d(report),
        "close_date": d(close),
        "claimed_amount": round(claimed, 2),
        "paid_amount": round(claimed if paid is None else paid, 2),
        "decision": decision,
        "refusal_reason": "",
        "payee_name": payee.name,
        "payee_id_type": "居民身份证",
        "payee_id": payee.id,
        "payee_relation": payee_rel,
        "payee_account": payee.card,
        "payee_bank": payee.bank,
        "reporter_phone": reporter or payee.phone or p.phone,
    }


def receipts(
    pl: Planter, hospital: pd.Series, when: dt.date, amounts: list[float], inpatient: bool = True
) -> list[dict]:
    """Receipt skeletons (票据代码/号码, amounts) for one hospital stay."""
    out = []
    inp = f"{when.year % 100:02d}{int(pl.rng.integers(0, 10**7)):07d}" if inpatient else ""
    for a in amounts:
        code, no = pl.receipt_ids(hospital, when, inpatient)
        out.append(
            {
                "receipt_code": code,
                "receipt_no": no,
                "hospital_code": hospital["code"],
                "hospital_name": hospital["name"],
                "receipt_date": d(when),
                "amount": round(a, 2),
                "inpatient_no": inp,
                "settlement_no": f"2201{int(pl.rng.integers(0, 10**12)):012d}",
            }
        )
    return out


def attach(
    pl: Planter,
    sid: str | None,
    cl: dict,
    recs: list[dict],
    claimed: list[float],
    kind: str = "medical_receipt",
) -> None:
    for r, c in zip(recs, claimed, strict=True):
        row = {
            "company_code": cl["company_code"],
            "claim_no": cl["claim_no"],
            **r,
            "claimed_amount": round(c, 2),
        }
        pl.add(kind, row, sid, "receipt")


def companies(pl: Planter, k: int, life_first: bool = False) -> list[str]:
    cos = [c.code for c in pl.w.companies]
    k = min(k, len(cos))
    return [str(c) for c in pl.rng.choice(cos, k, replace=False)]


def spread(pl: Planter, first: dt.date, k: int, span: int) -> list[dt.date]:
    offs = sorted(int(x) for x in pl.rng.integers(1, span, k - 1))
    return [first] + [first + TD(days=o) for o in offs]
