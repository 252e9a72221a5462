"""Fraud rings (团伙): connected claims that share people, vehicles, phones, accounts.

Why: organised fraud shows up less in any single claim than in what claims
share — the Qingdao ring's one organiser behind 36 "accidents", the Guangxi
family's middleman who handled every claim.  We build a bipartite graph of
claims and the entities on them (persons in any role, vehicles and plates,
phones, payee accounts, claimants' representatives, agents, repair shops,
hospitals), let only people and shared contact points link claims
(:data:`LINK_TYPES`), drop hub entities that legitimately touch everything
(degree above ``max_degree``, or whitelisted), and find connected components by iterative
label propagation in SQL: every claim starts with its own label and repeatedly
takes the smallest label reachable through one shared entity, until nothing
changes.  Python loops over iterations only, never over rows, so the same
statements scale to millions of edges.  Claims and linking entities are numbered
once per screening (``cid``, ``eid``): joins and groups over millions of edges
run on integers, not on ``company|kind|number`` and ``type|token`` strings, and a
ring keeps the name (the smallest ``company|kind|number`` among its claims) string
labels would have propagated to, so its clue id does not change.

Only claims that some other rule has already flagged form a ring's *core* and
may bridge one another; an unflagged claim sharing a link with the core joins
the ring as *periphery* but bridges nothing.  Without this, chains of honest
coincidences (a relative's phone, a passer-by injured twice, a spouse's shared
account) percolate through the background into components of hundreds of
unrelated claims.

A component becomes a ring clue (rule id ``ring``) only when its structure is
suspicious: at least ``min_claims`` claims, ``min_persons`` persons,
``min_companies`` insurers, clues of at least ``min_rules`` other rules on its
claims or people, those of severity 3 or more adding up to ``min_weight`` —
members flagged independently by different substantive rules, not one flagged
person and their family dressed up by weak context flags.  Its fraud kind is the most common kind among those clues;
the links that hold it together are written to ``ring_links``.

How the graph is built: each claim is joined once to its policy (``_ring_<family>_src``: its link
tokens and the policy's columns). The policy tables are the largest the search reads, and decoding
their columns is most of its time: a filtered pass over them costs as much as this one join, so the
policy side is read once and every later stage filters these rows. The flagged claims are found
first; the entities on them, and their edges over all claims (one semi-join per link column), make
the graph: only the claims on those entities are numbered and have their record kind named, never
every claim. A member claim's evidence takes its policy columns from the same rows. Of the members'
entities, only those on two or more claims of one ring can be its links; those of them on no flagged
claim (shared by periphery claims) have their edges found by a second such pass, so that their
degree, too, is the whole graph's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from pathlib import Path

from .engine import Engine, RuleTiming
from .errors import RuleError
from .rules import Param
from .scoring import whitelist_entities_sql
from .taxonomy import FRAUD_KINDS

log = logging.getLogger(__name__)

RING_VERSION = 1
RING_INDICATOR = "H9"

RING_PARAMS = {
    "max_degree": Param(
        "max_degree",
        30,
        "赔案 claims",
        "an entity on more claims than this is a hub "
        "(big hospital, busy repair shop) and links nothing",
    ),
    "min_claims": Param("min_claims", 4, "赔案 claims", "fewest claims in a ring"),
    "min_persons": Param("min_persons", 2, "人 persons", "fewest distinct persons in a ring"),
    "min_companies": Param("min_companies", 2, "家 companies", "fewest insurers a ring spans"),
    "min_rules": Param(
        "min_rules",
        2,
        "条 rules",
        "fewest distinct other rules with clues on the ring's claims or people",
    ),
    "min_weight": Param(
        "min_weight",
        7,
        "分 points",
        "fewest points of evidence: the severities of the distinct other rules of severity 3 or more "
        "flagging the ring, added up (e.g. 4 + 3, or 3 + 3 + 3); weak context flags add nothing",
    ),
    "max_claims": Param(
        "max_claims",
        500,
        "赔案 claims",
        "larger components are not rings but a sign "
        "that max_degree is too high; they are logged, not reported",
    ),
    "max_iterations": Param(
        "max_iterations", 60, "次 iterations", "label propagation gives up after this"
    ),
}

#: Entity types that can hold a ring together (团伙关联): people and the contact points an organiser
#: shares — phones, payee accounts, claimants' representatives, a village's assistant agent (协保员).
#: Vehicles, plates, agents, hospitals and repair shops are kept as evidence on the claims but link
#: nothing: they legitimately join
#: thousands of unrelated claims into one component (vehicles are the vehicle rule's business,
#: shops the repair-shop rule's).
LINK_TYPES = ("person", "phone", "account", "representative", "assistant")

#: Chinese names of entity types, for evidence sentences.
ENTITY_ZH = {
    "person": "人员",
    "vehicle": "车辆",
    "plate": "号牌",
    "phone": "电话",
    "account": "账户",
    "representative": "委托代理人",
    "agent": "代理人",
    "assistant": "协保员",
    "repair_shop": "修理厂",
    "hospital": "医院",
}


def ring_sha256() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def bind_ring_params(overrides: dict | None = None) -> dict:
    """Ring parameters: defaults overridden by ``overrides`` (the ``ring`` entry of a params file)."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(RING_PARAMS))
    if unknown:
        raise RuleError(
            f"团伙参数不存在 {unknown}，可选 {list(RING_PARAMS)} / unknown ring parameter(s)"
        )
    out = {}
    for name, p in RING_PARAMS.items():
        value = overrides.get(name, p.default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise RuleError(
                f"团伙参数 {name} 应为整数 / ring parameter {name} must be an integer: {value!r}"
            )
        out[name] = value
    return out


_AUTO = [
    ("person", "driver_id_token", "driver_id_mask", "driver"),
    ("person", "injured_id_token", "injured_id_mask", "injured"),
    ("person", "payee_id_token", "payee_id_mask", "payee"),
    ("person", "owner_id_token", "owner_id_mask", "owner"),
    ("vehicle", "vin_token", "vin_mask", "vehicle"),
    ("plate", "plate_token", "plate_mask", "vehicle"),
    ("plate", "third_party_plate_token", "third_party_plate_mask", "third_party"),
    ("phone", "reporter_phone_token", "reporter_phone_mask", "reporter"),
    ("phone", "driver_phone_token", "driver_phone_mask", "driver"),
    ("phone", "owner_phone_token", "owner_phone_mask", "owner"),
    ("phone", "representative_phone_token", "representative_phone_mask", "representative"),
    ("account", "payee_account_token", "payee_account_mask", "payee"),
    (
        "representative",
        "representative_name_token || '@' || coalesce(representative_org, '')",
        "representative_name_mask",
        "representative",
    ),
    (
        "repair_shop",
        "coalesce(repair_shop_code, repair_shop_name)",
        "repair_shop_name",
        "repair_shop",
    ),
]
_AH = [
    ("person", "insured_id_token", "insured_id_mask", "insured"),
    ("person", "payee_id_token", "payee_id_mask", "payee"),
    ("person", "policyholder_id_token", "policyholder_id_mask", "policyholder"),
    ("person", "beneficiary_id_token", "beneficiary_id_mask", "beneficiary"),
    ("phone", "reporter_phone_token", "reporter_phone_mask", "reporter"),
    ("phone", "insured_phone_token", "insured_phone_mask", "insured"),
    ("phone", "policyholder_phone_token", "policyholder_phone_mask", "policyholder"),
    ("account", "payee_account_token", "payee_account_mask", "payee"),
    ("agent", "company_code || ':' || agent_code", "agent_name_mask", "agent"),
    ("hospital", "coalesce(hospital_code, hospital_name)", "hospital_name", "hospital"),
]
_AGRI = [
    ("person", "farmer_id_token", "farmer_id_mask", "farmer"),
    ("person", "payee_id_token", "payee_id_mask", "payee"),
    ("phone", "farmer_phone_token", "farmer_phone_mask", "farmer"),
    ("account", "payee_account_token", "payee_account_mask", "payee"),
    # the village's assistant agent (协保员) organises agricultural rings. Its own entity type, not
    # "person": it links agricultural claims of the villages it serves, not the assistant's own
    # policies and claims as a private person; a busy assistant is a hub above max_degree.
    ("assistant", "assistant_id_token", "assistant_id_mask", "assistant"),
]

#: per family: the claim table, its policy table, the policy columns a claim takes from its policy
#: and any extra join condition (an A&H policy row is per insured person)
_POLICY_JOIN = {
    "auto": ("auto_claim", "auto_policy",
             ("owner_id_token", "owner_id_mask", "owner_phone_token", "owner_phone_mask"), ""),
    "ah": ("ah_claim", "ah_policy",
           ("policyholder_id_token", "policyholder_id_mask", "beneficiary_id_token", "beneficiary_id_mask",
            "insured_phone_token", "insured_phone_mask", "policyholder_phone_token",
            "policyholder_phone_mask", "agent_code", "agent_name_mask"),
           " AND p.insured_id_token = c.insured_id_token"),
    "agri": ("agri_claim", "agri_policy",
             ("assistant_id_token", "assistant_id_mask", "farmer_phone_token", "farmer_phone_mask"), ""),
}
_ENTITY_COLS = {"auto": _AUTO, "ah": _AH, "agri": _AGRI}


def _links_of(family: str) -> list[tuple[str, str, str, str]]:
    return [c for c in _ENTITY_COLS[family] if c[0] in LINK_TYPES]


def _link_source_sql(family: str) -> str:
    """``_ring_<family>_src``: every claim row of the family (``company_code``, ``record_no``) with
    its link tokens (``t0``, ``t1`` … in :func:`_links_of` order) and the columns it takes from its
    policy. One join of the claims to their policies is the cheapest way to the policy side: the
    policy table (the largest) is read once, where each filtered pass over it would cost as much;
    the graph stages below filter these rows instead of numbering and unpivoting every claim."""
    claim_table, policy_table, pcols, extra = _POLICY_JOIN[family]
    toks = ", ".join(f"{tok} AS t{i}" for i, (_, tok, _, _) in enumerate(_links_of(family)))
    return (
        f"CREATE OR REPLACE TEMP TABLE _ring_{family}_src AS\n"
        f"SELECT company_code, claim_no AS record_no, {toks}, {', '.join(pcols)} FROM (\n"
        f"    SELECT c.*, {', '.join('p.' + x for x in pcols)}\n"
        f"    FROM {claim_table} AS c\n"
        f"    LEFT JOIN {policy_table} AS p ON p.company_code = c.company_code "
        f"AND p.policy_no = c.policy_no{extra}\n"
        f"    WHERE c.claim_no IS NOT NULL\n) AS s"
    )


def _flagged_claims_sql(families: list[str]) -> str:
    """``_ring_flagged_claims``: the claim nodes whose (company, number) some flagged record names,
    with the claim table as their record kind (:func:`_fix_period` names the true one)."""
    parts = "\n    UNION ALL\n    ".join(
        f"SELECT DISTINCT company_code, record_no, '{family}' AS family, "
        f"'{_POLICY_JOIN[family][0]}' AS record_kind FROM _ring_{family}_src\n"
        "    WHERE (company_code, record_no) IN (SELECT company_code, record_no FROM _ring_flagged_records)"
        for family in families
    )
    return f"CREATE OR REPLACE TEMP TABLE _ring_flagged_claims AS\n    {parts}"


def _flagged_entities_sql(families: list[str]) -> str:
    """``_ring_e1``: the link entities (type, token) on the flagged claims, their own and their
    policies' — the only entities a ring can be held together by."""
    ctes = ",\n".join(
        f"{family}_flagged AS MATERIALIZED (\n"
        f"    SELECT * FROM _ring_{family}_src WHERE (company_code, record_no) IN (\n"
        f"        SELECT company_code, record_no FROM _ring_flagged_claims WHERE family = '{family}')\n)"
        for family in families
    )
    tokens = "\n    UNION ALL\n    ".join(
        f"SELECT '{etype}' AS entity_type, t{i} AS token FROM {family}_flagged"
        for family in families
        for i, (etype, _, _, _) in enumerate(_links_of(family))
    )
    return (
        "CREATE OR REPLACE TEMP TABLE _ring_e1 AS\nWITH " + ctes + "\n"
        f"SELECT DISTINCT entity_type, token FROM (\n    {tokens}\n) AS t WHERE token IS NOT NULL"
    )


def _scan_sql(family: str, types: set[str], entities: str) -> list[str]:
    """Every link edge (family, company, claim number, entity type, token) of the family whose entity
    is in the table ``entities`` (of ``types``), over all claims: one semi-join per link column on the few
    entities of its type (measured faster than OR-ed IN-lists over all columns at once, and than
    unpivoting every claim's links and joining them)."""
    return [
        f"SELECT '{family}' AS family, company_code, record_no, '{etype}' AS entity_type, t{i} AS token "
        f"FROM _ring_{family}_src "
        f"WHERE t{i} IN (SELECT token FROM {entities} WHERE entity_type = '{etype}')"
        for i, (etype, _, _, _) in enumerate(_links_of(family))
        if etype in types
    ]


def _scan_links(engine: Engine, families: list[str], period: str, entities: str) -> None:
    """Add every link edge of the entities in the table ``entities`` (over all claims, so their degree is
    the whole graph's) to ``_ring_link_edges``, numbering (``cid``) the claims not seen before and
    naming their true record kinds: only claims on these entities become graph nodes."""
    x = engine.execute
    types = {t for (t,) in engine.con.execute(f"SELECT DISTINCT entity_type FROM {entities}").fetchall()}
    if not types:
        return
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_scan_edges AS\n"
        + "\nUNION ALL\n".join(q for f in families for q in _scan_sql(f, types, entities)),
        what="ring graph scan",
    )
    kinds = " ".join(f"WHEN '{f}' THEN '{_POLICY_JOIN[f][0]}'" for f in families)
    x(
        f"""
        CREATE OR REPLACE TEMP TABLE _ring_new_claims AS
        SELECT CAST((SELECT coalesce(max(cid), 0) FROM _ring_claims) + row_number() OVER () AS BIGINT) AS cid,
               company_code, record_no, family, CASE family {kinds} END AS record_kind
        FROM (SELECT DISTINCT family, company_code, record_no FROM _ring_scan_edges) AS s
        WHERE NOT EXISTS (SELECT 1 FROM _ring_claims AS k
                          WHERE k.family = s.family AND k.company_code = s.company_code
                            AND k.record_no = s.record_no)
    """,
        what="ring claims",
    )
    _fix_period(engine, period, "_ring_new_claims")
    x("INSERT INTO _ring_claims SELECT * FROM _ring_new_claims", what="ring claims")
    x(
        """
        INSERT INTO _ring_link_edges
        SELECT k.cid, e.entity_type, e.token
        FROM _ring_scan_edges AS e JOIN _ring_claims AS k USING (family, company_code, record_no)
    """,
        what="ring graph",
    )


