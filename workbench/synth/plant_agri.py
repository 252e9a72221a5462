"""Planted agricultural fraud (农险欺诈场景).

Farmers come from the land roster's uninsured households, so the planted
policies are the only ones they hold.  Signatures follow DOMAIN §2.2: G1 the
same subject / parcel / ear tag in two live policies, G2 insured area or herd
above the roster, G3 insureds missing from the roster sharing one phone, G4
loss before or right after the start or during an event that began before it,
G5 one account receiving several farmers' payouts, G6 ear tags claimed twice
or deaths without a safe-disposal record, G7 identical per-mu payouts with no
disaster on record.
"""

from __future__ import annotations

from . import reference as ref
from .planter import TD, D, Planter, d, masked_name, to_date
from .rows_agri import (
    SEASON18,
    SEASON19,
    claim,
    counties,
    crop_claim,
    event_of,
    farm,
    insurer,
    policy,
    ring_village,
    tags_for,
    year_end,
)

# --- scenarios -------------------------------------------------------------------------


def duplicate(pl: Planter, i: int, ring: dict | None) -> str:
    """G1: the same subject, parcel or ear tag in two live policies (重复投保)."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("agri_duplicate", "agri", ring=ring and ring["id"])
    if variant == 2:
        fm = farm(pl, stock=True, subject=str(rng.choice(["能繁母猪", "肉牛"])))
        if fm.subject not in ("能繁母猪", "肉牛", "奶牛"):
            fm.subject = "肉牛"
        a = insurer(pl, fm.region)
        b = insurer(pl, fm.region, other_than=a)
        (kin,) = pl.pick(age=(25, 65), region=fm.region[:4], fresh=False)
        heads = max(3, fm.heads)
        tags = tags_for(pl, ref.AGRI[fm.subject][3], fm.region, heads)
        s1 = pl.when(D(2018, 8, 1), D(2018, 12, 31))
        s2 = s1 + TD(days=int(rng.integers(20, 120)))
        p1 = pl.add(
            "agri_policy",
            policy(pl, fm, a, fm.subject, s1, year_end(s1), heads=heads, tags=tags),
            sid,
        )
        shared = tags[: max(2, heads // 2)]
        p2 = pl.add(
            "agri_policy",
            policy(
                pl, fm, b, fm.subject, s2, year_end(s2), person=kin, heads=len(shared), tags=shared
            ),
            sid,
        )
        pl.finish(
            sid,
            f"{masked_name(fm.person.name)}的{len(shared)}个耳标同时出现在{masked_name(kin.name)}于{b}的保单中",
            f"{len(shared)} ear tags of policy {p1['policy_no']} ({a}) also listed in live "
            f"policy {p2['policy_no']} ({b}) of another farmer; periods overlap",
        )
        return sid
    county, vcode = ring_village(pl, ring, with_event=True)
    fm = farm(pl, county=county, village_code=vcode)
    if not fm.parcels:
        fm = farm(pl)
    ev = event_of(pl, fm.region)
    a = insurer(pl, fm.region)
    b = insurer(pl, fm.region, other_than=a) if variant == 0 else a
    subject = fm.subject if ref.AGRI[fm.subject][0] == "种植险" else "玉米"
    if variant == 0:
        s1 = pl.when(SEASON18[0], SEASON18[1])
        s2 = s1 + TD(days=int(rng.integers(1, 8)))
        p1 = pl.add(
            "agri_policy",
            policy(pl, fm, a, subject, s1, SEASON18[2], area=fm.area, parcels=fm.parcels),
            sid,
        )
        p2 = pl.add(
            "agri_policy",
            policy(pl, fm, b, subject, s2, SEASON18[2], area=fm.area, parcels=fm.parcels),
            sid,
        )
        paid_both = ""
        if ev is not None and to_date(ev["start"]) > s2 + TD(days=15):
            for pol in (p1, p2):
                pl.add("agri_claim", crop_claim(pl, pol, fm, ev), sid)
            paid_both = "; paid at both after the county event"
        pl.finish(
            sid,
            f"{masked_name(fm.person.name)}以同一批{len(fm.parcels)}块确权地在{a}、{b}重复投保{subject}",
            f"farmer insured {subject} at {a} and {b} with overlapping periods "
            f"({d(s1)}..{d(SEASON18[2])} / {d(s2)}..{d(SEASON18[2])}) on the same "
            f"{len(fm.parcels)} parcels{paid_both}",
        )
        return sid
    # variant 1: a second farmer insures the first one's parcel (地块重复投保)
    other = farm(pl, county=fm.region, village_code=fm.village["code"])
    s1 = pl.when(SEASON19[0], SEASON19[1])
    s2 = s1 + TD(days=int(rng.integers(0, 10)))
    p1 = pl.add(
        "agri_policy",
        policy(pl, fm, a, subject, s1, SEASON19[2], area=fm.area, parcels=fm.parcels),
        sid,
    )
    take = fm.parcels[:1]
    area2 = round(other.area + fm.areas[0], 1)
    b2 = insurer(pl, fm.region, other_than=a) if i % 2 else a
    p2 = pl.add(
        "agri_policy",
        policy(pl, other, b2, subject, s2, SEASON19[2], area=area2, parcels=other.parcels + take),
        sid,
    )
    pl.finish(
        sid,
        f"地块{take[0]}同时在{masked_name(fm.person.name)}({a})和{masked_name(other.person.name)}({b2})的保单中",
        f"parcel {take[0]} in two live policies: {p1['policy_no']} ({a}) and "
        f"{p2['policy_no']} ({b2}) of two different farmers, periods overlap",
    )
    return sid


def fictitious(pl: Planter, i: int, ring: dict | None) -> str:
    """G2/G3: insured area or herd above the roster; farmers not on the roster (虚构标的)."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("agri_fictitious", "agri", ring=ring and ring["id"])
    if variant == 1:
        fm = farm(pl, stock=True)
        co = insurer(pl, fm.region)
        ratio = float(rng.uniform(1.6, 3.0))
        heads = int(round(fm.heads * ratio))
        s = pl.when(D(2018, 8, 1), D(2019, 5, 31))
        sp = ref.AGRI[fm.subject][3]
        tags = (
            tags_for(pl, sp, fm.region, heads) if fm.subject in ("能繁母猪", "肉牛", "奶牛") else []
        )
        p1 = pl.add(
            "agri_policy",
            policy(pl, fm, co, fm.subject, s, year_end(s), heads=heads, tags=tags),
            sid,
        )
        pl.finish(
            sid,
            f"{masked_name(fm.person.name)}存栏{fm.heads}头，承保{heads}头",
            f"insured heads {heads} vs registered herd {fm.heads} "
            f"(ratio {heads / fm.heads:.2f} > 1.05), policy {p1['policy_no']}",
        )
        return sid
    county, vcode = ring_village(pl, ring, with_event=False)
    if variant == 0:
        fm = farm(pl, county=county, village_code=vcode)
        if not fm.parcels:
            fm = farm(pl)
        co = insurer(pl, fm.region)
        ratio = float(rng.uniform(1.6, 3.0))
        area = round(fm.area * ratio, 1)
        s = pl.when(SEASON19[0], SEASON19[1])
        subject = fm.subject if ref.AGRI[fm.subject][0] == "种植险" else "玉米"
        p1 = pl.add(
            "agri_policy",
            policy(pl, fm, co, subject, s, SEASON19[2], area=area, parcels=fm.parcels),
            sid,
        )
        pl.finish(
            sid,
            f"{masked_name(fm.person.name)}确权面积{fm.area}亩，承保{area}亩",
            f"insured area {area} mu vs registered {fm.area} mu "
            f"(ratio {area / fm.area:.2f} > 1.05), policy {p1['policy_no']}",
        )
        return sid
    # variant 2: ghost farmers sharing the assistant's phone (虚构农户)
    anchor = farm(pl, county=county, village_code=vcode)
    village = anchor.village
    assistant = pl.person(int(village["assistant"]))
    co = insurer(pl, anchor.region)
    k = 4 + int(rng.integers(0, 4))
    s = pl.when(SEASON19[0], SEASON19[1])
    total = 0.0
    for j in range(k):
        ghost = pl.new_person(anchor.region, int(rng.integers(35, 70)))
        area = round(float(rng.uniform(15, 45)), 1)
        total += area
        parcels = [f"{village['code']}{int(rng.integers(1, 10)):03d}{9000 + j * 7 + i:04d}"]
        pl.add(
            "agri_policy",
            policy(
                pl,
                None,
                co,
                "玉米",
                s,
                SEASON19[2],
                person=ghost,
                village=village,
                area=area,
                parcels=parcels,
                phone=assistant.phone,
            ),
            sid,
        )
    pl.finish(
        sid,
        f"{village['name']}{k}户虚构农户(不在确权名册)，联系电话均为协保员{assistant.name}的手机",
        f"{k} insured farmers not on the land roster in village {village['code']}, all "
        f"sharing one phone (the assistant's); {total:.1f} mu on unregistered parcels",
    )
    return sid


