"""The questions the widgets ask the warehouse (查询), as plain functions returning DataFrames.

Kept apart from the widgets so that notebooks and tests can call them directly.  Every filter
value is a bound parameter (DuckDB ``$name``); the only SQL text chosen in Python is an
``ORDER BY`` from the fixed :data:`SORTS` list.  The clue list is paged in SQL (``LIMIT`` /
``OFFSET``) so a warehouse with 100,000 clues answers a page as fast as one with 100.

Lifecycle states live in the SQLite store, not in DuckDB: the current states are passed to the
query as a registered DataFrame (``lc_state``), never spliced into SQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from workbench.lifecycle import STATES
from workbench.rings import _AGRI, _AH, _AUTO
from workbench.taxonomy import FRAUD_KINDS, LINES

from .data import Workbench

#: Sort orders of the clue list (排序): key → (label, ORDER BY).  Nothing else reaches SQL.
SORTS = {
    "score": ("得分从高到低 score", "c.score DESC NULLS LAST, c.clue_id"),
    "amount": ("金额从高到低 amount", "c.amount DESC NULLS LAST, c.clue_id"),
    "companies": (
        "涉及公司数 companies",
        "c.company_count DESC, c.score DESC NULLS LAST, c.clue_id",
    ),
    "newest": ("最新发现 newest", "c.first_seen_at DESC, c.score DESC NULLS LAST, c.clue_id"),
}

#: Queues of the review session (研判队列).
QUEUES = {
    "all": "全部线索 all clues",
    "pending": "待研判 awaiting a verdict",
    "session": "本场已研判 decided in this session",
}

#: States after which a clue no longer waits for the panel.
DECIDED_STATES = ("referred", "closed_not_fraud", "case_filed")

ENTITY_ZH = {
    "person": "人员",
    "vehicle": "车辆",
    "plate": "号牌",
    "phone": "电话",
    "account": "账户",
    "representative": "委托代理人",
    "agent": "代理人",
    "repair_shop": "修理厂",
    "hospital": "医院",
    "receipt": "医疗票据",
    "ear_tag": "耳标",
    "parcel": "地块",
    "case": "已报案件",
}

#: Roles of an entity in a record (角色), as rules and the ring search name them.
ROLE_ZH = {
    "insured": "被保险人",
    "policyholder": "投保人",
    "beneficiary": "受益人",
    "payee": "领款人",
    "driver": "驾驶员",
    "injured": "伤者",
    "owner": "车主",
    "farmer": "农户",
    "assistant": "协保员",
    "representative": "委托代理人",
    "reporter": "报案人",
    "vehicle": "车辆",
    "third_party": "三者车辆",
    "agent": "代理人",
    "hospital": "医院",
    "repair_shop": "修理厂",
    "receipt": "医疗票据",
    "policy": "保单",
    "claim": "赔案",
    "person": "人员",
    "reported": "已报案件",
    "parcel": "地块",
    "ear_tag": "耳标",
}


def role_zh(role) -> str:
    """'driver/payee' → '驾驶员/领款人' (unknown roles are shown as they are)."""
    if not isinstance(role, str) or not role:
        return ""
    return "/".join(ROLE_ZH.get(r, r) for r in role.split("/"))


RECORD_KIND_ZH = {
    "ah_policy": "意健险保单",
    "ah_claim": "意健险赔案",
    "ah_claim_hist": "意健险赔案(2017前)",
    "medical_receipt": "医疗票据",
    "medical_receipt_hist": "医疗票据(2017前)",
    "auto_policy": "车险保单",
    "auto_claim": "车险赔案",
    "agri_policy": "农险保单",
    "agri_claim": "农险赔案",
}


def line_zh(line: str | None) -> str:
    return LINES.get(line, line or "").split(" ")[0]


def fraud_kind_zh(kind: str | None) -> str:
    return FRAUD_KINDS[kind].zh if kind in FRAUD_KINDS else (kind or "")


@dataclass
class ClueFilters:
    """The clue browser's filters (筛选条件); ``None`` means "any"."""

    period: str = "campaign"
    line: str | None = None
    fraud_kind: str | None = None
    company: str | None = None
    city: str | None = None
    tier: str | None = None
    state: str | None = None
    rule_id: str | None = None
    queue: str = "all"
    session: str | None = None

    def params(self) -> dict:
        p = asdict(self)
        p["decided"] = list(DECIDED_STATES)
        return p