def _evidence_edges_sql(families: list[str]) -> str:
    """Every entity (links, vehicles, shops, hospitals …) with masks, amounts and roles of the
    claims in ``_ring_member_claims`` only, their policy columns from the link stage."""
    ctes, edges = [], []
    for family in families:
        claim_table, _, pcols, _ = _POLICY_JOIN[family]
        ctes.append(
            f"{family}_src AS (\n"
            f"    SELECT m.cid, c.*, {', '.join('p.' + x for x in pcols)}\n"
            f"    FROM _ring_member_claims AS m\n"
            f"    JOIN {claim_table} AS c ON m.family = '{family}' AND c.company_code = m.company_code "
            f"AND c.claim_no = m.record_no\n"
            f"    JOIN _ring_{family}_src AS p ON p.company_code = m.company_code AND p.record_no = m.record_no\n)"
        )
        edges += [
            f"SELECT cid, paid_amount AS amount, '{etype}' AS entity_type, {tok} AS token, {mask} AS mask, "
            f"'{role}' AS role FROM {family}_src"
            for etype, tok, mask, role in _ENTITY_COLS[family]
        ]
    return (
        "CREATE OR REPLACE TEMP TABLE _ring_member_edges AS\nWITH " + ",\n".join(ctes)
        + ",\nedges AS (\n" + "\nUNION ALL\n".join(edges) + "\n)\n"
        "SELECT DISTINCT cid, amount, entity_type, token, mask, role FROM edges WHERE token IS NOT NULL"
    )


