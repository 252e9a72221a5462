"""The rule catalogue page (规则目录), generated from the rule headers.

One source of truth per fact: what a rule does, its parameters and its
rationale live in its SQL file's header; ``docs/rules.md`` is generated from
them (``workbench rules --write-docs``) together with the conventions that
apply to every rule (output shape, severity, periods, scoring and tiers, rings,
high-risk persons), and ``tests/test_rules.py`` fails when the page is stale —
the way :mod:`workbench.docs` keeps ``docs/contract.md`` honest.
"""

from __future__ import annotations

from .rules import OUTPUT_COLUMNS, PERIODS, SEVERITY, Rule, discover
from .taxonomy import FRAUD_KINDS, HIGH_RISK_CATEGORIES, LINES
from .warehouse import PROJECT_ROOT

RULES_MD = PROJECT_ROOT / "docs" / "rules.md"

#: How the defaults were tuned and what they achieve (kept here, beside the generator, because the
#: page is generated; per-rule reasons are in each rule's ``tuning`` header).
TUNING_NOTES = """\
Thresholds are DOMAIN.md §2 defaults unless a rule's *Tuning* note says why not. They were checked
with `workbench evaluate` against the synthetic ground truth of the demo province (`workbench synth
--scale demo`, seed 20190701: 12 insurers, ~50,000 persons; 96 campaign and 12 pre-2017 planted
scenarios, 5 planted high-risk persons, 12 planted rings, 19 hard negatives), screened with
`workbench screen` and `workbench screen --period pre2017`:

- recall 1.00 for every fraud kind in both periods (and for the planted medical-abuse persons);
- top-tier (A) precision ≥ 0.93 for every fraud kind (重复投保 0.95, 修理厂 0.93, 多头投保 0.98; the
  others 1.00); no hard negative in tier A (6 of 19 appear in tier B/C clues, as look-alikes
  should); 10 of 12 planted rings found by a ring clue and all 26 ring clues touch planted records
  (one missed ring lies within one insurer, below `min_companies`; the other is held together by a
  shared account that the account rule G5 already reports, with no second substantive rule);
- the weak context rules (A1, A2, A14, G4 no-disaster, H4) have low precision on their own (0.01–
  0.2) and stay in tiers B/C unless other indicators agree; that is their job.

Changes the data argued for, beyond the per-rule notes: rings are built only on flagged claims
(core) plus their direct neighbours (periphery), link only through people, phones, accounts and
representatives, and need two rules and 7 points of severity from rules of severity 3 or more —
without these, honest family phones, shared spouse accounts and passers-by injured twice chained
hundreds of claims together and 23 of 35 ring clues were noise. A4 was split in two (date before start 5; same day before the
issue time 4). The cooperative account that the ground truth calls verified was whitelisted for
the measurement, as the `whitelist` reference file would do (without it the figures are the same
on the demo province; on the small fixture province that account's clue reaches tier A).
"""


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def catalogue_markdown(rules: dict[str, Rule] | None = None) -> str:
    """The rule catalogue page, generated from the rule headers (``workbench rules --write-docs``)."""
    from . import rings, scoring

    rules = discover() if rules is None else rules
    out = [
        "# Screening rules (筛查规则目录)",
        "",
        "Generated from the headers of `sql/rules/<line>/<rule_id>.sql` by `workbench rules --write-docs`;",
        "do not edit by hand. A test fails when this page and the rule files disagree.",
        "",
    ]
    out += [
        "## How rules work",
        "",
        "Each rule is one SQL file whose leading comment block is YAML metadata (closed schema: an",
        "unknown key is an error). Parameters are bound as DuckDB `$name`, never formatted into SQL;",
        "override them with `workbench screen --params FILE` (`{rule_id: {param: value}}`, YAML or",
        "JSON; the key `ring` sets the ring parameters), `--set rule.param=value`, or the `params`",
        "argument of `workbench.screen.screen()` from a notebook. The SQL is written as CTE steps",
        "(source → candidates → flagged → out_rows) in the portable subset of `docs/architecture.md`.",
        "Over millions of rows, find the candidates on entity keys (`<field>_key`, a BIGINT of the",
        "token: grouping and joining integers is cheaper than 27-character tokens) and decide on the",
        "token: two tokens sharing a key only pool their rows into one candidate, never hide one",
        "(`ah_multi_company_cover`, `auto_person_multi_role`). Spark computes a CTE again for every",
        "step that reads it (DuckDB computes it once): read a costly step (a join) as few times as",
        "you can — `auto_person_multi_role` unpivots its roles in one pass (`CROSS JOIN` of the four",
        "roles) instead of one `UNION ALL` branch per role.",
        "",
        "Every rule returns rows of one shape, one row per involved record (and the entity",
        "through which it is involved); a clue is the set of rows with the same `clue_key`:",
        "",
        "| column | type | meaning |",
        "|---|---|---|",
    ]
    out += [f"| `{c}` | {t} | {_cell(m)} |" for c, t, m in OUTPUT_COLUMNS]
    out += [
        "",
        "A clue's id is `'CL' + 14 hex of sha256(rule_id|period|clue_key)`: the same records",
        "give the same id on every run; `first_seen_run` is kept and `last_seen_run` moves on.",
        "",
        "### Severity (严重程度)",
        "",
    ]
    out += [f"- **{k}**: {v}" for k, v in sorted(SEVERITY.items(), reverse=True)]
    out += [
        "",
        "### Periods (数据期间)",
        "",
        "Rules that read only `ah_claim` / `medical_receipt` (plus optional joins) can screen the pre-2017",
        "self-review: `workbench screen --period pre2017` makes those names mean `ah_claim_hist` /",
        "`medical_receipt_hist` through temporary views (`both` = the union), so no rule file is copied.",
        "A rule's `periods` lists what it supports.",
        "",
    ]
    out += [f"- `{k}`: {v}" for k, v in PERIODS.items()]
    out += [
        "",
        "## Scoring and tiers (评分与分级)",
        "",
        f"score = {scoring.SEVERITY_POINTS} × severity + {scoring.SIGNAL_POINTS} × min(independent "
        f"signals − 1, {scoring.MAX_EXTRA_SIGNALS}) + money points (0–{scoring.MONEY_POINTS_MAX}: "
        "5 × log10(amount / 10,000元)).",
        "",
        "Independent signals are the distinct indicators (A1…H9) of current clues sharing a person, vehicle,",
        "plate, account, phone, representative, receipt, ear tag, parcel or record with the clue (itself",
        "included; two rules of one indicator count once).",
        "",
        "| tier | 中文 | score | meaning |",
        "|---|---|---|---|",
    ]
    out += [f"| {t} | {zh} | ≥ {cut} | {_cell(m)} |" for t, zh, cut, m in scoring.TIERS]
    out += [
        "",
        "A clue involving a whitelisted entity (`whitelist` table: verified accounts, vehicles,",
        "persons, phones, repair shops, hospitals) is kept, marked `whitelisted` with the reason, and",
        "always placed in tier C.",
        "",
        "## High-risk persons (高风险人员)",
        "",
        "`workbench.scoring.high_risk_persons(con, period)` returns, per person and category, the",
        "evidence of the period's current tier A/B clues that name the person as the insured (rules",
        "declaring `high_risk`), and refusals; `screen()` rewrites them for its period on every run:",
        "",
    ]
    out += [
        f"- `{k}` {HIGH_RISK_CATEGORIES[k]}: {v}" for k, v in scoring.HIGH_RISK_DERIVATION.items()
    ]
    out += [
        "",
        "## Rings (团伙)",
        "",
        *[" ".join(p.split()) + "\n" for p in rings.__doc__.split("\n\n")[1:4]],
        "| parameter | default | unit | meaning |",
        "|---|---|---|---|",
    ]
    out += [
        f"| `{p.name}` | {p.default} | {p.unit} | {_cell(p.description)} |"
        for p in rings.RING_PARAMS.values()
    ]
    out += [
        "",
        "## Tuning and measured quality (调参与评估)",
        "",
        TUNING_NOTES.rstrip(),
        "",
        "## Coverage by fraud kind (打击重点覆盖)",
        "",
        "| fraud kind | 中文 | rules |",
        "|---|---|---|",
    ]
    for code, k in FRAUD_KINDS.items():
        ids = ", ".join(f"`{r.id}`" for r in rules.values() if r.fraud_kind == code)
        out.append(f"| `{code}` | {k.zh} | {ids or '**none**'} |")
    for line, title in LINES.items():
        members = [r for r in rules.values() if r.line == line]
        if not members:
            continue
        out += ["", f"## {title}", ""]
        for r in members:
            out += [
                f"### `{r.id}` — {r.title_zh}",
                "",
                f"{r.title_en}.",
                "",
                f"- fraud kind: `{r.fraud_kind}` "
                f"({FRAUD_KINDS[r.fraud_kind].zh if r.fraud_kind in FRAUD_KINDS else '按行取自报表 from the form'}); "
                f"indicator {r.indicator}; "
                f"severity {r.severity}; version {r.version}",
                f"- periods: {', '.join(r.periods)}; reads: {', '.join(f'`{t}`' for t in r.tables)}",
            ]
            if r.high_risk:
                out.append(
                    "- high-risk categories: "
                    + ", ".join(f"`{h}` {HIGH_RISK_CATEGORIES[h]}" for h in r.high_risk)
                )
            out.append("- portable: yes" if r.portable else f"- portable: no — {r.portable_reason}")
            out += [f"- `{m}`: {_cell(d)}" for m, d in r.metrics.items()]
            if r.params:
                out += ["", "| parameter | default | unit | meaning |", "|---|---|---|---|"]
                out += [
                    f"| `{p.name}` | {'(required)' if p.required else p.default} | {_cell(p.unit)} | "
                    f"{_cell(p.description)} |"
                    for p in r.params.values()
                ]
            out += ["", r.rationale, ""]
            if r.tuning:
                out += [f"*Tuning (调参记录):* {r.tuning}", ""]
    return "\n".join(out).rstrip() + "\n"
