"""Planted pre-2017 claims and high-risk persons (2017年及以前自查场景、高风险人员).

The companies' self-review of settled accident & health claims (附表3/4): fake
deaths, fake disabilities, duplicate receipts and multi-company hospital cash,
spread so that every company has some; and persons with repeated long stays for
light injuries (医疗滥用, H5), a high-risk category rather than a fraud kind.
"""

from __future__ import annotations

import numpy as np

from . import reference as ref
from .planter import TD, D, Planter, d
from .rows_ah import attach, claim, companies, policy, receipts, spread, virtual_policy


def medical_abuse(pl: Planter, i: int) -> str:
    """H5 high-risk person (医疗滥用): ≥ 3 long stays in 12 months for superficial injuries."""
    rng = pl.rng
    sid = pl.begin("medical_abuse", "accident_health")
    (p,) = pl.pick(age=(30, 65), fresh="ah")
    cos = companies(pl, 2 if len(pl.w.companies) > 1 else 1)
    start = pl.when(D(2018, 7, 1), D(2018, 7, 31))
    pol_a = pl.add("ah_policy", policy(pl, p, cos[0], "意外险", start, sum_insured=100_000.0), sid)
    pol_b = pl.add(
        "ah_policy",
        policy(
            pl,
            p,
            cos[-1],
            "医疗险",
            start + TD(days=12),
            sum_insured=36_000.0,
            product="住院津贴医疗保险",
        ),
        sid,
    )
    n = 3 + i % 2
    adm = start + TD(days=int(rng.integers(20, 40)))
    days = []
    hosp = pl.hospital(p.region[:4] if p.region[:4] in ref.CITIES else None, tier=1)
    for _ in range(n):
        los = int(rng.integers(21, 31))
        diag = ref.LIGHT_INJURIES[int(rng.integers(0, len(ref.LIGHT_INJURIES)))]
        dis = adm + TD(days=los)
        amounts = [float(rng.uniform(3_000, 9_000))]
        cl = pl.add(
            "ah_claim",
            claim(
                pl,
                p,
                pol_a,
                adm,
                "意外医疗",
                claimed=amounts[0],
                paid=amounts[0] * 0.85,
                diag=diag,
                hospital=hosp,
                admission=adm,
                discharge=dis,
            ),
            sid,
        )
        attach(pl, sid, cl, receipts(pl, hosp, dis, amounts), amounts)
        pl.add(
            "ah_claim",
            claim(
                pl,
                p,
                pol_b,
                adm,
                "住院津贴",
                claimed=200.0 * los,
                diag=diag,
                hospital=hosp,
                admission=adm,
                discharge=dis,
            ),
            sid,
        )
        days.append(los)
        adm = dis + TD(days=int(rng.integers(20, 36)))
    span = (adm - start).days
    pl.finish(
        sid,
        f"{p.name}一年内{n}次因轻微外伤住院，平均住院{np.mean(days):.0f}天(医疗滥用)",
        f"{n} hospital stays within {min(span, 365)} days, {min(days)}-{max(days)} days "
        f"each, for superficial injuries; claims at {';'.join(sorted(set(cos)))}",
    )
    pl.w.cache.setdefault("high_risk", []).append((sid, p, cos[0], n, sum(days)))
    return sid


# --- pre-2017 (company self-review, 2017年及以前) ------------------------------------


