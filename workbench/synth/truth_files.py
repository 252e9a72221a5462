"""The ground-truth folder (真值目录) written beside ``submissions/``.

It is what an evaluation joins the clues to: planted scenarios, their records,
the hard negatives and every injected defect.  It must never travel with the
submissions, so it sits in a sibling folder and the README says so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .planter import Planter
from .population import World

SCENARIO_COLUMNS = (
    "scenario_id",
    "fraud_kind",
    "line",
    "period",
    "ring_id",
    "companies",
    "description_zh",
    "signature",
)
RECORD_COLUMNS = ("scenario_id", "company_code", "kind", "record_no", "role")
NEGATIVE_COLUMNS = (
    "negative_id",
    "imitates",
    "description_zh",
    "company_code",
    "kind",
    "record_no",
)
DIRT_COLUMNS = ("company_code", "file", "row", "field", "dirt", "expected")

README = """# 真值 Ground truth of the synthetic province

生成器植入的欺诈场景、困难负样本与脏数据。**不得随报送数据分发**：本目录与
`submissions/` 平级，评估(`workbench evaluate`)按 公司代码 + 记录号 对照线索。
The planted fraud, hard negatives and injected defects of this synthetic
province. Never ship it with `submissions/`; evaluation joins clues to it on
(company_code, record_no).

Seed {seed}, scale `{scale}`: {n_scen} scenarios ({n_camp} campaign, {n_pre} pre-2017),
{n_neg} hard negatives, {n_dirt} dirty cells.

## scenarios.csv: one row per planted scenario (植入场景)

- `scenario_id`: S0001…
- `fraud_kind`: a `workbench.taxonomy.FRAUD_KINDS` code; `medical_abuse` marks a planted
  high-risk person (高风险人员 医疗滥用, `HIGH_RISK_CATEGORIES`), not a fraud kind.
- `line`: auto / agri / accident_health.
- `period`: `campaign` (upload window 2018-07-01..2019-06-30) or `pre2017`
  (historic A&H claims closed 2015-2017, the companies' self-review).
- `ring_id`: R01… when the scenario shares an organiser, phone, account, agent, assistant
  or representative with other scenarios (团伙); blank otherwise.
- `companies`: the companies holding its records, `;`-joined.
- `description_zh`: what happened, in Chinese.
- `signature`: what makes it detectable at the default thresholds of DOMAIN.md §2, with
  the numbers.

## records.csv: the records of each scenario (场景记录)

- `scenario_id`, `company_code` (the company whose file holds the record).
- `kind`: contract kind (`ah_policy`, `ah_claim`, `medical_receipt`, `ah_claim_hist`,
  `medical_receipt_hist`, `auto_policy`, `auto_claim`, `agri_policy`, `agri_claim`,
  `platform_clue_auto`, `platform_clue_agri`, `att5_clue`, `att6_person`).
- `record_no`: policy_no, claim_no, `receipt_code/receipt_no` for receipts,
  platform_clue_no, clue_no (附表5) or person_id (附表6).
- `role`: policy / claim / receipt / platform_clue / att5 / att6.

## negatives.csv: hard negatives (困难负样本), one row per record

- `negative_id`: N001…; `imitates`: the fraud kind or rule idea a naive rule confuses it
  with; `description_zh`: why it is legitimate.
- `company_code`, `kind`, `record_no`: the record, as in records.csv.

Platform clues that are noise (honest records) or name a claim that does not exist are
listed here too. Verified cooperative accounts (白名单): {whitelist}

## dirt.csv: injected defects (脏数据), one row per dirty cell

- `company_code`; `file`: path relative to `submissions/`.
- `row`: spreadsheet row (header = 1, first data row = 2).
- `field`: English field name (blank for `duplicate_row`).
- `dirt`: fullwidth_digits, lowercase_x, id15, spaces, date_format, excel_serial_date
  (expected `normalised`); excel_sci_notation, excel_trailing_zeros, bad_checksum,
  missing_required, duplicate_row, bad_enum (expected `rejected`).
- `expected`: `normalised` (the ingest fixes it) or `rejected` (to the rejects table).

`duplicate_row` marks the copy, an exact copy of the row above it. Rejectable defects
never touch a scenario's or a negative's record.

## summary.json

The counts `workbench synth` printed: companies, files, rows per kind, scenarios per
fraud kind and period, rings, negatives, dirty cells per type.
"""


def write_truth(gt: Path, pl: Planter, dirt_log: list[dict], world: World) -> None:
    gt.mkdir(parents=True, exist_ok=True)
    t = pl.truth
    pd.DataFrame(t.scenarios, columns=list(SCENARIO_COLUMNS)).to_csv(
        gt / "scenarios.csv", index=False, encoding="utf-8-sig"
    )
    pd.DataFrame(t.records, columns=list(RECORD_COLUMNS)).drop_duplicates().to_csv(
        gt / "records.csv", index=False, encoding="utf-8-sig"
    )
    pd.DataFrame(t.negatives, columns=list(NEGATIVE_COLUMNS)).drop_duplicates().to_csv(
        gt / "negatives.csv", index=False, encoding="utf-8-sig"
    )
    pd.DataFrame(dirt_log, columns=list(DIRT_COLUMNS)).to_csv(
        gt / "dirt.csv", index=False, encoding="utf-8-sig"
    )
    wl = world.cache.get("whitelist", [])
    whitelist = "; ".join(f"{name} {code} 账户 {acct}" for code, name, acct in wl) or "none"
    n_camp = sum(1 for s in t.scenarios if s["period"] == "campaign")
    (gt / "README.md").write_text(
        README.format(
            seed=world.cache.get("seed", ""),
            scale=world.scale.name,
            n_scen=len(t.scenarios),
            n_camp=n_camp,
            n_pre=len(t.scenarios) - n_camp,
            n_neg=len(t.negative_meta),
            n_dirt=len(dirt_log),
            whitelist=whitelist,
        ),
        encoding="utf-8",
    )
