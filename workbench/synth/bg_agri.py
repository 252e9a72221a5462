"""Honest agricultural business (农险背景业务) and its reference data.

Farmers live in villages; each county contracts one or two agricultural
insurers and each village is served by one of them (县域招标、村级承保), so an
honest farmer insures a subject once.  Insured areas never exceed the land
roster (土地确权面积), herds never exceed the registered stock (存栏量), crop
claims follow a county disaster event (县域灾害事件) with per-mu payouts that
vary with the damage, dead animals carry a safe-disposal number (无害化处理单号),
and payouts go to the farmer's own account.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import reference as ref
from .common import (
    DAY,
    MINUTE,
    WINDOW_END,
    WINDOW_START,
    iso,
    iso_minutes,
    money,
    one_year,
    random_days,
)
from .population import World
from .tables import frame

CROPS = (("玉米", "水稻", "大豆", "马铃薯", "人参"), (0.72, 0.12, 0.1, 0.03, 0.03))
STOCK = (("能繁母猪", "育肥猪", "肉牛", "奶牛", "肉羊"), (0.35, 0.15, 0.3, 0.05, 0.15))
TAGGED = ("能繁母猪", "肉牛", "奶牛")
EVENT_TYPES = (("洪涝", "旱灾", "风灾", "冰雹", "病虫害"), (0.3, 0.25, 0.2, 0.15, 0.1))
SEASON_2018 = (
    np.datetime64("2018-07-01"),
    np.datetime64("2018-07-20"),
    np.datetime64("2018-10-31"),
)
SEASON_2019 = (
    np.datetime64("2019-04-25"),
    np.datetime64("2019-06-20"),
    np.datetime64("2019-10-31"),
)


def _choice(rng, options, p, n):
    return np.asarray(options)[rng.choice(len(options), n, p=np.asarray(p) / np.sum(p))]


def join_lists(values: np.ndarray, counts: np.ndarray, sep: str = ";") -> np.ndarray:
    """Join consecutive runs of ``values`` (run lengths ``counts``) with ``sep``, vectorized."""
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    # large_string: at province scale the parcel codes and ear tags exceed the 2 GiB a plain
    # Arrow string array holds (it would come back chunked, which ListArray cannot take)
    arr = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values.astype(str), pa.large_string()))
    return np.asarray(pc.binary_join(arr, pa.scalar(sep, pa.large_string())).to_numpy(zero_copy_only=False), dtype=object)


def ear_tags(
    world: World, species: np.ndarray, region: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Flat 15-digit ear tags (耳标号): species digit + county code + 8-digit serial."""
    n = int(counts.sum())
    sp = np.repeat(species, counts)
    rg = np.repeat(region, counts)
    serial = world.numbers.seq("eartag", n, 8)
    return np.char.add(np.char.add(sp.astype(str), rg.astype(str)), serial)


def build_staff(world: World) -> None:
    """Each village's assistant agent (协保员) and cadre (村干部): adults living there."""
    rng, p, v = world.rng, world.persons, world.villages
    # Spouses (role 1): nobody else in the household uses their phone or account.
    adults = p[(p["age"] >= 30) & (p["age"] <= 65) & (p["role"] == 1) & (p["card"] != "")]
    by_region = {r: g.index.to_numpy() for r, g in adults.groupby("region")}
    assistant = np.empty(len(v), dtype=np.int64)
    cadre = np.empty(len(v), dtype=np.int64)
    for i, r in enumerate(v["region"].to_numpy()):
        pool = by_region.get(r, adults.index.to_numpy())
        assistant[i], cadre[i] = pool[rng.integers(0, len(pool), 2)]
    v["assistant"] = assistant
    v["cadre"] = cadre


def county_insurers(world: World) -> dict[str, list[str]]:
    """Agricultural insurers contracted in each county (县域承保机构)."""
    rng = world.rng
    cos = world.agri
    w = np.array([c.share for c in cos])
    out = {}
    for r in sorted(world.villages["region"].unique()):
        k = 2 if (rng.random() < 0.35 and len(cos) > 1) else 1
        out[r] = [cos[i].code for i in rng.choice(len(cos), k, replace=False, p=w / w.sum())]
    return out


