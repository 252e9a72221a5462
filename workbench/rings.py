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
statements scale to millions of edges.

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


def _edges(kind: str, source: str, cols: list[tuple[str, str, str]]) -> str:
    """UNION ALL of (claim, entity) pairs: cols are (entity_type, token expr, mask expr, role)."""
    parts = [
        f"SELECT company_code, '{kind}' AS record_kind, claim_no AS record_no, paid_amount AS amount, "
        f"'{etype}' AS entity_type, {tok} AS token, {mask} AS mask, '{role}' AS role FROM {source}"
        for etype, tok, mask, role in cols
    ]
    return "\nUNION ALL\n".join(parts)


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

_SOURCES_SQL = """
WITH auto_src AS (
    SELECT c.*, p.owner_id_token, p.owner_id_mask, p.owner_phone_token, p.owner_phone_mask
    FROM auto_claim AS c LEFT JOIN auto_policy AS p
      ON p.company_code = c.company_code AND p.policy_no = c.policy_no{auto_where}
),
ah_src AS (
    SELECT c.*, p.policyholder_id_token, p.policyholder_id_mask, p.beneficiary_id_token,
           p.beneficiary_id_mask, p.insured_phone_token, p.insured_phone_mask,
           p.policyholder_phone_token, p.policyholder_phone_mask, p.agent_code, p.agent_name_mask
    FROM ah_claim AS c LEFT JOIN ah_policy AS p
      ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token{ah_where}
),
agri_src AS (
    SELECT c.*, p.assistant_id_token, p.assistant_id_mask, p.farmer_phone_token, p.farmer_phone_mask
    FROM agri_claim AS c LEFT JOIN agri_policy AS p
      ON p.company_code = c.company_code AND p.policy_no = c.policy_no{agri_where}
),
edges AS (
{edges}
)
"""

#: claims of one kind family named in ``_ring_lbl_claims`` (the ring members), for the evidence edges
_MEMBER_FILTER = (
    "\n    WHERE EXISTS (SELECT 1 FROM _ring_lbl_claims AS m WHERE m.company_code = c.company_code "
    "AND m.record_no = c.claim_no AND m.family = '{family}')"
)


def _graph_sql(table: str, *, links_only: bool) -> str:
    """The claim–entity edges into ``table``.

    Two stages, because the graph over every claim is the costly part of the ring search: with
    ``links_only`` only the entity types that can link claims (:data:`LINK_TYPES`) and only the
    columns the components need, over all claims; otherwise every entity type with masks, amounts
    and roles, but only for the claims that ended up in a component (``_ring_lbl_claims``).
    """

    def cols(c):
        return [x for x in c if x[0] in LINK_TYPES] if links_only else c

    edges = "\nUNION ALL\n".join(
        [_edges("auto_claim", "auto_src", cols(_AUTO)), _edges("ah_claim", "ah_src", cols(_AH)),
         _edges("agri_claim", "agri_src", cols(_AGRI))]
    )
    where = {f"{k}_where": "" if links_only else _MEMBER_FILTER.format(family=k) for k in ("auto", "ah", "agri")}
    select = (
        "SELECT DISTINCT company_code, record_kind, record_no, entity_type, token"
        if links_only
        else "SELECT DISTINCT company_code, record_kind, record_no, amount, entity_type, token, mask, role"
    )
    return (
        f"CREATE OR REPLACE TEMP TABLE {table} AS\n"
        + _SOURCES_SQL.format(edges=edges, **where)
        + f"{select}\nFROM edges WHERE token IS NOT NULL AND record_no IS NOT NULL"
    )


def _node_columns(table: str) -> str:
    """Add the node keys (claim, entity) to an edge table once its record kinds are final."""
    return (
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT company_code || '|' || record_kind || '|' || record_no "
        f"AS claim_node, entity_type || '|' || token AS entity_node, * FROM {table}"
    )


def _fix_period(engine: Engine, table: str, period: str) -> None:
    """Pre-2017 claims are ``ah_claim_hist`` records; the pre-2017 self-review is A&H only."""
    x = engine.execute
    if period == "pre2017":
        x(f"DELETE FROM {table} WHERE record_kind <> 'ah_claim'", what="pre-2017 graph")
    if period != "campaign":
        x(f"UPDATE {table} AS o SET record_kind = {engine.record_kind_sql(period)}", what="kinds")
    x(_node_columns(table), what="ring nodes")


