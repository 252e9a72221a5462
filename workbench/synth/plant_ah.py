"""Planted accident & health fraud (意健险欺诈场景), campaign period and pre-2017.

Each function plants one scenario and writes its signature with the actual
numbers, so an analyst can check why a rule at its default threshold (DOMAIN
§2.3) must find it: H1 multi-company buying, H3 minors' death cover, H4 early
death, H6 duplicate receipts, H7 insured while injured, H8 faked death, H5
medical abuse (high-risk persons).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import reference as ref
from .planter import TD, D, Person, Planter, d, t

CAMPAIGN_END = D(2019, 6, 30)


def end_of(start: dt.date, years: int = 1) -> dt.date:
    """Policy end: the day before the anniversary (终保日期)."""
    try:
        return start.replace(year=start.year + years) - TD(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def policy(pl: Planter, p: Person, co: str, line: str, start: dt.date, *, sum_insured: float,
           death: float | None = None, product: str | None = None, premium: float | None = None,
           holder: Person | None = None, relation: str = "本人", ben: Person | None = None,
           ben_rel: str | None = None, channel: str | None = None,
           agent: tuple[str, str] | None = None, years: int = 1) -> dict:
    """An ``ah_policy`` row (承保明细)."""
    rng = pl.rng
    product = product or {"意外险": "综合意外伤害保险", "医疗险": "住院医疗费用补偿保险",
                          "寿险": "定期寿险(20年)", "重疾险": "重大疾病保险"}[line]
    if death is None:
        death = sum_insured if line in ("意外险", "寿险", "重疾险") else 0.0
    if premium is None:
        rate = {"意外险": 0.0018, "医疗险": 0.02, "寿险": 0.03, "重疾险": 0.025}[line]
        premium = round(sum_insured * rate * float(rng.uniform(0.8, 1.2)), 2)
    channel = channel or str(rng.choice(["个人代理", "网络销售", "直销"], p=[0.5, 0.3, 0.2]))
    if channel in ("个人代理", "专业代理") and agent is None:
        agent = pl.agent(co)
    holder = holder or p
    issue = dt.datetime.combine(start - TD(days=int(rng.integers(0, 3))), dt.time(
        int(rng.integers(8, 21)), int(rng.integers(0, 60))))
    return {
        "company_code": co, "line": line, "policy_no": pl.number(co, "AH", start),
        "product_name": product, "policyholder_name": holder.name,
        "policyholder_id_type": "居民身份证", "policyholder_id": holder.id,
        "policyholder_phone": holder.phone, "insured_name": p.name, "insured_id_type": "居民身份证",
        "insured_id": p.id, "insured_phone": p.phone, "insured_relation": relation,
        "insured_occupation": p.occupation if p.age_on(start) >= 18 else (
            "学生" if p.age_on(start) >= 6 else "学龄前儿童"),
        "annual_income": p.income, "beneficiary_name": ben.name if ben else "",
        "beneficiary_id_type": "居民身份证" if ben else "", "beneficiary_id": ben.id if ben else "",
        "beneficiary_relation": ben_rel or ("法定" if death else ""),
        "sum_insured": sum_insured, "death_sum_insured": death, "premium": premium,
        "issue_time": t(issue), "start_date": d(start), "end_date": d(end_of(start, years)),
        "channel": channel, "agent_code": agent[0] if agent else "",
        "agent_name": agent[1] if agent else "", "region_code": p.region,
    }


def virtual_policy(pl: Planter, co: str, line: str, start: dt.date) -> dict:
    """A policy that is not in the upload (earlier years): number, line and start only."""
    return {"company_code": co, "line": line, "policy_no": pl.number(co, "AH", start),
            "start_date": d(start)}


def claim(pl: Planter, p: Person, pol: dict, loss: dt.date, loss_type: str, *, claimed: float,
          cause: str = "意外", diag: tuple[str, str] = ("T14.0", "软组织挫伤"),
          hospital: pd.Series | None = None, admission: dt.date | None = None,
          discharge: dt.date | None = None, grade: str = "", cert: str = "",
          report: dt.date | None = None, close: dt.date | None = None,
          paid: float | None = None, decision: str = "正常赔付", payee: Person | None = None,
          payee_rel: str = "本人", reporter: str | None = None, loss_region: str | None = None,
          kind: str = "ah_claim", close_cap: dt.date = CAMPAIGN_END) -> dict:
    """An ``ah_claim`` / ``ah_claim_hist`` row (已决赔案)."""
    rng = pl.rng
    co = pol["company_code"]
    report = report or (discharge or loss) + TD(days=int(rng.integers(1, 6)))
    close = close or min(report + TD(days=int(rng.integers(8, 30))), close_cap)
    payee = payee or p
    return {
        "company_code": co, "line": pol["line"], "claim_no": pl.number(co, "CL", report),
        "policy_no": pol["policy_no"], "policy_start_date": pol["start_date"],
        "insured_name": p.name, "insured_id_type": "居民身份证", "insured_id": p.id,
        "loss_date": d(loss), "loss_type": loss_type, "loss_cause": cause,
        "loss_region_code": loss_region or p.region, "diagnosis_code": diag[0],
        "diagnosis": diag[1], "hospital_code": hospital["code"] if hospital is not None else "",
        "hospital_name": hospital["name"] if hospital is not None else "",
        "admission_date": d(admission), "discharge_date": d(discharge), "disability_grade": grade,
        "death_certificate": cert, "report_date": d(report), "close_date": d(close),
        "claimed_amount": round(claimed, 2),
        "paid_amount": round(claimed if paid is None else paid, 2), "decision": decision,
        "refusal_reason": "", "payee_name": payee.name, "payee_id_type": "居民身份证",
        "payee_id": payee.id, "payee_relation": payee_rel, "payee_account": payee.card,
        "payee_bank": payee.bank, "reporter_phone": reporter or payee.phone or p.phone,
    }


def receipts(pl: Planter, hospital: pd.Series, when: dt.date, amounts: list[float],
             inpatient: bool = True) -> list[dict]:
    """Receipt skeletons (票据代码/号码, amounts) for one hospital stay."""
    out = []
    inp = f"{when.year % 100:02d}{int(pl.rng.integers(0, 10**7)):07d}" if inpatient else ""
    for a in amounts:
        code, no = pl.receipt_ids(hospital, when, inpatient)
        out.append({"receipt_code": code, "receipt_no": no, "hospital_code": hospital["code"],
                    "hospital_name": hospital["name"], "receipt_date": d(when),
                    "amount": round(a, 2), "inpatient_no": inp,
                    "settlement_no": f"2201{int(pl.rng.integers(0, 10**12)):012d}"})
    return out


def attach(pl: Planter, sid: str | None, cl: dict, recs: list[dict], claimed: list[float],
           kind: str = "medical_receipt") -> None:
    for r, c in zip(recs, claimed, strict=True):
        row = {"company_code": cl["company_code"], "claim_no": cl["claim_no"], **r,
               "claimed_amount": round(c, 2)}
        pl.add(kind, row, sid, "receipt")


def _companies(pl: Planter, k: int, life_first: bool = False) -> list[str]:
    cos = [c.code for c in pl.w.companies]
    k = min(k, len(cos))
    return [str(c) for c in pl.rng.choice(cos, k, replace=False)]


def _spread(pl: Planter, first: dt.date, k: int, span: int) -> list[dt.date]:
    offs = sorted(int(x) for x in pl.rng.integers(1, span, k - 1))
    return [first] + [first + TD(days=o) for o in offs]


# --- campaign-period scenarios --------------------------------------------------------


def multi_company(pl: Planter, i: int, ring: dict | None) -> str:
    """H1/H2/H3: cover at ≥ 3 companies within 90 days, then an accident (多头投保)."""
    rng = pl.rng
    variant = i % 3
    n_co = len(pl.w.companies)
    k = min(n_co, 3 + int(rng.integers(0, 3)))
    cos = _companies(pl, k)
    if variant == 2:
        return _minor_cap(pl, i, cos, ring)
    sid = pl.begin("ah_multi_company", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(24, 55), low_income=True, fresh="ah")
    if p.income <= 0:
        p.income = 18_000.0
    span = int(rng.integers(20, 80))
    starts = _spread(pl, pl.when(D(2018, 8, 1), D(2019, 1, 20)), k, span)
    pols = []
    for co, s in zip(cos, starts, strict=True):
        si = float(rng.choice([300_000, 500_000, 800_000, 1_000_000]))
        pols.append(pl.add("ah_policy", policy(pl, p, co, "意外险", s, sum_insured=si,
                                               channel=str(rng.choice(["网络销售", "个人代理"]))),
                           sid))
    total = sum(x["sum_insured"] for x in pols)
    last = max(starts)
    acc = last + TD(days=int(rng.integers(5, 40)))
    hosp = pl.hospital(p.region[:4] if p.region[:4] != "2201" else None, tier=2)
    payee, rel = p, "本人"
    reporter = ring["phone"] if ring else None
    if ring and i % 2:
        payee, rel = ring["organiser"], "其他"
    if variant == 0:
        los = int(rng.integers(15, 31))
        diag = ref.LIGHT_INJURIES[int(rng.integers(0, len(ref.LIGHT_INJURIES)))]
        for pol in pols:
            daily = 200.0 if pol["sum_insured"] < 800_000 else 300.0
            pl.add("ah_claim", claim(pl, p, pol, acc, "住院津贴", claimed=daily * los, diag=diag,
                                     hospital=hosp, admission=acc, discharge=acc + TD(days=los),
                                     payee=payee, payee_rel=rel, reporter=reporter), sid)
        what = f"hospital-cash claims for one {los}-day stay"
    else:
        grade = str(rng.choice(["8", "9", "10"]))
        diag = ref.DISABLING_INJURIES[int(rng.integers(0, 4))]
        los = int(rng.integers(10, 25))
        for pol in pols:
            amt = pol["sum_insured"] * (11 - int(grade)) / 10
            pl.add("ah_claim", claim(pl, p, pol, acc, "伤残", claimed=amt, diag=diag, grade=grade,
                                     hospital=hosp, admission=acc, discharge=acc + TD(days=los),
                                     payee=payee, payee_rel=rel, reporter=reporter), sid)
        what = f"grade-{grade} disability claims"
    ratio = total / max(p.income, 1)
    pl.finish(sid, f"{p.name}年收入{p.income:,.0f}元，{span}天内在{k}家公司投保意外险合计保额{total:,.0f}元，"
                   f"末次投保后{(acc - last).days}天出险并向{k}家公司索赔",
              f"insured at {k} companies within {span} days; accident sums {total:,.0f} = "
              f"{ratio:.0f}x declared income {p.income:,.0f}; {what} at {k} companies "
              f"{(acc - last).days} days after the last purchase")
    return sid


def _minor_cap(pl: Planter, i: int, cos: list[str], ring: dict | None) -> str:
    """H3: a minor's death cover across companies above the statutory cap (未成年人身故保额)."""
    rng = pl.rng
    young = (i // 3) % 2 == 0
    child, parent = pl.pick_child(10 if young else 18)
    cap = 200_000 if child.age_on(D(2019, 1, 1)) < 10 else 500_000
    sid = pl.begin("ah_multi_company", "accident_health", ring=ring and ring["id"])
    per = 100_000.0 if cap == 200_000 else 200_000.0
    span = int(rng.integers(15, 75))
    starts = _spread(pl, pl.when(D(2018, 8, 1), D(2019, 3, 1)), len(cos), span)
    total = 0.0
    for co, s in zip(cos, starts, strict=True):
        line = "寿险" if (not pl.w.company(co).pc and rng.random() < 0.5) else "意外险"
        row = policy(pl, child, co, line, s, sum_insured=per, holder=parent, relation="子女",
                     product="学生平安意外伤害保险" if line == "意外险" else "定期寿险(20年)",
                     ben=parent, ben_rel="父母", channel="个人代理")
        total += row["death_sum_insured"]
        pl.add("ah_policy", row, sid)
    age = child.age_on(starts[-1])
    pl.finish(sid, f"未成年人{child.name}({age}岁)由父母{parent.name}在{len(cos)}家公司投保，"
                   f"身故保额合计{total:,.0f}元，超过监管上限{cap:,}元(备注：未成年人身故保额超限)",
              f"minor aged {age}: death cover {total:,.0f} at {len(cos)} companies within {span} "
              f"days exceeds the statutory cap {cap:,} (note: minors' cap)")
    return sid


def fake_death(pl: Planter, i: int, ring: dict | None) -> str:
    """H8/H4: an accidental death claimed at several companies (虚假意外身故)."""
    rng = pl.rng
    sid = pl.begin("ah_fake_death", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(35, 62), fresh="ah")
    k = 2 + i % 2 + (1 if len(pl.w.companies) > 5 and i % 3 == 0 else 0)
    k = min(k, len(pl.w.companies))
    cos = _companies(pl, k)
    if ring:
        ben, ben_rel = ring["organiser"], "其他"
    else:
        (ben,) = pl.pick(age=(25, 60), fresh="ah")
        ben_rel = "其他"
    starts = _spread(pl, pl.when(D(2018, 7, 10), D(2018, 12, 20)), k, int(rng.integers(10, 80)))
    pols = []
    for co, s in zip(cos, starts, strict=True):
        line = "寿险" if (not pl.w.company(co).pc and rng.random() < 0.4) else "意外险"
        si = float(rng.choice([300_000, 500_000, 1_000_000]))
        pols.append(pl.add("ah_policy", policy(pl, p, co, line, s, sum_insured=si, ben=ben,
                                               ben_rel=ben_rel), sid))
    death = max(starts) + TD(days=int(rng.integers(30, 200)))
    death = min(death, D(2019, 5, 10))
    far = str(rng.choice(list(ref.FAR_REGIONS)))
    diag = ref.DEATH_CAUSES_ACCIDENT[int(rng.integers(0, 3))]
    cert = "否" if i % 4 != 3 else ""
    for pol in pols:
        pl.add("ah_claim", claim(pl, p, pol, death, "身故", claimed=pol["death_sum_insured"],
                                 diag=diag, cert=cert, loss_region=far, payee=ben,
                                 payee_rel="其他", report=death + TD(days=int(rng.integers(3, 20)))),
               sid)
    days = (death - min(starts)).days
    shared = f", beneficiary {ben.name} shared with ring {ring['id']}" if ring else ""
    pl.finish(sid, f"{p.name}在{k}家公司投保后{days}天于{ref.FAR_REGIONS[far]}意外身故，"
                   f"{'无死亡医学证明' if cert == '否' else '未提供死亡证明'}，受益人{ben.name}非近亲属",
              f"accidental death claimed at {k} companies; no death certificate; died in {far} "
              f"far from home region {p.region}; beneficiary not next of kin ('其他'){shared}; "
              f"death {days} days after inception")
    return sid


def insured_while_injured(pl: Planter, i: int, ring: dict | None) -> str:
    """H7: admitted before the policy started, or the same disability claimed twice."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("ah_insured_while_injured", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(25, 65), fresh="ah")
    cos = _companies(pl, 2)
    hosp = pl.hospital(p.region[:4] if p.region[:4] in ref.CITIES else None)
    if variant < 2:
        co = cos[0]
        line = "医疗险" if variant == 0 else "意外险"
        adm = pl.when(D(2018, 8, 1), D(2019, 3, 31))
        start = adm + TD(days=int(rng.integers(2, 12)))
        pol = pl.add("ah_policy", policy(pl, p, co, line, start, sum_insured=20_000.0 if line ==
                                         "医疗险" else 200_000.0), sid)
        los = int(rng.integers(10, 22))
        loss = start + TD(days=int(rng.integers(1, 4))) if variant == 0 else adm
        diag = ref.DISABLING_INJURIES[int(rng.integers(0, 6))]
        amounts = [float(rng.uniform(6_000, 18_000)), float(rng.uniform(500, 3_000))]
        cl = pl.add("ah_claim", claim(pl, p, pol, loss, "意外医疗", claimed=sum(amounts) * 0.9,
                                      diag=diag, hospital=hosp, admission=adm,
                                      discharge=adm + TD(days=los)), sid)
        attach(pl, sid, cl, receipts(pl, hosp, adm + TD(days=los), amounts),
               [a * 0.9 for a in amounts])
        gap = (start - adm).days
        desc = (f"{p.name}于{d(adm)}入院，{gap}天后才投保，报案出险日期{d(loss)}" if variant == 0 else
                f"{p.name}于{d(loss)}受伤入院，{d(start)}才起保，仍获赔付")
        sig = (f"admission {d(adm)} is {gap} days before policy start {d(start)} at {co}"
               + (f"; loss date reported as {d(loss)}" if variant == 0 else
                  f"; loss date {d(loss)} before policy start"))
        pl.finish(sid, desc, sig)
        return sid
    a, b = cos
    diag = ref.DISABLING_INJURIES[int(rng.integers(0, len(ref.DISABLING_INJURIES)))]
    start1 = pl.when(D(2018, 7, 1), D(2018, 8, 15))
    pol1 = pl.add("ah_policy", policy(pl, p, a, "意外险", start1, sum_insured=300_000.0), sid)
    loss1 = start1 + TD(days=int(rng.integers(35, 70)))
    g1 = str(rng.choice(["8", "9"]))
    pl.add("ah_claim", claim(pl, p, pol1, loss1, "伤残", claimed=300_000.0 * (11 - int(g1)) / 10,
                             diag=diag, grade=g1, hospital=hosp, admission=loss1,
                             discharge=loss1 + TD(days=20)), sid)
    start2 = loss1 + TD(days=int(rng.integers(60, 120)))
    pol2 = pl.add("ah_policy", policy(pl, p, b, "意外险", start2, sum_insured=500_000.0), sid)
    loss2 = start2 + TD(days=int(rng.integers(20, 60)))
    g2 = str(rng.choice(["7", "8"]))
    pl.add("ah_claim", claim(pl, p, pol2, loss2, "伤残", claimed=500_000.0 * (11 - int(g2)) / 10,
                             diag=diag, grade=g2, hospital=pl.hospital(), admission=loss2,
                             discharge=loss2 + TD(days=15)), sid)
    pl.finish(sid, f"{p.name}在{a}因{diag[1]}获伤残赔付后到{b}投保，再以同一部位伤残索赔",
              f"disability for {diag[0]} {diag[1]} claimed at {a} (loss {d(loss1)}) and again "
              f"at {b} on a policy started {d(start2)}, after that loss")
    return sid


def duplicate_receipt(pl: Planter, i: int, ring: dict | None) -> str:
    """H6: the same receipts (票据代码+号码) claimed at several companies or twice."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("ah_duplicate_receipt", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(25, 70), fresh="ah")
    k = {0: 2, 1: 3, 2: 1}[variant]
    k = min(k, len(pl.w.companies))
    cos = _companies(pl, k)
    hosp = pl.hospital(tier=3 if i % 2 else 1)
    adm = pl.when(D(2018, 10, 1), D(2019, 4, 15))
    los = int(rng.integers(6, 15))
    dis = adm + TD(days=los)
    amounts = [float(rng.uniform(4_000, 20_000)) for _ in range(1 + int(rng.integers(0, 3)))]
    recs = receipts(pl, hosp, dis, amounts)
    diag = ref.ILLNESSES[int(rng.integers(0, 10))]
    claims = []
    for j, co in enumerate(cos * (2 if variant == 2 else 1)):
        start = D(2018, 7, 1) + TD(days=int(rng.integers(0, 80)) + 5 * j)
        if j == 0 or variant != 2:
            pol = pl.add("ah_policy", policy(pl, p, co, "医疗险", start, sum_insured=50_000.0,
                                             product="住院医疗费用补偿保险"), sid)
        loss = adm if j == 0 or variant != 2 else adm + TD(days=int(rng.integers(40, 70)))
        cl = pl.add("ah_claim", claim(pl, p, pol, loss, "住院医疗", cause="疾病",
                                      claimed=sum(amounts), diag=diag, hospital=hosp,
                                      admission=loss, discharge=loss + TD(days=los),
                                      paid=sum(amounts) * 0.9,
                                      reporter=ring["phone"] if ring else None), sid)
        attach(pl, sid, cl, recs, amounts)
        claims.append(cl)
    total = sum(amounts)
    where = ";".join(c["company_code"] for c in claims)
    first = recs[0]
    pl.finish(sid, f"{p.name}同一次住院的{len(recs)}张票据在{where}重复理赔",
              f"receipt {first['receipt_code']}/{first['receipt_no']}"
              + (f" and {len(recs) - 1} more" if len(recs) > 1 else "")
              + f" claimed {len(claims)} times ({where}); total claimed "
              f"{total * len(claims):,.2f} > invoice total {total:,.2f}")
    return sid


def medical_abuse(pl: Planter, i: int) -> str:
    """H5 high-risk person (医疗滥用): ≥ 3 long stays in 12 months for superficial injuries."""
    rng = pl.rng
    sid = pl.begin("medical_abuse", "accident_health")
    (p,) = pl.pick(age=(30, 65), fresh="ah")
    cos = _companies(pl, 2 if len(pl.w.companies) > 1 else 1)
    start = pl.when(D(2018, 7, 1), D(2018, 8, 10))
    pol_a = pl.add("ah_policy", policy(pl, p, cos[0], "意外险", start, sum_insured=100_000.0), sid)
    pol_b = pl.add("ah_policy", policy(pl, p, cos[-1], "医疗险", start + TD(days=12),
                                       sum_insured=36_000.0, product="住院津贴医疗保险"), sid)
    n = 3 + i % 2
    adm = start + TD(days=int(rng.integers(20, 40)))
    days = []
    hosp = pl.hospital(p.region[:4] if p.region[:4] in ref.CITIES else None, tier=1)
    for _ in range(n):
        los = int(rng.integers(21, 36))
        diag = ref.LIGHT_INJURIES[int(rng.integers(0, len(ref.LIGHT_INJURIES)))]
        dis = adm + TD(days=los)
        amounts = [float(rng.uniform(3_000, 9_000))]
        cl = pl.add("ah_claim", claim(pl, p, pol_a, adm, "意外医疗", claimed=amounts[0],
                                      paid=amounts[0] * 0.85, diag=diag, hospital=hosp,
                                      admission=adm, discharge=dis), sid)
        attach(pl, sid, cl, receipts(pl, hosp, dis, amounts), amounts)
        pl.add("ah_claim", claim(pl, p, pol_b, adm, "住院津贴", claimed=200.0 * los, diag=diag,
                                 hospital=hosp, admission=adm, discharge=dis), sid)
        days.append(los)
        adm = dis + TD(days=int(rng.integers(25, 60)))
    span = (adm - start).days
    pl.finish(sid, f"{p.name}一年内{n}次因轻微外伤住院，平均住院{np.mean(days):.0f}天(医疗滥用)",
              f"{n} hospital stays within {min(span, 365)} days, {min(days)}-{max(days)} days "
              f"each, for superficial injuries; claims at {';'.join(sorted(set(cos)))}")
    pl.w.cache.setdefault("high_risk", []).append((sid, p, cos[0], n, sum(days)))
    return sid


# --- pre-2017 (company self-review, 2017年及以前) ------------------------------------


def pre2017(pl: Planter, i: int, cos: list[str]) -> str:
    """One pre-2017 scenario in the historic claims, at the companies given."""
    kind = ("ah_fake_death", "ah_insured_while_injured", "ah_duplicate_receipt",
            "ah_multi_company")[i % 4]
    rng = pl.rng
    sid = pl.begin(kind, "accident_health", period="pre2017")
    (p,) = pl.pick(age=(30, 60), fresh="ah")
    cap = D(2017, 12, 31)
    hk = "ah_claim_hist"
    if kind == "ah_fake_death":
        death = pl.when(D(2016, 3, 1), D(2017, 9, 30))
        (ben,) = pl.pick(age=(25, 60), fresh="ah")
        far = str(rng.choice(list(ref.FAR_REGIONS)))
        for co in cos:
            pol = virtual_policy(pl, co, "意外险", death - TD(days=int(rng.integers(40, 300))))
            pl.add(hk, claim(pl, p, pol, death, "身故", claimed=float(rng.choice([3e5, 5e5])),
                             diag=("W69", "溺水"), cert="否", loss_region=far, payee=ben,
                             payee_rel="其他", kind=hk, close_cap=cap), sid)
        pl.w.cache.setdefault("deceased", {})[p.index] = death
        pl.finish(sid, f"{p.name}于{d(death)}在外省“溺水身故”，{len(cos)}家公司均已赔付，无死亡证明",
                  f"pre-2017: death claimed at {len(cos)} companies ({';'.join(cos)}); no death "
                  f"certificate; died in {far}; payee not next of kin")
    elif kind == "ah_insured_while_injured":
        diag = ref.DISABLING_INJURIES[int(rng.integers(0, len(ref.DISABLING_INJURIES)))]
        first = pl.when(D(2015, 2, 1), D(2015, 10, 31))
        loss = first
        for j, co in enumerate(cos):
            start = first - TD(days=200) if j == 0 else loss + TD(days=int(rng.integers(30, 90)))
            pol = virtual_policy(pl, co, "意外险", start)
            if j:
                loss = start + TD(days=int(rng.integers(30, 120)))
            pl.add(hk, claim(pl, p, pol, loss, "伤残", claimed=float(rng.choice([3e4, 6e4])),
                             diag=diag, grade="9", admission=loss, discharge=loss + TD(days=14),
                             hospital=pl.hospital(), kind=hk, close_cap=cap), sid)
        pl.finish(sid, f"{p.name}同一部位({diag[1]})伤残在{len(cos)}家公司先后索赔，后续保单均在首次受伤后投保",
                  f"pre-2017: disability for {diag[0]} claimed at {len(cos)} companies; policies "
                  f"after the first started after the first injury {d(first)}")
    elif kind == "ah_duplicate_receipt":
        hosp = pl.hospital(tier=1)
        adm = pl.when(D(2016, 1, 1), D(2017, 8, 31))
        dis = adm + TD(days=10)
        amounts = [float(rng.uniform(5_000, 15_000)), float(rng.uniform(800, 3_000))]
        recs = receipts(pl, hosp, dis, amounts)
        for co in cos:
            pol = virtual_policy(pl, co, "医疗险", adm - TD(days=int(rng.integers(60, 300))))
            cl = pl.add(hk, claim(pl, p, pol, adm, "住院医疗", cause="疾病", claimed=sum(amounts),
                                  diag=ref.ILLNESSES[2], hospital=hosp, admission=adm,
                                  discharge=dis, kind=hk, close_cap=cap), sid)
            attach(pl, sid, cl, recs, amounts, kind="medical_receipt_hist")
        pl.finish(sid, f"{p.name}同一次住院票据在{len(cos)}家公司重复报销",
                  f"pre-2017: receipts {recs[0]['receipt_code']}/{recs[0]['receipt_no']} and "
                  f"{recs[1]['receipt_no']} claimed at {len(cos)} companies; total claimed "
                  f"{sum(amounts) * len(cos):,.2f} > invoice {sum(amounts):,.2f}")
    else:
        first = pl.when(D(2016, 1, 1), D(2017, 5, 31))
        starts = _spread(pl, first, len(cos), 60)
        adm = max(starts) + TD(days=int(rng.integers(10, 40)))
        los = int(rng.integers(14, 28))
        for co, s in zip(cos, starts, strict=True):
            pol = virtual_policy(pl, co, "意外险", s)
            pl.add(hk, claim(pl, p, pol, adm, "住院津贴", claimed=200.0 * los,
                             diag=ref.LIGHT_INJURIES[1], hospital=pl.hospital(), admission=adm,
                             discharge=adm + TD(days=los), kind=hk, close_cap=cap), sid)
        pl.finish(sid, f"{p.name}在60天内于{len(cos)}家公司投保意外险，随后住院并向各家索赔住院津贴",
                  f"pre-2017: policies at {len(cos)} companies started within "
                  f"{(max(starts) - first).days} days; hospital-cash claims at all of them for one "
                  f"{los}-day stay {(adm - max(starts)).days} days after the last start")
    return sid