def _link_entities(engine: Engine, table: str, entities: str, max_degree: int) -> None:
    """Which of ``entities`` (a query of entity type, token) link claims: on 2 to ``max_degree``
    claims over the whole link graph (more is a hub) and not whitelisted. Writes their link edges
    to ``<table>_edges`` (claim id, entity type, token) and the entities, numbered (eid), to
    ``table``; only the edges of these entities are grouped, a small part of the graph."""
    x = engine.execute
    x(
        f"""
        CREATE OR REPLACE TEMP TABLE {table}_edges AS
        SELECT e.cid, e.entity_type, e.token
        FROM _ring_link_edges AS e JOIN ({entities}) AS n ON n.entity_type = e.entity_type AND n.token = e.token
    """,
        what=f"ring entities {table}",
    )
    x(
        f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT CAST(row_number() OVER () AS BIGINT) AS eid, entity_type, token
        FROM (SELECT entity_type, token FROM {table}_edges GROUP BY entity_type, token
              HAVING count(DISTINCT cid) BETWEEN 2 AND $max_degree) AS d
        WHERE NOT EXISTS (SELECT 1 FROM ({whitelist_entities_sql()}) AS w
                          WHERE w.entity_type = d.entity_type AND w.token = d.token)
    """,
        {"max_degree": max_degree},
        what=f"ring entities {table}",
    )


def _families(period: str) -> list[str]:
    """The kind families a period screens: the pre-2017 self-review is A&H only."""
    return [f for f in _POLICY_JOIN if period != "pre2017" or f == "ah"]


def _fix_period(engine: Engine, period: str, table: str) -> None:
    """A pre-2017 claim is an ``ah_claim_hist`` record; name each claim node's true record kind
    (run on the small tables of claim nodes only; a kind already fixed stays)."""
    if period != "campaign":
        engine.execute(
            f"UPDATE {table} AS o SET record_kind = " + engine.record_kind_sql(period),
            what="kinds",
        )


def find_rings(
    engine: Engine, run_id: str, period: str, params: dict, now: dt.datetime
) -> tuple[int, int]:
    """Find rings and write them as clues (rule ``ring``); return (clues, new clues)."""
    from .screen import create_hits, write_clues

    started = time.perf_counter()
    x = engine.execute
    families = _families(period)
    # the core: claims some other rule already flagged; only they may bridge one another. A clue
    # explained by a whitelisted entity (a verified cooperative account …) flags nothing here.
    x(
        f"""
        CREATE OR REPLACE TEMP TABLE _ring_flagged_records AS
        WITH wl_clues AS (
            SELECT DISTINCT e.clue_id
            FROM clue_entities AS e JOIN ({whitelist_entities_sql()}) AS w
              ON w.entity_type = e.entity_type AND w.token = e.token
        )
        SELECT DISTINCT r.company_code, r.record_kind, r.record_no
        FROM clue_records AS r JOIN clues AS c ON c.clue_id = r.clue_id
        WHERE c.current AND c.period = $period AND c.rule_id <> 'ring'
          AND c.clue_id NOT IN (SELECT clue_id FROM wl_clues)
    """,
        {"period": period},
        what="ring core",
    )
    for family in families:
        x(_link_source_sql(family), what=f"ring graph {family}")
    x(_flagged_claims_sql(families), what="ring core")
    _fix_period(engine, period, "_ring_flagged_claims")
    x(
        """
        DELETE FROM _ring_flagged_claims AS k WHERE NOT EXISTS (
            SELECT 1 FROM _ring_flagged_records AS r
            WHERE r.company_code = k.company_code AND r.record_kind = k.record_kind
              AND r.record_no = k.record_no)
    """,
        what="ring core",
    )
    # the graph: the claims on the flagged claims' link entities, with all their edges to them,
    # numbered as they are found
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_claims (cid BIGINT, company_code VARCHAR, "
        "record_no VARCHAR, family VARCHAR, record_kind VARCHAR)",
        what="ring claims",
    )
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_link_edges (cid BIGINT, entity_type VARCHAR, token VARCHAR)",
        what="ring graph",
    )
    x(_flagged_entities_sql(families), what="ring entities")
    _scan_links(engine, families, period, "_ring_e1")
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_flagged AS
        SELECT DISTINCT k.cid
        FROM _ring_flagged_claims AS f JOIN _ring_claims AS k USING (family, company_code, record_no)
    """,
        what="ring core",
    )
    # the entities that hold a ring together are those on a flagged claim (the core's links, and
    # the periphery's way in)
    _link_entities(engine, "_ring_ents", "SELECT entity_type, token FROM _ring_e1", params["max_degree"])
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_e AS
        SELECT DISTINCT e.cid, n.eid
        FROM _ring_ents_edges AS e JOIN _ring_ents AS n ON n.entity_type = e.entity_type AND n.token = e.token
    """,
        what="ring links",
    )
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_core AS SELECT e.cid, e.eid FROM _ring_e AS e JOIN _ring_flagged USING (cid)",
        what="ring core",
    )
    _propagate(engine, params["max_iterations"])
    # a component's label: the smallest ``company|kind|number`` among its claims — what string
    # labels propagated to, so clue keys and ids stay as they were
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_core_names AS
        SELECT l.node, min(k.company_code || '|' || k.record_kind || '|' || k.record_no)
                       OVER (PARTITION BY l.label) AS label
        FROM _ring_core_lbl AS l JOIN _ring_claims AS k ON k.cid = l.node
    """,
        what="ring labels",
    )
    # the periphery: unflagged claims sharing a link with the core join its ring but bridge nothing
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_lbl AS
        SELECT node, label FROM _ring_core_names
        UNION ALL
        SELECT p.cid, min(l.label)
        FROM _ring_e AS p
        JOIN _ring_core AS c ON c.eid = p.eid
        JOIN _ring_core_names AS l ON l.node = c.cid
        WHERE p.cid NOT IN (SELECT node FROM _ring_core_names)
        GROUP BY p.cid
    """,
        what="ring periphery",
    )
    # the evidence edges (vehicles, shops, hospitals … beside the links) for the members only
    # components too small, too large or within one insurer are no rings: dropped before the
    # evidence (most components are a claim or two)
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_sizes AS
        SELECT l.label, count(*) AS claims, count(DISTINCT k.company_code) AS companies
        FROM _ring_lbl AS l JOIN _ring_claims AS k ON k.cid = l.node GROUP BY l.label
    """,
        what="ring sizes",
    )
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_big AS SELECT label FROM _ring_sizes WHERE claims > $max_claims",
        {"max_claims": params["max_claims"]},
        what="ring sizes",
    )
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_member_claims AS
        SELECT k.* FROM _ring_lbl AS l JOIN _ring_sizes AS s USING (label) JOIN _ring_claims AS k ON k.cid = l.node
        WHERE s.claims BETWEEN $min_claims AND $max_claims AND s.companies >= $min_companies
    """,
        {k: params[k] for k in ("min_claims", "max_claims", "min_companies")},
        what="ring members",
    )
    x(_evidence_edges_sql(families), what="ring evidence graph")
    # which member entities link claims (for the ring's list of links): the same test, for the
    # members' entities that could be listed, those on two or more claims of one ring (an entity on
    # one claim of a ring is no link of it, whatever its degree). Those on no flagged claim (shared
    # by periphery claims) were not among the entities above: their edges are scanned for now.
    member_entities = f"""
        SELECT DISTINCT e.entity_type, e.token
        FROM _ring_member_edges AS e JOIN _ring_lbl AS l ON l.node = e.cid
        WHERE e.entity_type IN ({", ".join(f"'{t}'" for t in LINK_TYPES)})
        GROUP BY l.label, e.entity_type, e.token HAVING count(DISTINCT e.cid) >= 2
    """
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_scan AS "
        f"{member_entities} EXCEPT SELECT entity_type, token FROM _ring_e1",
        what="ring entities",
    )
    _scan_links(engine, families, period, "_ring_scan")
    _link_entities(engine, "_ring_member_links", member_entities, params["max_degree"])
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_edges AS
        SELECT k.company_code || '|' || k.record_kind || '|' || k.record_no AS claim_node,
               e.entity_type || '|' || e.token AS entity_node, k.company_code, k.record_kind, k.record_no,
               e.*, n.eid IS NOT NULL AS is_link
        FROM _ring_member_edges AS e JOIN _ring_member_claims AS k USING (cid)
        LEFT JOIN _ring_member_links AS n ON n.entity_type = e.entity_type AND n.token = e.token
    """,
        what="ring nodes",
    )
    values = dict(params, period=period)
    for statement in filter(str.strip, _RINGS_SQL.split(";")):
        used = {k: v for k, v in values.items() if f"${k}" in statement}
        x(statement, used or None, what="rings")
    big = engine.con.execute("SELECT count(*) FROM _ring_big").fetchone()[0]
    if big:
        log.warning(
            "rings: %d component(s) larger than max_claims=%d were not reported; lower max_degree",
            big,
            params["max_claims"],
        )
    create_hits(engine, "_ring_hits")
    kinds = " ".join(f"WHEN '{k}' THEN '{v.line}'" for k, v in FRAUD_KINDS.items())
    ezh = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ENTITY_ZH.items())
    x(
        _RING_HITS_SQL.format(kinds=kinds, ezh=ezh, indicator=RING_INDICATOR, version=RING_VERSION),
        {"period": period},
        what="ring clues",
    )
    rows = engine.con.execute("SELECT count(*) FROM _ring_hits").fetchone()[0]
    result = write_clues(engine, "_ring_hits", run_id, period, ["ring"], now)
    x(
        "DELETE FROM ring_links WHERE clue_id IN (SELECT DISTINCT clue_id FROM _clue_rows)",
        what="links",
    )
    x(
        """
        INSERT INTO ring_links
        SELECT r.clue_id, l.entity_type, l.token, l.mask, l.claim_count, l.company_count
        FROM (SELECT DISTINCT clue_id, clue_key FROM _clue_rows) AS r
        JOIN _ring_link_list AS l ON 'ring:' || l.label = r.clue_key
    """,
        what="ring links",
    )
    _drop_work_tables(engine)
    engine.timings.append(RuleTiming("ring", rows, time.perf_counter() - started))
    return result


