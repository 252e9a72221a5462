"""Planting scenarios and hard negatives with their ground truth (植入场景与标注).

A :class:`Planter` hands out people, vehicles and numbers from the same world
the background was built from, builds records one by one (scenarios are few,
so plain Python is fine here), and books every record it makes against a
scenario (``scenarios.csv``/``records.csv``) or a hard negative
(``negatives.csv``).  Row builders fill every column a real insurer's export
would, so planted rows look like their neighbours except for the signature.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..protect import mask
from . import ids
from . import reference as ref
from .bg_auto import make_plates
from .common import AS_OF, mobiles, person_names
from .population import World
from .tables import RECORD_KEY

D = dt.date
TD = dt.timedelta


def d(x: dt.date | None) -> str:
    return "" if x is None else x.isoformat()


def t(x: dt.datetime | None) -> str:
    return "" if x is None else x.strftime("%Y-%m-%d %H:%M")


def masked_name(name: str) -> str:
    """A person's name as a scenario description carries it (王*月): descriptions become the national
    platform's clue texts and the forms' case summaries, which reach the association desensitised;
    a raw name of another person in prose is one the ingest cannot recognise."""
    return mask("name", name) or "*"


def to_date(x) -> dt.date:
    return pd.Timestamp(x).date()


@dataclass
class Person:
    """A person as the planted records need them (自然人)."""

    index: int  # row in world.persons, -1 for a person outside the population
    id: str
    name: str
    phone: str
    card: str
    bank: str
    region: str
    birth: dt.date
    income: float
    occupation: str
    male: bool

    def age_on(self, when: dt.date) -> int:
        return (
            when.year
            - self.birth.year
            - ((when.month, when.day) < (self.birth.month, self.birth.day))
        )


@dataclass
class Truth:
    """The ground truth being collected (标注)."""

    scenarios: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    negatives: list[dict] = field(default_factory=list)
    negative_meta: list[dict] = field(default_factory=list)


class Planter:
    """Builds planted records and books them in the ground truth."""

    def __init__(self, world: World):
        self.w = world
        self.rng = world.rng
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.truth = Truth()
        self._used: set[int] = set()
        self._used_mask = np.zeros(len(world.persons), bool)
        self._ring = 0
        self._busy = self._busy_persons()
        self._open: dict[str, dict] = {}

    # --- people -------------------------------------------------------------------

    def _busy_persons(self) -> dict[str, np.ndarray]:
        """Who already has background records, per line (各险种已有背景记录的人)."""
        c = self.w.cache
        n = len(self.w.persons)
        out = {}
        for line, sources in (
            (
                "ah",
                (
                    ("ah_pol", ("person", "holder")),
                    ("ah_claims_internal", ("person",)),
                    ("ah_hist_internal", ("person",)),
                ),
            ),
            ("auto", (("auto_veh", ("owner",)),)),
            ("agri", (("agri_farmers", ("person",)),)),
        ):
            busy = np.zeros(n, bool)
            for key, cols in sources:
                df = c.get(key)
                if df is not None:
                    for col in cols:
                        busy[df[col].to_numpy()] = True
            out[line] = busy
        v = self.w.villages
        for col in ("assistant", "cadre"):
            if col in v:
                out["agri"][v[col].to_numpy()] = True
        dead = np.array(list(c.get("deceased", {})), dtype=np.int64)
        for b in out.values():
            b[dead] = True
        out["all"] = out["ah"] | out["auto"] | out["agri"]
        return out

    def person(self, i: int) -> Person:
        p = self.w.persons
        i = int(i)

        def at(col):
            return p[col].iat[i]

        return Person(
            i,
            str(at("id")),
            str(at("name")),
            str(at("phone")),
            str(at("card")),
            str(at("bank")),
            str(at("region")),
            to_date(at("birth")),
            float(at("income")),
            str(at("occupation")),
            bool(at("male")),
        )

    def pick(
        self,
        age: tuple[int, int] = (25, 60),
        region: str | None = None,
        fresh: bool | str = True,
        farmer: bool | None = None,
        k: int = 1,
        low_income: bool = False,
    ) -> list[Person]:
        """``k`` distinct adults not used by another scenario.

        ``fresh`` prefers persons with no background record (``True``: in any line;
        ``'ah'``, ``'auto'``, ``'agri'``: in that line), so that the planted records
        are all that line holds about them.
        """
        pools = self.w.cache.setdefault("_pick_pools", {})
        p = self.w.persons
        if "all" not in pools:
            cols = {
                "age": p["age"].to_numpy(),
                "phone": p["phone"].to_numpy() != "",
                "card": p["card"].to_numpy() != "",
                "region": p["region"].to_numpy().astype(str),
                "farmer": p["farmer"].to_numpy(),
                "income": p["income"].to_numpy(),
            }
            pools["all"] = (np.arange(len(p)), cols)
        key = {True: "all"}.get(fresh, fresh) if fresh else None
        if key and f"fresh:{key}" not in pools:
            idx0, cols = pools["all"]
            fresh_idx = np.flatnonzero(~self._busy[key] & cols["phone"])
            pools[f"fresh:{key}"] = (fresh_idx, {c: v[fresh_idx] for c, v in cols.items()})
        for pool in (f"fresh:{key}", "all") if key else ("all",):
            idx, c = pools[pool]
            ok = (c["age"] >= age[0]) & (c["age"] <= age[1]) & c["phone"]
            if age[0] >= 18:
                ok &= c["card"]
            if region:
                ok &= np.char.startswith(c["region"], region)
            if farmer is not None:
                ok &= c["farmer"] == farmer
            if low_income:
                ok &= c["income"] <= 40_000
            cand = idx[ok]
            cand = cand[~self._used_mask[cand]]
            if len(cand) >= k:
                chosen = [int(x) for x in self.rng.choice(cand, k, replace=False)]
                self._used.update(chosen)
                self._used_mask[chosen] = True
                return [self.person(i) for i in chosen]
        raise RuntimeError("not enough persons to plant a scenario")

    def pick_child(self, max_age: int) -> tuple[Person, Person]:
        """A minor and the parent heading the household (未成年人及其父母)."""
        p = self.w.persons
        age = p["age"].to_numpy()
        head = p["head"].to_numpy()
        ok = (age < max_age) & (age >= max(1, max_age - 8)) & ~self._busy["ah"]
        ok &= head != np.arange(len(p))
        ok &= (p["card"].to_numpy()[head] != "") & ~self._busy["ah"][head]
        cand = np.flatnonzero(ok)
        cand = cand[~np.isin(cand, list(self._used)) & ~np.isin(head[cand], list(self._used))]
        if not len(cand):
            cand = np.flatnonzero((age < max_age) & (age >= 1) & (head != np.arange(len(p))))
        c = int(self.rng.choice(cand))
        self._used.update((c, int(head[c])))
        self._used_mask[[c, int(head[c])]] = True
        return self.person(c), self.person(int(head[c]))

    def new_person(self, region: str, age: int, male: bool | None = None) -> Person:
        """Someone outside the population (a ghost farmer, a broker from elsewhere)."""
        rng = self.rng
        male = bool(rng.random() < 0.6) if male is None else male
        birth = np.datetime64(AS_OF) - np.timedelta64(int(age * 365.25 + rng.integers(0, 300)), "D")
        seq = int(rng.integers(0, 500)) * 2 + int(male)
        pid = str(ids.make_ids(np.array([int(region)]), np.array([birth]), np.array([seq]))[0])
        while pid in self._id_set():
            seq = (seq + 2) % 1000
            pid = str(ids.make_ids(np.array([int(region)]), np.array([birth]), np.array([seq]))[0])
        name = str(person_names(rng, np.array([male]))[0])
        card = str(ids.make_cards(np.array([621799]), rng.integers(0, 10**12, 1))[0])
        return Person(
            -1,
            pid,
            name,
            str(mobiles(rng, 1)[0]),
            card,
            "中国邮政储蓄银行",
            region,
            to_date(birth),
            0.0,
            "农民",
            male,
        )

    def _id_set(self) -> set:
        if "_ids" not in self.w.cache:
            self.w.cache["_ids"] = set(self.w.persons["id"].tolist())
        return self.w.cache["_ids"]

    def vehicle(
        self,
        owner: Person,
        use: str = "家庭自用",
        model: int | None = None,
        years_old: float | None = None,
    ) -> dict:
        """A new vehicle (车辆) with a valid VIN and a plate of the owner's city."""
        rng = self.rng
        if model is None:
            model = int(rng.integers(0, len(ref.VEHICLE_MODELS) - 2))
        wmi, make, lo, hi, ne = ref.VEHICLE_MODELS[model]
        years_old = float(rng.uniform(1, 8)) if years_old is None else years_old
        registered = D(2019, 6, 30) - TD(days=int(years_old * 365))
        year_char = ref.VIN_YEARS.get(registered.year, "K")
        vis = (
            year_char
            + str(ids.random_chars(rng, "ABCDEFGHJKLMNPRSTUVWXYZ", 1, 1)[0])
            + f"{int(rng.integers(0, 10**6)):06d}"
        )
        vin = str(
            ids.make_vins(
                np.array([wmi]), ids.random_chars(rng, ids.VIN_ALPHABET, 1, 5), np.array([vis])
            )[0]
        )
        c4 = owner.region[:4] if owner.region[:4] in ref.CITIES else "2201"
        plate = str(make_plates(rng, np.array([c4]), np.array([ne]))[0])
        return {
            "vin": vin,
            "plate": plate,
            "make": make,
            "use": use,
            "price": float(round(lo + rng.random() * (hi - lo), -2)),
            "registered": registered,
            "owner": owner,
        }

    # --- bookkeeping ----------------------------------------------------------------

    def ring(self) -> str:
        self._ring += 1
        return f"R{self._ring:02d}"

    def begin(
        self, fraud_kind: str, line: str, period: str = "campaign", ring: str | None = None
    ) -> str:
        sid = f"S{len(self.truth.scenarios) + 1:04d}"
        sc = {
            "scenario_id": sid,
            "fraud_kind": fraud_kind,
            "line": line,
            "period": period,
            "ring_id": ring or "",
            "companies": "",
            "description_zh": "",
            "signature": "",
        }
        self.truth.scenarios.append(sc)
        self._open[sid] = sc
        return sid

    def finish(self, sid: str, description_zh: str, signature: str) -> None:
        sc = self._open.pop(sid)
        cos = sorted(
            {
                r["company_code"]
                for r in self.truth.records
                if r["scenario_id"] == sid and r["company_code"]
            }
        )
        sc.update(companies=";".join(cos), description_zh=description_zh, signature=signature)

    def add(self, kind: str, row: dict, sid: str | None = None, role: str | None = None) -> dict:
        """Append a planted row; book it against scenario ``sid`` when given."""
        self.rows[kind].append(row)
        if sid:
            self.book(sid, kind, row, role or _default_role(kind))
        return row

    def book(self, sid: str, kind: str, row: dict, role: str) -> None:
        rec = row_record_no(kind, row)
        self.truth.records.append(
            {
                "scenario_id": sid,
                "company_code": row.get("company_code", ""),
                "kind": kind,
                "record_no": rec,
                "role": role,
            }
        )

    def negative(self, imitates: str, description_zh: str, items: list[tuple[str, dict]]) -> str:
        """Book a hard negative: records that look like fraud to a naive rule but are not."""
        nid = f"N{len(self.truth.negative_meta) + 1:03d}"
        self.truth.negative_meta.append(
            {"negative_id": nid, "imitates": imitates, "description_zh": description_zh}
        )
        for kind, row in items:
            self.truth.negatives.append(
                {
                    "negative_id": nid,
                    "imitates": imitates,
                    "description_zh": description_zh,
                    "company_code": row.get("company_code", ""),
                    "kind": kind,
                    "record_no": row_record_no(kind, row),
                }
            )
        return nid

    # --- numbers -----------------------------------------------------------------------

    def number(self, company: str, tag: str, when: dt.date) -> str:
        return self.w.numbers.one(company, tag, when.year)

    def agent(self, company: str) -> tuple[str, str]:
        a = self.w.agents[self.w.agents["company"] == company]
        r = a.iloc[int(self.rng.integers(0, len(a)))]
        return r["code"], r["name"]

    def surveyor(self, company: str) -> str:
        s = self.w.surveyors[self.w.surveyors["company"] == company]["code"].to_numpy()
        return str(s[int(self.rng.integers(0, len(s)))]) if len(s) else ""

    def hospital(self, city4: str | None = None, tier: int | None = None) -> pd.Series:
        h = self.w.hospitals
        pool = h[(h["city4"] == city4) if city4 else np.ones(len(h), bool)]
        if tier is not None and (pool["tier"] == tier).any():
            pool = pool[pool["tier"] == tier]
        if not len(pool):
            pool = h
        return pool.iloc[int(self.rng.integers(0, len(pool)))]

    def receipt_ids(self, hospital: pd.Series, when: dt.date, inpatient: bool) -> tuple[str, str]:
        yy = f"{when.year % 100:02d}"
        if hospital["private"]:
            return (
                f"1220{yy}{int(hospital['region']) % 1000000:06d}",
                str(self.w.numbers.seq("receipt-tax", 1, 8)[0]),
            )
        return (
            ("220601" if inpatient else "220602") + yy,
            "0" + str(self.w.numbers.seq("receipt-e", 1, 9)[0]),
        )

    def when(self, lo: dt.date, hi: dt.date) -> dt.date:
        return lo + TD(days=int(self.rng.integers(0, (hi - lo).days + 1)))

    def phone(self) -> str:
        return str(mobiles(self.rng, 1)[0])

    def card(self, bin6: int = 622202) -> str:
        return str(ids.make_cards(np.array([bin6]), self.rng.integers(0, 10**12, 1))[0])


def row_record_no(kind: str, row: dict) -> str:
    """The ground-truth record number of one row ('code/no' for receipts)."""
    return "/".join(str(row[c]) for c in RECORD_KEY[kind])


def _default_role(kind: str) -> str:
    return {
        "ah_policy": "policy",
        "auto_policy": "policy",
        "agri_policy": "policy",
        "ah_claim": "claim",
        "ah_claim_hist": "claim",
        "auto_claim": "claim",
        "agri_claim": "claim",
        "medical_receipt": "receipt",
        "medical_receipt_hist": "receipt",
        "platform_clue_auto": "platform_clue",
        "platform_clue_agri": "platform_clue",
        "att5_clue": "att5",
        "att6_person": "att6",
    }.get(kind, kind)