def pre2017(pl: Planter, i: int, cos: list[str]) -> str:
    """One pre-2017 scenario in the historic claims, at the companies given."""
    kind = (
        "ah_fake_death",
        "ah_insured_while_injured",
        "ah_duplicate_receipt",
        "ah_multi_company",
    )[i % 4]
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
            pl.add(
                hk,
                claim(
                    pl,
                    p,
                    pol,
                    death,
                    "身故",
                    claimed=float(rng.choice([3e5, 5e5])),
                    diag=("W69", "溺水"),
                    cert="否",
                    loss_region=far,
                    payee=ben,
                    payee_rel="其他",
                    kind=hk,
                    close_cap=cap,
                ),
                sid,
            )
        pl.w.cache.setdefault("deceased", {})[p.index] = death
        pl.finish(
            sid,
            f"{p.name}于{d(death)}在外省“溺水身故”，{len(cos)}家公司均已赔付，无死亡证明",
            f"pre-2017: death claimed at {len(cos)} companies ({';'.join(cos)}); no death "
            f"certificate; died in {far}; payee not next of kin",
        )
    elif kind == "ah_insured_while_injured":
        diag = ref.DISABLING_INJURIES[int(rng.integers(0, len(ref.DISABLING_INJURIES)))]
        first = pl.when(D(2015, 2, 1), D(2015, 10, 31))
        loss = first
        for j, co in enumerate(cos):
            start = first - TD(days=200) if j == 0 else loss + TD(days=int(rng.integers(30, 90)))
            pol = virtual_policy(pl, co, "意外险", start)
            if j:
                loss = start + TD(days=int(rng.integers(30, 120)))
            pl.add(
                hk,
                claim(
                    pl,
                    p,
                    pol,
                    loss,
                    "伤残",
                    claimed=float(rng.choice([3e4, 6e4])),
                    diag=diag,
                    grade="9",
                    admission=loss,
                    discharge=loss + TD(days=14),
                    hospital=pl.hospital(),
                    kind=hk,
                    close_cap=cap,
                ),
                sid,
            )
        pl.finish(
            sid,
            f"{p.name}同一部位({diag[1]})伤残在{len(cos)}家公司先后索赔，后续保单均在首次受伤后投保",
            f"pre-2017: disability for {diag[0]} claimed at {len(cos)} companies; policies "
            f"after the first started after the first injury {d(first)}",
        )
    elif kind == "ah_duplicate_receipt":
        hosp = pl.hospital(tier=1)
        adm = pl.when(D(2016, 1, 1), D(2017, 8, 31))
        dis = adm + TD(days=10)
        amounts = [float(rng.uniform(5_000, 15_000)), float(rng.uniform(800, 3_000))]
        recs = receipts(pl, hosp, dis, amounts)
        for co in cos:
            pol = virtual_policy(pl, co, "医疗险", adm - TD(days=int(rng.integers(60, 300))))
            cl = pl.add(
                hk,
                claim(
                    pl,
                    p,
                    pol,
                    adm,
                    "住院医疗",
                    cause="疾病",
                    claimed=sum(amounts),
                    diag=ref.ILLNESSES[2],
                    hospital=hosp,
                    admission=adm,
                    discharge=dis,
                    kind=hk,
                    close_cap=cap,
                ),
                sid,
            )
            attach(pl, sid, cl, recs, amounts, kind="medical_receipt_hist")
        pl.finish(
            sid,
            f"{p.name}同一次住院票据在{len(cos)}家公司重复报销",
            f"pre-2017: receipts {recs[0]['receipt_code']}/{recs[0]['receipt_no']} and "
            f"{recs[1]['receipt_no']} claimed at {len(cos)} companies; total claimed "
            f"{sum(amounts) * len(cos):,.2f} > invoice {sum(amounts):,.2f}",
        )
    else:
        first = pl.when(D(2016, 1, 1), D(2017, 5, 31))
        starts = spread(pl, first, len(cos), 60)
        adm = max(starts) + TD(days=int(rng.integers(10, 40)))
        los = int(rng.integers(14, 28))
        for co, s in zip(cos, starts, strict=True):
            pol = virtual_policy(pl, co, "意外险", s)
            pl.add(
                hk,
                claim(
                    pl,
                    p,
                    pol,
                    adm,
                    "住院津贴",
                    claimed=200.0 * los,
                    diag=ref.LIGHT_INJURIES[1],
                    hospital=pl.hospital(),
                    admission=adm,
                    discharge=adm + TD(days=los),
                    kind=hk,
                    close_cap=cap,
                ),
                sid,
            )
        pl.finish(
            sid,
            f"{p.name}在60天内于{len(cos)}家公司投保意外险，随后住院并向各家索赔住院津贴",
            f"pre-2017: policies at {len(cos)} companies started within "
            f"{(max(starts) - first).days} days; hospital-cash claims at all of them for one "
            f"{los}-day stay {(adm - max(starts)).days} days after the last start",
        )
    return sid
