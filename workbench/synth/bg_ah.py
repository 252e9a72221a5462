"""Honest accident & health and life business (意健险及寿险背景业务).

Each covered person buys at one or two "home" companies only, so an honest
person never holds accident cover at three companies within 90 days (the
H1 rule's threshold) — multi-company buying is what the planted scenarios do.
Claims follow policies: medical claims are frequent, deaths rare, a few fall
ill soon after buying (an honest early claim), children's claims are paid to a
parent, deaths to the next of kin.  Everything is vectorized.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference as ref
from .common import (
    AS_OF, DAY, HIST_END, HIST_START, MINUTE, WINDOW_END, WINDOW_START, iso, iso_minutes,
    money, one_year, random_days,
)
from .population import World
from .tables import frame

PC_LINES = (("意外险", "医疗险"), (0.6, 0.4))
LIFE_LINES = (("寿险", "重疾险", "意外险", "医疗险"), (0.18, 0.27, 0.22, 0.33))
LIFE_LINES_MINOR = (("寿险", "重疾险", "意外险", "医疗险"), (0.05, 0.4, 0.3, 0.25))
MED_PRODUCTS = ("百万医疗保险", "住院医疗费用补偿保险", "住院津贴医疗保险", "意外医疗保险")
REFUSALS = ("不属于保险责任", "既往症", "未在保险期间内出险", "材料不全", "等待期内出险")


def _choice(rng, options, p, n):
    return np.asarray(options)[rng.choice(len(options), n, p=np.asarray(p) / np.sum(p))]


def assign_homes(world: World) -> None:
    """Each covered person's one or two home companies (常用投保公司)."""
    rng, p = world.rng, world.persons
    n = len(p)
    w = np.array([c.share * (0.8 if c.pc else 2.0) for c in world.companies])
    w /= w.sum()
    h1 = rng.choice(len(w), n, p=w)
    h2 = rng.choice(len(w), n, p=w)
    h2 = np.where((rng.random(n) < 0.2) & (h2 != h1), h2, -1)
    age = p["age"].to_numpy()
    covered = rng.random(n) < np.where(age < 18, 0.75, np.where(age > 70, 0.5, 0.9))
    world.cache["ah_home"] = (np.where(covered, h1, -1), np.where(covered, h2, -1))


