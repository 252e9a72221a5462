"""Hard negatives (难负例): honest records that look like fraud to a naive rule.

Each one imitates a rule idea and carries the detail that clears it on review:
a taxi fleet's frequent daytime claims with police records, a family paid into
one parent's account, a verified cooperative account (its USCC goes on the
whitelist), a big hospital's volume, 交强险 and 商业险 bought at two companies,
a farmer's two separate parcels insured at two companies, two honest A&H
policies at two companies, and an illness claimed 40 days after the start.
"""

from __future__ import annotations

import datetime as dt

from . import plant_auto as au
from . import reference as ref
from . import rows_agri as ag
from . import rows_ah as ah
from .planter import TD, D, Person, Planter, masked_name, to_date


def taxi_fleet(pl: Planter) -> None:
    rng = pl.rng
    co = au._pc(pl, 1)[0]
    drivers = pl.pick(age=(28, 55), k=4, region="2201", fresh="auto")
    items = []
    start = pl.when(D(2018, 7, 1), D(2018, 10, 31))
    for owner in drivers[:3]:
        veh = pl.vehicle(owner, use="营业出租租赁", model=0, years_old=float(rng.uniform(1, 4)))
        comp, comm = au._insure(pl, None, veh, co, co, start)
        items += [("auto_policy", comp), ("auto_policy", comm)]
        day = start + TD(days=int(rng.integers(20, 60)))
        for j in range(3):
            when = dt.datetime.combine(
                day, dt.time(int(rng.integers(8, 18)), int(rng.integers(60)))
            )
            c = au.claim(
                pl,
                veh,
                comm,
                when,
                driver=owner if j % 2 == 0 else drivers[3],
                atype="双方事故",
                liability=str(rng.choice(["同责", "次责", "主责"])),
                police="是",
                shop=au._shop(pl, "2201"),
                estimated=float(rng.uniform(1_500, 4_500)),
                third_plate=pl.vehicle(drivers[3])["plate"],
                delay_minutes=int(rng.integers(20, 90)),
            )
            items.append(("auto_claim", pl.add("auto_claim", c)))
            day += TD(days=int(rng.integers(20, 35)))
    pl.negative(
        "auto_staged (A5 same vehicle >= 3 claims / 90 d)",
        "出租车队车辆出险频繁：白天、有交警认定、双方事故、责任各异、及时报案，属营运车辆正常高频出险",
        items,
    )


def family_account(pl: Planter) -> None:
    rng = pl.rng
    child, parent = pl.pick_child(12)
    persons = pl.w.persons
    nxt = parent.index + 1
    if (
        nxt < len(persons)
        and persons["household"].iat[nxt] == persons["household"].iat[parent.index]
        and persons["role"].iat[nxt] == 1
        and persons["card"].iat[nxt] != ""
    ):
        spouse = pl.person(nxt)
    else:
        (spouse,) = pl.pick(age=(28, 60), fresh="ah")
    co = str(rng.choice([c.code for c in pl.w.companies]))
    items = []
    start = pl.when(D(2018, 7, 1), D(2018, 9, 30))
    for p, rel, holder in (
        (parent, "本人", parent),
        (spouse, "配偶", parent),
        (child, "父母", parent),
    ):
        pol = pl.add(
            "ah_policy",
            ah.policy(
                pl,
                p,
                co,
                "医疗险",
                start,
                sum_insured=20_000.0,
                holder=holder,
                relation={"本人": "本人", "配偶": "配偶", "父母": "子女"}[rel],
                product="住院医疗费用补偿保险",
            ),
        )
        items.append(("ah_policy", pol))
        loss = start + TD(days=int(rng.integers(60, 250)))
        hosp = pl.hospital()
        amounts = [float(rng.uniform(1_500, 6_000))]
        cl = pl.add(
            "ah_claim",
            ah.claim(
                pl,
                p,
                pol,
                loss,
                "住院医疗",
                cause="疾病",
                claimed=amounts[0],
                paid=amounts[0] * 0.8,
                diag=ref.ILLNESSES[int(rng.integers(0, 10))],
                hospital=hosp,
                admission=loss,
                discharge=loss + TD(days=5),
                payee=parent,
                payee_rel=rel,
            ),
        )
        recs = ah.receipts(pl, hosp, loss + TD(days=5), amounts)
        ah.attach(pl, None, cl, recs, amounts)
        items.append(("ah_claim", cl))
    pl.negative(
        "shared payee account (one account, several insureds)",
        f"一家三口的理赔款均付至户主{masked_name(parent.name)}的账户(配偶、子女)，属家庭共用账户",
        items,
    )