def disaster_events(world: World) -> pd.DataFrame:
    """County disaster events (县域灾害事件): summer 2018 and spring 2019."""
    rng = world.rng
    rows = []
    for r in sorted(world.villages["region"].unique()):
        if rng.random() < 0.7:
            t = str(_choice(rng, *EVENT_TYPES, 1)[0])
            s = np.datetime64("2018-07-25") + int(rng.integers(0, 42)) * DAY
            rows.append((r, t, s, s + int(rng.integers(3, 15)) * DAY))
        if rng.random() < 0.2:
            t = str(_choice(rng, ("冰雹", "低温冻害"), (0.6, 0.4), 1)[0])
            s = np.datetime64("2019-05-20") + int(rng.integers(0, 20)) * DAY
            rows.append((r, t, s, s + int(rng.integers(1, 5)) * DAY))
    ev = pd.DataFrame(rows, columns=["county_code", "event_type", "start", "end"])
    ev["level"] = _choice(rng, ("一般", "较重", "严重"), (0.5, 0.35, 0.15), len(ev))
    ev["source"] = np.where(ev["event_type"] == "病虫害", "农业农村局", "气象局")
    return ev


def event_frame(ev: pd.DataFrame) -> pd.DataFrame:
    return frame(
        "disaster_event",
        len(ev),
        {
            "county_code": lambda: ev["county_code"].to_numpy(),
            "event_type": lambda: ev["event_type"].to_numpy(),
            "start_date": lambda: iso(ev["start"].to_numpy()),
            "end_date": lambda: iso(ev["end"].to_numpy()),
            "level": lambda: ev["level"].to_numpy(),
            "source": lambda: ev["source"].to_numpy(),
        },
    )


def draw_farmers(world: World, n: int) -> pd.DataFrame:
    """Farmers (农户) with their village, what they grow or raise, and their land or herd."""
    rng, p, v = world.rng, world.persons, world.villages
    dead = np.array(list(world.cache.get("deceased", {})), dtype=np.int64)
    pool = np.setdiff1d(np.flatnonzero(p["farmer"].to_numpy()), dead)
    person = np.sort(rng.choice(pool, min(n, len(pool)), replace=False))
    region = p["region"].to_numpy()[person]
    village = np.empty(len(person), dtype=np.int64)
    v_region = v["region"].to_numpy()
    for r in np.unique(region):
        sel = np.flatnonzero(region == r)
        cand = np.flatnonzero(v_region == r)
        village[sel] = cand[rng.integers(0, len(cand), len(sel))]
    m = len(person)
    stock = rng.random(m) < 0.2
    ginseng_ok = np.isin(np.char.ljust(region.astype("U4"), 4), ("2205", "2206", "2224"))
    crop = _choice(rng, *CROPS, m)
    crop = np.where((crop == "人参") & ~ginseng_ok, "玉米", crop)
    subject = np.where(stock, _choice(rng, *STOCK, m), crop)
    heads = np.select(
        [subject == "能繁母猪", subject == "育肥猪", subject == "肉牛", subject == "奶牛"],
        [
            rng.integers(5, 40, m),
            rng.integers(20, 200, m),
            rng.integers(3, 30, m),
            rng.integers(5, 40, m),
        ],
        rng.integers(20, 120, m),
    )
    return pd.DataFrame(
        {
            "person": person,
            "region": region,
            "village": village,
            "stock": stock,
            "subject": subject,
            "heads": np.where(stock, heads, 0),
        }
    )


