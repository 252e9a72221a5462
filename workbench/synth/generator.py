"""Generate the synthetic province (生成模拟全省报送数据与真值).

Order of work: the world (persons, insurers, hospitals, shops, villages), the
honest background of every line, the planted scenarios and hard negatives,
the campaign forms, then the files — each company's own, with realistic
defects — and the ground truth beside (never inside) ``submissions/``.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WorkbenchError
from ..taxonomy import FRAUD_KINDS
from . import bg_agri, bg_ah, bg_auto, forms, negatives, rows_agri
from . import plant_agri as agri
from . import plant_ah as ah
from . import plant_auto as auto
from . import plant_hist as hist
from . import reference as ref
from .dirt import DIRT_TYPES, DirtPlan, dirty
from .planter import Planter
from .population import FORMAT_PROFILES, build_world
from .scales import SCALES
from .spill import SpilledTable
from .spill import spill as spill_tables
from .summary import SynthSummary
from .tables import concat, record_no, rows
from .truth_files import write_truth
from .writer import UNDERWRITING, file_name, sort_rows, to_strings, write_rows, write_table

log = logging.getLogger(__name__)

FORMATS = ("mixed", "parquet")
PLANTERS = {
    "auto_staged": auto.staged,
    "auto_repair_inflation": auto.repair_inflation,
    "auto_injury_broker": auto.injury_broker,
    "agri_duplicate": agri.duplicate,
    "agri_fictitious": agri.fictitious,
    "agri_false_claim": agri.false_claim,
    "agri_after_loss": agri.after_loss,
    "agri_shared_account": agri.shared_account,
    "ah_multi_company": ah.multi_company,
    "ah_fake_death": ah.fake_death,
    "ah_insured_while_injured": ah.insured_while_injured,
    "ah_duplicate_receipt": ah.duplicate_receipt,
}
RING_KINDS = (
    "auto_staged",
    "auto_repair_inflation",
    "auto_injury_broker",
    "ah_multi_company",
    "ah_fake_death",
    "ah_duplicate_receipt",
    "agri_fictitious",
    "agri_shared_account",
    "agri_after_loss",
    "agri_duplicate",
)
AH_KINDS = ("ah_policy", "ah_claim", "medical_receipt", "ah_claim_hist", "medical_receipt_hist")
AUTO_KINDS = ("auto_policy", "auto_claim")
AGRI_KINDS = ("agri_policy", "agri_claim")
#: Fields whose shared values make scenarios of one ring linked (团伙关联字段).
LINK_FIELDS = (
    "reporter_phone",
    "payee_account",
    "assistant_id",
    "representative_org",
    "representative_phone",
    "beneficiary_id",
    "payee_id",
    "driver_id",
    "injured_id",
    "farmer_phone",
    "assessment_org",
)


def generate(
    out_dir: str | Path,
    seed: int = 20190701,
    scale: str = "demo",
    fmt: str = "mixed",
    spill: bool | None = None,
) -> SynthSummary:
    """Generate the synthetic province under ``out_dir`` and return what was made.

    ``out_dir/submissions`` holds what the insurers send; ``out_dir/ground_truth``
    the planted scenarios, hard negatives and defects.  Both are replaced.
    ``spill`` keeps the largest background tables on disk until they are written
    (:mod:`.spill`); by default it does so from one million persons up (x30, province),
    and the files are the same either way.
    """
    t0 = time.perf_counter()
    if scale not in SCALES:
        raise WorkbenchError(
            f"未知规模 {scale}，可选 {', '.join(SCALES)} / unknown scale {scale!r}"
        )
    if fmt not in FORMATS:
        raise WorkbenchError(f"未知格式 {fmt}，可选 mixed、parquet / unknown format {fmt!r}")
    sc = SCALES[scale]
    out = Path(out_dir)
    sub, gt = out / "submissions", out / "ground_truth"
    for folder in (sub, gt):
        if folder.exists():
            shutil.rmtree(folder)
    spill_dir = out / ".spill"
    if spill is None:
        spill = sc.persons >= SPILL_FROM_PERSONS
    try:
        return _generate(out, sub, gt, sc, seed, scale, fmt, spill_dir if spill else None, t0)
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)


#: from this many persons up the largest background tables wait on disk (see :mod:`.spill`)
SPILL_FROM_PERSONS = 1_000_000
#: the tables no planter or form reads again before the files are written
SPILLED_KINDS = {
    "ah": ("ah_policy", "ah_claim", "ah_claim_hist", "medical_receipt_hist"),
    "auto": ("auto_policy",),
    "agri": ("agri_policy",),
}


def _generate(out, sub, gt, sc, seed, scale, fmt, spill_dir, t0) -> SynthSummary:
    world = build_world(sc, seed)
    world.cache["seed"] = seed
    tables: dict = {}
    for line, module in (("ah", bg_ah), ("auto", bg_auto), ("agri", bg_agri)):
        tables.update(module.background(world))
        if spill_dir is not None:
            spill_tables(tables, SPILLED_KINDS[line], spill_dir)
    world.cache["auto_claim_bg"] = tables["auto_claim"]
    log.info("background built in %.1fs", time.perf_counter() - t0)

    pl = Planter(world)
    for key in (
        "ah_pol",
        "ah_claims_internal",
        "ah_hist_internal",
        "auto_pol",
        "auto_cl",
        "agri_pol",
        "agri_cl",
        "agri_flat_tags",
    ):
        world.cache.pop(key, None)  # background internals: the planter has what it needs
    plant_scenarios(pl)
    negatives.plant(pl, tables, reps={"small": 1, "demo": 2, "x10": 3}.get(scale, 4))
    forms.platform_auto(pl, tables)
    forms.platform_agri(pl, tables)
    forms.attachment5(pl)
    forms.attachment6(pl)
    check_rings(pl)
    for kind, planted in pl.rows.items():
        if isinstance(tables.get(kind), SpilledTable):
            tables[kind].append(rows(kind, planted))
        elif kind in tables:
            tables[kind] = concat([tables[kind], rows(kind, planted)])
    tables["disaster_event"] = bg_agri.event_frame(world.cache["agri_events"])

    protected: dict[str, set[str]] = {}
    for r in pl.truth.records + pl.truth.negatives:
        protected.setdefault(r["kind"], set()).add(r["record_no"])
    plan = DirtPlan(np.random.default_rng(seed + 1), sc.dirt_rate)
    dirt_log: list[dict] = []
    files = _write_submissions(pl, tables, sub, fmt, plan, protected, dirt_log, seed)

    summary = SynthSummary(out_dir=str(out), seed=seed, scale=scale, fmt=fmt)
    summary.companies = [
        {
            "code": c.code,
            "name": c.name,
            "type": c.type,
            "city": c.city,
            "agri": c.agri,
            "format": _profile_text(c.profile, fmt),
        }
        for c in world.companies
    ]
    summary.files = files
    summary.rows = {k: int(len(v)) for k, v in tables.items()}
    for k in ("platform_clue_auto", "platform_clue_agri", "att5_clue", "att6_person"):
        summary.rows[k] = len(pl.rows.get(k, []))
    summary.rows["att7_contact"] = world.cache.get("n_contacts", 0)
    per: dict[str, dict[str, int]] = {k: {"campaign": 0, "pre2017": 0} for k in FRAUD_KINDS}
    for s in pl.truth.scenarios:
        per.setdefault(s["fraud_kind"], {"campaign": 0, "pre2017": 0})[s["period"]] += 1
    summary.scenarios = per
    summary.rings = len({s["ring_id"] for s in pl.truth.scenarios if s["ring_id"]})
    summary.negatives = len(pl.truth.negative_meta)
    summary.negative_records = len(pl.truth.negatives)
    summary.dirt = {d: sum(1 for x in dirt_log if x["dirt"] == d) for d in DIRT_TYPES}
    summary.seconds = round(time.perf_counter() - t0, 1)
    write_truth(gt, pl, dirt_log, world)
    (gt / "summary.json").write_text(
        json.dumps(summary.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    log.info("synthetic province written in %.1fs", summary.seconds)
    return summary


def _profile_text(profile: str, fmt: str) -> str:
    if fmt == "parquet":
        return "parquet"
    a, b = FORMAT_PROFILES[profile]
    return f"承保 underwriting {a}, 其他 other {b}"


# --- planting -------------------------------------------------------------------------


def plant_scenarios(pl: Planter) -> None:
    """Every fraud kind ``scale.scenarios`` times, pre-2017 ones, high-risk persons."""
    sc = pl.w.scale
    for kind, fn in PLANTERS.items():
        rings: dict[int, dict] = {}
        for i in range(sc.scenarios):
            ring = None
            if kind in RING_KINDS and i % 3 != 0:
                ring = rings.setdefault(i // 3, make_ring(pl, kind))
            fn(pl, i, ring)
    cos = [c.code for c in pl.w.companies]
    order = [str(c) for c in pl.rng.permutation(cos)]
    cursor = 0
    for i in range(sc.pre2017):
        k = min(len(cos), 2 + i % 2 + (1 if i % 4 == 3 else 0))
        chosen: list[str] = []
        while len(chosen) < k:
            c = order[cursor % len(order)]
            cursor += 1
            if c not in chosen:
                chosen.append(c)
        hist.pre2017(pl, i, chosen)
    for i in range(sc.high_risk):
        hist.medical_abuse(pl, i)


def make_ring(pl: Planter, kind: str) -> dict:
    """A ring (团伙): an organiser with a phone and account, and what the kind shares."""
    rng = pl.rng
    (organiser,) = pl.pick(age=(30, 55))
    ring = {"id": pl.ring(), "organiser": organiser, "phone": organiser.phone}
    if kind == "auto_staged":
        ring["members"] = pl.pick(age=(22, 50), k=3)
    elif kind == "auto_injury_broker":
        word = ref.FIRM_WORDS[int(rng.integers(0, len(ref.FIRM_WORDS)))]
        ring["org"] = f"吉林省{word}法律咨询服务有限公司"
        ring["assessor"] = pl.w.assessors[int(rng.integers(0, len(pl.w.assessors)))]
    elif kind.startswith("agri_"):
        with_event = kind in ("agri_duplicate", "agri_shared_account", "agri_after_loss")
        counties = rows_agri.counties(pl, with_event)
        county = str(counties[int(rng.integers(0, min(3, len(counties))))])
        f = pl.w.cache["agri_farmers"]
        spare = f[~f["insured"] & ~f["stock"] & (f["region"] == county)]
        if len(spare):
            top = spare["village"].value_counts().index[0]
            ring.update(county=county, village=str(pl.w.villages["code"].iat[int(top)]))
        else:
            ring.update(county=county)
    return ring


def check_rings(pl: Planter) -> None:
    """Keep a ring id only on scenarios that really share a phone, account, agent…"""
    values: dict[str, set[tuple[str, str]]] = {}
    by_no = {}
    for kind, rws in pl.rows.items():
        key = {
            "ah_policy": "policy_no",
            "auto_policy": "policy_no",
            "agri_policy": "policy_no",
            "ah_claim": "claim_no",
            "auto_claim": "claim_no",
            "agri_claim": "claim_no",
            "ah_claim_hist": "claim_no",
        }.get(kind)
        if key:
            for r in rws:
                by_no[(kind, r[key])] = r
    for rec in pl.truth.records:
        r = by_no.get((rec["kind"], rec["record_no"]))
        if r is None:
            continue
        s = values.setdefault(rec["scenario_id"], set())
        for f in LINK_FIELDS:
            v = r.get(f)
            if v:
                s.add((f.split("_")[-1], str(v)))
    rings: dict[str, list[dict]] = {}
    for sc in pl.truth.scenarios:
        if sc["ring_id"]:
            rings.setdefault(sc["ring_id"], []).append(sc)
    for members in rings.values():
        for sc in members:
            mine = values.get(sc["scenario_id"], set())
            others = set().union(
                *(values.get(o["scenario_id"], set()) for o in members if o is not sc)
            )
            if not mine & others:
                sc["ring_id"] = ""
    for rid, members in rings.items():
        kept = [m for m in members if m["ring_id"] == rid]
        if len(kept) < 2:
            for m in kept:
                m["ring_id"] = ""


# --- writing --------------------------------------------------------------------------


def _kinds_of(company) -> tuple[str, ...]:
    kinds = AH_KINDS
    if company.pc:
        kinds += AUTO_KINDS
    if company.agri:
        kinds += AGRI_KINDS
    return kinds


def _write_submissions(
    pl: Planter,
    tables: dict,
    sub: Path,
    fmt: str,
    plan: DirtPlan,
    protected: dict[str, set[str]],
    dirt_log: list[dict],
    seed: int,
) -> int:
    world = pl.w
    files = 0
    write_table(
        sub / "companies.csv",
        "company",
        to_strings("company", forms.company_frame(pl)),
        "utf-8-sig",
    )
    files += 1
    # Row positions per company, so that only one company's slice is copied at a time.
    by_company = {
        k: v.groupby("company_code", sort=True).indices
        for k, v in tables.items()
        if isinstance(v, pd.DataFrame) and "company_code" in v and k != "company"
    }
    for c in world.companies:
        for kind in _kinds_of(c):
            if isinstance(tables.get(kind), SpilledTable):
                df = tables[kind].company(c.code)
                if not len(df):
                    continue
            else:
                idx = by_company.get(kind, {}).get(c.code)
                if idx is None or not len(idx):
                    continue
                df = tables[kind].take(idx)
            ff = (
                "parquet"
                if fmt == "parquet"
                else FORMAT_PROFILES[c.profile][0 if kind in UNDERWRITING else 1]
            )
            text = to_strings(kind, sort_rows(kind, df), c.drop.get(kind, ()))
            keys = record_no(kind, text).to_numpy()
            prot = np.isin(keys, list(protected.get(kind, ())))
            text, entries = dirty(kind, text, prot, plan)
            name = file_name(c.code, kind, ff)
            write_table(sub / c.code / name, kind, text, ff)
            files += 1
            for e in entries:
                dirt_log.append({"company_code": c.code, "file": f"{c.code}/{name}", **e})
        for kind in ("att5_clue", "att6_person"):
            mine = [r for r in pl.rows.get(kind, []) if r["company_code"] == c.code]
            if mine:
                write_rows(sub / c.code / file_name(c.code, kind, "xlsx"), kind, mine)
                files += 1
    contacts = forms.contacts(pl, seed)
    world.cache["n_contacts"] = len(contacts)
    for c in world.companies:
        mine = [r for r in contacts if r["company_code"] == c.code]
        write_rows(sub / c.code / file_name(c.code, "att7_contact", "xlsx"), "att7_contact", mine)
        files += 1
    ref_fmt = "parquet" if fmt == "parquet" else "utf-8-sig"
    ext = "parquet" if fmt == "parquet" else "csv"
    for kind, name in (("land_roster", "土地确权及存栏名册"), ("disaster_event", "县域灾害事件")):
        write_table(
            sub / "reference" / f"{name}.{ext}", kind, to_strings(kind, tables[kind]), ref_fmt
        )
        files += 1
    # the association's whitelist (核实白名单): accounts verified as legitimate, e.g. a cooperative's
    # corporate account that receives its members' payouts (the hard negative N-coop imitates G5)
    wl_rows = [
        {
            "entity_type": "银行账号",
            "account": acct,
            "org_name": name,
            "org_code": code,
            "reason": "农民专业合作社对公账户，统一接收社员赔款，经县农业农村局及承保公司核实",
            "verified_by": "省保险行业协会",
            "verified_date": "2018-06-15",
            "valid_until": "2020-06-30",
        }
        for code, name, acct in world.cache.get("whitelist", [])
    ]
    if wl_rows:
        write_rows(sub / "reference" / "核实白名单.xlsx", "whitelist", wl_rows)
        files += 1
    for kind, name in (
        ("platform_clue_auto", "全国车险反欺诈信息系统线索"),
        ("platform_clue_agri", "农险信息平台线索"),
    ):
        write_rows(sub / "platform" / f"{name}.xlsx", kind, pl.rows.get(kind, []))
        files += 1
    return files