def _household_links(p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Index of each person's household head and of the head's spouse (-1 if none)."""
    head = p["head"].to_numpy()
    house = p["household"].to_numpy()
    role = p["role"].to_numpy()
    nxt = np.minimum(head + 1, len(p) - 1)
    spouse = np.where((house[nxt] == house[head]) & (role[nxt] == 1), nxt, -1)
    return head, spouse


def draw_policies(world: World, n_target: int, lo: np.datetime64, hi: np.datetime64,
                  tag: str = "AH") -> pd.DataFrame:
    """Policies (保单) held by covered persons at their home companies, start in [lo, hi].

    Returns an internal frame (person indices, numpy dates) used for claims too.
    """
    rng, p, cos = world.rng, world.persons, world.companies
    h1, h2 = world.cache["ah_home"]
    age_now = p["age"].to_numpy()
    cov = np.flatnonzero(h1 >= 0)
    lam = max(0.05, n_target / max(1, len(cov)) - 1)
    k = np.minimum(1 + rng.poisson(lam, len(cov)), np.where(age_now[cov] < 18, 3, 6))
    person = np.repeat(cov, k)
    person = person[rng.permutation(len(person))][:n_target]
    person.sort()
    n = len(person)
    co_idx = np.where((h2[person] >= 0) & (rng.random(n) < 0.5), h2[person], h1[person])
    is_pc = np.array([c.pc for c in cos])[co_idx]
    start = random_days(rng, lo, hi, n)
    birth = p["birth"].to_numpy()[person]
    start = np.maximum(start, birth + 30 * DAY)
    age = ((start - birth) / DAY / 365.25).astype(int)
    minor = age < 18

    line = np.where(is_pc, _choice(rng, *PC_LINES, n),
                    np.where(minor, _choice(rng, *LIFE_LINES_MINOR, n), _choice(rng, *LIFE_LINES, n)))
    med = _choice(rng, MED_PRODUCTS, (0.35, 0.3, 0.2, 0.15), n)
    product = np.select(
        [line == "意外险", line == "医疗险", line == "寿险", line == "重疾险"],
        [np.where((age >= 6) & minor, "学生平安意外伤害保险",
                  _choice(rng, ref.PRODUCTS["意外险"][:3], (0.6, 0.2, 0.2), n)),
         med, _choice(rng, ref.PRODUCTS["寿险"], (0.4, 0.3, 0.3), n),
         np.where(minor, "少儿重大疾病保险", _choice(rng, ("重大疾病保险", "防癌疾病保险"), (.8, .2), n))],
        "")
    income = p["income"].to_numpy()[person]
    cap = np.maximum(50_000, income * 5)
    acc_sum = np.minimum(_choice(rng, (50_000, 100_000, 200_000, 300_000, 500_000),
                                 (0.2, 0.35, 0.25, 0.12, 0.08), n), cap)
    # Children's death cover stays far below the statutory caps (未成年人身故保额上限)
    # even summed over their (at most three) policies.
    minor_sum = _choice(rng, (20_000, 30_000, 50_000), (.4, .3, .3), n)
    life_sum = np.minimum(_choice(rng, (100_000, 200_000, 300_000, 500_000), (.4, .3, .2, .1), n),
                          np.maximum(100_000, income * 5))
    ci_sum = _choice(rng, (100_000, 200_000, 300_000, 500_000), (.35, .35, .2, .1), n)
    daily = _choice(rng, (50, 100, 150, 200, 300), (.2, .35, .2, .15, .1), n)
    med_sum = np.select([med == MED_PRODUCTS[0], med == MED_PRODUCTS[1], med == MED_PRODUCTS[2]],
                        [_choice(rng, (2_000_000, 3_000_000, 6_000_000), (.3, .3, .4), n),
                         _choice(rng, (10_000, 20_000, 50_000), (.3, .4, .3), n), daily * 180],
                        _choice(rng, (10_000, 20_000), (.6, .4), n))
    sum_insured = np.select([line == "意外险", line == "寿险", line == "重疾险"],
                            [np.where(minor, minor_sum, acc_sum),
                             np.where(minor, minor_sum, life_sum), ci_sum], med_sum)
    death = np.select([line == "意外险", line == "寿险", line == "重疾险"],
                      [sum_insured, sum_insured, np.where(minor, 0, sum_insured)], 0)
    rate = np.select([line == "意外险", line == "寿险", line == "重疾险"],
                     [rng.uniform(0.0008, 0.0025, n), rng.uniform(0.015, 0.05, n),
                      rng.uniform(0.01, 0.04, n)], 0)
    med_premium = np.select([med == MED_PRODUCTS[0], med == MED_PRODUCTS[2]],
                            [200 + age * 9.0, daily * 1.8], rng.uniform(60, 500, n))
    premium = money(np.where(line == "医疗险", med_premium, sum_insured * rate))
    years = np.select([product == "终身寿险", line == "寿险", line == "重疾险"], [80, 20, 30], 1)
    end = one_year(start, years)

    life_ch = _choice(rng, ("个人代理", "银行保险", "网络销售", "直销"), (.55, .25, .1, .1), n)
    pc_ch = _choice(rng, ("个人代理", "网络销售", "专业代理", "直销", "经纪"), (.3, .3, .15, .15, .1), n)
    channel = np.where(is_pc, pc_ch, life_ch)
    co_codes = np.array([c.code for c in cos])[co_idx]
    agent_code = np.full(n, "", dtype=object)
    agent_name = np.full(n, "", dtype=object)
    agents = world.agents
    with_agent = np.isin(channel, ("个人代理", "专业代理"))
    for code in np.unique(co_codes):
        sel = np.flatnonzero((co_codes == code) & with_agent)
        pool = agents[agents["company"] == code]
        w = np.random.default_rng(int(code[1:])).lognormal(0, 1, len(pool))
        pick = rng.choice(len(pool), len(sel), p=w / w.sum())
        agent_code[sel] = pool["code"].to_numpy()[pick]
        agent_name[sel] = pool["name"].to_numpy()[pick]

    head, spouse = _household_links(p)
    role = p["role"].to_numpy()[person]
    hd = head[person]
    sp = spouse[person]
    holder = person.copy()
    relation = np.full(n, "本人", dtype=object)
    by_parent = minor & (hd != person)
    holder = np.where(by_parent, hd, holder)
    relation = np.where(by_parent, "子女", relation)
    by_child = (role == 3) & (rng.random(n) < 0.6)
    holder = np.where(by_child, hd, holder)
    relation = np.where(by_child, "父母", relation)
    by_spouse = (role == 0) & (sp >= 0) & (rng.random(n) < 0.1) & ~minor
    holder = np.where(by_spouse, sp, holder)
    relation = np.where(by_spouse, "配偶", relation)

    named = (death > 0) & (rng.random(n) < 0.35)
    ben = np.full(n, -1)
    ben_rel = np.where(death > 0, "法定", "").astype(object)
    c1 = named & (role == 0) & (sp >= 0)
    ben = np.where(c1, sp, ben)
    ben_rel = np.where(c1, "配偶", ben_rel)
    c2 = named & (role == 1) & (hd != person)
    ben = np.where(c2, hd, ben)
    ben_rel = np.where(c2, "配偶", ben_rel)
    c3 = named & (role == 2) & (hd != person)
    ben = np.where(c3, hd, ben)
    ben_rel = np.where(c3, "父母", ben_rel)
    c4 = named & (role == 3) & (hd != person)
    ben = np.where(c4, hd, ben)
    ben_rel = np.where(c4, "子女", ben_rel)

    lead = _choice(rng, (0, 1, 2, 5, 10, 20), (.15, .4, .2, .12, .08, .05), n)
    issue = (start - lead * DAY).astype("datetime64[m]") + rng.integers(8 * 60, 21 * 60, n) * MINUTE
    out = pd.DataFrame({
        "person": person, "holder": holder, "relation": relation, "ben": ben, "ben_rel": ben_rel,
        "company": co_codes, "line": line, "product": product, "start": start, "end": end,
        "sum": sum_insured.astype(float), "death": death.astype(float), "premium": premium,
        "channel": channel, "agent_code": agent_code, "agent_name": agent_name, "issue": issue,
    })
    out["policy_no"] = ""
    years_s = out["start"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    for code in np.unique(co_codes):
        sel = np.flatnonzero(co_codes == code)
        out.loc[sel, "policy_no"] = world.numbers.take(code, tag, years_s[sel])
    return out


def policy_frame(world: World, pol: pd.DataFrame) -> pd.DataFrame:
    """The contract table ``ah_policy`` of an internal policy frame."""
    p = world.persons
    ins, hol, ben = pol["person"].to_numpy(), pol["holder"].to_numpy(), pol["ben"].to_numpy()
    pid, name, phone = p["id"].to_numpy(), p["name"].to_numpy(), p["phone"].to_numpy()
    has_ben = ben >= 0
    b = np.where(has_ben, ben, 0)
    n = len(pol)
    return frame("ah_policy", n, {
        "company_code": pol["company"].to_numpy(), "line": pol["line"].to_numpy(),
        "policy_no": pol["policy_no"].to_numpy(), "product_name": pol["product"].to_numpy(),
        "policyholder_name": name[hol], "policyholder_id_type": "居民身份证",
        "policyholder_id": pid[hol], "policyholder_phone": phone[hol],
        "insured_name": name[ins], "insured_id_type": "居民身份证", "insured_id": pid[ins],
        "insured_phone": phone[ins], "insured_relation": pol["relation"].to_numpy(),
        "insured_occupation": p["occupation"].to_numpy()[ins],
        "annual_income": p["income"].to_numpy()[ins],
        "beneficiary_name": np.where(has_ben, name[b], ""),
        "beneficiary_id_type": np.where(has_ben, "居民身份证", ""),
        "beneficiary_id": np.where(has_ben, pid[b], ""),
        "beneficiary_relation": pol["ben_rel"].to_numpy(),
        "sum_insured": pol["sum"].to_numpy(), "death_sum_insured": pol["death"].to_numpy(),
        "premium": pol["premium"].to_numpy(), "issue_time": iso_minutes(pol["issue"].to_numpy()),
        "start_date": iso(pol["start"].to_numpy()), "end_date": iso(pol["end"].to_numpy()),
        "channel": pol["channel"].to_numpy(), "agent_code": pol["agent_code"].to_numpy(),
        "agent_name": pol["agent_name"].to_numpy(), "region_code": p["region"].to_numpy()[ins],
    })


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


def draw_claims(world: World, pol: pd.DataFrame, n_target: int, lo: np.datetime64,
                hi: np.datetime64) -> pd.DataFrame:
    """Settled claims (已决赔案) on ``pol`` closed in [lo, hi]; an internal frame."""
    rng, p = world.rng, world.persons
    line = pol["line"].to_numpy()
    product = pol["product"].to_numpy()
    w = np.select([product == MED_PRODUCTS[2], product == MED_PRODUCTS[3], line == "医疗险",
                   line == "意外险", line == "重疾险"], [0.3, 0.3, 0.25, 0.18, 0.02], 0.006)
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
    return _cap_stays(out)


def _cap_stays(out: pd.DataFrame) -> pd.DataFrame:
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
        [product == MED_PRODUCTS[2], product == MED_PRODUCTS[3], line == "医疗险",
         (line == "意外险") & (u < 0.65), (line == "意外险") & (u < 0.8),
         (line == "意外险") & (u < 0.97), line == "意外险", (line == "重疾险") & (u < 0.93)],
        ["住院津贴", np.where(u < 0.7, "意外医疗", "门诊医疗"), "住院医疗", "意外医疗", "门诊医疗",
         "伤残", "身故", "重大疾病"], "身故")
    accident = np.isin(loss_type, ("意外医疗", "伤残")) | ((line == "意外险") & (loss_type != "住院津贴"))
    accident |= (loss_type == "住院津贴") & (rng.random(n) < 0.3)
    accident |= (loss_type == "住院医疗") & (rng.random(n) < 0.15)
    gap = 31 + rng.exponential(150, n).astype(np.int64)
    early = (rng.random(n) < 0.02) & ~accident
    gap = np.where(early, rng.integers(10, 31, n), gap)  # an honest illness soon after buying
    loss = start + gap * DAY
    inpatient = np.isin(loss_type, ("住院医疗", "住院津贴")) | (
        (loss_type == "意外医疗") & (rng.random(n) < 0.4)) | (loss_type == "伤残")
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
    los = np.where(serious, rng.integers(7, 30, n),
                   np.where(accident, rng.integers(2, 9, n), rng.integers(3, 16, n)))
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
    medical = np.select([loss_type == "住院医疗", loss_type == "门诊医疗"],
                        [rng.lognormal(np.log(9000), 0.7, n), rng.lognormal(np.log(600), 0.6, n)],
                        rng.lognormal(np.log(3000), 0.8, n))
    claimed = np.select(
        [np.isin(loss_type, ("住院医疗", "门诊医疗", "意外医疗")), loss_type == "住院津贴",
         loss_type == "伤残", loss_type == "身故"],
        [np.minimum(medical, sum_ins), los * sum_ins / 180, sum_ins * (11 - grade) / 10,
         np.where(death > 0, death, sum_ins)], sum_ins)
    claimed = money(claimed)
    is_med = np.isin(loss_type, ("住院医疗", "门诊医疗", "意外医疗"))
    paid = np.where(is_med, claimed * rng.uniform(0.55, 0.95, n), claimed)
    d = rng.random(n)
    decision = np.select([d < 0.05, d < 0.07, d < 0.08], ["拒赔", "协议赔付", "通融赔付"], "正常赔付")
    paid = money(np.select([decision == "拒赔", decision == "协议赔付"], [0.0, paid * 0.5], paid))
    refusal = np.where(decision == "拒赔", np.array(REFUSALS)[rng.integers(0, len(REFUSALS), n)], "")
    return pd.DataFrame({
        "pol": idx, "person": person, "company": pol["company"].to_numpy()[idx], "line": line,
        "policy_no": pol["policy_no"].to_numpy()[idx], "start": start, "loss": loss,
        "loss_type": loss_type, "cause": np.where(accident, "意外", "疾病"), "diag_code": code,
        "diag": diag, "hospital": np.where(has_hosp, hosp, -1), "admission": admission,
        "discharge": discharge, "grade": np.where(loss_type == "伤残", grade.astype(str), ""),
        "report": report, "close": close, "claimed": claimed, "paid": paid,
        "decision": decision, "refusal": refusal,
    })


def claim_frame(world: World, cl: pd.DataFrame, kind: str, tag: str = "CL") -> pd.DataFrame:
    """The contract table ``ah_claim`` / ``ah_claim_hist`` of an internal claim frame."""
    rng, p, h = world.rng, world.persons, world.hospitals
    n = len(cl)
    person = cl["person"].to_numpy()
    pid, name, phone = p["id"].to_numpy(), p["name"].to_numpy(), p["phone"].to_numpy()
    card, bank = p["card"].to_numpy(), p["bank"].to_numpy()
    head, spouse = _household_links(p)
    age = p["age"].to_numpy()[person]
    role = p["role"].to_numpy()[person]
    dead = cl["loss_type"].to_numpy() == "身故"
    payee = person.copy()
    rel = np.full(n, "本人", dtype=object)
    to_head = ((age < 18) | dead) & (head[person] != person)
    payee = np.where(to_head, head[person], payee)
    rel = np.where(to_head & (role == 1), "配偶", np.where(to_head & (role == 3), "子女",
                                                         np.where(to_head, "父母", rel)))
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
    return frame(kind, n, {
        "company_code": co, "line": cl["line"].to_numpy(), "claim_no": claim_no,
        "policy_no": cl["policy_no"].to_numpy(), "policy_start_date": iso(cl["start"].to_numpy()),
        "insured_name": name[person], "insured_id_type": "居民身份证", "insured_id": pid[person],
        "loss_date": iso(cl["loss"].to_numpy()), "loss_type": cl["loss_type"].to_numpy(),
        "loss_cause": cl["cause"].to_numpy(), "loss_region_code": p["region"].to_numpy()[person],
        "diagnosis_code": cl["diag_code"].to_numpy(), "diagnosis": cl["diag"].to_numpy(),
        "hospital_code": np.where(has_h, h["code"].to_numpy()[hh], ""),
        "hospital_name": np.where(has_h, h["name"].to_numpy()[hh], ""),
        "admission_date": iso(cl["admission"].to_numpy()),
        "discharge_date": iso(cl["discharge"].to_numpy()),
        "disability_grade": cl["grade"].to_numpy(),
        "death_certificate": np.where(dead, "是", ""),
        "report_date": iso(cl["report"].to_numpy()), "close_date": iso(cl["close"].to_numpy()),
        "claimed_amount": cl["claimed"].to_numpy(), "paid_amount": cl["paid"].to_numpy(),
        "decision": cl["decision"].to_numpy(), "refusal_reason": cl["refusal"].to_numpy(),
        "payee_name": name[payee], "payee_id_type": "居民身份证", "payee_id": pid[payee],
        "payee_relation": rel, "payee_account": card[payee], "payee_bank": bank[payee],
        "reporter_phone": np.where(phone[payee] != "", phone[payee], phone[head[person]]),
    })


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
    private_code = np.char.add(np.char.add("1220", yy), np.char.zfill(
        (h["region"].to_numpy()[hosp].astype(np.int64) % 1000000).astype(str), 6))
    code = np.where(private, private_code, public_code)
    # E-receipt numbers (票据号码) are 10-digit sequences with leading zeros; tax invoices 8.
    no = np.where(private, world.numbers.seq("receipt-tax", n, 8),
                  np.char.add("0", world.numbers.seq("receipt-e", n, 9)))
    inpatient_no = np.where(inpatient, np.char.add(
        yy, np.char.zfill(rng.integers(0, 10**7, n).astype(str), 7)), "")
    settlement = np.char.add("2201", np.char.zfill(rng.integers(0, 10**12, n).astype(str), 12))
    return frame(kind, n, {
        "company_code": cl["company"].to_numpy()[row], "claim_no": cl["claim_no"].to_numpy()[row],
        "receipt_code": code, "receipt_no": no, "hospital_code": h["code"].to_numpy()[hosp],
        "hospital_name": h["name"].to_numpy()[hosp], "receipt_date": iso(rdate),
        "amount": amount, "claimed_amount": claimed_part, "inpatient_no": inpatient_no,
        "settlement_no": np.where(rng.random(n) < 0.8, settlement, ""),
    })


def background(world: World) -> dict[str, pd.DataFrame]:
    """All honest A&H tables: policies, claims, receipts, and the 2015-2017 history."""
    sc = world.scale
    assign_homes(world)
    pol = draw_policies(world, sc.ah_policies, WINDOW_START, WINDOW_END)
    world.cache["ah_pol"] = pol
    # People who hold a policy in the upload cannot have died before it (历史身故者不再投保).
    world.cache["no_death"] = np.unique(pol["person"].to_numpy())
    hist_pol = draw_policies(world, sc.hist_claims * 3, np.datetime64("2014-01-01"),
                             np.datetime64("2017-10-31"))
    hist = draw_claims(world, hist_pol, sc.hist_claims, HIST_START, HIST_END)
    world.cache.pop("no_death")
    prev_pol = draw_policies(world, sc.ah_claims * 2, np.datetime64("2017-07-01"),
                             WINDOW_START - DAY)
    n_cur = int(sc.ah_claims * 0.7)
    cur = draw_claims(world, pol, n_cur, WINDOW_START, WINDOW_END)
    prev = draw_claims(world, prev_pol, sc.ah_claims - len(cur), WINDOW_START, WINDOW_END)
    later_start = pol.groupby("person")["start"].max()
    claims = pd.concat([cur, prev.assign(pol=-1)], ignore_index=True)
    deaths = claims["loss_type"] == "身故"
    last = later_start.reindex(claims["person"].to_numpy()).to_numpy()
    blocked = deaths.to_numpy() & ~np.isnat(last) & (last > claims["loss"].to_numpy())
    claims = _cap_stays(claims[~blocked].reset_index(drop=True))
    dead = pd.concat([claims[claims["loss_type"] == "身故"], hist[hist["loss_type"] == "身故"]])
    world.cache["deceased"] = dict(zip(dead["person"], dead["loss"], strict=True))
    out = {
        "ah_policy": policy_frame(world, pol),
        "ah_claim": claim_frame(world, claims, "ah_claim"),
        "ah_claim_hist": claim_frame(world, hist, "ah_claim_hist"),
    }
    out["medical_receipt"] = receipt_frame(world, claims, "medical_receipt")
    out["medical_receipt_hist"] = receipt_frame(world, hist, "medical_receipt_hist")
    world.cache["ah_claims_internal"] = claims
    world.cache["ah_hist_internal"] = hist
    return out