def build_roster(world: World, farmers: pd.DataFrame) -> pd.DataFrame:
    """Land-rights parcels (确权地块) for crop farmers, registered herds for stock farmers."""
    rng = world.rng
    crop = farmers[~farmers["stock"]]
    k = rng.integers(1, 5, len(crop))
    f = np.repeat(crop.index.to_numpy(), k)
    vcode = world.villages["code"].to_numpy()[farmers["village"].to_numpy()[f]]
    group = np.char.zfill(rng.integers(1, 10, len(f)).astype(str), 3)
    # Serial numbers unique within the village (村内地块流水号).
    nth = pd.Series(vcode).groupby(vcode).cumcount().to_numpy()
    serial = np.char.zfill((nth * 3 + rng.integers(1, 4, len(f))).astype(str), 4)
    area = np.round(rng.lognormal(np.log(7), 0.6, len(f)), 1) + 0.5
    land = pd.DataFrame(
        {
            "farmer": f,
            "parcel": np.char.add(np.char.add(vcode, group), serial),
            "area": area,
            "heads": np.nan,
        }
    )
    stock = farmers[farmers["stock"]]
    herd = pd.DataFrame(
        {
            "farmer": stock.index.to_numpy(),
            "parcel": "",
            "area": np.nan,
            "heads": stock["heads"].to_numpy().astype(float),
        }
    )
    return pd.concat([land, herd], ignore_index=True)