_CLUE_WHERE = """
FROM clues AS c
LEFT JOIN lc_state AS s ON s.subject = c.clue_id
WHERE c.current AND c.period = $period
  AND ($line IS NULL OR c.line = $line)
  AND ($fraud_kind IS NULL OR c.fraud_kind = $fraud_kind)
  AND ($tier IS NULL OR c.tier = $tier)
  AND ($rule_id IS NULL OR c.rule_id = $rule_id)
  AND ($company IS NULL OR list_contains(string_split(c.companies, ';'), $company))
  AND ($city IS NULL OR EXISTS (
        SELECT 1 FROM company AS co
        WHERE co.city = $city AND list_contains(string_split(c.companies, ';'), co.company_code)))
  AND ($state IS NULL OR coalesce(s.state, 'extracted') = $state)
  AND ($queue <> 'pending' OR NOT list_contains($decided, coalesce(s.state, 'extracted')))
  AND ($queue <> 'session' OR c.clue_id IN (SELECT subject FROM lc_verdict WHERE session = $session))
"""

_CLUE_COLUMNS = """
SELECT c.clue_id, c.rule_id, c.title_zh, c.line, c.fraud_kind, c.tier, c.score, c.amount, c.companies,
       c.company_count, c.record_count, c.entity_count, c.evidence_zh, c.whitelisted,
       coalesce(s.state, 'extracted') AS state
"""


def lifecycle_tables(wb: Workbench) -> dict[str, pd.DataFrame]:
    """The lifecycle facts the clue list filters on, as DataFrames to register for one query."""
    states = wb.store.current_states()[["subject", "state"]].astype("object")
    verdicts = pd.read_sql_query(
        "SELECT subject, session, verdict FROM verdicts", wb.store.connection
    )
    return {"lc_state": states, "lc_verdict": verdicts.astype("object")}


def clue_count(wb: Workbench, filters: ClueFilters, tables: dict | None = None) -> int:
    df = wb.query(
        "SELECT count(*) AS n " + _CLUE_WHERE,
        filters.params(),
        what="线索计数 clue count",
        tables=tables or lifecycle_tables(wb),
    )
    return int(df["n"].iloc[0])


