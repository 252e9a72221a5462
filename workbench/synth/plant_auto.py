"""Planted auto fraud (车险欺诈场景): staged accidents, inflating shops, injury brokers.

Signatures follow DOMAIN §2.1: A5 (a VIN in ≥ 3 claims within 90 days), A6
(one person in several claims under different roles at ≥ 2 companies within
180 days), A1/A2 (claims close to the policy start), A14 (night, no police
record), A10 (a repair shop whose average payout and parts ratio are z ≥ 3
outliers among its city's shops), A11/A12 (the same representative across
litigated injury claims with repeated disability assessments).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import ids
from . import reference as ref
from .planter import TD, D, Person, Planter, d, masked_name, t


def policy(pl: Planter, veh: dict, co: str, coverage: str, start: dt.date) -> dict:
    """An ``auto_policy`` row (交强险 or 商业险)."""
    rng = pl.rng
    owner: Person = veh["owner"]
    years_old = (start - veh["registered"]).days / 365.25
    value = round(veh["price"] * max(0.2, 1 - 0.07 * years_old), 2)
    comp = coverage == "交强险"
    issue = dt.datetime.combine(
        start - TD(days=int(rng.integers(0, 8))),
        dt.time(int(rng.integers(8, 20)), int(rng.integers(0, 60))),
    )
    return {
        "company_code": co,
        "policy_no": pl.number(co, "ZA" if comp else "DA", start),
        "coverage": coverage,
        "plate": veh["plate"],
        "vin": veh["vin"],
        "vehicle_use": veh["use"],
        "vehicle_model": veh["make"],
        "first_registration_date": d(veh["registered"]),
        "new_vehicle_price": veh["price"],
        "owner_name": owner.name,
        "owner_id_type": "居民身份证",
        "owner_id": owner.id,
        "owner_phone": owner.phone,
        "sum_insured": 122_000.0 if comp else value,
        "premium": round(
            950.0 * float(rng.choice([0.8, 1.0, 1.1])) if comp else value * 0.03 + 600, 2
        ),
        "issue_time": t(issue),
        "start_date": d(start),
        "end_date": d(_end(start)),
        "endorsement_date": "",
        "region_code": owner.region,
        "agent_name": "",
    }


def _end(start: dt.date) -> dt.date:
    try:
        return start.replace(year=start.year + 1) - TD(days=1)
    except ValueError:
        return start.replace(year=start.year + 1, day=28)


def claim(
    pl: Planter,
    veh: dict,
    pol: dict,
    when: dt.datetime,
    *,
    driver: Person,
    atype: str = "单方事故",
    liability: str = "全责",
    police: str = "否",
    injured: Person | None = None,
    grade: str = "",
    assessments: int | None = None,
    litigation: str = "",
    rep: tuple[str, str, str] | None = None,
    assessor: str = "",
    shop: pd.Series | None = None,
    estimated: float = 0.0,
    parts_ratio: float = 0.55,
    injury_amount: float = 0.0,
    close: dt.date | None = None,
    payee: Person | None = None,
    payee_rel: str = "本人",
    reporter: str | None = None,
    third_plate: str = "",
    region: str | None = None,
    delay_minutes: int | None = None,
) -> dict:
    """An ``auto_claim`` row (车险已决赔案)."""
    rng = pl.rng
    co = pol["company_code"]
    owner: Person = veh["owner"]
    region = region or (owner.region if owner.region in ref.REGIONS else "220102")
    delay = delay_minutes if delay_minutes is not None else int(rng.integers(15, 240))
    report = when + TD(minutes=delay)
    parts = round(estimated * parts_ratio, 2)
    labor = round(estimated - parts, 2)
    paid = round((parts + labor) * 0.97 + injury_amount, 2)
    close = close or min(when.date() + TD(days=int(rng.integers(5, 30))), D(2019, 6, 30))
    payee = payee or owner
    road = ("人民大街", "解放大路", "卫星路", "G1京哈高速", "302国道")[int(rng.integers(0, 5))]
    return {
        "company_code": co,
        "claim_no": pl.number(co, "ZC" if pol["coverage"] == "交强险" else "DC", when.date()),
        "policy_no": pol["policy_no"],
        "coverage": pol["coverage"],
        "plate": veh["plate"],
        "vin": veh["vin"],
        "accident_time": t(when),
        "accident_place": ref.REGIONS.get(region, ("长春市",))[0] + road,
        "accident_region_code": region,
        "report_time": t(report),
        "accident_type": atype,
        "liability": liability,
        "police_record": police,
        "driver_name": driver.name,
        "driver_id_type": "居民身份证",
        "driver_id": driver.id,
        "driver_phone": driver.phone,
        "third_party_plate": third_plate,
        "injury": "是" if injured else "否",
        "injured_name": injured.name if injured else "",
        "injured_id_type": "居民身份证" if injured else "",
        "injured_id": injured.id if injured else "",
        "disability_grade": grade,
        "assessment_count": assessments,
        "litigation": litigation,
        "representative_name": rep[0] if rep else "",
        "representative_org": rep[1] if rep else "",
        "representative_phone": rep[2] if rep else "",
        "assessment_org": assessor,
        "repair_shop_name": shop["name"] if shop is not None else "",
        "repair_shop_code": shop["code"] if shop is not None else "",
        "surveyor": pl.surveyor(co),
        "reporter_phone": reporter or driver.phone,
        "estimated_loss": round(estimated, 2) if estimated else None,
        "parts_amount": parts if estimated else None,
        "labor_amount": labor if estimated else None,
        "injury_amount": round(injury_amount, 2) if injured else None,
        "paid_amount": paid,
        "close_date": d(close),
        "payee_name": payee.name,
        "payee_id_type": "居民身份证",
        "payee_id": payee.id,
        "payee_relation": payee_rel,
        "payee_account": payee.card,
    }


def _shop(pl: Planter, city4: str) -> pd.Series:
    s = pl.w.shops[pl.w.shops["city4"] == city4]
    return s.iloc[int(pl.rng.integers(0, len(s)))]


def _night(pl: Planter, day: dt.date) -> dt.datetime:
    hour = int(pl.rng.choice([22, 23, 0, 1, 2, 3]))
    base = dt.datetime.combine(day, dt.time(hour, int(pl.rng.integers(0, 60))))
    return base


def _pc(pl: Planter, k: int) -> list[str]:
    cos = [c.code for c in pl.w.pc]
    return [str(c) for c in pl.rng.choice(cos, min(k, len(cos)), replace=False)]


def _insure(
    pl: Planter, sid: str | None, veh: dict, comp_co: str, comm_co: str, start: dt.date
) -> tuple[dict, dict]:
    a = pl.add("auto_policy", policy(pl, veh, comp_co, "交强险", start), sid)
    b = pl.add("auto_policy", policy(pl, veh, comm_co, "商业险", start), sid)
    return a, b


# --- auto_staged ---------------------------------------------------------------------


def staged(pl: Planter, i: int, ring: dict | None) -> str:
    """A5/A6/A1/A14: staged accidents (故意制造或编造保险事故)."""
    variant = i % 3
    if variant == 2 and len(pl.w.pc) < 3:
        variant = 0
    sid = pl.begin("auto_staged", "auto", ring=ring and ring["id"])
    rng = pl.rng
    members = ring["members"] if ring else pl.pick(age=(22, 50), k=3)
    reporter = ring["phone"] if ring else None
    payee = ring["organiser"] if ring and i % 2 else None
    if variant == 1:
        return _role_swap(pl, sid, members, reporter)
    (owner,) = pl.pick(age=(25, 55), fresh="auto")
    veh = pl.vehicle(owner, years_old=float(rng.uniform(5, 10)), model=int(rng.integers(0, 10)))
    city4 = owner.region[:4] if owner.region[:4] in ref.CITIES else "2201"
    cos = _pc(pl, 3)
    comp_co, comm_co = cos[0], cos[1 % len(cos)]
    claims = []
    if variant == 0:
        start = pl.when(D(2018, 8, 1), D(2019, 2, 20))
        comp, comm = _insure(pl, sid, veh, comp_co, comm_co, start)
        k = 3 + int(rng.integers(0, 2))
        first = start + TD(days=int(rng.integers(2, 20)))
        span = int(rng.integers(45, 85))
        days = [first] + sorted(first + TD(days=int(x)) for x in rng.integers(3, span, k - 1))
        for j, day in enumerate(days):
            pol = comp if j == 1 else comm
            injured = members[j % len(members)] if pol is comp else None
            claims.append(
                pl.add(
                    "auto_claim",
                    claim(
                        pl,
                        veh,
                        pol,
                        _night(pl, day),
                        driver=members[(j + 1) % len(members)] if j else owner,
                        atype="双方事故" if injured else "单方事故",
                        injured=injured,
                        injury_amount=float(rng.uniform(8_000, 25_000)) if injured else 0.0,
                        shop=_shop(pl, city4),
                        estimated=float(rng.uniform(5_000, 14_000)),
                        payee=payee,
                        payee_rel="其他" if payee else "本人",
                        reporter=reporter,
                        delay_minutes=int(rng.integers(300, 2000)),
                        third_plate=pl.vehicle(members[0])["plate"] if injured else "",
                    ),
                    sid,
                )
            )
        gap = (first - start).days
    else:
        (seller,) = pl.pick(age=(30, 60), fresh="auto")
        veh["owner"] = seller
        old_co = cos[2]
        s0 = pl.when(D(2018, 7, 1), D(2018, 8, 31))
        old_comp, old_comm = _insure(pl, sid, veh, old_co, old_co, s0)
        start = s0 + TD(days=int(rng.integers(170, 210)))
        sale = dict(veh, owner=owner)
        comp, comm = _insure(pl, sid, sale, comp_co, comm_co, start)
        d0 = start - TD(days=int(rng.integers(5, 25)))
        claims.append(
            pl.add(
                "auto_claim",
                claim(
                    pl,
                    veh,
                    old_comm,
                    _night(pl, d0),
                    driver=seller,
                    shop=_shop(pl, city4),
                    estimated=float(rng.uniform(6_000, 15_000)),
                    reporter=reporter,
                ),
                sid,
            )
        )
        for j, off in enumerate(sorted(int(x) for x in rng.integers(3, 60, 2))):
            pol = comm if j == 0 else comp
            injured = members[j] if pol is comp else None
            claims.append(
                pl.add(
                    "auto_claim",
                    claim(
                        pl,
                        sale,
                        pol,
                        _night(pl, start + TD(days=off)),
                        driver=members[j],
                        atype="双方事故" if injured else "单方事故",
                        injured=injured,
                        injury_amount=float(rng.uniform(8_000, 20_000)) if injured else 0.0,
                        shop=_shop(pl, city4),
                        estimated=float(rng.uniform(5_000, 12_000)),
                        payee=payee,
                        payee_rel="其他" if payee else "本人",
                        reporter=reporter,
                    ),
                    sid,
                )
            )
        gap = min((dt.date.fromisoformat(c["accident_time"][:10]) - start).days for c in claims[1:])
    times = [dt.datetime.fromisoformat(c["accident_time"]) for c in claims]
    span = (max(times) - min(times)).days
    n_co = len({c["company_code"] for c in claims})
    pl.finish(
        sid,
        f"车辆{veh['plate']}在{span}天内于{n_co}家公司出险{len(claims)}次，多为夜间无交警认定，"
        f"{'过户后' if variant else '起保后'}{gap}天首次出险",
        f"VIN {veh['vin']} in {len(claims)} claims at {n_co} companies within {span} days; "
        f"first claim {gap} days after policy start; all at night, no police record",
    )
    return sid


def _role_swap(pl: Planter, sid: str, members: list[Person], reporter: str | None) -> str:
    rng = pl.rng
    cos = _pc(pl, 2)
    vehs, pols = [], []
    base = pl.when(D(2018, 8, 1), D(2019, 1, 10))
    for j, m in enumerate(members[:3]):
        veh = pl.vehicle(m, years_old=float(rng.uniform(4, 10)))
        start = base + TD(days=int(rng.integers(0, 40)) + 20 * j)
        co = cos[j % len(cos)]
        comp, comm = _insure(pl, sid, veh, co, co, start)
        vehs.append(veh)
        pols.append((comp, comm, start))
    claims = []
    for j in range(3):
        veh = vehs[j]
        comp, comm, start = pols[j]
        driver = members[(j + 1) % 3]
        injured = members[(j + 2) % 3]
        day = start + TD(days=int(rng.integers(3, 25)))
        claims.append(
            pl.add(
                "auto_claim",
                claim(
                    pl,
                    veh,
                    comp,
                    _night(pl, day),
                    driver=driver,
                    atype="双方事故",
                    injured=injured,
                    injury_amount=float(rng.uniform(10_000, 30_000)),
                    third_plate=vehs[(j + 1) % 3]["plate"],
                    reporter=reporter,
                    shop=_shop(
                        pl,
                        veh["owner"].region[:4]
                        if veh["owner"].region[:4] in ref.CITIES
                        else "2201",
                    ),
                    estimated=float(rng.uniform(3_000, 9_000)),
                ),
                sid,
            )
        )
    times = [dt.datetime.fromisoformat(c["accident_time"]) for c in claims]
    span = (max(times) - min(times)).days
    n_co = len({c["company_code"] for c in claims})
    names = "、".join(m.name for m in members[:3])
    pl.finish(
        sid,
        f"{names}三人在{span}天内轮换车主、驾驶员、伤者身份制造{len(claims)}起事故",
        f"3 persons each in {len(claims)} claims within {span} days at {n_co} companies, "
        f"swapping roles (insured owner / driver / injured third party); claims 3-25 days "
        f"after policy start, at night, no police record",
    )
    return sid


# --- auto_repair_inflation -----------------------------------------------------------


def _city_order(pl: Planter) -> list[str]:
    """Cities by number of peer shops with at least 3 damage-only claims (同城可比修理厂)."""
    bg = pl.w.cache["auto_claim_bg"]
    dmg = bg[(bg["repair_shop_code"] != "") & bg["injury_amount"].isna()]
    per_shop = dmg["repair_shop_code"].value_counts()
    peers = per_shop[per_shop >= 3]
    by_city = pd.Series(peers.index.str[2:6]).value_counts()
    return [c for c in by_city.index if c in ref.CITIES]


def shop_z(
    pl: Planter, city4: str, planted: list[dict]
) -> tuple[float, float, float, float, float, float]:
    """Average paid and parts ratio of the planted shop and its city's peers, with z-scores
    over shops with ≥ 3 claims (the shop itself included, population s.d.)."""
    cols = ["repair_shop_code", "paid_amount", "parts_amount", "labor_amount", "injury_amount"]
    cache = pl.w.cache.setdefault("_shop_city", {})
    if city4 not in cache:
        bg = pl.w.cache["auto_claim_bg"]
        cache[city4] = bg.loc[bg["repair_shop_code"].str[2:6] == city4, cols]
    cl = pd.concat([cache[city4], pd.DataFrame(planted)[cols]])
    cl = cl[(cl["repair_shop_code"].str[2:6] == city4) & cl["parts_amount"].notna()]
    cl = cl[cl["injury_amount"].isna()]
    g = cl.groupby("repair_shop_code").agg(
        n=("paid_amount", "size"),
        paid=("paid_amount", "mean"),
        parts=("parts_amount", "sum"),
        labor=("labor_amount", "sum"),
    )
    g = g[g["n"] >= 3]
    g["ratio"] = g["parts"] / (g["parts"] + g["labor"])
    code = planted[0]["repair_shop_code"]
    zp = (g.loc[code, "paid"] - g["paid"].mean()) / g["paid"].std(ddof=0)
    zr = (g.loc[code, "ratio"] - g["ratio"].mean()) / g["ratio"].std(ddof=0)
    peers = g.drop(code)
    return (
        float(g.loc[code, "paid"]),
        float(peers["paid"].mean()),
        float(zp),
        float(g.loc[code, "ratio"]),
        float(peers["ratio"].mean()),
        float(zr),
    )


def repair_inflation(pl: Planter, i: int, ring: dict | None) -> str:
    """A10: a repair shop inflating losses (修理厂勾结夸大损失)."""
    rng = pl.rng
    sid = pl.begin("auto_repair_inflation", "auto", ring=ring and ring["id"])
    cities = _city_order(pl)
    city4 = cities[i % len(cities)]
    cname = ref.CITIES[city4][0]
    short = cname.replace("朝鲜族自治州", "").replace("市", "")
    region = next(r for r in ref.REGIONS if r.startswith(city4))
    word = ref.SHOP_WORDS[(i * 7 + 3) % len(ref.SHOP_WORDS)]
    shop = pd.Series(
        {
            "code": ids.make_uscc(rng, region, "92"),
            "name": f"{short}市{word}{['汽车快修中心', '汽配维修部', '钣喷中心'][i % 3]}",
        }
    )
    cos = _pc(pl, 2 + i % 2)
    n_veh = 6 + int(rng.integers(0, 5))
    owners = pl.pick(age=(25, 60), region=city4, k=n_veh, fresh="auto")
    reporter = ring["phone"] if ring else pl.phone()
    mult = float(rng.uniform(2.6, 3.3))
    claims: list[dict] = []
    repeat = 0
    for j, owner in enumerate(owners):
        veh = pl.vehicle(owner)
        co = cos[j % len(cos)]
        start = pl.when(D(2018, 7, 1), D(2019, 1, 31))
        comp, comm = _insure(pl, sid, veh, co, co, start)
        n_cl = 2 if j < 3 else 1
        repeat += n_cl == 2
        day = start + TD(days=int(rng.integers(30, 120)))
        for _ in range(n_cl):
            when = dt.datetime.combine(
                day, dt.time(int(rng.integers(8, 19)), int(rng.integers(60)))
            )
            claims.append(
                claim(
                    pl,
                    veh,
                    comm,
                    when,
                    driver=owner,
                    atype="双方事故",
                    liability=str(rng.choice(["全责", "主责", "同责"])),
                    police="是",
                    shop=shop,
                    estimated=float(rng.lognormal(np.log(3500 * mult), 0.3)),
                    parts_ratio=float(rng.uniform(0.86, 0.94)),
                    reporter=reporter,
                    third_plate=pl.vehicle(owners[0])["plate"],
                )
            )
            day += TD(days=int(rng.integers(50, 110)))
    claims = [c for c in claims if c["close_date"] <= "2019-06-30"]
    for _ in range(6):
        stats = shop_z(pl, city4, claims)
        if stats[2] >= 3.3:
            break
        for c in claims:  # not yet an outlier at this city's spread: inflate further
            c["estimated_loss"] = round(c["estimated_loss"] * 1.25, 2)
            c["parts_amount"] = round(c["parts_amount"] * 1.25, 2)
            c["labor_amount"] = round(c["labor_amount"] * 1.25, 2)
            c["paid_amount"] = round((c["parts_amount"] + c["labor_amount"]) * 0.97, 2)
    for c in claims:
        pl.add("auto_claim", c, sid)
    paid, peer_paid, zp, ratio, peer_ratio, zr = shop_z(pl, city4, claims)
    n_co = len({c["company_code"] for c in claims})
    pl.finish(
        sid,
        f"{shop['name']}承修{len(claims)}起赔案，案均赔款{paid:,.0f}元(同城{peer_paid:,.0f}元)，"
        f"换件比例{ratio:.0%}，{repeat}辆车重复送修",
        f"shop {shop['name']} ({shop['code']}) in {cname}: {len(claims)} claims at {n_co} "
        f"companies, avg paid {paid:,.0f} vs city peers {peer_paid:,.0f} (z={zp:.1f}); "
        f"parts ratio {ratio:.2f} vs {peer_ratio:.2f} (z={zr:.1f}); {repeat} repeat vehicles",
    )
    pl.w.cache.setdefault("inflating_shops", []).append((sid, shop["name"]))
    return sid


# --- auto_injury_broker ---------------------------------------------------------------


def injury_broker(pl: Planter, i: int, ring: dict | None) -> str:
    """A11/A12: one representative across many litigated injury claims (人伤黄牛)."""
    rng = pl.rng
    sid = pl.begin("auto_injury_broker", "auto", ring=ring and ring["id"])
    broker = pl.new_person(str(rng.choice(list(ref.REGIONS))), int(rng.integers(30, 55)))
    if ring:
        org, assessor = ring["org"], ring["assessor"]
    else:
        word = ref.FIRM_WORDS[(i * 5 + 1) % len(ref.FIRM_WORDS)]
        org = f"长春市{word}交通事故理赔咨询服务部"
        assessor = pl.w.assessors[i % len(pl.w.assessors)]
    k = 3 + int(rng.integers(0, 3))
    cos = _pc(pl, 3)
    owners = pl.pick(age=(25, 60), k=k, fresh="auto")
    injured = pl.pick(age=(20, 70), k=k)
    first = pl.when(D(2018, 7, 20), D(2018, 10, 31))
    span = int(rng.integers(100, 200))
    days = sorted([first] + [first + TD(days=int(x)) for x in rng.integers(5, span, k - 1)])
    claims = []
    for j, (owner, victim, day) in enumerate(zip(owners, injured, days, strict=True)):
        veh = pl.vehicle(owner)
        co = cos[j % len(cos)]
        start = max(D(2018, 7, 1), day - TD(days=int(rng.integers(30, 200))))
        comp, comm = _insure(pl, sid, veh, co, co, start)
        when = dt.datetime.combine(day, dt.time(int(rng.integers(7, 20)), int(rng.integers(60))))
        close = min(day + TD(days=int(rng.integers(120, 220))), D(2019, 6, 28))
        payee, rel = (broker, "其他") if j % 2 else (victim, "本人")
        claims.append(
            pl.add(
                "auto_claim",
                claim(
                    pl,
                    veh,
                    comp,
                    when,
                    driver=owner,
                    atype="双方事故",
                    liability=str(rng.choice(["全责", "主责"])),
                    police="是",
                    injured=victim,
                    grade=str(rng.choice(["9", "10"])),
                    assessments=int(rng.integers(2, 4)),
                    litigation="是",
                    rep=(broker.name, org, broker.phone),
                    assessor=assessor,
                    injury_amount=float(rng.uniform(60_000, 180_000)),
                    close=close,
                    estimated=float(rng.uniform(1_000, 4_000)),
                    payee=payee,
                    payee_rel=rel,
                    shop=_shop(pl, owner.region[:4] if owner.region[:4] in ref.CITIES else "2201"),
                ),
                sid,
            )
        )
    n_co = len({c["company_code"] for c in claims})
    real_span = (days[-1] - days[0]).days
    pl.finish(
        sid,
        f"委托代理人{masked_name(broker.name)}({org})在{real_span}天内代理{k}起诉讼人伤案件，"
        f"均由{assessor}多次鉴定",
        f"representative {masked_name(broker.name)} ({org}, {broker.phone}) in {k} litigated injury "
        f"claims within {real_span} days at {n_co} companies for {k} unrelated insureds; "
        f"same assessment body {assessor}; 2-3 disability assessments per claim",
    )
    pl.w.cache.setdefault("brokers", []).append((sid, broker, claims))
    return sid