def coop_account(pl: Planter) -> None:
    rng = pl.rng
    cs = ag.counties(pl, True)
    county = cs[int(rng.integers(0, len(cs)))]
    coops = pl.w.coops[pl.w.coops["region"] == county]
    coop = coops.iloc[0] if len(coops) else pl.w.coops.iloc[0]
    ev = ag.event_of(pl, county)
    co = ag.insurer(pl, county)
    items = []
    start = pl.when(ag.SEASON18[0], ag.SEASON18[1])
    coop_person = Person(
        -1,
        "",
        coop["name"],
        "",
        coop["account"],
        "吉林省农村信用社",
        county,
        D(2000, 1, 1),
        0.0,
        "",
        True,
    )
    for _j in range(5 + int(rng.integers(0, 3))):
        fm = ag.farm(pl, county=county)
        if not fm.parcels:
            continue
        pol = pl.add(
            "agri_policy",
            ag.policy(
                pl,
                fm,
                co,
                "玉米",
                start,
                ag.SEASON18[2],
                area=fm.area,
                parcels=fm.parcels,
                coop=coop,
            ),
        )
        items.append(("agri_policy", pol))
        if ev is not None and to_date(ev["start"]) > start + TD(days=15):
            cl = ag.crop_claim(pl, pol, fm, ev, payee=coop_person, payee_rel="合作社")
        else:
            la = round(fm.area * 0.5, 1)
            cl = ag.claim(
                pl,
                pol,
                fm.person,
                start + TD(days=40),
                "风灾",
                paid=la * float(rng.uniform(90, 180)),
                loss_area=la,
                payee=coop_person,
                payee_rel="合作社",
            )
        cl["payee_id_type"] = "其他"
        cl["payee_id"] = ""
        items.append(("agri_claim", pl.add("agri_claim", cl)))
    pl.negative(
        "agri_shared_account (G5 one account, many farmers)",
        f"{coop['name']}(统一社会信用代码{coop['code']})的已核实对公账户{coop['account']}统一"
        f"接收社员赔款，已列入白名单",
        items,
    )
    pl.w.cache.setdefault("whitelist", []).append((coop["code"], coop["name"], coop["account"]))


def big_hospital(pl: Planter, tables: dict) -> None:
    rec = tables["medical_receipt"]
    top = rec["hospital_code"].value_counts().index[0]
    sample = rec[rec["hospital_code"] == top].head(20)
    name = sample["hospital_name"].iloc[0]
    items = [("medical_receipt", r) for r in sample.to_dict("records")]
    pl.negative(
        "hospital cluster (H9 many insureds at one hospital)",
        f"{name}为三级甲等综合医院，票据量大属正常(列出部分票据)",
        items,
    )


def dual_auto_cover(pl: Planter) -> None:
    rng = pl.rng
    cos = au._pc(pl, 2)
    if len(cos) < 2:
        return
    items = []
    for owner in pl.pick(age=(25, 60), k=2, fresh="auto"):
        veh = pl.vehicle(owner)
        start = pl.when(D(2018, 7, 1), D(2019, 6, 1))
        a = pl.add("auto_policy", au.policy(pl, veh, cos[0], "交强险", start))
        b = pl.add(
            "auto_policy",
            au.policy(pl, veh, cos[1], "商业险", start + TD(days=int(rng.integers(0, 3)))),
        )
        items += [("auto_policy", a), ("auto_policy", b)]
    pl.negative(
        "same vehicle insured at two companies",
        "交强险与商业险分别在两家公司投保，险别不同，不属于重复投保",
        items,
    )


