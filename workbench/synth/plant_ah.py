"""Planted accident & health fraud (意健险欺诈场景), campaign period and pre-2017.

Each function plants one scenario and writes its signature with the actual
numbers, so an analyst can check why a rule at its default threshold (DOMAIN
§2.3) must find it: H1 multi-company buying, H3 minors' death cover, H4 early
death, H6 duplicate receipts, H7 insured while injured, H8 faked death, H5
medical abuse (high-risk persons).
"""

from __future__ import annotations

from . import reference as ref
from .planter import TD, D, Planter, d, masked_name
from .rows_ah import attach, claim, companies, policy, receipts, spread

# --- campaign-period scenarios --------------------------------------------------------


def multi_company(pl: Planter, i: int, ring: dict | None) -> str:
    """H1/H2/H3: cover at ≥ 3 companies within 90 days, then an accident (多头投保)."""
    rng = pl.rng
    variant = i % 3
    n_co = len(pl.w.companies)
    k = min(n_co, 3 + int(rng.integers(0, 3)))
    cos = companies(pl, k)
    if variant == 2:
        return _minor_cap(pl, i, cos, ring)
    sid = pl.begin("ah_multi_company", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(24, 55), low_income=True, fresh="ah")
    if p.income <= 0:
        p.income = 18_000.0
    span = int(rng.integers(20, 80))
    starts = spread(pl, pl.when(D(2018, 8, 1), D(2019, 1, 20)), k, span)
    pols = []
    for co, s in zip(cos, starts, strict=True):
        si = float(rng.choice([300_000, 500_000, 800_000, 1_000_000]))
        pols.append(
            pl.add(
                "ah_policy",
                policy(
                    pl,
                    p,
                    co,
                    "意外险",
                    s,
                    sum_insured=si,
                    channel=str(rng.choice(["网络销售", "个人代理"])),
                ),
                sid,
            )
        )
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
            pl.add(
                "ah_claim",
                claim(
                    pl,
                    p,
                    pol,
                    acc,
                    "住院津贴",
                    claimed=daily * los,
                    diag=diag,
                    hospital=hosp,
                    admission=acc,
                    discharge=acc + TD(days=los),
                    payee=payee,
                    payee_rel=rel,
                    reporter=reporter,
                ),
                sid,
            )
        what = f"hospital-cash claims for one {los}-day stay"
    else:
        grade = str(rng.choice(["8", "9", "10"]))
        diag = ref.DISABLING_INJURIES[int(rng.integers(0, 4))]
        los = int(rng.integers(10, 25))
        for pol in pols:
            amt = pol["sum_insured"] * (11 - int(grade)) / 10
            pl.add(
                "ah_claim",
                claim(
                    pl,
                    p,
                    pol,
                    acc,
                    "伤残",
                    claimed=amt,
                    diag=diag,
                    grade=grade,
                    hospital=hosp,
                    admission=acc,
                    discharge=acc + TD(days=los),
                    payee=payee,
                    payee_rel=rel,
                    reporter=reporter,
                ),
                sid,
            )
        what = f"grade-{grade} disability claims"
    ratio = total / max(p.income, 1)
    pl.finish(
        sid,
        f"{p.name}年收入{p.income:,.0f}元，{span}天内在{k}家公司投保意外险合计保额{total:,.0f}元，"
        f"末次投保后{(acc - last).days}天出险并向{k}家公司索赔",
        f"insured at {k} companies within {span} days; accident sums {total:,.0f} = "
        f"{ratio:.0f}x declared income {p.income:,.0f}; {what} at {k} companies "
        f"{(acc - last).days} days after the last purchase",
    )
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
    starts = spread(pl, pl.when(D(2018, 8, 1), D(2019, 3, 1)), len(cos), span)
    total = 0.0
    for co, s in zip(cos, starts, strict=True):
        line = "寿险" if (not pl.w.company(co).pc and rng.random() < 0.5) else "意外险"
        row = policy(
            pl,
            child,
            co,
            line,
            s,
            sum_insured=per,
            holder=parent,
            relation="子女",
            product="学生平安意外伤害保险" if line == "意外险" else "定期寿险(20年)",
            ben=parent,
            ben_rel="父母",
            channel="个人代理",
        )
        total += row["death_sum_insured"]
        pl.add("ah_policy", row, sid)
    age = child.age_on(starts[-1])
    pl.finish(
        sid,
        f"未成年人{masked_name(child.name)}({age}岁)由父母{masked_name(parent.name)}在{len(cos)}家公司投保，"
        f"身故保额合计{total:,.0f}元，超过监管上限{cap:,}元(备注：未成年人身故保额超限)",
        f"minor aged {age}: death cover {total:,.0f} at {len(cos)} companies within {span} "
        f"days exceeds the statutory cap {cap:,} (note: minors' cap)",
    )
    return sid