def _drop_work_tables(engine: Engine) -> None:
    """Drop the ring search's temporary tables: at province scale the link stage holds millions of
    claims' tokens, memory a long-lived connection (a notebook, a dashboard) should not keep."""
    names = engine.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, '_ring_')"
    ).fetchall()
    for (name,) in names:
        engine.con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"')


def _propagate(engine: Engine, max_iterations: int) -> None:
    """Connected components of ``_ring_core`` by label propagation into ``_ring_core_lbl``."""
    x = engine.execute
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_core_lbl AS SELECT DISTINCT cid AS node, "
        "cid AS label FROM _ring_core",
        what="ring labels",
    )
    for iteration in range(1, max_iterations + 1):
        x(
            """
            CREATE OR REPLACE TEMP TABLE _ring_lbl2 AS
            WITH ent AS (
                SELECT e.eid, min(l.label) AS label
                FROM _ring_core AS e JOIN _ring_core_lbl AS l ON l.node = e.cid
                GROUP BY e.eid
            )
            SELECT e.cid AS node, min(ent.label) AS label
            FROM _ring_core AS e JOIN ent USING (eid) GROUP BY e.cid
        """,
            what="label propagation",
        )
        changed = engine.con.execute(
            "SELECT count(*) FROM _ring_lbl2 AS n JOIN _ring_core_lbl AS o "
            "USING (node) WHERE n.label <> o.label"
        ).fetchone()[0]
        x(
            "CREATE OR REPLACE TEMP TABLE _ring_core_lbl AS SELECT node, label FROM _ring_lbl2",
            what="labels",
        )
        if not changed:
            log.info("rings: label propagation stable after %d iterations", iteration)
            return
    raise RuleError(
        f"团伙识别在{max_iterations}次迭代内未收敛，请调低 max_degree 或调高 max_iterations / "
        f"ring label propagation did not converge in {max_iterations} iterations"
    )


