"""Row builders for planted agricultural records (农险植入记录的行构造).

Farmers come from the land roster's uninsured households (未投保的确权农户), so a
planted policy is the only one they hold; policies and claims are filled like
the background's, with the county's contracted insurer and the village's
assistant agent (协保员).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import reference as ref
from .planter import TD, D, Person, Planter, d, t, to_date

SEASON18 = (D(2018, 7, 1), D(2018, 7, 12), D(2018, 10, 31))
SEASON19 = (D(2019, 4, 25), D(2019, 6, 10), D(2019, 10, 31))


class Farm:
    """An uninsured roster farmer (未投保的确权农户) and what they hold."""

    def __init__(self, pl: Planter, fi: int):
        w = pl.w
        f = w.cache["agri_farmers"].loc[fi]
        self.index = fi
        self.person = pl.person(int(f["person"]))
        self.region = str(f["region"])
        self.village = w.villages.iloc[int(f["village"])]
        self.stock = bool(f["stock"])
        self.subject = str(f["subject"])
        r = w.cache["agri_roster"]
        mine = r[r["farmer"] == fi]
        self.parcels = list(mine.loc[mine["parcel"] != "", "parcel"])
        self.areas = list(mine.loc[mine["parcel"] != "", "area"])
        self.heads = int(f["heads"])

    @property
    def area(self) -> float:
        return round(float(sum(self.areas)), 1)


def farm(
    pl: Planter,
    stock: bool = False,
    county: str | None = None,
    village_code: str | None = None,
    subject: str | None = None,
) -> Farm:
    """An unused uninsured farmer, optionally in a given county or village."""
    f = pl.w.cache["agri_farmers"]
    used = pl.w.cache.setdefault("agri_used_farmers", set())
    ok = ~f["insured"].to_numpy() & (f["stock"].to_numpy() == stock)
    if county:
        ok &= f["region"].to_numpy() == county
    if village_code:
        ok &= pl.w.villages["code"].to_numpy()[f["village"].to_numpy()] == village_code
    if subject:
        ok &= f["subject"].to_numpy() == subject
    cand = [int(i) for i in f.index[ok] if int(i) not in used]
    if not cand:
        if village_code:
            return farm(pl, stock, county, None, subject)
        if county:
            return farm(pl, stock, None, None, subject)
        if subject:
            return farm(pl, stock)
        raise RuntimeError("no uninsured farmer left to plant a scenario")
    fi = cand[int(pl.rng.integers(0, len(cand)))]
    used.add(fi)
    return Farm(pl, fi)


def events(pl: Planter) -> pd.DataFrame:
    return pl.w.cache["agri_events"]


def counties(pl: Planter, with_event: bool, stock: bool = False) -> list[str]:
    """Counties with (or without) a summer-2018 disaster event that have spare farmers."""
    ev = events(pl)
    summer = ev[
        (ev["start"] >= np.datetime64("2018-07-01")) & (ev["start"] <= np.datetime64("2018-12-31"))
    ]
    hit = set(summer["county_code"])
    f = pl.w.cache["agri_farmers"]
    spare = f[~f["insured"] & (f["stock"] == stock)]["region"].value_counts()
    spare = spare[spare >= 3]
    out = [c for c in spare.index if (c in hit) == with_event]
    return out or list(spare.index)


def event_of(pl: Planter, county: str) -> pd.Series | None:
    ev = events(pl)
    ev = ev[
        (ev["county_code"] == county)
        & (ev["start"] >= np.datetime64("2018-07-01"))
        & (ev["start"] <= np.datetime64("2018-12-31"))
    ]
    return ev.iloc[0] if len(ev) else None


def insurer(pl: Planter, county: str, other_than: str | None = None) -> str:
    opts = pl.w.cache["agri_insurers"].get(county) or [c.code for c in pl.w.agri]
    opts = [c for c in opts if c != other_than] or [
        c.code for c in pl.w.agri if c.code != other_than
    ]
    return str(opts[int(pl.rng.integers(0, len(opts)))]) if opts else pl.w.agri[0].code


def tags_for(pl: Planter, species: str, region: str, n: int) -> list[str]:
    return [f"{species}{region}{s}" for s in pl.w.numbers.seq("eartag", n, 8)]


def policy(
    pl: Planter,
    fm: Farm | None,
    co: str,
    subject: str,
    start: dt.date,
    end: dt.date,
    *,
    person: Person | None = None,
    village: pd.Series | None = None,
    area: float | None = None,
    heads: int | None = None,
    parcels: list[str] = (),
    tags: list[str] = (),
    phone: str | None = None,
    coop: pd.Series | None = None,
) -> dict:
    """An ``agri_policy`` row (农险分户保单)."""
    rng = pl.rng
    person = person or fm.person
    village = village if village is not None else fm.village
    category, per_unit, rate, _sp = ref.AGRI[subject]
    qty = area if area is not None else heads
    si = round(qty * per_unit, 2)
    assistant = pl.person(int(village["assistant"]))
    issue = dt.datetime.combine(
        start - TD(days=int(rng.integers(0, 6))),
        dt.time(int(rng.integers(8, 18)), int(rng.integers(0, 60))),
    )
    return {
        "company_code": co,
        "policy_no": pl.number(co, "NY", start),
        "farmer_name": person.name,
        "farmer_id_type": "居民身份证",
        "farmer_id": person.id,
        "farmer_phone": phone or person.phone,
        "county_code": village["region"],
        "village_code": village["code"],
        "village_name": village["name"],
        "category": category,
        "subject": subject,
        "insured_area": area,
        "insured_heads": heads,
        "parcel_codes": ";".join(parcels),
        "ear_tags": ";".join(tags),
        "sum_insured": si,
        "premium": round(si * rate, 2),
        "issue_time": t(issue),
        "start_date": d(start),
        "end_date": d(end),
        "group_policy": "是",
        "coop_name": coop["name"] if coop is not None else "",
        "coop_code": coop["code"] if coop is not None else "",
        "assistant_name": assistant.name,
        "assistant_id_type": "居民身份证",
        "assistant_id": assistant.id,
    }


def claim(
    pl: Planter,
    pol: dict,
    person: Person,
    loss: dt.date,
    cause: str,
    *,
    paid: float,
    loss_area: float | None = None,
    loss_heads: int | None = None,
    tags: list[str] = (),
    disposal: bool = True,
    payee: Person | None = None,
    payee_rel: str = "本人",
    payee_name: str | None = None,
    payee_account: str | None = None,
    close: dt.date | None = None,
) -> dict:
    """An ``agri_claim`` row (农险已决赔案)."""
    rng = pl.rng
    co = pol["company_code"]
    report = loss + TD(days=int(rng.integers(0, 3)))
    survey = report + TD(days=int(rng.integers(1, 5)))
    close = close or min(survey + TD(days=int(rng.integers(15, 50))), D(2019, 6, 30))
    payee = payee or person
    disposal_no = (
        f"WH{pol['county_code']}{pl.w.numbers.seq('disposal', 1, 8)[0]}"
        if (disposal and loss_heads)
        else ""
    )
    return {
        "company_code": co,
        "claim_no": pl.number(co, "NC", report),
        "policy_no": pol["policy_no"],
        "farmer_name": person.name,
        "farmer_id_type": "居民身份证",
        "farmer_id": person.id,
        "county_code": pol["county_code"],
        "loss_date": d(loss),
        "loss_cause": cause,
        "report_date": d(report),
        "survey_date": d(survey),
        "loss_area": loss_area,
        "loss_heads": loss_heads,
        "ear_tags": ";".join(tags),
        "disposal_no": disposal_no,
        "paid_amount": round(paid, 2),
        "close_date": d(close),
        "payee_name": payee_name or payee.name,
        "payee_id_type": "居民身份证",
        "payee_id": payee.id,
        "payee_relation": payee_rel,
        "payee_account": payee_account or payee.card,
    }


def crop_claim(pl: Planter, pol: dict, fm: Farm, ev: pd.Series, **kw) -> dict:
    """A legitimate-looking crop claim during the county event (灾害期间出险)."""
    s, e = to_date(ev["start"]), to_date(ev["end"])
    loss = s + TD(days=int(pl.rng.integers(0, (e - s).days + 1)))
    la = round(pol["insured_area"] * float(pl.rng.uniform(0.3, 0.9)), 1)
    per_mu = ref.AGRI[pol["subject"]][1] * float(pl.rng.uniform(0.2, 0.6))
    return claim(
        pl, pol, fm.person, loss, str(ev["event_type"]), paid=la * per_mu, loss_area=la, **kw
    )


def ring_village(pl: Planter, ring: dict | None, with_event: bool) -> tuple[str, str | None]:
    if ring and "county" in ring:
        return ring["county"], ring.get("village")
    cs = counties(pl, with_event)
    county = str(cs[int(pl.rng.integers(0, len(cs)))])
    return county, None


def year_end(start: dt.date) -> dt.date:
    return D(start.year + 1, start.month, min(start.day, 28)) - TD(days=1)
