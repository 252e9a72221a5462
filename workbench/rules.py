"""The screening rule library (筛查规则库): discovery, metadata, parameters.

Rules are data: one SQL file per rule under ``sql/rules/<line>/<rule_id>.sql``
whose leading comment block is YAML metadata.  This module finds the files,
validates the metadata against a *closed* schema (an unknown key is an error,
so a misspelt ``descritpion:`` cannot hide), refuses duplicate ids, binds
parameters (defaults, overridden by a parameters file or a dict from a
papermill notebook) and checks the SQL keeps to the portable subset of
``docs/architecture.md`` so the same file can later run on Spark.

Every rule returns rows of ONE shape (:data:`OUTPUT_COLUMNS`): one row per
involved record (and the entity through which it is involved); the screening
step (:mod:`workbench.screen`) groups them into clues (线索).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import RuleError
from .taxonomy import FRAUD_KINDS, HIGH_RISK_CATEGORIES, LINES
from .warehouse import SQL_DIR

#: the C (libyaml) safe loader where PyYAML was built with it: ten times faster on the rule headers
#: every screening, notebook and CLI call parses
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

RULES_DIR = SQL_DIR / "rules"

#: The one output shape every rule returns (column, DuckDB type, meaning).
OUTPUT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "clue_key",
        "VARCHAR",
        "线索键: deterministic key of the clue within the rule (same records → same key)",
    ),
    ("company_code", "VARCHAR", "公司代码 of the involved record"),
    (
        "record_kind",
        "VARCHAR",
        "contract kind of the record (ah_claim, auto_policy, medical_receipt …)",
    ),
    ("record_no", "VARCHAR", "policy_no / claim_no / 'receipt_code/receipt_no' of the record"),
    (
        "role",
        "VARCHAR",
        "role of the entity in the record (insured 被保险人, payee 领款人, driver 驾驶员 …)",
    ),
    (
        "entity_type",
        "VARCHAR",
        "person / vehicle / plate / phone / account / representative / agent / "
        "repair_shop / hospital / receipt / ear_tag / parcel (NULL: record only)",
    ),
    ("entity_token", "VARCHAR", "token (令牌) of the entity, or the organisation / receipt code"),
    ("entity_mask", "VARCHAR", "masked display form (掩码) of the entity"),
    (
        "amount",
        "DOUBLE",
        "money involved through this record (元): paid for claims, sum insured for policies",
    ),
    ("metric1", "DOUBLE", "main evidence value of the clue (meaning in the rule's `metrics`)"),
    ("metric2", "DOUBLE", "second evidence value of the clue (meaning in the rule's `metrics`)"),
    (
        "evidence_zh",
        "VARCHAR",
        "证据描述: one plain Chinese sentence, the same on every row of a clue",
    ),
)
OUTPUT_NAMES = tuple(c for c, _, _ in OUTPUT_COLUMNS)

#: ``fraud_kind: by_row`` — a form-driven rule (top-down platform clues, known cases) whose rows
#: carry their own fraud kind, taken from the form; such a rule returns one more column.
BY_ROW = "by_row"
BY_ROW_COLUMN = ("fraud_kind", "VARCHAR", "fraud kind of the row (taxonomy code), for `fraud_kind: by_row` rules")


def output_columns(rule) -> tuple[tuple[str, str, str], ...]:
    """The output shape ``rule`` must return."""
    return OUTPUT_COLUMNS + ((BY_ROW_COLUMN,) if rule.fraud_kind == BY_ROW else ())

#: Severity (严重程度) 1–5, integers; what each level means.
SEVERITY = {
    5: "确凿 near-certain on its own (same receipt claimed twice, loss before the policy started)",
    4: "强 strong: a reviewer should look at every hit",
    3: "中 medium: suspicious, usually needs a second signal",
    2: "弱 weak: a context flag, meaningful only with other signals",
    1: "提示 informational",
}

#: Periods (数据期间) a rule can screen; see :func:`workbench.engine.Engine.period`.
PERIODS = {
    "campaign": "专项行动数据期间 the campaign window (ah_claim, medical_receipt …)",
    "pre2017": "2017年及以前自查 the pre-2017 self-review (ah_claim_hist, medical_receipt_hist)",
    "both": "两者合并 both periods together",
}

_KEYS_REQUIRED = (
    "id",
    "title_zh",
    "title_en",
    "line",
    "fraud_kind",
    "severity",
    "version",
    "indicator",
    "tables",
    "metrics",
    "rationale",
    "portable",
)
_KEYS_OPTIONAL = ("high_risk", "params", "periods", "portable_reason", "tuning")
_PARAM_KEYS = ("default", "unit", "description")
_METRIC_KEYS = ("metric1", "metric2")
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    """A rule parameter (规则参数); required exactly when it has no default."""

    name: str
    default: object
    unit: str
    description: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Rule:
    """One screening rule (筛查规则) as declared in its SQL file."""

    id: str
    title_zh: str
    title_en: str
    line: str
    fraud_kind: str
    severity: int
    version: int
    indicator: str
    tables: tuple[str, ...]
    metrics: dict
    rationale: str
    portable: bool
    path: Path
    sql: str
    high_risk: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)
    periods: tuple[str, ...] = ("campaign",)
    portable_reason: str = ""
    tuning: str = ""

    @property
    def sha256(self) -> str:
        """Hash of the whole file (header + SQL): provenance of every clue it makes."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def used_params(self) -> set[str]:
        return set(_PARAM_RE.findall(_strip_comments(self.sql)))

    def bind(self, overrides: dict | None = None) -> dict:
        """The parameter values to bind: defaults, then ``overrides``; unknown names refused."""
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(self.params))
        if unknown:
            raise RuleError(
                f"规则 {self.id} 没有参数 {', '.join(unknown)}，可选: {', '.join(self.params) or '无'} / "
                f"rule {self.id} has no parameter {', '.join(unknown)} ({self.path})"
            )
        values = {}
        for name, p in self.params.items():
            value = overrides.get(name, p.default)
            if value is None:
                raise RuleError(
                    f"规则 {self.id} 缺少必填参数 {name} / rule {self.id} needs parameter {name}"
                )
            if p.default is not None and not _same_type(p.default, value):
                raise RuleError(
                    f"规则 {self.id} 参数 {name} 应为 {type(p.default).__name__}，实际 {value!r} / "
                    f"rule {self.id} parameter {name} must be {type(p.default).__name__}, got {value!r}"
                )
            values[name] = value
        return values