def fake_death(pl: Planter, i: int, ring: dict | None) -> str:
    """H8/H4: an accidental death claimed at several companies (虚假意外身故)."""
    rng = pl.rng
    sid = pl.begin("ah_fake_death", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(35, 62), fresh="ah")
    k = 2 + i % 2 + (1 if len(pl.w.companies) > 5 and i % 3 == 0 else 0)
    k = min(k, len(pl.w.companies))
    cos = companies(pl, k)
    if ring:
        ben, ben_rel = ring["organiser"], "其他"
    else:
        (ben,) = pl.pick(age=(25, 60), fresh="ah")
        ben_rel = "其他"
    starts = spread(pl, pl.when(D(2018, 7, 10), D(2018, 12, 20)), k, int(rng.integers(10, 80)))
    pols = []
    for co, s in zip(cos, starts, strict=True):
        line = "寿险" if (not pl.w.company(co).pc and rng.random() < 0.4) else "意外险"
        si = float(rng.choice([300_000, 500_000, 1_000_000]))
        pols.append(
            pl.add(
                "ah_policy",
                policy(pl, p, co, line, s, sum_insured=si, ben=ben, ben_rel=ben_rel),
                sid,
            )
        )
    death = max(starts) + TD(days=int(rng.integers(30, 200)))
    death = min(death, D(2019, 5, 10))
    far = str(rng.choice(list(ref.FAR_REGIONS)))
    diag = ref.DEATH_CAUSES_ACCIDENT[int(rng.integers(0, 3))]
    cert = "否" if i % 4 != 3 else ""
    for pol in pols:
        pl.add(
            "ah_claim",
            claim(
                pl,
                p,
                pol,
                death,
                "身故",
                claimed=pol["death_sum_insured"],
                diag=diag,
                cert=cert,
                loss_region=far,
                payee=ben,
                payee_rel="其他",
                report=death + TD(days=int(rng.integers(3, 20))),
            ),
            sid,
        )
    days = (death - min(starts)).days
    shared = f", beneficiary {ben.name} shared with ring {ring['id']}" if ring else ""
    pl.finish(
        sid,
        f"{p.name}在{k}家公司投保后{days}天于{ref.FAR_REGIONS[far]}意外身故，"
        f"{'无死亡医学证明' if cert == '否' else '未提供死亡证明'}，受益人{ben.name}非近亲属",
        f"accidental death claimed at {k} companies; no death certificate; died in {far} "
        f"far from home region {p.region}; beneficiary not next of kin ('其他'){shared}; "
        f"death {days} days after inception",
    )
    return sid


