"""Honest auto business (车险背景业务): vehicles, 交强险/商业险 policies, claims.

Every vehicle carries compulsory cover (交强险), most also commercial cover
(商业险), and about one in seven buys the two at different companies — a
common, legitimate pattern.  Claims on one vehicle are at least 46 days
apart, so an honest vehicle never shows three claims within 90 days (the A5
rule's threshold); taxis claim more often but keep that spacing.  Repair costs
vary by shop only a little, so a planted inflating shop stands out against its
city's peers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import ids
from . import reference as ref
from .common import (
    DAY,
    MINUTE,
    WINDOW_END,
    WINDOW_START,
    iso,
    iso_minutes,
    mobiles,
    money,
    one_year,
    person_names,
    random_days,
)
from .population import World
from .tables import frame

PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
ROADS = (
    "人民大街",
    "解放大路",
    "自由大路",
    "亚泰大街",
    "卫星路",
    "南湖大路",
    "吉林大街",
    "长春大街",
    "G1京哈高速",
    "G12珲乌高速",
    "302国道",
    "203国道",
    "光明路",
    "建设街",
    "新华路",
    "胜利大街",
)
INJURY_ROLES = ("driver", "third")


def _choice(rng, options, p, n):
    return np.asarray(options)[rng.choice(len(options), n, p=np.asarray(p) / np.sum(p))]


def _city_of(region: np.ndarray) -> np.ndarray:
    c4 = np.char.ljust(region.astype("U4"), 4)
    return np.where(np.isin(c4, list(ref.CITIES)), c4, "2201")


def make_plates(rng: np.random.Generator, city4: np.ndarray, new_energy: np.ndarray) -> np.ndarray:
    """Jilin plates (号牌): 吉 + city letter + 5 characters; new-energy plates have 8."""
    n = len(city4)
    letter = np.array([ref.CITIES[c][1] for c in ref.CITIES])[
        np.searchsorted(np.array(list(ref.CITIES)), city4)
    ]
    letter = np.where((city4 == "2205") & (rng.random(n) < 0.3), "K", letter)
    digits5 = np.char.zfill(rng.integers(0, 10**5, n).astype(str), 5)
    l1 = ids.random_chars(rng, PLATE_LETTERS, n, 1)
    l2 = ids.random_chars(rng, PLATE_LETTERS, n, 2)
    u = rng.random(n)
    body = np.where(
        u < 0.45,
        digits5,
        np.where(
            u < 0.85,
            np.char.add(l1, np.char.ljust(digits5.astype("U4"), 4)),
            np.char.add(l2, np.char.ljust(digits5.astype("U3"), 3)),
        ),
    )
    ne = np.char.add(
        np.char.add(
            _choice(rng, ("D", "F"), (0.7, 0.3), n),
            ids.random_chars(rng, "0123456789ABCDEFGHJK", n, 1),
        ),
        np.char.zfill(rng.integers(0, 10**4, n).astype(str), 4),
    )
    return np.char.add(np.char.add("吉", letter), np.where(new_energy, ne, body))


def build_vehicles(world: World, n: int) -> pd.DataFrame:
    """Vehicles (车辆) owned by adults: private cars, taxis, trucks, company cars."""
    rng, p = world.rng, world.persons
    dead = np.array(list(world.cache.get("deceased", {})), dtype=np.int64)
    eligible = np.flatnonzero((p["age"].to_numpy() >= 20) & (p["age"].to_numpy() <= 75))
    eligible = np.setdiff1d(eligible, dead)
    # One vehicle per owner where the population allows (每人一车为主).
    owner = rng.choice(eligible, n, replace=n > len(eligible))
    use = _choice(
        rng, ("家庭自用", "营业出租租赁", "营业货运", "非营业企业"), (0.86, 0.03, 0.06, 0.05), n
    )
    m_w = np.array(ref.VEHICLE_MODEL_WEIGHTS)
    truck = len(ref.VEHICLE_MODELS) - 1
    model = np.where(
        use == "营业货运", truck, rng.choice(truck, n, p=m_w[:truck] / m_w[:truck].sum())
    )
    wmi = np.array([m[0] for m in ref.VEHICLE_MODELS])[model]
    make = np.array([m[1] for m in ref.VEHICLE_MODELS])[model]
    lo = np.array([m[2] for m in ref.VEHICLE_MODELS])[model]
    hi = np.array([m[3] for m in ref.VEHICLE_MODELS])[model]
    ne = np.array([m[4] for m in ref.VEHICLE_MODELS])[model]
    price = np.round(lo + rng.random(n) * (hi - lo), -2)
    age_y = np.minimum(rng.exponential(4.0, n), 10.5)
    reg = np.datetime64("2019-06-30") - (age_y * 365.25).astype(np.int64) * DAY
    year = reg.astype("datetime64[Y]").astype(int) + 1970
    year_char = np.array([ref.VIN_YEARS.get(int(y), "K") for y in range(2008, 2020)])[
        np.clip(year - 2008, 0, 11)
    ]
    vis = np.char.add(
        np.char.add(year_char, ids.random_chars(rng, "ABCDEFGHJKLMNPRSTUVWXYZ", n, 1)),
        np.char.zfill(rng.integers(0, 10**6, n).astype(str), 6),
    )
    vds = ids.random_chars(rng, ids.VIN_ALPHABET, n, 5)
    vin = ids.make_vins(wmi, vds, vis)
    city4 = _city_of(p["region"].to_numpy()[owner])
    plate = make_plates(rng, city4, ne)
    for _ in range(20):  # plates and VINs must be unique
        _, first = np.unique(plate, return_index=True)
        dup = np.setdiff1d(np.arange(n), first)
        if not len(dup):
            break
        plate[dup] = make_plates(rng, city4[dup], ne[dup])
    return (
        pd.DataFrame(
            {
                "owner": owner,
                "use": use,
                "make": make,
                "price": price,
                "registered": reg,
                "vin": vin,
                "plate": plate,
                "city4": city4,
                "new_energy": ne,
            }
        )
        .drop_duplicates("vin")
        .reset_index(drop=True)
    )


def draw_policies(
    world: World, veh: pd.DataFrame, start: np.ndarray, tag_year: bool = True
) -> pd.DataFrame:
    """交强险 for every vehicle and 商业险 for most; one in seven splits the two."""
    rng = world.rng
    pcs = world.pc
    n = len(veh)
    w = np.array([c.share for c in pcs])
    ci = rng.choice(len(pcs), n, p=w / w.sum())
    has_comm = rng.random(n) < np.where(veh["use"].to_numpy() == "营业货运", 0.7, 0.9)
    other = rng.choice(len(pcs), n, p=w / w.sum())
    split = has_comm & (rng.random(n) < 0.15) & (other != ci)
    comm_ci = np.where(split, other, ci)
    comm_start = np.where(split, start + rng.integers(0, 4, n) * DAY, start)
    v = np.concatenate([np.arange(n), np.flatnonzero(has_comm)])
    cov = np.concatenate([np.full(n, "交强险"), np.full(has_comm.sum(), "商业险")])
    co = np.concatenate([ci, comm_ci[has_comm]])
    st = np.concatenate([start, comm_start[has_comm]])
    return pd.DataFrame(
        {
            "veh": v,
            "coverage": cov,
            "company": np.array([c.code for c in pcs])[co],
            "start": st,
            "end": one_year(st),
        }
    )


def _number(
    world: World, pol: pd.DataFrame, col: str, tags: dict[str, str], date_col: str
) -> np.ndarray:
    out = np.empty(len(pol), dtype=object)
    years = pol[date_col].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    keys = pol["company"].to_numpy().astype(str) + "|" + pol[col].to_numpy().astype(str)
    for key in np.unique(keys):
        code, c = key.split("|")
        sel = np.flatnonzero(keys == key)
        out[sel] = world.numbers.take(code, tags[c], years[sel])
    return out


def policy_frame(world: World, veh: pd.DataFrame, pol: pd.DataFrame) -> pd.DataFrame:
    rng, p = world.rng, world.persons
    n = len(pol)
    vi = pol["veh"].to_numpy()
    owner = veh["owner"].to_numpy()[vi]
    use = veh["use"].to_numpy()[vi]
    comp = pol["coverage"].to_numpy() == "交强险"
    price = veh["price"].to_numpy()[vi]
    years_old = (pol["start"].to_numpy() - veh["registered"].to_numpy()[vi]) / DAY / 365.25
    value = money(price * np.clip(1 - 0.07 * years_old, 0.2, 1.0))
    base = np.select([use == "营业出租租赁", use == "营业货运"], [1800.0, 2800.0], 950.0)
    premium = money(
        np.where(
            comp,
            base * _choice(rng, (0.7, 0.8, 0.9, 1.0, 1.1), (0.3, 0.2, 0.2, 0.2, 0.1), n),
            value * rng.uniform(0.025, 0.04, n) + 600,
        )
    )
    lead = _choice(rng, (0, 1, 3, 7, 15, 25), (0.1, 0.3, 0.2, 0.2, 0.15, 0.05), n)
    issue = (pol["start"].to_numpy() - lead * DAY).astype("datetime64[m]") + rng.integers(
        8 * 60, 20 * 60, n
    ) * MINUTE
    endorse = np.where(
        ~comp & (rng.random(n) < 0.05),
        pol["start"].to_numpy() + rng.integers(20, 200, n) * DAY,
        np.datetime64("NaT"),
    )
    endorse = np.where(endorse > WINDOW_END, np.datetime64("NaT"), endorse)
    agent = np.where(rng.random(n) < 0.3, person_names(rng, rng.random(n) < 0.5), "")
    plate = veh["plate"].to_numpy()[vi]
    unplated = (pol["start"].to_numpy() - veh["registered"].to_numpy()[vi]) / DAY < 20
    return frame(
        "auto_policy",
        n,
        {
            "company_code": lambda: pol["company"].to_numpy(),
            "policy_no": lambda: pol["policy_no"].to_numpy(),
            "coverage": lambda: pol["coverage"].to_numpy(),
            "plate": lambda: np.where(unplated, "未上牌", plate),
            "vin": lambda: veh["vin"].to_numpy()[vi],
            "vehicle_use": use,
            "vehicle_model": lambda: veh["make"].to_numpy()[vi],
            "first_registration_date": lambda: iso(veh["registered"].to_numpy()[vi]),
            "new_vehicle_price": price,
            "owner_name": lambda: p["name"].to_numpy()[owner],
            "owner_id_type": "居民身份证",
            "owner_id": lambda: p["id"].to_numpy()[owner],
            "owner_phone": lambda: p["phone"].to_numpy()[owner],
            "sum_insured": lambda: np.where(comp, 122_000.0, value),
            "premium": premium,
            "issue_time": lambda: iso_minutes(issue),
            "start_date": lambda: iso(pol["start"].to_numpy()),
            "end_date": lambda: iso(pol["end"].to_numpy()),
            "endorsement_date": lambda: iso(endorse),
            "region_code": lambda: p["region"].to_numpy()[owner],
            "agent_name": agent,
        },
    )


def draw_claims(world: World, veh: pd.DataFrame, start: np.ndarray, n_target: int) -> pd.DataFrame:
    """Claims per vehicle, at least 46 days apart, closed inside the window.

    An accident before the uploaded policy's start falls in the previous policy
    year (not uploaded), as for any insurer's claims file.
    """
    rng = world.rng
    n_v = len(veh)
    taxi = veh["use"].to_numpy() == "营业出租租赁"
    lam = n_target / n_v * 1.35
    for _ in range(3):  # calibrate the rate so that about n_target claims survive
        probe = _draw(rng, start, taxi, lam)
        if len(probe["veh"]) >= n_target:
            break
        lam *= min(3.0, 1.1 * n_target / max(1, len(probe["veh"])))
    return probe.iloc[np.sort(rng.permutation(len(probe))[:n_target])].reset_index(drop=True)


def _draw(
    rng: np.random.Generator, start: np.ndarray, taxi: np.ndarray, lam: float
) -> pd.DataFrame:
    n_v = len(start)
    k = np.minimum(rng.poisson(np.where(taxi, 2.5, lam)), np.where(taxi, 4, 2))
    v = np.repeat(np.arange(n_v), k)
    j = np.concatenate([np.arange(x) for x in k]) if len(k) and k.max() > 0 else np.zeros(0, int)
    first = start + rng.integers(-330, 330, n_v) * DAY
    # Successive claims of one vehicle at least 46 days apart (cumulative gaps).
    gaps = np.where(j == 0, 0, rng.integers(46, 120, len(v)))
    csum = np.cumsum(gaps)
    start_of = np.repeat(np.cumsum(k) - k, k)
    offset = csum - csum[start_of] if len(v) else csum
    acc = first[v] + offset * DAY
    n = len(v)
    close = acc + rng.integers(3, 46, n) * DAY
    ok = (close >= WINDOW_START) & (close <= WINDOW_END) & (acc >= start[v] - 360 * DAY)
    return pd.DataFrame({"veh": v[ok], "acc": acc[ok], "close": close[ok]})


def claim_frame(
    world: World, veh: pd.DataFrame, pol: pd.DataFrame, cl: pd.DataFrame
) -> pd.DataFrame:
    """Fill in each claim: policy, people, accident details, shop and amounts."""
    rng, p, shops = world.rng, world.persons, world.shops
    n = len(cl)
    vi = cl["veh"].to_numpy()
    acc = cl["acc"].to_numpy()
    # The policy in force on the accident day, else the previous year's (not uploaded).
    polv = pol.sort_values(["veh", "coverage", "start"])
    comm = polv[polv["coverage"] == "商业险"].drop_duplicates("veh").set_index("veh")
    comp = polv[polv["coverage"] == "交强险"].drop_duplicates("veh").set_index("veh")
    use_comm = np.isin(vi, comm.index) & (rng.random(n) < 0.85)
    src = np.where(use_comm, 1, 0)
    co = np.where(
        use_comm, comm["company"].reindex(vi).to_numpy(), comp["company"].reindex(vi).to_numpy()
    )
    start = np.where(
        use_comm, comm["start"].reindex(vi).to_numpy(), comp["start"].reindex(vi).to_numpy()
    ).astype("datetime64[D]")
    pno = np.where(
        use_comm, comm["policy_no"].reindex(vi).to_numpy(), comp["policy_no"].reindex(vi).to_numpy()
    ).astype(object)
    prev = acc < start
    coverage = np.where(src == 1, "商业险", "交强险")
    prev_df = pd.DataFrame(
        {"company": co[prev], "coverage": coverage[prev], "start": start[prev] - 365 * DAY}
    )
    pno[prev] = _number(world, prev_df, "coverage", {"交强险": "ZA", "商业险": "DA"}, "start")

    owner = veh["owner"].to_numpy()[vi]
    hour = rng.choice(24, n, p=_HOURS / _HOURS.sum())
    acc_t = acc.astype("datetime64[m]") + (hour * 60 + rng.integers(0, 60, n)) * MINUTE
    delay = np.where(
        rng.random(n) < 0.03, rng.integers(49 * 60, 96 * 60, n), rng.integers(10, 6 * 60, n)
    )
    report_t = acc_t + delay * MINUTE
    atype = _choice(rng, ("单方事故", "双方事故", "多方事故"), (0.3, 0.6, 0.1), n)
    liab = np.where(
        atype == "单方事故",
        "全责",
        _choice(rng, ("全责", "主责", "同责", "次责", "无责"), (0.35, 0.15, 0.2, 0.15, 0.15), n),
    )
    police = np.where(rng.random(n) < np.where(atype == "单方事故", 0.4, 0.75), "是", "否")
    # Sometimes a household member drives (家人驾驶): the head, or the head's spouse when
    # the owner is the head — never someone who drives their own insured car too.
    head, spouse = _household(p)
    alt = np.where(head[owner] == owner, spouse[owner], head[owner])
    alt = np.where((alt < 0) | np.isin(alt, veh["owner"].to_numpy()), owner, alt)
    driver = np.where(rng.random(n) < 0.85, owner, alt)
    adults = np.flatnonzero((p["age"].to_numpy() >= 20) & (p["age"].to_numpy() <= 70))
    taxi = veh["use"].to_numpy()[vi] == "营业出租租赁"
    drivers = np.setdiff1d(adults, veh["owner"].to_numpy())  # relief drivers own no car
    shift = drivers[(vi * 7919 + 13) % len(drivers)]  # each taxi's one relief driver (替班司机)
    driver = np.where(taxi & (rng.random(n) < 0.4), shift, driver)
    tp_plate = np.where(
        atype != "单方事故", veh["plate"].to_numpy()[rng.integers(0, len(veh), n)], ""
    )
    injury = rng.random(n) < 0.1
    injured = np.where(rng.random(n) < 0.75, adults[rng.integers(0, len(adults), n)], driver)
    graded = injury & (rng.random(n) < 0.25)
    grade = np.where(graded, _choice(rng, ("8", "9", "10"), (0.2, 0.35, 0.45), n), "")
    litig = injury & (rng.random(n) < 0.12)
    rep_name = np.where(litig, person_names(rng, rng.random(n) < 0.6), "")
    rep_org = np.where(litig, np.array(world.firms)[rng.integers(0, len(world.firms), n)], "")
    rep_phone = np.where(litig, mobiles(rng, n), "")
    assess = np.where(
        graded, np.array(world.assessors)[rng.integers(0, len(world.assessors), n)], ""
    )
    damage = ~injury | (rng.random(n) < 0.6)
    region = np.where(rng.random(n) < 0.9, p["region"].to_numpy()[owner], "")
    region = np.where(
        region == "", np.array(list(ref.REGIONS))[rng.integers(0, len(ref.REGIONS), n)], region
    )
    region = np.where(np.isin(region, list(ref.REGIONS)), region, "220102")
    city4 = np.char.ljust(region.astype("U4"), 4)
    shop = np.full(n, -1)
    for c4 in np.unique(city4):
        sel = np.flatnonzero((city4 == c4) & damage)
        pool = np.flatnonzero(shops["city4"].to_numpy() == c4)
        w = shops["weight"].to_numpy()[pool]
        shop[sel] = pool[rng.choice(len(pool), len(sel), p=w / w.sum())]
    est = np.where(damage, rng.lognormal(np.log(3500), 0.55, n), 0.0)
    ratio = rng.beta(12, 10, n)
    parts = money(est * ratio)
    labor = money(est - parts)
    inj_amt = np.where(
        injury,
        rng.lognormal(np.log(12000), 0.7, n) + np.where(graded, rng.uniform(40_000, 120_000, n), 0),
        0.0,
    )
    paid = money((parts + labor) * rng.uniform(0.9, 1.0, n) + inj_amt)
    close = cl["close"].to_numpy()
    close = np.where(injury, np.minimum(acc + rng.integers(30, 150, n) * DAY, WINDOW_END), close)
    close = np.maximum(close, WINDOW_START)
    close = np.maximum(close, report_t.astype("datetime64[D]"))
    sv = world.surveyors
    surveyor = np.empty(n, dtype=object)
    for code in np.unique(co):
        sel = np.flatnonzero(co == code)
        pool = sv[sv["company"] == code]["code"].to_numpy()
        surveyor[sel] = pool[rng.integers(0, len(pool), len(sel))]
    to_shop = damage & ~injury & (rng.random(n) < 0.1)
    sh = np.where(shop >= 0, shop, 0)
    shop_acct = world.cache.setdefault(
        "shop_accounts",
        np.char.add(
            "0722", np.char.zfill(world.rng.integers(0, 10**13, len(shops)).astype(str), 13)
        ),
    )
    pid, name, phone = p["id"].to_numpy(), p["name"].to_numpy(), p["phone"].to_numpy()
    road = np.array(ROADS)[rng.integers(0, len(ROADS), n)]
    place = np.char.add(np.array([ref.REGIONS[r][0] for r in region]), road)
    claim_df = pd.DataFrame({"company": co, "coverage": coverage, "acc": acc})
    claim_no = _number(world, claim_df, "coverage", {"交强险": "ZC", "商业险": "DC"}, "acc")
    cl["claim_no"] = claim_no
    cl["company"] = co
    return frame(
        "auto_claim",
        n,
        {
            "company_code": co,
            "claim_no": claim_no,
            "policy_no": pno,
            "coverage": coverage,
            "plate": lambda: veh["plate"].to_numpy()[vi],
            "vin": lambda: veh["vin"].to_numpy()[vi],
            "accident_time": lambda: iso_minutes(acc_t),
            "accident_place": place,
            "accident_region_code": region,
            "report_time": lambda: iso_minutes(report_t),
            "accident_type": atype,
            "liability": liab,
            "police_record": police,
            "driver_name": lambda: name[driver],
            "driver_id_type": "居民身份证",
            "driver_id": lambda: pid[driver],
            "driver_phone": lambda: phone[driver],
            "third_party_plate": tp_plate,
            "injury": lambda: np.where(injury, "是", "否"),
            "injured_name": lambda: np.where(injury, name[injured], ""),
            "injured_id_type": lambda: np.where(injury, "居民身份证", ""),
            "injured_id": lambda: np.where(injury, pid[injured], ""),
            "disability_grade": grade,
            "assessment_count": lambda: np.where(graded, 1.0, np.nan),
            "litigation": lambda: np.where(injury, np.where(litig, "是", "否"), ""),
            "representative_name": rep_name,
            "representative_org": rep_org,
            "representative_phone": rep_phone,
            "assessment_org": assess,
            "repair_shop_name": lambda: np.where(shop >= 0, shops["name"].to_numpy()[sh], ""),
            "repair_shop_code": lambda: np.where(shop >= 0, shops["code"].to_numpy()[sh], ""),
            "surveyor": surveyor,
            "reporter_phone": lambda: np.where(phone[driver] != "", phone[driver], phone[owner]),
            "estimated_loss": lambda: np.where(damage, money(est), np.nan),
            "parts_amount": lambda: np.where(damage, parts, np.nan),
            "labor_amount": lambda: np.where(damage, labor, np.nan),
            "injury_amount": lambda: np.where(injury, money(inj_amt), np.nan),
            "paid_amount": paid,
            "close_date": lambda: iso(close),
            "payee_name": lambda: np.where(to_shop, shops["name"].to_numpy()[sh], name[owner]),
            "payee_id_type": lambda: np.where(to_shop, "", "居民身份证"),
            "payee_id": lambda: np.where(to_shop, "", pid[owner]),
            "payee_relation": lambda: np.where(to_shop, "修理厂", "本人"),
            "payee_account": lambda: np.where(to_shop, shop_acct[sh], p["card"].to_numpy()[owner]),
        },
    )


def _household(p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    head = p["head"].to_numpy()
    nxt = np.minimum(np.arange(len(p)) + 1, len(p) - 1)
    is_sp = (p["household"].to_numpy()[nxt] == p["household"].to_numpy()) & (
        p["role"].to_numpy()[nxt] == 1
    )
    spouse = np.where(is_sp, nxt, -1)
    return head, spouse


#: Accidents by hour of day (出险时段): mostly daytime, few at night.
_HOURS = np.array(
    [1, 0.6, 0.4, 0.3, 0.3, 0.6, 2, 5, 7, 6, 5, 5, 5, 5, 5, 5, 6, 7, 6, 4, 3, 2.5, 2, 1.5]
)


def background(world: World) -> dict[str, pd.DataFrame]:
    sc = world.scale
    n_veh = int(sc.auto_policies / 1.9)
    veh = build_vehicles(world, n_veh)
    start = random_days(world.rng, WINDOW_START, WINDOW_END, len(veh))
    pol = draw_policies(world, veh, start)
    pol["policy_no"] = _number(world, pol, "coverage", {"交强险": "ZA", "商业险": "DA"}, "start")
    cl = draw_claims(world, veh, start, sc.auto_claims)
    claims = claim_frame(world, veh, pol, cl)
    world.cache.update(auto_veh=veh, auto_pol=pol, auto_cl=cl)
    return {"auto_policy": policy_frame(world, veh, pol), "auto_claim": claims}