def false_claim(pl: Planter, i: int, ring: dict | None) -> str:
    """G6/G7: ear tags claimed twice, deaths without disposal, flat payouts (虚假理赔)."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("agri_false_claim", "agri", ring=ring and ring["id"])
    if variant == 0:
        fm = farm(pl, stock=True)
        subject = fm.subject if fm.subject in ("能繁母猪", "肉牛", "奶牛") else "能繁母猪"
        a = insurer(pl, fm.region)
        b = insurer(pl, fm.region, other_than=a) if i % 2 else a
        heads = max(4, min(fm.heads, 20))
        tags = tags_for(pl, ref.AGRI[subject][3], fm.region, heads)
        s1 = pl.when(D(2018, 7, 1), D(2018, 8, 31))
        p1 = pl.add(
            "agri_policy", policy(pl, fm, a, subject, s1, year_end(s1), heads=heads, tags=tags), sid
        )
        dead = tags[:2]
        per = ref.AGRI[subject][1]
        l1 = s1 + TD(days=int(rng.integers(40, 90)))
        pl.add(
            "agri_claim",
            claim(pl, p1, fm.person, l1, "疫病", paid=2 * per * 0.9, loss_heads=2, tags=dead),
            sid,
        )
        if b != a:
            s2 = l1 + TD(days=int(rng.integers(30, 80)))
            p2 = pl.add(
                "agri_policy",
                policy(pl, fm, b, subject, s2, year_end(s2), heads=heads, tags=tags),
                sid,
            )
        else:
            p2 = p1
        l2 = min(l1 + TD(days=int(rng.integers(110, 180))), D(2019, 5, 20))
        pl.add(
            "agri_claim",
            claim(pl, p2, fm.person, l2, "疫病", paid=2 * per * 0.9, loss_heads=2, tags=dead),
            sid,
        )
        pl.finish(
            sid,
            f"{masked_name(fm.person.name)}的耳标{dead[0]}等2头死亡牲畜先后在{a}、{b}两次理赔",
            f"ear tags {dead[0]};{dead[1]} claimed dead twice ({d(l1)} at {a}, {d(l2)} at {b})",
        )
        return sid
    if variant == 1:
        fm = farm(pl, stock=True)
        co = insurer(pl, fm.region)
        k = 3 + int(rng.integers(0, 2))
        village = fm.village
        total = 0
        for j in range(k):
            f2 = (
                fm
                if j == 0
                else farm(pl, stock=True, county=fm.region, village_code=village["code"])
            )
            subject = f2.subject if f2.subject in ("能繁母猪", "肉牛", "奶牛") else "肉牛"
            heads = max(4, min(f2.heads, 25))
            tags = tags_for(pl, ref.AGRI[subject][3], f2.region, heads)
            s = pl.when(D(2018, 7, 1), D(2018, 12, 31))
            pol = pl.add(
                "agri_policy",
                policy(pl, f2, co, subject, s, year_end(s), heads=heads, tags=tags),
                sid,
            )
            n_dead = int(rng.integers(2, 5))
            total += n_dead
            loss = s + TD(days=int(rng.integers(40, 150)))
            pl.add(
                "agri_claim",
                claim(
                    pl,
                    pol,
                    f2.person,
                    loss,
                    "疫病",
                    paid=n_dead * ref.AGRI[subject][1] * 0.85,
                    loss_heads=n_dead,
                    tags=tags[:n_dead],
                    disposal=False,
                ),
                sid,
            )
        pl.finish(
            sid,
            f"{k}起牲畜死亡理赔({total}头)均无无害化处理单号",
            f"{k} dead-animal claims ({total} head) at {co} without a safe-disposal record number",
        )
        return sid
    county, vcode = ring_village(pl, ring, with_event=False)
    anchor = farm(pl, county=county, village_code=vcode)
    co = insurer(pl, anchor.region)
    k = 5 + int(rng.integers(0, 4))
    per_mu = float(rng.choice([100.0, 120.0, 150.0, 180.0]))
    s = pl.when(SEASON18[0], SEASON18[1])
    loss = s + TD(days=int(rng.integers(40, 70)))
    for j in range(k):
        f2 = (
            anchor
            if j == 0
            else farm(pl, county=anchor.region, village_code=anchor.village["code"])
        )
        if not f2.parcels:
            continue
        subject = f2.subject if ref.AGRI[f2.subject][0] == "种植险" else "玉米"
        pol = pl.add(
            "agri_policy",
            policy(
                pl,
                f2,
                co,
                subject,
                s,
                SEASON18[2],
                area=f2.area,
                parcels=f2.parcels,
                village=anchor.village,
            ),
            sid,
        )
        la = round(f2.area * float(rng.uniform(0.6, 1.0)), 1)
        pl.add(
            "agri_claim",
            claim(
                pl,
                pol,
                f2.person,
                loss + TD(days=int(rng.integers(0, 3))),
                "旱灾",
                paid=la * per_mu,
                loss_area=la,
            ),
            sid,
        )
    pl.finish(
        sid,
        f"{anchor.village['name']}{k}户旱灾赔款均为每亩{per_mu:.0f}元，县内无灾害记录",
        f"{k} crop claims in village {anchor.village['code']} all paid {per_mu:.2f} per "
        f"mu (CV 0); no disaster event in county {anchor.region}",
    )
    return sid


def after_loss(pl: Planter, i: int, ring: dict | None) -> str:
    """G4: loss before the start, within 15 days of it, or during an earlier event."""
    rng = pl.rng
    variant = i % 3
    sid = pl.begin("agri_after_loss", "agri", ring=ring and ring["id"])
    county, vcode = ring_village(pl, ring, with_event=variant == 2)
    ev = event_of(pl, county) if variant == 2 else None
    if variant == 2 and ev is None:
        cs = counties(pl, True)
        county = cs[0]
        ev = event_of(pl, county)
    anchor = farm(pl, county=county, village_code=vcode)
    co = insurer(pl, anchor.region)
    k = 2 + int(rng.integers(0, 3))
    gaps = []
    for j in range(k):
        f2 = (
            anchor
            if j == 0
            else farm(pl, county=anchor.region, village_code=anchor.village["code"])
        )
        if not f2.parcels:
            continue
        subject = f2.subject if ref.AGRI[f2.subject][0] == "种植险" else "玉米"
        if variant == 2 and ev is not None:
            es, ee = to_date(ev["start"]), to_date(ev["end"])
            start = es + TD(days=int(rng.integers(1, 4)))
            loss = min(start + TD(days=int(rng.integers(0, 3))), max(ee, start))
            cause = str(ev["event_type"])
        else:
            start = pl.when(D(2018, 7, 15), D(2018, 9, 10))
            off = -int(rng.integers(2, 12)) if variant == 0 else int(rng.integers(2, 13))
            loss = start + TD(days=off)
            cause = str(rng.choice(["冰雹", "风灾", "洪涝"]))
        pol = pl.add(
            "agri_policy",
            policy(
                pl,
                f2,
                co,
                subject,
                start,
                SEASON18[2],
                area=f2.area,
                parcels=f2.parcels,
                village=anchor.village,
            ),
            sid,
        )
        la = round(f2.area * float(rng.uniform(0.5, 1.0)), 1)
        per_mu = ref.AGRI[subject][1] * float(rng.uniform(0.3, 0.7))
        pl.add(
            "agri_claim",
            claim(pl, pol, f2.person, loss, cause, paid=la * per_mu, loss_area=la),
            sid,
        )
        gaps.append((loss - start).days)
    if variant == 0:
        sig = (
            f"{len(gaps)} claims with loss date {-max(gaps)}..{-min(gaps)} days before the "
            f"policy start"
        )
        desc = "出险日期早于起保日期"
    elif variant == 1:
        sig = f"{len(gaps)} claims with loss {min(gaps)}..{max(gaps)} days after start (<= 15)"
        desc = "起保后15天内出险"
    else:
        sig = (
            f"county {county} {ev['event_type']} event began {d(to_date(ev['start']))}, "
            f"before the {len(gaps)} policies started; losses during the event"
        )
        desc = f"灾害({ev['event_type']})发生后才投保"
    pl.finish(sid, f"{anchor.village['name']}{len(gaps)}户{desc}", sig)
    return sid


def shared_account(pl: Planter, i: int, ring: dict | None) -> str:
    """G5: one account receiving several farmers' payouts (同一账户接收多人赔款)."""
    rng = pl.rng
    sid = pl.begin("agri_shared_account", "agri", ring=ring and ring["id"])
    county, vcode = ring_village(pl, ring, with_event=True)
    anchor = farm(pl, county=county, village_code=vcode)
    ev = event_of(pl, anchor.region)
    village = anchor.village
    cadre = i % 2 == 1
    payee = pl.person(int(village["cadre" if cadre else "assistant"]))
    rel = "村干部" if cadre else "协保员"
    a = insurer(pl, anchor.region)
    b = insurer(pl, anchor.region, other_than=a) if i % 3 == 2 else a
    k = 3 + int(rng.integers(0, 4))
    n = 0
    for j in range(k):
        f2 = anchor if j == 0 else farm(pl, county=anchor.region, village_code=village["code"])
        if not f2.parcels:
            continue
        co = a if j % 2 == 0 else b
        subject = f2.subject if ref.AGRI[f2.subject][0] == "种植险" else "玉米"
        start = pl.when(SEASON18[0], SEASON18[1])
        pol = pl.add(
            "agri_policy",
            policy(
                pl,
                f2,
                co,
                subject,
                start,
                SEASON18[2],
                area=f2.area,
                parcels=f2.parcels,
                village=village,
            ),
            sid,
        )
        if ev is not None and to_date(ev["start"]) > start + TD(days=15):
            cl = crop_claim(pl, pol, f2, ev, payee=payee, payee_rel=rel)
        else:
            loss = start + TD(days=int(rng.integers(30, 60)))
            la = round(f2.area * 0.6, 1)
            cl = claim(
                pl,
                pol,
                f2.person,
                loss,
                "风灾",
                paid=la * float(rng.uniform(80, 200)),
                loss_area=la,
                payee=payee,
                payee_rel=rel,
            )
        pl.add("agri_claim", cl, sid)
        n += 1
    cos = sorted({a, b})
    pl.finish(
        sid,
        f"{rel}{payee.name}的个人账户接收{n}户农户赔款",
        f"account of {rel} {payee.name} received payouts for {n} distinct farmers at "
        f"{len(cos)} compan{'ies' if len(cos) > 1 else 'y'} ({';'.join(cos)}); payee name "
        f"differs from the farmers",
    )
    pl.w.cache.setdefault("shared_accounts", []).append((sid, payee, rel))
    return sid