_RINGS_SQL = """
CREATE OR REPLACE TEMP TABLE _ring_members AS
SELECT l.label, e.cid, e.is_link, e.claim_node, e.company_code, e.record_kind, e.record_no, e.amount,
       e.entity_type, e.entity_node, e.token, e.mask, e.role
FROM _ring_lbl AS l JOIN _ring_edges AS e ON e.cid = l.node;

CREATE OR REPLACE TEMP TABLE _ring_hit_clues AS
WITH hits AS (
    SELECT DISTINCT m.label, c.clue_id, c.rule_id, c.fraud_kind, c.severity
    FROM _ring_members AS m
    JOIN clue_records AS r ON r.company_code = m.company_code AND r.record_kind = m.record_kind
         AND r.record_no = m.record_no
    JOIN clues AS c ON c.clue_id = r.clue_id
    WHERE c.current AND c.period = $period AND c.rule_id <> 'ring'
    UNION
    SELECT DISTINCT m.label, c.clue_id, c.rule_id, c.fraud_kind, c.severity
    FROM _ring_members AS m
    JOIN clue_entities AS ce ON ce.entity_type = m.entity_type AND ce.token = m.token
    JOIN clues AS c ON c.clue_id = ce.clue_id
    WHERE c.current AND c.period = $period AND c.rule_id <> 'ring'
      AND m.entity_type IN ('person', 'vehicle', 'plate', 'phone', 'account', 'representative')
)
SELECT label, clue_id, rule_id, fraud_kind, severity FROM hits;

CREATE OR REPLACE TEMP TABLE _ring_stats AS
WITH s AS (
    SELECT label, count(DISTINCT claim_node) AS claims, count(DISTINCT company_code) AS companies,
           count(DISTINCT token) FILTER (WHERE entity_type = 'person') AS persons
    FROM _ring_members GROUP BY label
),
paid AS (
    SELECT label, sum(amount ORDER BY amount) AS paid  -- one order: the same total on every run
    FROM (SELECT DISTINCT label, claim_node, amount FROM _ring_members) AS d GROUP BY label
),
h AS (
    SELECT label, count(DISTINCT clue_id) AS rule_hits, count(DISTINCT rule_id) AS rules,
           coalesce(sum(severity) FILTER (WHERE severity >= 3), 0) AS weight
    FROM (SELECT label, clue_id, rule_id, max(severity) OVER (PARTITION BY label, rule_id) AS severity,
                 row_number() OVER (PARTITION BY label, rule_id ORDER BY clue_id) AS rn
          FROM _ring_hit_clues) AS per_rule
    WHERE rn = 1
    GROUP BY label
),
hc AS (SELECT label, count(DISTINCT clue_id) AS rule_hits FROM _ring_hit_clues GROUP BY label),
kind AS (
    SELECT label, fraud_kind FROM (
        SELECT label, fraud_kind, row_number() OVER (PARTITION BY label ORDER BY n DESC, fraud_kind) AS rn
        FROM (SELECT label, fraud_kind, count(DISTINCT clue_id) AS n FROM _ring_hit_clues
              GROUP BY label, fraud_kind) AS k
    ) AS ranked WHERE rn = 1
)
SELECT s.label, s.claims, s.companies, s.persons, coalesce(paid.paid, 0) AS paid,
       coalesce(hc.rule_hits, 0) AS rule_hits, kind.fraud_kind
FROM s LEFT JOIN paid USING (label) LEFT JOIN h USING (label) LEFT JOIN hc USING (label)
LEFT JOIN kind USING (label)
WHERE s.claims >= $min_claims AND s.claims <= $max_claims AND s.persons >= $min_persons
  AND s.companies >= $min_companies AND coalesce(h.rules, 0) >= $min_rules
  AND coalesce(h.weight, 0) >= $min_weight;

CREATE OR REPLACE TEMP TABLE _ring_link_list AS
SELECT m.label, m.entity_type, m.token, max(m.mask) AS mask,
       CAST(count(DISTINCT m.claim_node) AS INTEGER) AS claim_count,
       CAST(count(DISTINCT m.company_code) AS INTEGER) AS company_count
FROM _ring_members AS m JOIN _ring_stats USING (label)
WHERE m.is_link
GROUP BY m.label, m.entity_type, m.token
HAVING count(DISTINCT m.claim_node) >= 2;
"""