def clue_page(
    wb: Workbench,
    filters: ClueFilters,
    sort: str = "score",
    page: int = 0,
    page_size: int = 20,
    tables: dict | None = None,
) -> pd.DataFrame:
    """One page of clues matching ``filters``, best first."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose from {list(SORTS)}")
    params = dict(filters.params(), limit=int(page_size), offset=int(page) * int(page_size))
    sql = f"{_CLUE_COLUMNS} {_CLUE_WHERE} ORDER BY {SORTS[sort][1]} LIMIT $limit OFFSET $offset"
    df = wb.query(sql, params, what="线索列表 clue list", tables=tables or lifecycle_tables(wb))
    df["state_zh"] = df["state"].map(STATES)
    df["line_zh"] = df["line"].map(line_zh)
    df["fraud_kind_zh"] = df["fraud_kind"].map(fraud_kind_zh)
    return df


def filter_options(wb: Workbench, period: str = "campaign") -> dict[str, list[tuple[str, str]]]:
    """Choices for each filter dropdown: (label, value) pairs drawn from the clues present."""
    p = {"period": period}
    lines = wb.query(
        "SELECT DISTINCT line FROM clues WHERE current AND period = $period ORDER BY 1",
        p,
        what="险种 lines",
    )["line"].tolist()
    kinds = wb.query(
        "SELECT DISTINCT fraud_kind FROM clues WHERE current AND period = $period ORDER BY 1",
        p,
        what="欺诈类型 kinds",
    )["fraud_kind"].tolist()
    rules = wb.query(
        "SELECT rule_id, any_value(title_zh) AS title, count(*) AS n FROM clues "
        "WHERE current AND period = $period GROUP BY rule_id ORDER BY rule_id",
        p,
        what="规则 rules",
    )
    comps = wb.query(
        """
        SELECT x.code AS company_code, any_value(co.company_name) AS name, any_value(co.city) AS city
        FROM (SELECT DISTINCT unnest(string_split(companies, ';')) AS code FROM clues
              WHERE current AND period = $period) AS x
        LEFT JOIN company AS co ON co.company_code = x.code
        WHERE x.code <> '' GROUP BY x.code ORDER BY x.code""",
        p,
        what="公司 companies",
    )
    sessions = wb.store.connection.execute(
        "SELECT DISTINCT session FROM verdicts WHERE session IS NOT NULL ORDER BY session"
    ).fetchall()
    return {
        "line": [(line_zh(v), v) for v in lines],
        "fraud_kind": [(fraud_kind_zh(v), v) for v in kinds],
        "rule_id": [
            (f"{r.rule_id} {r.title or ''} ({r.n})", r.rule_id) for r in rules.itertuples()
        ],
        "company": [
            (f"{r.company_code} {r.name or ''}".strip(), r.company_code) for r in comps.itertuples()
        ],
        "city": [(c, c) for c in sorted({c for c in comps["city"] if isinstance(c, str) and c})],
        "tier": [("一级 A", "A"), ("二级 B", "B"), ("三级 C", "C")],
        "state": [(f"{zh} {k}", k) for k, zh in STATES.items()],
        "session": [s for (s,) in sessions],
    }


# --- one clue -----------------------------------------------------------------------------------


def clue_head(wb: Workbench, clue_id: str) -> dict | None:
    df = wb.query("SELECT * FROM clues WHERE clue_id = $id", {"id": clue_id}, what="线索 clue")
    return None if df.empty else df.iloc[0].to_dict()


def clue_records(wb: Workbench, clue_id: str) -> pd.DataFrame:
    """The records behind a clue with their masked one-line detail (v_record_detail)."""
    df = wb.query(
        """
        WITH r AS (SELECT * FROM clue_records WHERE clue_id = $id)
        SELECT r.company_code, r.record_kind, r.record_no, r.role, r.amount,
               d.line_zh, d.person_mask, d.object_desc, d.key_date, d.key_date_zh, d.amount_zh
        FROM r LEFT JOIN v_record_detail AS d
          ON d.company_code = r.company_code AND d.record_kind = r.record_kind AND d.record_no = r.record_no
        ORDER BY d.key_date NULLS LAST, r.company_code, r.record_no""",
        {"id": clue_id},
        what="涉案记录 records",
    )
    df["record_kind_zh"] = df["record_kind"].map(lambda k: RECORD_KIND_ZH.get(k, k))
    df["role_zh"] = df["role"].map(role_zh)
    return df.drop_duplicates(["company_code", "record_kind", "record_no"]).reset_index(drop=True)


def clue_entities(wb: Workbench, clue_id: str) -> pd.DataFrame:
    df = wb.query(
        "SELECT entity_type, token, mask, role, record_count FROM clue_entities "
        "WHERE clue_id = $id ORDER BY record_count DESC NULLS LAST, entity_type, mask",
        {"id": clue_id},
        what="涉案实体 entities",
    )
    df["entity_zh"] = df["entity_type"].map(lambda t: ENTITY_ZH.get(t, t))
    df["role_zh"] = df["role"].map(role_zh)
    return df


def clue_whitelist(wb: Workbench, clue_id: str) -> pd.DataFrame:
    return wb.query(
        "SELECT entity_type, mask, reason, verified_by, valid_until FROM clue_whitelist_hits "
        "WHERE clue_id = $id",
        {"id": clue_id},
        what="白名单 whitelist",
    )


# --- one entity (实体360°) ---------------------------------------------------------------------


def _phone_refs() -> str:
    cols = [
        ("ah_policy", "policy_no", c) for c in ("policyholder_phone_token", "insured_phone_token")
    ]
    cols += [("ah_claim", "claim_no", "reporter_phone_token")]
    cols += [("auto_policy", "policy_no", "owner_phone_token")]
    cols += [
        ("auto_claim", "claim_no", c)
        for c in ("driver_phone_token", "reporter_phone_token", "representative_phone_token")
    ]
    cols += [("agri_policy", "policy_no", "farmer_phone_token")]
    return "\nUNION ALL ".join(
        f"SELECT company_code, '{t}' AS record_kind, {no} AS record_no, '{c.split('_phone')[0]}' AS role "
        f"FROM {t} WHERE {c} = $token"
        for t, no, c in cols
    )


#: For each entity type: SQL listing (company_code, record_kind, record_no, role) of the records
#: the entity appears on, across all companies.  ``$token`` is the only parameter.
ENTITY_RECORDS = {
    "person": """
        SELECT company_code, record_kind, record_no, role FROM v_person_role WHERE token = $token
        UNION ALL SELECT company_code, 'ah_claim_hist', claim_no, 'insured' FROM ah_claim_hist
                  WHERE insured_id_token = $token
        UNION ALL SELECT company_code, 'ah_claim_hist', claim_no, 'payee' FROM ah_claim_hist
                  WHERE payee_id_token = $token
        UNION ALL SELECT m.company_code, 'medical_receipt', coalesce(m.receipt_code, '') || '/' || m.receipt_no,
                         'receipt' FROM medical_receipt AS m JOIN ah_claim AS c
                  ON c.company_code = m.company_code AND c.claim_no = m.claim_no WHERE c.insured_id_token = $token
    """,
    "vehicle": """
        SELECT company_code, 'auto_policy' AS record_kind, policy_no AS record_no, 'vehicle' AS role
        FROM auto_policy WHERE vin_token = $token
        UNION ALL SELECT company_code, 'auto_claim', claim_no, 'vehicle' FROM auto_claim WHERE vin_token = $token
    """,
    "plate": """
        SELECT company_code, 'auto_policy' AS record_kind, policy_no AS record_no, 'vehicle' AS role
        FROM auto_policy WHERE plate_token = $token
        UNION ALL SELECT company_code, 'auto_claim', claim_no, 'vehicle' FROM auto_claim WHERE plate_token = $token
        UNION ALL SELECT company_code, 'auto_claim', claim_no, 'third_party' FROM auto_claim
                  WHERE third_party_plate_token = $token
    """,
    "phone": _phone_refs(),
    "account": """
        SELECT company_code, record_kind, record_no, 'payee' AS role FROM v_payee_account WHERE token = $token
    """,
    "representative": """
        SELECT company_code, 'auto_claim' AS record_kind, claim_no AS record_no, 'representative' AS role
        FROM auto_claim WHERE representative_name_token || '@' || coalesce(representative_org, '') = $token
           OR representative_name_token = $token
    """,
    # shops and hospitals: rules name them by code where there is one, else by name
    "repair_shop": """
        SELECT company_code, 'auto_claim' AS record_kind, claim_no AS record_no, 'repair_shop' AS role
        FROM auto_claim WHERE repair_shop_code = $token OR repair_shop_name = $token
    """,
    "hospital": """
        SELECT company_code, 'ah_claim' AS record_kind, claim_no AS record_no, 'hospital' AS role
        FROM ah_claim WHERE hospital_code = $token OR hospital_name = $token
        UNION ALL SELECT company_code, 'medical_receipt', coalesce(receipt_code, '') || '/' || receipt_no,
                         'hospital' FROM medical_receipt WHERE hospital_code = $token OR hospital_name = $token
    """,
    # a medical receipt ('code/number', or the number alone) and the claims it was presented with
    "receipt": """
        WITH r AS (SELECT * FROM medical_receipt
                   WHERE coalesce(receipt_code, '') || '/' || receipt_no = $token OR receipt_no = $token)
        SELECT company_code, 'medical_receipt' AS record_kind,
               coalesce(receipt_code, '') || '/' || receipt_no AS record_no, 'receipt' AS role FROM r
        UNION ALL SELECT company_code, 'ah_claim', claim_no, 'claim' FROM r
    """,
    # a land parcel or an ear tag: the agricultural policies (and claims) that name it
    "parcel": """
        SELECT company_code, 'agri_policy' AS record_kind, policy_no AS record_no, 'policy' AS role
        FROM agri_policy
        WHERE list_contains(list_transform(string_split(parcel_codes, ';'), lambda x: trim(x)), $token)
    """,
    "ear_tag": """
        SELECT company_code, 'agri_policy' AS record_kind, policy_no AS record_no, 'policy' AS role
        FROM agri_policy
        WHERE list_contains(list_transform(string_split(ear_tags, ';'), lambda x: trim(x)), $token)
        UNION ALL SELECT company_code, 'agri_claim', claim_no, 'claim' FROM agri_claim
        WHERE list_contains(list_transform(string_split(ear_tags, ';'), lambda x: trim(x)), $token)
    """,
    "agent": """
        SELECT company_code, 'ah_policy' AS record_kind, policy_no AS record_no, 'agent' AS role
        FROM ah_policy WHERE company_code || ':' || agent_code = $token
    """,
}


def entity_records(wb: Workbench, entity_type: str, token: str) -> pd.DataFrame:
    """Every record the entity appears on, any company, with its masked detail line."""
    if entity_type not in ENTITY_RECORDS:
        return pd.DataFrame(
            columns=[
                "company_code",
                "record_kind",
                "record_no",
                "role",
                "line_zh",
                "person_mask",
                "object_desc",
                "key_date",
                "key_date_zh",
                "amount",
                "amount_zh",
                "record_kind_zh",
            ]
        )
    df = wb.query(
        f"""
        WITH refs AS (SELECT DISTINCT * FROM ({ENTITY_RECORDS[entity_type]}))
        SELECT refs.company_code, refs.record_kind, refs.record_no,
               string_agg(DISTINCT refs.role, '/') AS role,
               any_value(d.line_zh) AS line_zh, any_value(d.person_mask) AS person_mask,
               any_value(d.object_desc) AS object_desc, any_value(d.key_date) AS key_date,
               any_value(d.key_date_zh) AS key_date_zh, any_value(d.amount) AS amount,
               any_value(d.amount_zh) AS amount_zh
        FROM refs LEFT JOIN v_record_detail AS d
          ON d.company_code = refs.company_code AND d.record_kind = refs.record_kind
         AND d.record_no = refs.record_no
        GROUP BY refs.company_code, refs.record_kind, refs.record_no
        ORDER BY key_date NULLS LAST, refs.company_code, refs.record_no""",
        {"token": token},
        what="实体记录 entity records",
    )
    df["record_kind_zh"] = df["record_kind"].map(lambda k: RECORD_KIND_ZH.get(k, k))
    df["role_zh"] = df["role"].map(role_zh)
    return df


def entity_profile(wb: Workbench, entity_type: str, token: str) -> dict:
    """The entity's display form: masks only (and, for a person, gender and year of birth)."""
    if entity_type == "person":
        df = wb.query(
            "SELECT mask, name_mask, gender, year(birth) AS birth_year FROM v_person "
            "WHERE token = $token",
            {"token": token},
            what="人员 person",
        )
        if len(df):
            r = df.iloc[0]
            return {
                "mask": f"{r['name_mask'] or ''} {r['mask'] or ''}".strip(),
                "gender": r["gender"],
                "birth_year": None if pd.isna(r["birth_year"]) else int(r["birth_year"]),
            }
    df = wb.query(
        """
        SELECT mask FROM (
            SELECT mask FROM clue_entities WHERE entity_type = $type AND token = $token AND mask IS NOT NULL
            UNION ALL
            SELECT mask FROM ring_links WHERE entity_type = $type AND token = $token AND mask IS NOT NULL
        ) LIMIT 1""",
        {"type": entity_type, "token": token},
        what="实体 entity",
    )
    return {"mask": df["mask"].iloc[0] if len(df) else ""}


