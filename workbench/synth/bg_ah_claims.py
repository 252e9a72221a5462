"""Honest accident & health claims and receipts (意健险背景赔案与医疗票据).

Claims follow the policies of ``bg_ah``: medical claims are frequent, deaths rare,
a few fall ill soon after buying (an honest early claim), at most two hospital
stays per person and period, children's claims are paid to a parent, deaths to
the next of kin.  Receipts carry fiscal e-receipt codes or tax-invoice codes
with unique numbers; the busiest provincial hospitals issue most of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference as ref
from .common import AS_OF, DAY, iso, money
from .population import World
from .tables import frame

MED_PRODUCTS = ("百万医疗保险", "住院医疗费用补偿保险", "住院津贴医疗保险", "意外医疗保险")
REFUSALS = ("不属于保险责任", "既往症", "未在保险期间内出险", "材料不全", "等待期内出险")


def household_links(p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Index of each person's household head and of the head's spouse (-1 if none)."""
    head = p["head"].to_numpy()
    house = p["household"].to_numpy()
    role = p["role"].to_numpy()
    nxt = np.minimum(head + 1, len(p) - 1)
    spouse = np.where((house[nxt] == house[head]) & (role[nxt] == 1), nxt, -1)
    return head, spouse


def pick_hospitals(world: World, city4: np.ndarray, provincial_share: float = 0.2) -> np.ndarray:
    """Hospital row indices: mostly in the patient's city, weighted by size."""
    rng, h = world.rng, world.hospitals
    out = np.empty(len(city4), dtype=np.int64)
    prov = np.flatnonzero(h["code"].str.startswith("H220102").to_numpy() & (h["tier"] == 3))
    prov_w = h["weight"].to_numpy()[prov]
    to_prov = rng.random(len(city4)) < provincial_share
    for c4 in np.unique(city4):
        sel = np.flatnonzero((city4 == c4) & ~to_prov)
        pool = np.flatnonzero(h["city4"].to_numpy() == c4)
        if not len(pool):
            to_prov[sel] = True
            continue
        w = h["weight"].to_numpy()[pool]
        out[sel] = pool[rng.choice(len(pool), len(sel), p=w / w.sum())]
    sel = np.flatnonzero(to_prov)
    out[sel] = prov[rng.choice(len(prov), len(sel), p=prov_w / prov_w.sum())]
    return out


def _diag(rng, table, n):
    i = rng.integers(0, len(table), n)
    return np.array([t[0] for t in table])[i], np.array([t[1] for t in table])[i]


def draw_claims(
    world: World, pol: pd.DataFrame, n_target: int, lo: np.datetime64, hi: np.datetime64
) -> pd.DataFrame:
    """Settled claims (已决赔案) on ``pol`` closed in [lo, hi]; an internal frame."""
    rng, _p = world.rng, world.persons
    line = pol["line"].to_numpy()
    product = pol["product"].to_numpy()
    w = np.select(
        [
            product == MED_PRODUCTS[2],
            product == MED_PRODUCTS[3],
            line == "医疗险",
            line == "意外险",
            line == "重疾险",
        ],
        [0.3, 0.3, 0.25, 0.18, 0.02],
        0.006,
    )
    dead_ok = ~np.isin(pol["person"].to_numpy(), world.cache.get("no_death", np.array([], int)))
    picks = []
    got = 0
    for _ in range(8):
        m = int((n_target - got) * 2.2) + 50
        idx = rng.choice(len(pol), m, p=w / w.sum())
        c = _claims_for(world, pol, idx)
        ok = (c["close"] >= lo) & (c["close"] <= hi) & (c["loss"] <= pol["end"].to_numpy()[idx])
        ok &= c["loss"] < AS_OF
        ok &= (c["loss_type"] != "身故") | dead_ok[idx]
        c = c[ok]
        picks.append(c)
        got += len(c)
        if got >= n_target:
            break
    out = pd.concat(picks, ignore_index=True).iloc[:n_target]
    # A deceased person makes no later claims (身故后不再出险).
    deaths = out[out["loss_type"] == "身故"].groupby("person")["loss"].min()
    later = deaths.reindex(out["person"].to_numpy()).to_numpy()
    keep = np.isnat(later) | (out["loss"].to_numpy() <= later)
    out = out[keep].copy()
    first_death = out[out["loss_type"] == "身故"].duplicated("person", keep="first")
    out = out.drop(first_death[first_death].index)
    # At most two hospital stays per person in the period: three within a year is the
    # medical-abuse indicator (H5), planted separately.
    return cap_stays(out)