_RING_HITS_SQL = """
INSERT INTO _ring_hits
WITH link_summary AS (
    SELECT label, array_to_string(list_sort(list(zh || CAST(n AS VARCHAR) || '个')), '、') AS links
    FROM (SELECT label, CASE entity_type {ezh} ELSE entity_type END AS zh, count(*) AS n
          FROM _ring_link_list GROUP BY label, entity_type) AS t
    GROUP BY label
),
head AS (
    SELECT s.*, coalesce(ls.links, '') AS links,
           '团伙：' || CAST(s.persons AS VARCHAR) || '人、' || CAST(s.claims AS VARCHAR) || '个赔案、'
           || CAST(s.companies AS VARCHAR) || '家公司，由共同的' || coalesce(ls.links, '') || '关联，合计赔付'
           || CAST(CAST(round(s.paid / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元；其他规则线索'
           || CAST(s.rule_hits AS VARCHAR) || '条' AS evidence_zh
    FROM _ring_stats AS s LEFT JOIN link_summary AS ls USING (label)
),
member_rows AS (
    SELECT DISTINCT m.label, m.company_code, m.record_kind, m.record_no, m.amount, m.role,
           m.entity_type, m.token, m.mask
    FROM _ring_members AS m JOIN head USING (label)
    LEFT JOIN _ring_link_list AS l ON l.label = m.label AND l.entity_type = m.entity_type AND l.token = m.token
    WHERE m.entity_type = 'person' OR l.token IS NOT NULL
)
SELECT 'ring', {version}, '{indicator}', $period,
       CASE h.fraud_kind {kinds} ELSE 'mixed' END, coalesce(h.fraud_kind, 'ring'), 4, '团伙关联',
       'ring:' || h.label, r.company_code, r.record_kind, r.record_no, r.role, r.entity_type, r.token,
       r.mask, r.amount, CAST(h.persons AS DOUBLE), CAST(h.claims AS DOUBLE), h.evidence_zh
FROM head AS h JOIN member_rows AS r USING (label)
"""