def entity_clues(wb: Workbench, entity_type: str, token: str) -> pd.DataFrame:
    """Current clues that name this entity (涉及该实体的线索)."""
    df = wb.query(
        """
        SELECT DISTINCT c.clue_id, c.rule_id, c.title_zh, c.fraud_kind, c.tier, c.score, c.amount, c.companies,
               e.role
        FROM clue_entities AS e JOIN clues AS c USING (clue_id)
        WHERE e.token = $token AND e.entity_type = $type AND c.current
        ORDER BY c.score DESC NULLS LAST, c.clue_id""",
        {"token": token, "type": entity_type},
        what="实体线索 entity clues",
    )
    df["fraud_kind_zh"] = df["fraud_kind"].map(fraud_kind_zh)
    df["role_zh"] = df["role"].map(role_zh)
    return df


# --- one ring (团伙) ----------------------------------------------------------------------------


def _ring_edges_sql() -> str:
    """(claim, entity) pairs of a ring's claims, in the same vocabulary the ring search used."""

    def part(kind: str, src: str, cols) -> str:
        return "\nUNION ALL\n".join(
            f"SELECT company_code, '{kind}' AS record_kind, claim_no AS record_no, paid_amount AS amount, "
            f"'{etype}' AS entity_type, {tok} AS token, {mask} AS mask, '{role}' AS role FROM {src}"
            for etype, tok, mask, role in cols
        )

    def mine(kind: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM clue_records AS r WHERE r.clue_id = $id AND r.record_kind = "
            f"'{kind}' AND r.company_code = c.company_code AND r.record_no = c.claim_no)"
        )

    return f"""
WITH auto_src AS (
    SELECT c.*, p.owner_id_token, p.owner_id_mask, p.owner_phone_token, p.owner_phone_mask
    FROM auto_claim AS c LEFT JOIN auto_policy AS p
      ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE {mine("auto_claim")}
),
ah_src AS (
    SELECT c.*, p.policyholder_id_token, p.policyholder_id_mask, p.beneficiary_id_token,
           p.beneficiary_id_mask, p.insured_phone_token, p.insured_phone_mask,
           p.policyholder_phone_token, p.policyholder_phone_mask, p.agent_code, p.agent_name_mask
    FROM ah_claim AS c LEFT JOIN ah_policy AS p
      ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token
    WHERE {mine("ah_claim")}
),
agri_src AS (
    SELECT c.*, p.assistant_id_token, p.assistant_id_mask, p.farmer_phone_token, p.farmer_phone_mask
    FROM agri_claim AS c LEFT JOIN agri_policy AS p
      ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE {mine("agri_claim")}
),
edges AS (
{part("auto_claim", "auto_src", _AUTO)}
UNION ALL
{part("ah_claim", "ah_src", _AH)}
UNION ALL
{part("agri_claim", "agri_src", _AGRI)}
),
ring_entities AS (
    SELECT entity_type, token FROM ring_links WHERE clue_id = $id
    UNION SELECT entity_type, token FROM clue_entities WHERE clue_id = $id AND entity_type = 'person'
)
SELECT DISTINCT e.company_code, e.record_kind, e.record_no, e.amount, e.entity_type, e.token, e.mask, e.role
FROM edges AS e JOIN ring_entities AS r ON r.entity_type = e.entity_type AND r.token = e.token
WHERE e.token IS NOT NULL
"""