def roster_frame(world: World, farmers: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    p = world.persons
    f = roster["farmer"].to_numpy()
    person = farmers["person"].to_numpy()[f]
    return frame(
        "land_roster",
        len(roster),
        {
            "county_code": lambda: farmers["region"].to_numpy()[f],
            "village_code": lambda: world.villages["code"].to_numpy()[farmers["village"].to_numpy()[f]],
            "farmer_name": lambda: p["name"].to_numpy()[person],
            "farmer_id_type": "居民身份证",
            "farmer_id": lambda: p["id"].to_numpy()[person],
            "parcel_code": lambda: roster["parcel"].to_numpy(),
            "registered_area": lambda: roster["area"].to_numpy(),
            "registered_heads": lambda: roster["heads"].to_numpy(),
        },
    )


def draw_policies(
    world: World,
    farmers: pd.DataFrame,
    roster: pd.DataFrame,
    insurers: dict[str, list[str]],
    n_target: int,
) -> pd.DataFrame:
    """Per-farmer policies (分户保单): crops per season, livestock for a year."""
    rng = world.rng
    m = len(farmers)
    stock = farmers["stock"].to_numpy()
    in18 = ~stock & (rng.random(m) < 0.55)
    in19 = ~stock & (rng.random(m) < 0.7)
    in19 |= ~stock & ~in18
    rows = []
    for mask, (lo, hi, end) in ((in18, SEASON_2018), (in19, SEASON_2019)):
        idx = np.flatnonzero(mask)
        st = random_days(rng, lo, hi, len(idx))
        rows.append(pd.DataFrame({"farmer": idx, "start": st, "end": end}))
    idx = np.flatnonzero(stock)
    st = random_days(rng, WINDOW_START, WINDOW_END, len(idx))
    rows.append(pd.DataFrame({"farmer": idx, "start": st, "end": one_year(st)}))
    pol = pd.concat(rows, ignore_index=True)
    pol = pol[farmers["insured"].to_numpy()[pol["farmer"].to_numpy()]]
    pol = pol.iloc[np.sort(rng.permutation(len(pol))[:n_target])].reset_index(drop=True)
    f = pol["farmer"].to_numpy()
    village = farmers["village"].to_numpy()[f]
    # One insurer per village, among the county's contracted ones.
    v_ins = {}
    for vi, r in zip(world.villages.index, world.villages["region"], strict=True):
        opts = insurers.get(r)
        if opts:
            v_ins[vi] = opts[int(rng.integers(0, len(opts)))]
    pol["company"] = np.array(
        [v_ins.get(x, world.agri[0].code) for x in range(len(world.villages))]
    )[village]
    land = roster[roster["parcel"] != ""]
    area = land.groupby("farmer")["area"].sum()
    pol["area"] = np.where(
        farmers["stock"].to_numpy()[f],
        np.nan,
        area.reindex(f).to_numpy() * rng.choice([1.0, 1.0, 0.9, 0.8], len(f)),
    )
    pol["area"] = np.round(pol["area"], 1)
    pol["heads"] = np.where(farmers["stock"].to_numpy()[f], farmers["heads"].to_numpy()[f], np.nan)
    years = pol["start"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    pol["policy_no"] = ""
    for code in sorted(pol["company"].unique()):
        sel = np.flatnonzero(pol["company"].to_numpy() == code)
        pol.loc[sel, "policy_no"] = world.numbers.take(code, "NY", years[sel])
    return pol


def policy_frame(
    world: World, farmers: pd.DataFrame, roster: pd.DataFrame, pol: pd.DataFrame
) -> pd.DataFrame:
    rng, p, v = world.rng, world.persons, world.villages
    n = len(pol)
    f = pol["farmer"].to_numpy()
    person = farmers["person"].to_numpy()[f]
    subject = farmers["subject"].to_numpy()[f]
    region = farmers["region"].to_numpy()[f]
    vi = farmers["village"].to_numpy()[f]
    info = np.array([ref.AGRI[s] for s in subject], dtype=object)
    category = info[:, 0].astype(str)
    per_unit = info[:, 1].astype(float)
    rate = info[:, 2].astype(float)
    qty = np.where(
        np.isnan(pol["area"].to_numpy()), pol["heads"].to_numpy(), pol["area"].to_numpy()
    )
    sum_insured = money(qty * per_unit)
    # Parcel lists: every parcel of a crop farmer.
    land = roster[roster["parcel"] != ""].sort_values("farmer", kind="stable")
    parcels_by_farmer = pd.Series(
        join_lists(land["parcel"].to_numpy(), land.groupby("farmer", sort=True).size().to_numpy()),
        index=np.unique(land["farmer"].to_numpy()),
    )
    parcel_codes = parcels_by_farmer.reindex(f).fillna("").to_numpy()
    # Ear tags for tagged species (能繁母猪、牛), one per insured head.
    tagged = np.isin(subject, TAGGED)
    counts = np.where(tagged, np.nan_to_num(pol["heads"].to_numpy()), 0).astype(np.int64)
    species = np.array([ref.AGRI[s][3] or "0" for s in subject])
    flat = ear_tags(world, species, region, counts)
    tags = join_lists(flat, counts)
    pol["tag_start"] = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pol["tag_count"] = counts
    world.cache["agri_flat_tags"] = flat
    issue = (pol["start"].to_numpy() - rng.integers(0, 10, n) * DAY).astype(
        "datetime64[m]"
    ) + rng.integers(8 * 60, 18 * 60, n) * MINUTE
    group = rng.random(n) < 0.7
    coops = world.coops
    coop_i = np.full(n, -1)
    member = rng.random(n) < 0.1
    for r in np.unique(region[member]):
        sel = np.flatnonzero(member & (region == r))
        cand = np.flatnonzero(coops["region"].to_numpy() == r)
        if len(cand):
            coop_i[sel] = cand[rng.integers(0, len(cand), len(sel))]
    ci = np.where(coop_i >= 0, coop_i, 0)
    assistant = v["assistant"].to_numpy()[vi]
    return frame(
        "agri_policy",
        n,
        {
            "company_code": lambda: pol["company"].to_numpy(),
            "policy_no": lambda: pol["policy_no"].to_numpy(),
            "farmer_name": lambda: p["name"].to_numpy()[person],
            "farmer_id_type": "居民身份证",
            "farmer_id": lambda: p["id"].to_numpy()[person],
            "farmer_phone": lambda: p["phone"].to_numpy()[person],
            "county_code": region,
            "village_code": lambda: v["code"].to_numpy()[vi],
            "village_name": lambda: v["name"].to_numpy()[vi],
            "category": category,
            "subject": subject,
            "insured_area": lambda: pol["area"].to_numpy(),
            "insured_heads": lambda: pol["heads"].to_numpy(),
            "parcel_codes": parcel_codes,
            "ear_tags": tags,
            "sum_insured": sum_insured,
            "premium": lambda: money(sum_insured * rate),
            "issue_time": lambda: iso_minutes(issue),
            "start_date": lambda: iso(pol["start"].to_numpy()),
            "end_date": lambda: iso(pol["end"].to_numpy()),
            "group_policy": lambda: np.where(group, "是", "否"),
            "coop_name": lambda: np.where(coop_i >= 0, coops["name"].to_numpy()[ci], ""),
            "coop_code": lambda: np.where(coop_i >= 0, coops["code"].to_numpy()[ci], ""),
            "assistant_name": lambda: np.where(group, p["name"].to_numpy()[assistant], ""),
            "assistant_id_type": lambda: np.where(group, "居民身份证", ""),
            "assistant_id": lambda: np.where(group, p["id"].to_numpy()[assistant], ""),
        },
    )


def draw_claims(
    world: World,
    farmers: pd.DataFrame,
    pol: pd.DataFrame,
    pframe: pd.DataFrame,
    events: pd.DataFrame,
    n_target: int,
) -> pd.DataFrame:
    """Crop claims after a county event; livestock deaths after the waiting period."""
    rng, _p = world.rng, world.persons
    f = pol["farmer"].to_numpy()
    region = farmers["region"].to_numpy()[f]
    stock = farmers["stock"].to_numpy()[f]
    start = pol["start"].to_numpy()
    end = pol["end"].to_numpy()
    out = []
    # Crops: an event in the county after the policy started (观察期后).
    for _, ev in events.iterrows():
        sel = np.flatnonzero(
            ~stock
            & (region == ev["county_code"])
            & (start + 15 * DAY < ev["start"])
            & (end >= ev["start"])
        )
        sel = sel[rng.random(len(sel)) < rng.uniform(0.5, 0.9)]
        if not len(sel):
            continue
        span = int((ev["end"] - ev["start"]) / DAY) + 1
        loss = ev["start"] + rng.integers(0, span, len(sel)) * DAY
        out.append(pd.DataFrame({"pol": sel, "loss": loss, "cause": ev["event_type"]}))
    # Livestock: deaths (疫病、意外) after a 20-day waiting period.
    sel = np.flatnonzero(stock & (rng.random(len(pol)) < 0.5))
    loss = start[sel] + rng.integers(20, 330, len(sel)) * DAY
    out.append(
        pd.DataFrame(
            {
                "pol": sel,
                "loss": loss,
                "cause": _choice(rng, ("疫病", "意外", "其他"), (0.6, 0.25, 0.15), len(sel)),
            }
        )
    )
    cl = pd.concat(out, ignore_index=True)
    n = len(cl)
    report = cl["loss"].to_numpy() + rng.integers(0, 4, n) * DAY
    survey = report + rng.integers(1, 6, n) * DAY
    close = survey + rng.integers(15, 80, n) * DAY
    ok = (close >= WINDOW_START) & (close <= WINDOW_END)
    cl = cl.assign(report=report, survey=survey, close=close)[ok]
    cl = cl.iloc[np.sort(rng.permutation(len(cl))[:n_target])].reset_index(drop=True)
    return cl


def claim_frame(
    world: World, farmers: pd.DataFrame, pol: pd.DataFrame, pframe: pd.DataFrame, cl: pd.DataFrame
) -> pd.DataFrame:
    rng, p = world.rng, world.persons
    n = len(cl)
    pi = cl["pol"].to_numpy()
    f = pol["farmer"].to_numpy()[pi]
    person = farmers["person"].to_numpy()[f]
    subject = farmers["subject"].to_numpy()[f]
    stock = farmers["stock"].to_numpy()[f]
    per_unit = np.array([ref.AGRI[s][1] for s in subject])
    area = pol["area"].to_numpy()[pi]
    heads = np.nan_to_num(pol["heads"].to_numpy()[pi]).astype(np.int64)
    loss_area = np.where(stock, np.nan, np.round(area * rng.uniform(0.2, 1.0, n), 1))
    dead = np.where(stock, np.minimum(heads, rng.integers(1, 4, n)), 0)
    per_mu = per_unit * rng.uniform(0.15, 0.7, n)
    paid = money(np.where(stock, dead * per_unit * rng.uniform(0.6, 1.0, n), loss_area * per_mu))
    tag_start = pol["tag_start"].to_numpy()[pi]
    tag_count = pol["tag_count"].to_numpy()[pi]
    flat = world.cache["agri_flat_tags"]
    k = np.where(tag_count > 0, np.minimum(dead, tag_count), 0)
    first = tag_start + rng.integers(0, np.maximum(1, tag_count - k + 1))
    idx = np.repeat(first, k) + (np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k))
    tags = join_lists(flat[idx] if len(idx) else np.array([], dtype=str), k)
    region = farmers["region"].to_numpy()[f]
    disposal = np.where(
        stock,
        np.char.add(np.char.add("WH", region.astype(str)), world.numbers.seq("disposal", n, 8)),
        "",
    )
    years = cl["report"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    co = pol["company"].to_numpy()[pi]
    claim_no = np.empty(n, dtype=object)
    for code in np.unique(co):
        sel = np.flatnonzero(co == code)
        claim_no[sel] = world.numbers.take(code, "NC", years[sel])
    cl["claim_no"] = claim_no
    return frame(
        "agri_claim",
        n,
        {
            "company_code": co,
            "claim_no": claim_no,
            "policy_no": lambda: pol["policy_no"].to_numpy()[pi],
            "farmer_name": lambda: p["name"].to_numpy()[person],
            "farmer_id_type": "居民身份证",
            "farmer_id": lambda: p["id"].to_numpy()[person],
            "county_code": region,
            "loss_date": lambda: iso(cl["loss"].to_numpy()),
            "loss_cause": lambda: cl["cause"].to_numpy(),
            "report_date": lambda: iso(cl["report"].to_numpy()),
            "survey_date": lambda: iso(cl["survey"].to_numpy()),
            "loss_area": loss_area,
            "loss_heads": lambda: np.where(stock, dead, np.nan),
            "ear_tags": tags,
            "disposal_no": disposal,
            "paid_amount": paid,
            "close_date": lambda: iso(cl["close"].to_numpy()),
            "payee_name": lambda: p["name"].to_numpy()[person],
            "payee_id_type": "居民身份证",
            "payee_id": lambda: p["id"].to_numpy()[person],
            "payee_relation": "本人",
            "payee_account": lambda: p["card"].to_numpy()[person],
        },
    )


def background(world: World) -> dict[str, pd.DataFrame]:
    sc = world.scale
    build_staff(world)
    insurers = county_insurers(world)
    events = disaster_events(world)
    # A fifth of the farmers on the roster insure nothing (未投保农户); the planted
    # scenarios draw their farmers from them, so no background policy interferes.
    farmers = draw_farmers(world, int(sc.agri_policies / 1.1 * 1.25))
    farmers["insured"] = world.rng.random(len(farmers)) < 0.8
    roster = build_roster(world, farmers)
    pol = draw_policies(world, farmers, roster, insurers, sc.agri_policies)
    pframe = policy_frame(world, farmers, roster, pol)
    cl = draw_claims(world, farmers, pol, pframe, events, sc.agri_claims)
    cframe = claim_frame(world, farmers, pol, pframe, cl)
    world.cache.update(
        agri_farmers=farmers,
        agri_roster=roster,
        agri_pol=pol,
        agri_cl=cl,
        agri_events=events,
        agri_insurers=insurers,
    )
    return {
        "agri_policy": pframe,
        "agri_claim": cframe,
        "land_roster": roster_frame(world, farmers, roster),
    }