def two_parcels(pl: Planter) -> None:
    agri = pl.w.agri
    if len(agri) < 2:
        return
    for _ in range(50):
        fm = ag.farm(pl)
        if len(fm.parcels) >= 2:
            break
    a = agri[0].code
    b = agri[1].code
    start = pl.when(ag.SEASON19[0], ag.SEASON19[1])
    half = max(1, len(fm.parcels) // 2)
    p1 = pl.add(
        "agri_policy",
        ag.policy(
            pl,
            fm,
            a,
            "玉米",
            start,
            ag.SEASON19[2],
            area=round(sum(fm.areas[:half]), 1),
            parcels=fm.parcels[:half],
        ),
    )
    p2 = pl.add(
        "agri_policy",
        ag.policy(
            pl,
            fm,
            b,
            "玉米",
            start + TD(days=3),
            ag.SEASON19[2],
            area=round(sum(fm.areas[half:]), 1),
            parcels=fm.parcels[half:],
        ),
    )
    pl.negative(
        "agri_duplicate (G1 same farmer + subject + overlapping period)",
        f"{masked_name(fm.person.name)}两处不同确权地块分别在两家公司投保玉米，地块编码不重叠，面积合计不超确权面积",
        [("agri_policy", p1), ("agri_policy", p2)],
    )


def two_ah_policies(pl: Planter) -> None:
    rng = pl.rng
    cos = ah.companies(pl, 2)
    (p,) = pl.pick(age=(25, 55), fresh="ah")
    s = pl.when(D(2018, 8, 1), D(2019, 3, 1))
    a = pl.add("ah_policy", ah.policy(pl, p, cos[0], "意外险", s, sum_insured=200_000.0))
    b = pl.add(
        "ah_policy",
        ah.policy(
            pl,
            p,
            cos[-1],
            "意外险",
            s + TD(days=int(rng.integers(5, 40))),
            sum_insured=100_000.0,
            product="驾乘人员意外伤害保险",
        ),
    )
    pl.negative(
        "ah_multi_company (H1 >= 3 companies / 90 d)",
        "在两家公司各投保一份意外险(综合意外、驾乘意外)，未达三家，保额与收入相符",
        [("ah_policy", a), ("ah_policy", b)],
    )


def early_claim(pl: Planter) -> None:
    rng = pl.rng
    co = ah.companies(pl, 1)[0]
    (p,) = pl.pick(age=(30, 70), fresh="ah")
    s = pl.when(D(2018, 7, 15), D(2019, 3, 31))
    pol = pl.add(
        "ah_policy",
        ah.policy(
            pl,
            p,
            co,
            "医疗险",
            s,
            sum_insured=3_000_000.0,
            product="百万医疗保险",
            premium=float(rng.uniform(300, 900)),
        ),
    )
    loss = s + TD(days=40)
    hosp = pl.hospital(tier=3)
    amounts = [float(rng.uniform(12_000, 30_000))]
    cl = pl.add(
        "ah_claim",
        ah.claim(
            pl,
            p,
            pol,
            loss,
            "住院医疗",
            cause="疾病",
            claimed=amounts[0],
            paid=amounts[0] * 0.7,
            diag=("K35.8", "急性阑尾炎"),
            hospital=hosp,
            admission=loss,
            discharge=loss + TD(days=6),
        ),
    )
    ah.attach(pl, None, cl, ah.receipts(pl, hosp, loss + TD(days=6), amounts), amounts)
    pl.negative(
        "early claim (H4 claim soon after start)",
        "起保40天后急性阑尾炎住院，急性病、无既往史，属正常理赔",
        [("ah_policy", pol), ("ah_claim", cl)],
    )


def plant(pl: Planter, tables: dict, reps: int) -> None:
    """All hard negatives, ``reps`` times each (more at larger scales)."""
    for _ in range(reps):
        if pl.w.pc:
            taxi_fleet(pl)
            dual_auto_cover(pl)
        family_account(pl)
        if pl.w.agri:
            coop_account(pl)
            two_parcels(pl)
        two_ah_policies(pl)
        early_claim(pl)
    big_hospital(pl, tables)
