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
from .bg_ah_claims import (
    MED_PRODUCTS,
    cap_stays,
    claim_frame,
    draw_claims,
    household_links,
    receipt_frame,
)
from .common import (
    DAY,
    HIST_END,
    HIST_START,
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

PC_LINES = (("意外险", "医疗险"), (0.6, 0.4))
LIFE_LINES = (("寿险", "重疾险", "意外险", "医疗险"), (0.18, 0.27, 0.22, 0.33))
LIFE_LINES_MINOR = (("寿险", "重疾险", "意外险", "医疗险"), (0.05, 0.4, 0.3, 0.25))


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


def draw_policies(
    world: World, n_target: int, lo: np.datetime64, hi: np.datetime64, tag: str = "AH"
) -> pd.DataFrame:
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

    line = np.where(
        is_pc,
        _choice(rng, *PC_LINES, n),
        np.where(minor, _choice(rng, *LIFE_LINES_MINOR, n), _choice(rng, *LIFE_LINES, n)),
    )
    med = _choice(rng, MED_PRODUCTS, (0.35, 0.3, 0.2, 0.15), n)
    product = np.select(
        [line == "意外险", line == "医疗险", line == "寿险", line == "重疾险"],
        [
            np.where(
                (age >= 6) & minor,
                "学生平安意外伤害保险",
                _choice(rng, ref.PRODUCTS["意外险"][:3], (0.6, 0.2, 0.2), n),
            ),
            med,
            _choice(rng, ref.PRODUCTS["寿险"], (0.4, 0.3, 0.3), n),
            np.where(
                minor,
                "少儿重大疾病保险",
                _choice(rng, ("重大疾病保险", "防癌疾病保险"), (0.8, 0.2), n),
            ),
        ],
        "",
    )
    income = p["income"].to_numpy()[person]
    cap = np.maximum(50_000, income * 5)
    acc_sum = np.minimum(
        _choice(
            rng, (50_000, 100_000, 200_000, 300_000, 500_000), (0.2, 0.35, 0.25, 0.12, 0.08), n
        ),
        cap,
    )
    # Children's death cover stays far below the statutory caps (未成年人身故保额上限)
    # even summed over their (at most three) policies.
    minor_sum = _choice(rng, (20_000, 30_000, 50_000), (0.4, 0.3, 0.3), n)
    life_sum = np.minimum(
        _choice(rng, (100_000, 200_000, 300_000, 500_000), (0.4, 0.3, 0.2, 0.1), n),
        np.maximum(100_000, income * 5),
    )
    ci_sum = _choice(rng, (100_000, 200_000, 300_000, 500_000), (0.35, 0.35, 0.2, 0.1), n)
    daily = _choice(rng, (50, 100, 150, 200, 300), (0.2, 0.35, 0.2, 0.15, 0.1), n)
    med_sum = np.select(
        [med == MED_PRODUCTS[0], med == MED_PRODUCTS[1], med == MED_PRODUCTS[2]],
        [
            _choice(rng, (2_000_000, 3_000_000, 6_000_000), (0.3, 0.3, 0.4), n),
            _choice(rng, (10_000, 20_000, 50_000), (0.3, 0.4, 0.3), n),
            daily * 180,
        ],
        _choice(rng, (10_000, 20_000), (0.6, 0.4), n),
    )
    sum_insured = np.select(
        [line == "意外险", line == "寿险", line == "重疾险"],
        [np.where(minor, minor_sum, acc_sum), np.where(minor, minor_sum, life_sum), ci_sum],
        med_sum,
    )
    death = np.select(
        [line == "意外险", line == "寿险", line == "重疾险"],
        [sum_insured, sum_insured, np.where(minor, 0, sum_insured)],
        0,
    )
    rate = np.select(
        [line == "意外险", line == "寿险", line == "重疾险"],
        [rng.uniform(0.0008, 0.0025, n), rng.uniform(0.015, 0.05, n), rng.uniform(0.01, 0.04, n)],
        0,
    )
    med_premium = np.select(
        [med == MED_PRODUCTS[0], med == MED_PRODUCTS[2]],
        [200 + age * 9.0, daily * 1.8],
        rng.uniform(60, 500, n),
    )
    premium = money(np.where(line == "医疗险", med_premium, sum_insured * rate))
    years = np.select([product == "终身寿险", line == "寿险", line == "重疾险"], [80, 20, 30], 1)
    end = one_year(start, years)

    life_ch = _choice(rng, ("个人代理", "银行保险", "网络销售", "直销"), (0.55, 0.25, 0.1, 0.1), n)
    pc_ch = _choice(
        rng, ("个人代理", "网络销售", "专业代理", "直销", "经纪"), (0.3, 0.3, 0.15, 0.15, 0.1), n
    )
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

    head, spouse = household_links(p)
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

    lead = _choice(rng, (0, 1, 2, 5, 10, 20), (0.15, 0.4, 0.2, 0.12, 0.08, 0.05), n)
    issue = (start - lead * DAY).astype("datetime64[m]") + rng.integers(8 * 60, 21 * 60, n) * MINUTE
    out = pd.DataFrame(
        {
            "person": person,
            "holder": holder,
            "relation": relation,
            "ben": ben,
            "ben_rel": ben_rel,
            "company": co_codes,
            "line": line,
            "product": product,
            "start": start,
            "end": end,
            "sum": sum_insured.astype(float),
            "death": death.astype(float),
            "premium": premium,
            "channel": channel,
            "agent_code": agent_code,
            "agent_name": agent_name,
            "issue": issue,
        }
    )
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
    return frame(
        "ah_policy",
        n,
        {
            "company_code": lambda: pol["company"].to_numpy(),
            "line": lambda: pol["line"].to_numpy(),
            "policy_no": lambda: pol["policy_no"].to_numpy(),
            "product_name": lambda: pol["product"].to_numpy(),
            "policyholder_name": lambda: name[hol],
            "policyholder_id_type": "居民身份证",
            "policyholder_id": lambda: pid[hol],
            "policyholder_phone": lambda: phone[hol],
            "insured_name": lambda: name[ins],
            "insured_id_type": "居民身份证",
            "insured_id": lambda: pid[ins],
            "insured_phone": lambda: phone[ins],
            "insured_relation": lambda: pol["relation"].to_numpy(),
            "insured_occupation": lambda: p["occupation"].to_numpy()[ins],
            "annual_income": lambda: p["income"].to_numpy()[ins],
            "beneficiary_name": lambda: np.where(has_ben, name[b], ""),
            "beneficiary_id_type": lambda: np.where(has_ben, "居民身份证", ""),
            "beneficiary_id": lambda: np.where(has_ben, pid[b], ""),
            "beneficiary_relation": lambda: pol["ben_rel"].to_numpy(),
            "sum_insured": lambda: pol["sum"].to_numpy(),
            "death_sum_insured": lambda: pol["death"].to_numpy(),
            "premium": lambda: pol["premium"].to_numpy(),
            "issue_time": lambda: iso_minutes(pol["issue"].to_numpy()),
            "start_date": lambda: iso(pol["start"].to_numpy()),
            "end_date": lambda: iso(pol["end"].to_numpy()),
            "channel": lambda: pol["channel"].to_numpy(),
            "agent_code": lambda: pol["agent_code"].to_numpy(),
            "agent_name": lambda: pol["agent_name"].to_numpy(),
            "region_code": lambda: p["region"].to_numpy()[ins],
        },
    )


def background(world: World) -> dict[str, pd.DataFrame]:
    """All honest A&H tables: policies, claims, receipts, and the 2015-2017 history."""
    sc = world.scale
    assign_homes(world)
    pol = draw_policies(world, sc.ah_policies, WINDOW_START, WINDOW_END)
    world.cache["ah_pol"] = pol
    # People who hold a policy in the upload cannot have died before it (历史身故者不再投保).
    world.cache["no_death"] = np.unique(pol["person"].to_numpy())
    hist_pol = draw_policies(
        world, sc.hist_claims * 3, np.datetime64("2014-01-01"), np.datetime64("2017-10-31")
    )
    hist = draw_claims(world, hist_pol, sc.hist_claims, HIST_START, HIST_END)
    world.cache.pop("no_death")
    prev_pol = draw_policies(
        world, sc.ah_claims * 2, np.datetime64("2017-07-01"), WINDOW_START - DAY
    )
    n_cur = int(sc.ah_claims * 0.7)
    cur = draw_claims(world, pol, n_cur, WINDOW_START, WINDOW_END)
    prev = draw_claims(world, prev_pol, sc.ah_claims - len(cur), WINDOW_START, WINDOW_END)
    later_start = pol.groupby("person")["start"].max()
    claims = pd.concat([cur, prev.assign(pol=-1)], ignore_index=True)
    deaths = claims["loss_type"] == "身故"
    last = later_start.reindex(claims["person"].to_numpy()).to_numpy()
    blocked = deaths.to_numpy() & ~np.isnat(last) & (last > claims["loss"].to_numpy())
    claims = cap_stays(claims[~blocked].reset_index(drop=True))
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