def cap_stays(out: pd.DataFrame) -> pd.DataFrame:
    stay = ~np.isnat(out["admission"].to_numpy())
    nth = out[stay].sort_values("admission", kind="mergesort").groupby("person").cumcount()
    return out.drop(nth[nth >= 2].index).reset_index(drop=True)


def _claims_for(world: World, pol: pd.DataFrame, idx: np.ndarray) -> pd.DataFrame:
    rng, p = world.rng, world.persons
    n = len(idx)
    line = pol["line"].to_numpy()[idx]
    product = pol["product"].to_numpy()[idx]
    person = pol["person"].to_numpy()[idx]
    start = pol["start"].to_numpy()[idx]
    u = rng.random(n)
    loss_type = np.select(
        [
            product == MED_PRODUCTS[2],
            product == MED_PRODUCTS[3],
            line == "医疗险",
            (line == "意外险") & (u < 0.65),
            (line == "意外险") & (u < 0.8),
            (line == "意外险") & (u < 0.97),
            line == "意外险",
            (line == "重疾险") & (u < 0.93),
        ],
        [
            "住院津贴",
            np.where(u < 0.7, "意外医疗", "门诊医疗"),
            "住院医疗",
            "意外医疗",
            "门诊医疗",
            "伤残",
            "身故",
            "重大疾病",
        ],
        "身故",
    )
    accident = np.isin(loss_type, ("意外医疗", "伤残")) | (
        (line == "意外险") & (loss_type != "住院津贴")
    )
    accident |= (loss_type == "住院津贴") & (rng.random(n) < 0.3)
    accident |= (loss_type == "住院医疗") & (rng.random(n) < 0.15)
    gap = 31 + rng.exponential(150, n).astype(np.int64)
    early = (rng.random(n) < 0.02) & ~accident
    gap = np.where(early, rng.integers(10, 31, n), gap)  # an honest illness soon after buying
    loss = start + gap * DAY
    inpatient = (
        np.isin(loss_type, ("住院医疗", "住院津贴"))
        | ((loss_type == "意外医疗") & (rng.random(n) < 0.4))
        | (loss_type == "伤残")
    )
    l_code, l_name = _diag(rng, ref.LIGHT_INJURIES, n)
    d_code, d_name = _diag(rng, ref.DISABLING_INJURIES, n)
    i_code, i_name = _diag(rng, ref.ILLNESSES, n)
    c_code, c_name = _diag(rng, ref.CRITICAL_ILLNESSES, n)
    a_code, a_name = _diag(rng, ref.DEATH_CAUSES_ACCIDENT, n)
    x_code, x_name = _diag(rng, ref.DEATH_CAUSES_ILLNESS, n)
    serious = (loss_type == "伤残") | ((loss_type == "意外医疗") & (rng.random(n) < 0.2))
    conds = [loss_type == "身故", loss_type == "重大疾病", serious, accident]
    code = np.select(conds, [np.where(accident, a_code, x_code), c_code, d_code, l_code], i_code)
    diag = np.select(conds, [np.where(accident, a_name, x_name), c_name, d_name, l_name], i_name)
    los = np.where(
        serious,
        rng.integers(7, 30, n),
        np.where(accident, rng.integers(2, 9, n), rng.integers(3, 16, n)),
    )
    admission = np.where(inpatient, loss + rng.integers(0, 2, n) * DAY, np.datetime64("NaT"))
    discharge = admission + los * DAY
    report = np.where(inpatient, discharge, loss) + rng.integers(0, 8, n) * DAY
    close = report + rng.integers(5, 41, n) * DAY
    city4 = p["city4"].to_numpy()[person]
    hosp = pick_hospitals(world, city4)
    has_hosp = loss_type != "身故"

    sum_ins = pol["sum"].to_numpy()[idx]
    death = pol["death"].to_numpy()[idx]
    grade = rng.choice(np.arange(7, 11), n, p=(0.1, 0.2, 0.3, 0.4))
    medical = np.select(
        [loss_type == "住院医疗", loss_type == "门诊医疗"],
        [rng.lognormal(np.log(9000), 0.7, n), rng.lognormal(np.log(600), 0.6, n)],
        rng.lognormal(np.log(3000), 0.8, n),
    )
    claimed = np.select(
        [
            np.isin(loss_type, ("住院医疗", "门诊医疗", "意外医疗")),
            loss_type == "住院津贴",
            loss_type == "伤残",
            loss_type == "身故",
        ],
        [
            np.minimum(medical, sum_ins),
            los * sum_ins / 180,
            sum_ins * (11 - grade) / 10,
            np.where(death > 0, death, sum_ins),
        ],
        sum_ins,
    )
    claimed = money(claimed)
    is_med = np.isin(loss_type, ("住院医疗", "门诊医疗", "意外医疗"))
    paid = np.where(is_med, claimed * rng.uniform(0.55, 0.95, n), claimed)
    d = rng.random(n)
    decision = np.select(
        [d < 0.05, d < 0.07, d < 0.08], ["拒赔", "协议赔付", "通融赔付"], "正常赔付"
    )
    paid = money(np.select([decision == "拒赔", decision == "协议赔付"], [0.0, paid * 0.5], paid))
    refusal = np.where(
        decision == "拒赔", np.array(REFUSALS)[rng.integers(0, len(REFUSALS), n)], ""
    )
    return pd.DataFrame(
        {
            "pol": idx,
            "person": person,
            "company": pol["company"].to_numpy()[idx],
            "line": line,
            "policy_no": pol["policy_no"].to_numpy()[idx],
            "start": start,
            "loss": loss,
            "loss_type": loss_type,
            "cause": np.where(accident, "意外", "疾病"),
            "diag_code": code,
            "diag": diag,
            "hospital": np.where(has_hosp, hosp, -1),
            "admission": admission,
            "discharge": discharge,
            "grade": np.where(loss_type == "伤残", grade.astype(str), ""),
            "report": report,
            "close": close,
            "claimed": claimed,
            "paid": paid,
            "decision": decision,
            "refusal": refusal,
        }
    )