def find_rings(
    engine: Engine, run_id: str, period: str, params: dict, now: dt.datetime
) -> tuple[int, int]:
    """Find rings and write them as clues (rule ``ring``); return (clues, new clues)."""
    from .screen import create_hits, write_clues

    started = time.perf_counter()
    x = engine.execute
    x(_graph_sql("_ring_link_edges", links_only=True), what="ring graph")
    _fix_period(engine, "_ring_link_edges", period)
    x(
        f"""
        CREATE OR REPLACE TEMP TABLE _ring_e AS
        WITH degree AS (
            SELECT entity_node, count(DISTINCT claim_node) AS degree FROM _ring_link_edges GROUP BY entity_node
        ),
        wl AS (SELECT DISTINCT entity_type || '|' || token AS entity_node FROM ({whitelist_entities_sql()}))
        SELECT e.claim_node, e.entity_node
        FROM _ring_link_edges AS e JOIN degree AS d USING (entity_node)
        WHERE d.degree BETWEEN 2 AND $max_degree
          AND e.entity_node NOT IN (SELECT entity_node FROM wl)
        GROUP BY e.claim_node, e.entity_node
    """,
        {"max_degree": params["max_degree"]},
        what="ring links",
    )
    # the core: claims some other rule already flagged; only they may bridge one another. A clue
    # explained by a whitelisted entity (a verified cooperative account …) flags nothing here.
    x(
        f"""
        CREATE OR REPLACE TEMP TABLE _ring_core AS
        WITH wl_clues AS (
            SELECT DISTINCT e.clue_id
            FROM clue_entities AS e JOIN ({whitelist_entities_sql()}) AS w
              ON w.entity_type = e.entity_type AND w.token = e.token
        )
        SELECT e.claim_node, e.entity_node
        FROM _ring_e AS e
        JOIN (SELECT DISTINCT r.company_code || '|' || r.record_kind || '|' || r.record_no AS claim_node
              FROM clue_records AS r JOIN clues AS c ON c.clue_id = r.clue_id
              WHERE c.current AND c.period = $period AND c.rule_id <> 'ring'
                AND c.clue_id NOT IN (SELECT clue_id FROM wl_clues)) AS f USING (claim_node)
    """,
        {"period": period},
        what="ring core",
    )
    _propagate(engine, params["max_iterations"])
    # the periphery: unflagged claims sharing a link with the core join its ring but bridge nothing
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_lbl AS
        SELECT node, label FROM _ring_core_lbl
        UNION ALL
        SELECT p.claim_node, min(l.label)
        FROM _ring_e AS p
        JOIN _ring_core AS c ON c.entity_node = p.entity_node
        JOIN _ring_core_lbl AS l ON l.node = c.claim_node
        WHERE p.claim_node NOT IN (SELECT node FROM _ring_core_lbl)
        GROUP BY p.claim_node
    """,
        what="ring periphery",
    )
    # the evidence edges (vehicles, shops, hospitals … beside the links) for the members only
    x(
        """
        CREATE OR REPLACE TEMP TABLE _ring_lbl_claims AS
        SELECT DISTINCT e.company_code, e.record_no,
               CASE WHEN e.record_kind LIKE 'ah_claim%' THEN 'ah' WHEN e.record_kind = 'auto_claim' THEN 'auto'
                    ELSE 'agri' END AS family
        FROM _ring_lbl AS l JOIN _ring_link_edges AS e ON e.claim_node = l.node
    """,
        what="ring members",
    )
    x(_graph_sql("_ring_edges", links_only=False), what="ring evidence graph")
    _fix_period(engine, "_ring_edges", period)
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
    engine.timings.append(RuleTiming("ring", rows, time.perf_counter() - started))
    return result


def _propagate(engine: Engine, max_iterations: int) -> None:
    """Connected components of ``_ring_core`` by label propagation into ``_ring_core_lbl``."""
    x = engine.execute
    x(
        "CREATE OR REPLACE TEMP TABLE _ring_core_lbl AS SELECT DISTINCT claim_node AS node, "
        "claim_node AS label FROM _ring_core",
        what="ring labels",
    )
    for iteration in range(1, max_iterations + 1):
        x(
            """
            CREATE OR REPLACE TEMP TABLE _ring_lbl2 AS
            WITH ent AS (
                SELECT e.entity_node, min(l.label) AS label
                FROM _ring_core AS e JOIN _ring_core_lbl AS l ON l.node = e.claim_node
                GROUP BY e.entity_node
            )
            SELECT e.claim_node AS node, min(ent.label) AS label
            FROM _ring_core AS e JOIN ent USING (entity_node) GROUP BY e.claim_node
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
SELECT l.label, e.claim_node, e.company_code, e.record_kind, e.record_no, e.amount, e.entity_type,
       e.entity_node, e.token, e.mask, e.role
FROM _ring_lbl AS l JOIN _ring_edges AS e ON e.claim_node = l.node;

CREATE OR REPLACE TEMP TABLE _ring_big AS
SELECT label FROM _ring_members GROUP BY label HAVING count(DISTINCT claim_node) > $max_claims;

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
JOIN _ring_e AS e ON e.claim_node = m.claim_node AND e.entity_node = m.entity_node
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