def insured_while_injured(pl: Planter, i: int, ring: dict | None) -> str:
    """H7: admitted before the policy started, or the same disability claimed twice."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("ah_insured_while_injured", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(25, 65), fresh="ah")
    cos = companies(pl, 2)
    hosp = pl.hospital(p.region[:4] if p.region[:4] in ref.CITIES else None)
    if variant < 2:
        co = cos[0]
        line = "医疗险" if variant == 0 else "意外险"
        adm = pl.when(D(2018, 8, 1), D(2019, 3, 31))
        start = adm + TD(days=int(rng.integers(2, 12)))
        pol = pl.add(
            "ah_policy",
            policy(pl, p, co, line, start, sum_insured=20_000.0 if line == "医疗险" else 200_000.0),
            sid,
        )
        los = int(rng.integers(10, 22))
        loss = start + TD(days=int(rng.integers(1, 4))) if variant == 0 else adm
        diag = ref.DISABLING_INJURIES[int(rng.integers(0, 6))]
        amounts = [float(rng.uniform(6_000, 18_000)), float(rng.uniform(500, 3_000))]
        cl = pl.add(
            "ah_claim",
            claim(
                pl,
                p,
                pol,
                loss,
                "意外医疗",
                claimed=sum(amounts) * 0.9,
                diag=diag,
                hospital=hosp,
                admission=adm,
                discharge=adm + TD(days=los),
            ),
            sid,
        )
        attach(
            pl, sid, cl, receipts(pl, hosp, adm + TD(days=los), amounts), [a * 0.9 for a in amounts]
        )
        gap = (start - adm).days
        desc = (
            f"{p.name}于{d(adm)}入院，{gap}天后才投保，报案出险日期{d(loss)}"
            if variant == 0
            else f"{p.name}于{d(loss)}受伤入院，{d(start)}才起保，仍获赔付"
        )
        sig = f"admission {d(adm)} is {gap} days before policy start {d(start)} at {co}" + (
            f"; loss date reported as {d(loss)}"
            if variant == 0
            else f"; loss date {d(loss)} before policy start"
        )
        pl.finish(sid, desc, sig)
        return sid
    a, b = cos
    diag = ref.DISABLING_INJURIES[int(rng.integers(0, len(ref.DISABLING_INJURIES)))]
    start1 = pl.when(D(2018, 7, 1), D(2018, 8, 15))
    pol1 = pl.add("ah_policy", policy(pl, p, a, "意外险", start1, sum_insured=300_000.0), sid)
    loss1 = start1 + TD(days=int(rng.integers(35, 70)))
    g1 = str(rng.choice(["8", "9"]))
    pl.add(
        "ah_claim",
        claim(
            pl,
            p,
            pol1,
            loss1,
            "伤残",
            claimed=300_000.0 * (11 - int(g1)) / 10,
            diag=diag,
            grade=g1,
            hospital=hosp,
            admission=loss1,
            discharge=loss1 + TD(days=20),
        ),
        sid,
    )
    start2 = loss1 + TD(days=int(rng.integers(60, 120)))
    pol2 = pl.add("ah_policy", policy(pl, p, b, "意外险", start2, sum_insured=500_000.0), sid)
    loss2 = start2 + TD(days=int(rng.integers(20, 60)))
    g2 = str(rng.choice(["7", "8"]))
    pl.add(
        "ah_claim",
        claim(
            pl,
            p,
            pol2,
            loss2,
            "伤残",
            claimed=500_000.0 * (11 - int(g2)) / 10,
            diag=diag,
            grade=g2,
            hospital=pl.hospital(),
            admission=loss2,
            discharge=loss2 + TD(days=15),
        ),
        sid,
    )
    pl.finish(
        sid,
        f"{p.name}在{a}因{diag[1]}获伤残赔付后到{b}投保，再以同一部位伤残索赔",
        f"disability for {diag[0]} {diag[1]} claimed at {a} (loss {d(loss1)}) and again "
        f"at {b} on a policy started {d(start2)}, after that loss",
    )
    return sid


def duplicate_receipt(pl: Planter, i: int, ring: dict | None) -> str:
    """H6: the same receipts (票据代码+号码) claimed at several companies or twice."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("ah_duplicate_receipt", "accident_health", ring=ring and ring["id"])
    (p,) = pl.pick(age=(25, 70), fresh="ah")
    k = {0: 2, 1: 3, 2: 1}[variant]
    k = min(k, len(pl.w.companies))
    cos = companies(pl, k)
    hosp = pl.hospital(tier=3 if i % 2 else 1)
    adm = pl.when(D(2018, 10, 1), D(2019, 3, 10))
    los = int(rng.integers(6, 15))
    dis = adm + TD(days=los)
    amounts = [float(rng.uniform(4_000, 20_000)) for _ in range(1 + int(rng.integers(0, 3)))]
    recs = receipts(pl, hosp, dis, amounts)
    diag = ref.ILLNESSES[int(rng.integers(0, 10))]
    claims = []
    for j, co in enumerate(cos * (2 if variant == 2 else 1)):
        start = D(2018, 7, 1) + TD(days=int(rng.integers(0, 80)) + 5 * j)
        if j == 0 or variant != 2:
            pol = pl.add(
                "ah_policy",
                policy(
                    pl, p, co, "医疗险", start, sum_insured=50_000.0, product="住院医疗费用补偿保险"
                ),
                sid,
            )
        loss = adm if j == 0 or variant != 2 else adm + TD(days=int(rng.integers(40, 70)))
        cl = pl.add(
            "ah_claim",
            claim(
                pl,
                p,
                pol,
                loss,
                "住院医疗",
                cause="疾病",
                claimed=sum(amounts),
                diag=diag,
                hospital=hosp,
                admission=loss,
                discharge=loss + TD(days=los),
                paid=sum(amounts) * 0.9,
                reporter=ring["phone"] if ring else None,
            ),
            sid,
        )
        attach(pl, sid, cl, recs, amounts)
        claims.append(cl)
    total = sum(amounts)
    where = ";".join(c["company_code"] for c in claims)
    first = recs[0]
    pl.finish(
        sid,
        f"{p.name}同一次住院的{len(recs)}张票据在{where}重复理赔",
        f"receipt {first['receipt_code']}/{first['receipt_no']}"
        + (f" and {len(recs) - 1} more" if len(recs) > 1 else "")
        + f" claimed {len(claims)} times ({where}); total claimed "
        f"{total * len(claims):,.2f} > invoice total {total:,.2f}",
    )
    return sid