def claim_frame(world: World, cl: pd.DataFrame, kind: str, tag: str = "CL") -> pd.DataFrame:
    """The contract table ``ah_claim`` / ``ah_claim_hist`` of an internal claim frame."""
    _rng, p, h = world.rng, world.persons, world.hospitals
    n = len(cl)
    person = cl["person"].to_numpy()
    pid, name, phone = p["id"].to_numpy(), p["name"].to_numpy(), p["phone"].to_numpy()
    card, bank = p["card"].to_numpy(), p["bank"].to_numpy()
    head, spouse = household_links(p)
    age = p["age"].to_numpy()[person]
    role = p["role"].to_numpy()[person]
    dead = cl["loss_type"].to_numpy() == "身故"
    payee = person.copy()
    rel = np.full(n, "本人", dtype=object)
    to_head = ((age < 18) | dead) & (head[person] != person)
    payee = np.where(to_head, head[person], payee)
    rel = np.where(
        to_head & (role == 1),
        "配偶",
        np.where(to_head & (role == 3), "子女", np.where(to_head, "父母", rel)),
    )
    to_sp = dead & (head[person] == person) & (spouse[person] >= 0)
    payee = np.where(to_sp, spouse[person], payee)
    rel = np.where(to_sp, "配偶", rel)
    hosp = cl["hospital"].to_numpy()
    has_h = hosp >= 0
    hh = np.where(has_h, hosp, 0)
    claim_no = np.empty(n, dtype=object)
    years = cl["report"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    co = cl["company"].to_numpy()
    for code in np.unique(co):
        sel = np.flatnonzero(co == code)
        claim_no[sel] = world.numbers.take(code, tag, years[sel])
    cl["claim_no"] = claim_no
    return frame(
        kind,
        n,
        {
            "company_code": co,
            "line": lambda: cl["line"].to_numpy(),
            "claim_no": claim_no,
            "policy_no": lambda: cl["policy_no"].to_numpy(),
            "policy_start_date": lambda: iso(cl["start"].to_numpy()),
            "insured_name": lambda: name[person],
            "insured_id_type": "居民身份证",
            "insured_id": lambda: pid[person],
            "loss_date": lambda: iso(cl["loss"].to_numpy()),
            "loss_type": lambda: cl["loss_type"].to_numpy(),
            "loss_cause": lambda: cl["cause"].to_numpy(),
            "loss_region_code": lambda: p["region"].to_numpy()[person],
            "diagnosis_code": lambda: cl["diag_code"].to_numpy(),
            "diagnosis": lambda: cl["diag"].to_numpy(),
            "hospital_code": lambda: np.where(has_h, h["code"].to_numpy()[hh], ""),
            "hospital_name": lambda: np.where(has_h, h["name"].to_numpy()[hh], ""),
            "admission_date": lambda: iso(cl["admission"].to_numpy()),
            "discharge_date": lambda: iso(cl["discharge"].to_numpy()),
            "disability_grade": lambda: cl["grade"].to_numpy(),
            "death_certificate": lambda: np.where(dead, "是", ""),
            "report_date": lambda: iso(cl["report"].to_numpy()),
            "close_date": lambda: iso(cl["close"].to_numpy()),
            "claimed_amount": lambda: cl["claimed"].to_numpy(),
            "paid_amount": lambda: cl["paid"].to_numpy(),
            "decision": lambda: cl["decision"].to_numpy(),
            "refusal_reason": lambda: cl["refusal"].to_numpy(),
            "payee_name": lambda: name[payee],
            "payee_id_type": "居民身份证",
            "payee_id": lambda: pid[payee],
            "payee_relation": rel,
            "payee_account": lambda: card[payee],
            "payee_bank": lambda: bank[payee],
            "reporter_phone": lambda: np.where(phone[payee] != "", phone[payee], phone[head[person]]),
        },
    )


def receipt_frame(world: World, cl: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Medical receipts (医疗票据) of the medical claims in ``cl`` (after ``claim_frame``)."""
    rng, h = world.rng, world.hospitals
    lt = cl["loss_type"].to_numpy()
    med = np.flatnonzero(np.isin(lt, ("住院医疗", "门诊医疗", "意外医疗")) & (cl["hospital"] >= 0))
    lam = np.select([lt[med] == "住院医疗", lt[med] == "门诊医疗"], [0.8, 1.2], 0.9)
    k = np.minimum(1 + rng.poisson(lam), 4)
    row = np.repeat(med, k)
    n = len(row)
    w = rng.uniform(0.3, 1.0, n)
    grp = np.repeat(np.arange(len(med)), k)
    w = w / np.bincount(grp, weights=w)[grp]
    claimed = cl["claimed"].to_numpy()[row]
    total = claimed / rng.uniform(0.85, 1.0, n)
    claimed_part = money(claimed * w)
    amount = money(np.maximum(total * w, claimed_part))
    hosp = cl["hospital"].to_numpy()[row]
    private = h["private"].to_numpy()[hosp]
    inpatient = ~np.isnat(cl["admission"].to_numpy()[row])
    rdate = np.where(inpatient, cl["discharge"].to_numpy()[row], cl["loss"].to_numpy()[row])
    yy = np.char.zfill(((rdate.astype("datetime64[Y]").astype(int) + 1970) % 100).astype(str), 2)
    public_code = np.char.add(np.where(inpatient, "220601", "220602"), yy)
    private_code = np.char.add(
        np.char.add("1220", yy),
        np.char.zfill((h["region"].to_numpy()[hosp].astype(np.int64) % 1000000).astype(str), 6),
    )
    code = np.where(private, private_code, public_code)
    # E-receipt numbers (票据号码) are 10-digit sequences with leading zeros; tax invoices 8.
    no = np.where(
        private,
        world.numbers.seq("receipt-tax", n, 8),
        np.char.add("0", world.numbers.seq("receipt-e", n, 9)),
    )
    inpatient_no = np.where(
        inpatient, np.char.add(yy, np.char.zfill(rng.integers(0, 10**7, n).astype(str), 7)), ""
    )
    settlement = np.char.add("2201", np.char.zfill(rng.integers(0, 10**12, n).astype(str), 12))
    settlement = np.where(rng.random(n) < 0.8, settlement, "")
    return frame(
        kind,
        n,
        {
            "company_code": lambda: cl["company"].to_numpy()[row],
            "claim_no": lambda: cl["claim_no"].to_numpy()[row],
            "receipt_code": code,
            "receipt_no": no,
            "hospital_code": lambda: h["code"].to_numpy()[hosp],
            "hospital_name": lambda: h["name"].to_numpy()[hosp],
            "receipt_date": lambda: iso(rdate),
            "amount": amount,
            "claimed_amount": claimed_part,
            "inpatient_no": inpatient_no,
            "settlement_no": settlement,
        },
    )
