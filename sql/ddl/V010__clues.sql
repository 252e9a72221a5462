-- Screening results (筛查结果): runs, clues, the records and entities behind each clue, the links
-- that hold a ring (团伙) together, whitelist hits and the derived high-risk persons.
-- Written by workbench/screen.py, workbench/rings.py and workbench/scoring.py; see docs/rules.md.

-- One row per screening run (筛查运行记录): what ran, with which parameters, on which data.
CREATE TABLE IF NOT EXISTS screen_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    period VARCHAR NOT NULL,           -- campaign / pre2017 / both
    status VARCHAR NOT NULL,           -- running / done / failed
    rules VARCHAR NOT NULL,            -- JSON [{id, version, sha256}]
    params VARCHAR NOT NULL,           -- JSON {rule_id: {param: value}} as bound
    data_fingerprint VARCHAR NOT NULL, -- sha256 over the loaded batches and table row counts
    data_batches VARCHAR,              -- JSON [{batch_id, kind, company_code, file_sha256}]
    git_commit VARCHAR,
    clue_count BIGINT,                 -- clues found by this run
    new_clue_count BIGINT,             -- of which first seen in this run
    seconds DOUBLE,
    message VARCHAR
);

-- One row per rule per run: its version, parameters and timing (规则运行明细).
CREATE TABLE IF NOT EXISTS screen_rule_runs (
    run_id VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    rule_version INTEGER NOT NULL,
    rule_sha256 VARCHAR NOT NULL,
    params VARCHAR NOT NULL,           -- JSON {param: value}
    rows_returned BIGINT NOT NULL,
    clues BIGINT NOT NULL,
    seconds DOUBLE NOT NULL
);

-- One row per clue (线索). clue_id = 'CL' + 14 hex of sha256(rule_id|period|clue_key): the same
-- underlying records give the same id on every run, so feedback and verdicts survive re-screening.
CREATE TABLE IF NOT EXISTS clues (
    clue_id VARCHAR PRIMARY KEY,
    rule_id VARCHAR NOT NULL,          -- 'ring' for a ring clue (团伙)
    rule_version INTEGER NOT NULL,
    indicator VARCHAR,                 -- DOMAIN.md §2 indicator (A5, G1, H6 …)
    period VARCHAR NOT NULL,
    line VARCHAR NOT NULL,             -- auto / agri / accident_health / life
    fraud_kind VARCHAR NOT NULL,       -- taxonomy.FRAUD_KINDS
    severity INTEGER NOT NULL,         -- 1–5
    title_zh VARCHAR,
    clue_key VARCHAR NOT NULL,
    companies VARCHAR NOT NULL,        -- involved company codes, sorted, ';'-joined
    company_count INTEGER NOT NULL,
    record_count INTEGER NOT NULL,
    entity_count INTEGER NOT NULL,
    amount DOUBLE,                     -- money involved (元), each record counted once
    metric1 DOUBLE,
    metric2 DOUBLE,
    evidence_zh VARCHAR,
    signals INTEGER,                   -- independent indicators on the same entities / records
    signal_rules VARCHAR,              -- their rule ids, sorted, ';'-joined
    score DOUBLE,                      -- 0–100, see docs/rules.md
    tier VARCHAR,                      -- A 一级 / B 二级 / C 三级
    whitelisted BOOLEAN NOT NULL DEFAULT FALSE,
    whitelist_reason VARCHAR,
    current BOOLEAN NOT NULL,          -- found by the latest run of its rule in its period
    first_seen_run VARCHAR NOT NULL,
    last_seen_run VARCHAR NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);

-- The records behind a clue (涉案保单/赔案/票据), as of the clue's last run.
CREATE TABLE IF NOT EXISTS clue_records (
    clue_id VARCHAR NOT NULL,
    company_code VARCHAR,
    record_kind VARCHAR NOT NULL,      -- contract kind: ah_claim, auto_policy, medical_receipt …
    record_no VARCHAR NOT NULL,        -- policy_no / claim_no / 'receipt_code/receipt_no'
    role VARCHAR,
    amount DOUBLE
);

-- The entities behind a clue (涉案人员/车辆/账户/电话…), tokens and masks only.
CREATE TABLE IF NOT EXISTS clue_entities (
    clue_id VARCHAR NOT NULL,
    entity_type VARCHAR NOT NULL,
    token VARCHAR NOT NULL,
    mask VARCHAR,
    role VARCHAR,
    record_count INTEGER
);

-- The shared entities that hold a ring together (团伙关联), one row per link.
CREATE TABLE IF NOT EXISTS ring_links (
    clue_id VARCHAR NOT NULL,
    entity_type VARCHAR NOT NULL,
    token VARCHAR NOT NULL,
    mask VARCHAR,
    claim_count INTEGER NOT NULL,      -- claims of the ring this entity appears on
    company_count INTEGER NOT NULL
);

-- Whitelisted entities found in a clue (白名单命中): the clue is kept, marked and demoted.
CREATE TABLE IF NOT EXISTS clue_whitelist_hits (
    clue_id VARCHAR NOT NULL,
    entity_type VARCHAR NOT NULL,
    token VARCHAR NOT NULL,
    mask VARCHAR,
    reason VARCHAR,
    verified_by VARCHAR,
    verified_date DATE,
    valid_until DATE
);

-- High-risk persons (高风险人员) derived from the clues of one period, one row per person and
-- category (Attachments 4 and 6); replaced by each run of that period.
CREATE TABLE IF NOT EXISTS high_risk_persons (
    run_id VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    category VARCHAR NOT NULL,         -- taxonomy.HIGH_RISK_CATEGORIES key
    category_zh VARCHAR NOT NULL,
    person_token VARCHAR NOT NULL,
    person_mask VARCHAR,
    rule_ids VARCHAR,
    clue_ids VARCHAR,
    companies VARCHAR,
    claim_count INTEGER,
    amount DOUBLE,
    evidence_zh VARCHAR
);