def _same_type(default, value) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def _without_comments(sql: str) -> str:
    """``sql`` with its ``--`` comments removed (string literals kept intact)."""
    return re.sub(r"('(?:[^']|'')*')|--[^\n]*", lambda m: m.group(1) or "", sql)


def _blank_strings(clean: str) -> str:
    """Comment-free SQL with its string literals blanked (same length)."""
    return re.sub(r"'(?:[^']|'')*'", lambda m: "'" + " " * (len(m.group(0)) - 2) + "'", clean)


def _strip_comments(sql: str) -> str:
    """SQL without comments, string literals blanked (same length): for lint checks and scans."""
    return _blank_strings(_without_comments(sql))


def split_header(text: str, path: Path) -> tuple[dict, str]:
    """Split a rule file into its YAML metadata (leading ``--`` block) and its SQL."""
    lines = text.splitlines()
    head = []
    i = 0
    while i < len(lines) and lines[i].startswith("--"):
        head.append(lines[i][3:] if lines[i].startswith("-- ") else lines[i][2:])
        i += 1
    if not head:
        raise RuleError(f"规则文件缺少元数据注释块 / rule file has no metadata header: {path}")
    try:
        meta = yaml.load("\n".join(head), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise RuleError(
            f"规则元数据不是合法YAML / rule metadata is not valid YAML: {path}: {exc}"
        ) from exc
    if not isinstance(meta, dict):
        raise RuleError(f"规则元数据应为键值对 / rule metadata must be a mapping: {path}")
    return meta, "\n".join(lines[i:]).strip().rstrip(";").strip()


def _fail(path: Path, what: str) -> RuleError:
    return RuleError(f"规则元数据错误 / bad rule metadata in {path}: {what}")


def validate_meta(meta: dict, path: Path) -> dict:
    """Check the closed metadata schema; return keyword arguments for :class:`Rule`."""
    unknown = sorted(set(meta) - set(_KEYS_REQUIRED) - set(_KEYS_OPTIONAL))
    if unknown:
        raise _fail(
            path, f"unknown key(s) {unknown}; allowed: {list(_KEYS_REQUIRED + _KEYS_OPTIONAL)}"
        )
    missing = [k for k in _KEYS_REQUIRED if k not in meta]
    if missing:
        raise _fail(path, f"missing key(s) {missing}")
    rid = meta["id"]
    if not isinstance(rid, str) or not _ID_RE.match(rid) or rid != path.stem:
        raise _fail(path, f"id {rid!r} must be snake_case and equal the file name {path.stem!r}")
    if meta["line"] not in LINES or path.parent.name != meta["line"]:
        raise _fail(path, f"line {meta['line']!r} must be one of {list(LINES)} and the folder name")
    if meta["fraud_kind"] == BY_ROW:
        kind_code = BY_ROW
    else:
        kind = FRAUD_KINDS.get(meta["fraud_kind"])
        if kind is None:
            raise _fail(path, f"fraud_kind {meta['fraud_kind']!r} not in taxonomy.FRAUD_KINDS (or {BY_ROW})")
        if kind.line != meta["line"] and not (
            meta["line"] == "life" and kind.line == "accident_health"
        ):
            raise _fail(path, f"fraud kind {kind.code} belongs to line {kind.line}, not {meta['line']}")
        kind_code = kind.code
    high_risk = tuple(meta.get("high_risk") or ())
    bad = [h for h in high_risk if h not in HIGH_RISK_CATEGORIES]
    if bad:
        raise _fail(
            path,
            f"high_risk {bad} not in taxonomy.HIGH_RISK_CATEGORIES {list(HIGH_RISK_CATEGORIES)}",
        )
    sev = meta["severity"]
    if not isinstance(sev, int) or isinstance(sev, bool) or sev not in SEVERITY:
        raise _fail(path, f"severity must be an integer 1–5, got {sev!r}")
    if not isinstance(meta["version"], int) or meta["version"] < 1:
        raise _fail(path, "version must be a positive integer")
    periods = tuple(meta.get("periods") or ("campaign",))
    if any(p not in ("campaign", "pre2017") for p in periods):
        raise _fail(path, f"periods must list campaign and/or pre2017, got {periods}")
    tables = tuple(meta["tables"] or ())
    if not tables:
        raise _fail(path, "tables must list the warehouse tables the rule reads")
    metrics = meta["metrics"]
    if (
        not isinstance(metrics, dict)
        or set(metrics) - set(_METRIC_KEYS)
        or "metric1" not in metrics
    ):
        raise _fail(
            path, f"metrics must describe metric1 (and optionally metric2), got {metrics!r}"
        )
    params = {}
    for name, spec in (meta.get("params") or {}).items():
        if not isinstance(spec, dict) or set(spec) - set(_PARAM_KEYS):
            raise _fail(path, f"param {name}: allowed keys {list(_PARAM_KEYS)}")
        if not spec.get("unit") or not spec.get("description"):
            raise _fail(path, f"param {name} needs a unit and a description")
        params[name] = Param(name, spec.get("default"), str(spec["unit"]), str(spec["description"]))
    portable = meta["portable"]
    if portable is not True and not (portable is False and meta.get("portable_reason")):
        raise _fail(path, "portable must be true, or false with a portable_reason")
    rationale = " ".join(str(meta["rationale"]).split())
    if len(rationale) < 80:
        raise _fail(path, "rationale must be a paragraph an expert would accept (≥ 80 characters)")
    return dict(
        id=rid,
        title_zh=str(meta["title_zh"]),
        title_en=str(meta["title_en"]),
        line=meta["line"],
        fraud_kind=kind_code,
        severity=sev,
        version=meta["version"],
        indicator=str(meta["indicator"]),
        tables=tables,
        metrics=dict(metrics),
        rationale=rationale,
        portable=portable,
        high_risk=high_risk,
        params=params,
        periods=periods,
        portable_reason=str(meta.get("portable_reason") or ""),
        tuning=" ".join(str(meta.get("tuning") or "").split()),
    )


def load_rule(path: str | Path) -> Rule:
    """Read and validate one rule file."""
    path = Path(path)
    meta, sql = split_header(path.read_text(encoding="utf-8"), path)
    kw = validate_meta(meta, path)
    rule = Rule(path=path, sql=sql, **kw)
    used, declared = rule.used_params, set(rule.params)
    if used - declared:
        raise _fail(path, f"SQL uses undeclared parameter(s) {sorted(used - declared)}")
    if declared - used:
        raise _fail(path, f"declared parameter(s) {sorted(declared - used)} not used in the SQL")
    problems = portability_problems(sql)
    if problems and rule.portable:
        raise _fail(path, "not in the portable SQL subset: " + "; ".join(problems))
    return rule


def load_rule_id(rule_id: str, rules_dir: str | Path = RULES_DIR) -> Rule:
    """The one rule ``rule_id`` (``<line>/<rule_id>.sql``), read alone: running or showing a single
    rule need not read and lint the whole library (what :func:`discover` costs every process)."""
    if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
        raise RuleError(f"规则编号不合法 / not a rule id: {rule_id!r}")
    paths = sorted(Path(rules_dir).glob(f"*/{rule_id}.sql"))
    if not paths:
        raise RuleError(
            f"规则不存在 / no rule {rule_id!r} under {rules_dir} (`workbench rules` lists them)"
        )
    if len(paths) > 1:
        raise RuleError(
            f"规则编号重复 / duplicate rule id {rule_id}: " + " and ".join(map(str, paths))
        )
    return load_rule(paths[0])  # its header's id must equal the file name (validate_meta)


def discover(rules_dir: str | Path = RULES_DIR) -> dict[str, Rule]:
    """Every rule under ``rules_dir`` (``<line>/<rule_id>.sql``), keyed by id; duplicates refused."""
    rules: dict[str, Rule] = {}
    for path in sorted(Path(rules_dir).glob("*/*.sql")):
        rule = load_rule(path)
        if rule.id in rules:
            raise RuleError(
                f"规则编号重复 / duplicate rule id {rule.id}: {rules[rule.id].path} and {path}"
            )
        rules[rule.id] = rule
    return dict(sorted(rules.items(), key=lambda kv: (list(LINES).index(kv[1].line), kv[0])))


def select_rules(
    rules: dict[str, Rule], ids=None, lines=None, period: str = "campaign"
) -> list[Rule]:
    """The rules to run: by id and/or line, restricted to those that can screen ``period``."""
    if period not in PERIODS:
        raise RuleError(
            f"未知的数据期间 {period!r}，可选 {list(PERIODS)} / unknown period {period!r}"
        )
    if ids:
        unknown = sorted(set(ids) - set(rules))
        if unknown:
            raise RuleError(
                f"未知规则 {', '.join(unknown)} / unknown rule(s); see `workbench rules`"
            )
    wanted = ("campaign", "pre2017") if period == "both" else (period,)
    return [
        r
        for r in rules.values()
        if (not ids or r.id in ids)
        and (not lines or r.line in lines)
        and any(p in r.periods for p in wanted)
    ]


def load_params_file(path: str | Path) -> dict:
    """A parameters file (YAML or JSON): ``{rule_id: {param: value}}``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RuleError(f"参数文件不存在 / parameters file not found: {path}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=SAFE_LOADER)
    except (ValueError, yaml.YAMLError) as exc:
        raise RuleError(f"参数文件格式错误 / parameters file unreadable: {path}: {exc}") from exc
    data = data or {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise RuleError(
            f"参数文件应为 {{规则编号: {{参数: 值}}}} / want {{rule_id: {{param: value}}}}: {path}"
        )
    return data


def merge_params(*layers: dict | None) -> dict:
    """Later layers win, parameter by parameter: ``{rule_id: {param: value}}``."""
    out: dict[str, dict] = {}
    for layer in layers:
        for rid, values in (layer or {}).items():
            out.setdefault(rid, {}).update(values or {})
    return out


# --- the portable subset (docs/architecture.md "Portable, two-stage rule SQL") ----------------
# A quick lint without sqlglot; workbench.portable.hazards() checks the parsed SQL more closely
# and the product macros (wb_…) it points to are defined there.

_NOT_PORTABLE = (
    (
        r"\b(list|array_agg)\s*\([^()]*\bORDER\s+BY",
        "ORDER BY inside list()/array_agg(): use list_sort",
    ),
    (
        r"date_diff\s*\(\s*'(month|year|quarter)'",
        "date_diff month/year: use wb_full_months / wb_full_years",
    ),
    (r"\bINTERVAL\b", "INTERVAL arithmetic: use date_diff('day', a, b) or d + n"),
    (
        r"\b(dayofweek|dow|isodow|epoch|hash)\s*\(",
        "engine-specific function (dow/epoch/hash): use wb_iso_weekday",
    ),
    (
        r"\b(quantile_cont|quantile_disc|quantile|median|percentile_cont|percentile_disc)\s*\(",
        "quantile/median: use wb_median / wb_quantile",
    ),
    (
        r"(?<![\w.])round\s*\((?:[^()]|\([^()]*\))*,",
        "round(x, n) rounds differently per engine: use wb_round(x, n)",
    ),
    (r"\bstring_agg\s*\(", "string_agg: use array_to_string(list_sort(list(…)), sep)"),
    (r"count\s*\(\s*DISTINCT[^()]*\)\s*OVER", "count(DISTINCT) OVER: use a self-join"),
    (r"\bCOLUMNS\s*\(", "COLUMNS(): list columns explicitly"),
    (r"\blen\s*\(", "len(): use array_length / length"),
    (r"->", "lambda x -> …: use lambda x: …"),
    (r"\[[^\]]*:[^\]]*\]", "string/list slicing: use substr"),
    (r"/(?!\s*(?:NULLIF\s*\(|\d))", "division by a possible zero: use x / NULLIF(y, 0)"),
    (r"\bSELECT\s+\*", "SELECT *: list the columns"),
)


_LINT = tuple(
    (re.compile(pattern, re.IGNORECASE), "date_diff" in pattern, msg)
    for pattern, msg in _NOT_PORTABLE
)


def portability_problems(sql: str) -> list[str]:
    """Idioms outside the portable subset found in ``sql`` (comments and strings ignored)."""
    clean = _without_comments(sql)
    code = _blank_strings(clean)
    found = [msg for pattern, raw, msg in _LINT if pattern.search(clean if raw else code)]
    with_part, final = _split_final(clean, code)
    if not with_part.upper().startswith("WITH") or not final.upper().startswith("SELECT"):
        found.append("the rule must end in a final SELECT after its CTE steps")
    return found


def split_final(sql: str) -> tuple[str, str]:
    """``(with_part, final_select)`` of a ``WITH a AS (…), b AS (…) SELECT …`` rule, comments removed."""
    clean = _without_comments(sql)
    return _split_final(clean, _blank_strings(clean))


_PAREN_OR_SELECT = re.compile(r"[()]|\bSELECT\b", re.IGNORECASE)


def _split_final(clean: str, code: str) -> tuple[str, str]:
    """:func:`split_final` on the comment-free text and the same with strings blanked: the first
    SELECT at depth 0 right after a closing parenthesis (a regex walk over parentheses and SELECTs
    only — the library is read by every process, and a walk over every character was most of it)."""
    depth, last_close = 0, -1
    for m in _PAREN_OR_SELECT.finditer(code):
        ch, i = m.group(0), m.start()
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                last_close = i
        elif depth == 0 and last_close >= 0 and not code[last_close + 1 : i].strip():
            return clean[:i].strip(), clean[i:].strip()
    return "", clean.strip()


def step_names(sql: str) -> list[str]:
    """Names of the rule's CTE steps, in order (source → candidates → flagged …)."""
    code = _strip_comments(sql)
    names, depth = [], 0
    for m in re.finditer(r"\(|\)|\b([A-Za-z_][A-Za-z0-9_]*)\s+AS\s*\(", code):
        tok = m.group(0)
        if m.group(1) and depth == 0:
            names.append(m.group(1))
            depth += 1
        elif tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
    return names