RING_EDGES_SQL = _ring_edges_sql()


def ring_edges(wb: Workbench, clue_id: str) -> pd.DataFrame:
    """The claim–entity edges of a ring clue: who and what links its claims (masks and tokens)."""
    return wb.query(RING_EDGES_SQL, {"id": clue_id}, what="团伙关系 ring graph")


def ring_links(wb: Workbench, clue_id: str) -> pd.DataFrame:
    df = wb.query(
        "SELECT entity_type, token, mask, claim_count, company_count FROM ring_links "
        "WHERE clue_id = $id ORDER BY claim_count DESC, entity_type, mask",
        {"id": clue_id},
        what="团伙关联 ring links",
    )
    df["entity_zh"] = df["entity_type"].map(lambda t: ENTITY_ZH.get(t, t))
    return df


def ring_money(wb: Workbench, clue_id: str) -> pd.DataFrame:
    """Claims and money of a ring per company (团伙涉及金额)."""
    return wb.query(
        """
        SELECT r.company_code, any_value(co.company_name) AS company_name, count(*) AS claims,
               sum(coalesce(r.amount, 0)) AS paid
        FROM clue_records AS r LEFT JOIN company AS co USING (company_code)
        WHERE r.clue_id = $id GROUP BY r.company_code ORDER BY paid DESC, r.company_code""",
        {"id": clue_id},
        what="团伙金额 ring money",
    )


def rings_of_clue(wb: Workbench, clue_id: str) -> pd.DataFrame:
    """Ring clues that share a record with ``clue_id`` (the rings a single clue belongs to)."""
    return wb.query(
        """
        SELECT DISTINCT c.clue_id, c.score, c.tier, c.evidence_zh
        FROM clue_records AS mine
        JOIN clue_records AS other ON other.company_code = mine.company_code
             AND other.record_kind = mine.record_kind AND other.record_no = mine.record_no
        JOIN clues AS c ON c.clue_id = other.clue_id
        WHERE mine.clue_id = $id AND c.rule_id = 'ring' AND c.current AND c.clue_id <> $id
        ORDER BY c.score DESC""",
        {"id": clue_id},
        what="所属团伙 rings",
    )
