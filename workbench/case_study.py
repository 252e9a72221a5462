"""Typical cases (典型案例): a Chinese write-up drafted from a confirmed clue or ring.

The campaign plan asks for typical cracked cases, for publicity and with the summary report
(§三.4, §四.2).  :func:`draft` writes one in Markdown from what the workbench knows: the
background (line, companies, records, period, money), how the screening found it (the rule that
raised the clue, every other rule that fired on the same records, the evidence), the pattern (the
fraud kind and the links that hold it together), the outcome (company feedback, panel verdicts,
referral, police case number, money involved and recovered) and lessons for the rules (each rule's
confirmation rate across the campaign).

Every person is masked twice over: people appear as 甲、乙、丙 with a surname and 某 (张某), their
role and their city; no ID number, phone, account, plate or VIN appears, not even masked.  Record
numbers are not printed either.  :func:`raw_identifiers` checks a text for anything shaped like an
identifier, and :func:`read_case` masks such a thing in an analyst's edit before it is used.

Analysts edit the drafts: a case file (``典型案例_<clue>.md``) carries a first-line comment with the
sha256 of the draft's body.  A file whose body no longer matches was edited by someone, and is never
overwritten (``--force`` to redraft); the summary report reads the file back when it exists.
:func:`pick_typical` chooses the cases for the report by outcome (case filed > referred >
confirmed) and money.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import audit
from .config import Campaign
from .contract import KINDS
from .lifecycle import STATES, LifecycleStore
from .protect import mask
from .report import VERDICT_ZH, clue_outcomes, rule_effectiveness
from .taxonomy import FRAUD_KINDS, LINES

CASES_DIRNAME = "典型案例"
HEADER_RE = re.compile(r"^<!-- typical-case (\{.*\}) -->\s*$")
CODE_NAMES = "甲乙丙丁戊己庚辛壬癸"

#: How each kind of fraud is usually carried out (作案手法), the start of the pattern section.
PATTERNS = {
    "auto_staged": "行为人以同一车辆或同一批人员反复制造、编造交通事故，在不同公司之间轮换投保和索赔，人员在驾驶员、三者、伤者之间互换角色，以分散单家公司的风险识别。",
    "auto_repair_inflation": "修理厂与报案人配合，以旧件充新件、扩大损失范围或虚构维修项目抬高定损金额，赔款集中流向修理厂。",
    "auto_injury_broker": "人伤“黄牛”以代理人身份集中承揽多名伤者的索赔，通过反复伤残鉴定、诉讼等方式抬高赔偿，赔款由代理人控制。",
    "agri_duplicate": "同一农户、同一地块或同一耳标的标的在多份保单或多家公司重复投保，同一损失多次索赔。",
    "agri_fictitious": "借用农户身份或补贴名册虚构承保标的，承保面积或存栏数超过实际，赔款由组织者统一领取。",
    "agri_false_claim": "编造灾害或死亡事故，或重复使用同一证明材料，虚报损失领取赔款。",
    "agri_after_loss": "在灾害或损失已经发生后才投保，再以保险期间内出险为由索赔。",
    "agri_shared_account": "多名农户的赔款汇入同一账户（协保员、村干部或组织者），赔款并未真正到达受灾农户手中。",
    "ah_multi_company": "行为人在短期内于多家公司密集投保意外险、重疾险，随后很快发生“意外”或住院并向各家公司分别索赔，单家公司只看到一份正常保单。",
    "ah_fake_death": "编造或伪造意外身故，受益人并非近亲属或在多起案件中重复出现，身故地点远离常住地，缺少死亡医学证明或火化证明。",
    "ah_insured_while_injured": "被保险人在已经受伤、患病或伤残后才投保，再将投保前已发生的损失作为保险期间内的事故索赔。",
    "ah_duplicate_receipt": "同一张医疗票据（票据代码和号码相同）在多家公司或多次重复理赔，或在住院期间“挂床”虚增医疗费用。",
}
ROLE_ZH = {
    "insured": "被保险人",
    "policyholder": "投保人",
    "beneficiary": "受益人",
    "driver": "驾驶员",
    "injured": "伤者",
    "owner": "车主",
    "farmer": "农户",
    "payee": "领款人",
    "person": "当事人",
    "representative": "委托代理人",
    "reporter": "报案人",
    "vehicle": "车辆",
    "account": "账户",
    "hospital": "医院",
    "repair_shop": "修理厂",
    "receipt": "票据",
    "ear_tag": "耳标",
    "reported": "已报案件",
    "policy": "保单",
    "claim": "赔案",
}
ENTITY_ZH = {
    "person": "人员",
    "phone": "电话",
    "account": "银行账户",
    "vehicle": "车辆",
    "plate": "号牌",
    "representative": "代理人",
    "repair_shop": "修理厂",
    "hospital": "医院",
    "receipt": "医疗票据",
    "ear_tag": "耳标",
    "parcel": "地块",
    "case": "已报案件",
}
OUTCOME_RANK = {"case_filed": 3, "referred": 2, "confirmed": 1}

#: Shapes of identifiers that must never appear in a case (numbers, plates, VINs), with their type.
RAW_PATTERNS = (
    (re.compile(r"(?<![0-9A-Za-z*])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"), "id_number"),
    (re.compile(r"(?<![0-9*])[0-9]{15}(?![0-9])"), "id_number"),
    (re.compile(r"(?<![0-9*])62[0-9]{14,17}(?![0-9])"), "bank_card"),
    (re.compile(r"(?<![0-9*])1[3-9][0-9]{9}(?![0-9])"), "phone"),
    (
        re.compile(
            r"(?<![0-9A-Z*])(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}(?![0-9A-Z])"
        ),
        "vin",
    ),
    (
        re.compile(
            r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}"
        ),
        "plate",
    ),
)


def raw_identifiers(text: str) -> list[tuple[str, str]]:
    """Everything in ``text`` shaped like an unmasked identifier: [(type, value)]."""
    return [(t, m.group(0)) for pattern, t in RAW_PATTERNS for m in pattern.finditer(text)]


def mask_raw(text: str) -> str:
    for pattern, t in RAW_PATTERNS:
        text = pattern.sub(lambda m, t=t: mask(t, m.group(0).upper()) or "*", text)
    return text


@dataclass
class CaseStudy:
    clue_id: str
    title: str
    text: str  # the Markdown, header comment included
    rules: list[str]  # every rule named in "how the screening found it"
    amount_involved: float | None
    amount_recovered: float | None
    outcome: str
    source: str = "draft"  # draft / analyst (an edited file read back)
    path: Path | None = None


# --- the facts --------------------------------------------------------------------------------------


def _wan(x) -> str:
    return "—" if x is None or x != x else f"{x / 1e4:,.1f}万元"


def _company_total(amounts: pd.Series) -> float | None:
    """What the companies reported, as one figure: their sum, unless every company reported the same
    amount (each then gave the whole case's figure, which must not be counted several times)."""
    a = amounts.dropna()
    if a.empty:
        return None
    return float(a.iloc[0]) if len(a) > 1 and a.nunique() == 1 else float(a.sum())


def _surname(name_mask: str | None) -> str:
    if not name_mask or not isinstance(name_mask, str):
        return ""
    head = name_mask.split("*", 1)[0].strip()
    return head[:2] if 0 < len(head) <= 2 else ""


def _person_names(con, tokens: list[str]) -> dict[str, str]:
    """{person token: masked name} from any table that holds the person's ID token beside a name."""
    out: dict[str, str] = {}
    if not tokens:
        return out
    for kind in KINDS.values():
        names = {f.name for f in kind.fields if f.identifier == "name"}
        for f in kind.fields:
            if f.identifier != "id_number":
                continue
            name_field = f.name[:-3] + "_name" if f.name.endswith("_id") else None
            if name_field not in names:
                continue
            rows = con.execute(
                f'SELECT "{f.name}_token", any_value("{name_field}_mask") FROM "{kind.name}" '
                f'WHERE "{f.name}_token" IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1',
                [tokens],
            ).fetchall()
            for tok, nm in rows:
                if nm and tok not in out:
                    out[tok] = nm
    return out


def _city(id_mask: str | None) -> str:
    try:
        from .synth.reference import CITIES
    except ImportError:  # pragma: no cover
        return ""
    code = (id_mask or "")[:4]
    return CITIES.get(code, ("",))[0] if code.isdigit() else ""


def _rules_catalogue() -> dict:
    from .rules import discover

    try:
        return discover()
    except Exception:  # noqa: BLE001 - a broken rule file must not stop a write-up
        return {}


def _outcome(row: pd.Series | None) -> str:
    if row is None:
        return ""
    if row.get("case_filed"):
        return "case_filed"
    if row.get("referred"):
        return "referred"
    if row.get("confirmed"):
        return "confirmed"
    return ""


OUTCOME_ZH = {
    "case_filed": "已移送公安并立案",
    "referred": "已移送公安",
    "confirmed": "经核查确认欺诈",
    "": "尚无定论",
}


def pick_typical(
    con: duckdb.DuckDBPyConnection,
    store: LifecycleStore,
    n: int = 2,
    period: str = "campaign",
    outcomes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``n`` best cases for the report: confirmed clues by outcome (case filed, referred, confirmed)
    then money involved (recovered breaks ties); a second pick of another fraud kind is preferred."""
    out = outcomes if outcomes is not None else clue_outcomes(con, store, period)
    out = out.assign(outcome=[_outcome(r) for _, r in out.iterrows()])
    out = out[out["outcome"] != ""].copy()
    if out.empty:
        return out
    out["rank"] = out["outcome"].map(OUTCOME_RANK)
    out["money"] = (
        out["amount_involved"].where(out["amount_involved"].fillna(0) > 0, out["amount"]).fillna(0)
    )
    out = out.sort_values(
        ["rank", "money", "amount_recovered", "clue_id"],
        ascending=[False, False, False, True],
        na_position="last",
    )
    picked, kinds = [], set()
    for _, r in out.iterrows():  # first pass: one case per fraud kind
        if r["fraud_kind"] not in kinds:
            picked.append(r["clue_id"])
            kinds.add(r["fraud_kind"])
        if len(picked) == n:
            break
    for cid in out["clue_id"]:
        if len(picked) >= n:
            break
        if cid not in picked:
            picked.append(cid)
    return out.set_index("clue_id").loc[picked].reset_index()


def draft(
    con: duckdb.DuckDBPyConnection,
    store: LifecycleStore,
    campaign: Campaign,
    clue_id: str,
    *,
    outcomes: pd.DataFrame | None = None,
    operator: str | None = None,
) -> CaseStudy:
    """Draft the typical-case write-up of one clue or ring (Markdown, Chinese)."""
    from .errors import WorkbenchError

    df = con.execute("SELECT * FROM clues WHERE clue_id = ?", [clue_id]).df()
    if df.empty:
        raise WorkbenchError(f"线索 {clue_id} 不存在 / no clue {clue_id}")
    c = df.iloc[0]
    outcomes = outcomes if outcomes is not None else clue_outcomes(con, store, c.period)
    orow = outcomes[outcomes.clue_id == clue_id]
    orow = orow.iloc[0] if len(orow) else None
    outcome = _outcome(orow)
    kind = FRAUD_KINDS.get(c.fraud_kind)
    kind_zh = kind.zh if kind else c.fraud_kind
    line_zh = LINES.get(c.line, c.line).split(" ")[0]
    is_ring = c.rule_id == "ring"
    catalogue = _rules_catalogue()

    records = (
        con.execute(
            """
        SELECT r.company_code, r.record_kind, r.record_no, d.key_date, d.amount, d.amount_zh
        FROM clue_records r LEFT JOIN v_record_detail d USING (company_code, record_kind, record_no)
        WHERE r.clue_id = ?""",
            [clue_id],
        )
        .df()
        .drop_duplicates(["company_code", "record_kind", "record_no"])
    )
    entities = con.execute(
        "SELECT entity_type, token, mask, role, record_count FROM clue_entities WHERE clue_id = ?",
        [clue_id],
    ).df()
    links = con.execute(
        "SELECT entity_type, token, claim_count, company_count FROM ring_links WHERE clue_id = ?",
        [clue_id],
    ).df()
    co_rules = con.execute(
        """
        SELECT c2.rule_id, count(DISTINCT c2.clue_id) AS clues
        FROM clue_records r JOIN clue_records r2 USING (company_code, record_kind, record_no)
        JOIN clues c2 ON c2.clue_id = r2.clue_id
        WHERE r.clue_id = ? AND c2.clue_id <> ? AND c2.current AND c2.rule_id <> 'ring'
        GROUP BY 1 ORDER BY 2 DESC, 1""",
        [clue_id, clue_id],
    ).df()
    signal = [r for r in str(c.signal_rules or "").split(";") if r and r != "ring"]
    rules = ([] if is_ring else [c.rule_id]) + [
        r for r in list(co_rules.rule_id) + signal if r != c.rule_id
    ]
    rules = list(dict.fromkeys(rules))  # first seen first, once each
    fb = pd.read_sql_query(
        "SELECT company_code, conclusion, amount_involved, amount_recovered, referred_to_police, "
        "referral_date, police_case_no FROM feedback WHERE clue_id = ? AND superseded_by IS NULL "
        "ORDER BY company_code",
        store.connection,
        params=[clue_id],
    )
    verdicts = pd.read_sql_query(
        "SELECT verdict, reason, session, at FROM verdicts WHERE subject = ? ORDER BY verdict_id",
        store.connection,
        params=[clue_id],
    )
    history = store.history(clue_id)

    involved, recovered = (
        _company_total(fb["amount_involved"]),
        _company_total(fb["amount_recovered"]),
    )
    system_amount = float(c.amount) if c.amount == c.amount and c.amount is not None else None
    companies = [x for x in str(c.companies).split(";") if x]
    dates = pd.to_datetime(records["key_date"], errors="coerce").dropna()
    span = f"{dates.min():%Y年%m月}至{dates.max():%Y年%m月}" if len(dates) else "本次数据期间"
    by_kind = records.groupby("record_kind").size()
    rec_zh = "、".join(
        f"{KINDS[k].zh.replace('数据', '')}{n}条" if k in KINDS else f"{k}{n}条"
        for k, n in by_kind.items()
    )

    persons = entities[entities.entity_type == "person"].drop_duplicates("token")
    names = _person_names(con, list(persons.token))
    person_rows = []
    for i, p in enumerate(
        persons.sort_values(["record_count", "role"], ascending=[False, True]).itertuples()
    ):
        code = CODE_NAMES[i] if i < len(CODE_NAMES) else f"第{i + 1}人"
        sur = _surname(names.get(p.token))
        person_rows.append(
            (
                f"{code}（{sur}某）" if sur else code,
                ROLE_ZH.get(p.role, p.role or "当事人"),
                _city(p.mask) or "—",
                int(p.record_count or 0),
            )
        )
    title = f"{line_zh}{kind_zh}{'团伙' if is_ring else ''}案"
    now = dt.datetime.now()

    lines = [f"# 典型案例：{title}", ""]
    lines.append(
        f"> 线索编号 {clue_id}｜险种 {line_zh}｜欺诈类型 {kind_zh}｜涉及公司 {len(companies)} 家｜"
        f"处理结果 {OUTCOME_ZH[outcome]}｜涉案金额 {_wan(involved if involved else system_amount)}"
    )
    lines += ["", "## 一、基本情况 Background", ""]
    lines.append(
        f"本案属于{line_zh}“{kind_zh}”类欺诈{'团伙' if is_ring else ''}。经专项行动平台数据比对，"
        f"涉及{len(companies)}家保险公司（{'、'.join(companies)}）的{len(records)}条业务记录（{rec_zh}），"
        f"涉及人员{len(persons)}人，时间跨度为{span}，系统计算的涉案赔付或保额合计{_wan(system_amount)}。"
    )
    if len(companies) > 1:
        lines.append("")
        lines.append(
            f"上述记录分散在{len(companies)}家公司，单家公司各自只看到少量、看似正常的业务，"
            "只有在行业数据集中比对后才显现出整体异常。"
        )
    lines += ["", "## 二、发现经过 How the screening found it", ""]
    if is_ring:
        lines.append(
            f"本案由团伙识别（ring，关联图谱）发现：以共同的人员、电话、账户等把多起赔案连成一个团伙，"
            f"风险等级{c.tier}级，风险得分{c.score:.0f}分。"
        )
    else:
        r0 = catalogue.get(c.rule_id)
        ind = f"，指标{c.indicator}" if c.indicator else ""
        lines.append(
            f"本案由筛查规则 `{c.rule_id}`（{c.title_zh or (r0.title_zh if r0 else '')}{ind}）首先命中，"
            f"风险等级{c.tier}级，风险得分{c.score:.0f}分。"
        )
    lines += ["", f"命中证据：{mask_raw(str(c.evidence_zh or ''))}", ""]
    others = [r for r in rules if r != c.rule_id]
    if others:
        lines.append("同一批记录上还触发了以下规则，相互印证：")
        lines.append("")
        counts = dict(zip(co_rules.rule_id, co_rules.clues, strict=True))
        for r in others:
            meta = catalogue.get(r)
            title_r = meta.title_zh if meta else r
            ind = f"，指标{meta.indicator}" if meta and meta.indicator else ""
            lines.append(
                f"- `{r}`：{title_r}{ind}" + (f"（{counts[r]}条线索）" if r in counts else "")
            )
        lines.append("")
    if len(links):
        g = links.groupby("entity_type").size()
        lines.append(
            "团伙关联："
            + "、".join(f"共同{ENTITY_ZH.get(t, t)}{n}个" for t, n in g.items())
            + f"，最多的一个关联对象串起{int(links.claim_count.max())}起赔案、{int(links.company_count.max())}家公司。"
        )
        lines.append("")
    lines += ["## 三、作案手法 Pattern", ""]
    lines.append(PATTERNS.get(c.fraud_kind, f"本案属于“{kind_zh}”。"))
    shared = entities[entities.entity_type != "person"].groupby("entity_type").size()
    if len(shared):
        lines.append("")
        lines.append(
            "本案涉及的关联对象："
            + "、".join(f"{ENTITY_ZH.get(t, t)}{n}个" for t, n in shared.items())
            + "。"
        )
    if person_rows:
        lines += [
            "",
            "涉案人员（均已脱敏，以代称表示）：",
            "",
            "| 代称 | 角色 | 所在地 | 涉及记录 |",
            "| --- | --- | --- | --- |",
        ]
        lines += [f"| {a} | {b} | {d} | {e} |" for a, b, d, e in person_rows[:10]]
        if len(person_rows) > 10:
            lines.append(f"| 另有{len(person_rows) - 10}人 | | | |")
    lines += ["", "## 四、处理结果 Outcome", ""]
    if len(fb):
        for f in fb.itertuples(index=False):
            extra = "，已移送公安" if f.referred_to_police == "是" else ""
            lines.append(
                f"- {f.company_code}核查结论：{f.conclusion}{extra}"
                + (
                    f"，立案编号 {f.police_case_no}"
                    if isinstance(f.police_case_no, str) and f.police_case_no
                    else ""
                )
            )
    for v in verdicts.itertuples(index=False):
        lines.append(
            f"- 专家研判（{str(v.at)[:10]}{'，' + v.session if isinstance(v.session, str) and v.session else ''}）："
            f"{VERDICT_ZH.get(v.verdict, v.verdict)}。理由：{mask_raw(str(v.reason))}"
        )
    state = store.state_of(clue_id)
    lines.append(f"- 当前状态：{STATES.get(state, '未下发')}；结论：{OUTCOME_ZH[outcome]}。")
    if len(history):
        first, last = str(history["at"].iloc[0])[:10], str(history["at"].iloc[-1])[:10]
        lines.append(f"- 流转过程：{first} 起共{len(history)}个环节，最近一次 {last}。")
    lines += [
        "",
        "## 五、涉案金额 Money",
        "",
        "| 项目 | 金额 |",
        "| --- | --- |",
        f"| 公司核查认定涉案金额 | {_wan(involved)} |",
        f"| 拒赔或追回金额（挽损） | {_wan(recovered)} |",
        f"| 系统计算涉案赔付/保额 | {_wan(system_amount)} |",
        "",
    ]
    lines += ["## 六、经验与规则启示 Lessons for the rules", ""]
    eff = rule_effectiveness(outcomes) if len(outcomes) else pd.DataFrame()
    eff = eff.set_index("rule_id") if len(eff) else eff
    for r in ([c.rule_id] if not is_ring else []) + others:
        if len(eff) and r in eff.index and eff.loc[r, "已有结论"] > 0:
            e = eff.loc[r]
            rate = e["确认率"]
            advice = (
                "可作为一级线索直接下发"
                if rate >= 0.9
                else ("宜与其他信号叠加后再下发" if rate < 0.5 else "保持现有阈值")
            )
            lines.append(
                f"- 规则 `{r}`：本次专项行动下发线索中确认率 {rate:.0%}（确认{int(e['确认'])}/已有结论{int(e['已有结论'])}），{advice}。"
            )
    if len(rules) + is_ring > 1:
        lines.append(
            f"- 本案有{len(rules) + is_ring}个独立信号同时指向同一批记录；多信号叠加的线索比单一规则线索更可靠，"
            "评分时应继续给予叠加加权。"
        )
    if len(companies) > 1:
        lines.append(
            f"- 涉及{len(companies)}家公司，体现了跨公司数据比对的价值：建议各公司按数据规范完整报送关键字段"
            "（证件号码、电话、领款账户），缺失会直接导致此类线索漏筛。"
        )
    if is_ring:
        lines.append(
            "- 团伙由共同的电话、账户、代理人串联：建议把本案的关联对象纳入各公司核保、理赔环节的预警名单。"
        )
    lines += [
        "",
        "---",
        "",
        f"*{campaign.association}｜{campaign.name}｜草稿生成于{now:%Y-%m-%d %H:%M}｜经办人 {audit.operator_label(campaign, operator)}。"
        "本文由分析工作台根据线索数据自动起草，涉案人员均以代称表示，不含证件号码、电话、账户、车牌等个人信息；"
        "分析人员可直接编辑本文件，总结报告将采用编辑后的版本。*",
        "",
    ]
    body = "\n".join(lines)
    header = {
        "clue": clue_id,
        "generated": now.isoformat(timespec="seconds"),
        "draft_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        "rules": rules,
    }
    text = f"<!-- typical-case {json.dumps(header, ensure_ascii=False)} -->\n" + body
    return CaseStudy(
        clue_id,
        title,
        text,
        rules,
        involved if involved else system_amount,
        recovered,
        outcome or "none",
    )


# --- files: drafts, analyst edits, read-back ------------------------------------------------------------


def case_path(cases_dir: Path, clue_id: str) -> Path:
    return Path(cases_dir) / f"典型案例_{clue_id}.md"


def _split(text: str) -> tuple[dict | None, str]:
    first, _, body = text.partition("\n")
    m = HEADER_RE.match(first)
    if not m:
        return None, text
    try:
        return json.loads(m.group(1)), body
    except json.JSONDecodeError:
        return None, text


def is_edited(path: Path) -> bool:
    """Whether the file's body differs from the draft it was written as (or has no draft header)."""
    header, body = _split(Path(path).read_text(encoding="utf-8"))
    return header is None or hashlib.sha256(body.encode("utf-8")).hexdigest() != header.get(
        "draft_sha256"
    )


def read_case(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """An analyst's case file for the report: its body with any identifier-shaped text masked,
    and what was masked (type, masked value) — never the raw value."""
    _, body = _split(Path(path).read_text(encoding="utf-8"))
    found = raw_identifiers(body)
    return (mask_raw(body) if found else body), [(t, mask(t, v.upper()) or "*") for t, v in found]


def write_case(
    con,
    store: LifecycleStore,
    campaign: Campaign,
    clue_id: str,
    cases_dir: Path,
    *,
    force: bool = False,
    operator: str | None = None,
    outcomes: pd.DataFrame | None = None,
) -> CaseStudy:
    """Write the draft unless an analyst's edit is there (kept unless ``force``); log it."""
    path = case_path(cases_dir, clue_id)
    if path.exists() and not force and is_edited(path):
        return _analyst_case(path, clue_id)
    cs = draft(con, store, campaign, clue_id, outcomes=outcomes, operator=operator)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(cs.text, encoding="utf-8")
    cs.path = path
    audit.record(
        store,
        "case_study",
        campaign=campaign,
        operator=operator,
        con=con,
        subject=clue_id,
        outputs=[path],
        summary=f"典型案例草稿 {cs.title}（{clue_id}）：规则 {'、'.join(cs.rules) or 'ring'}",
        details={"rules": cs.rules, "outcome": cs.outcome},
    )
    return cs


def typical_cases(
    con,
    store: LifecycleStore,
    campaign: Campaign,
    cases_dir: Path,
    n: int = 2,
    period: str = "campaign",
    operator: str | None = None,
) -> list[CaseStudy]:
    """The report's typical cases: the top ``n`` picks, each read back from its file when an analyst
    edited it, otherwise (re)drafted into ``cases_dir``; analyst files for other clues are added too
    when they sit in ``cases_dir`` (an analyst may choose a different case)."""
    outcomes = clue_outcomes(con, store, period)
    picks = list(pick_typical(con, store, n, period, outcomes)["clue_id"]) if len(outcomes) else []
    cases = [
        write_case(con, store, campaign, cid, cases_dir, outcomes=outcomes, operator=operator)
        for cid in picks
    ]
    done = set(picks)
    for p in sorted(Path(cases_dir).glob("典型案例_*.md")) if Path(cases_dir).is_dir() else []:
        cid = p.stem.split("_", 1)[1]
        if cid not in done and is_edited(p):
            cases.append(_analyst_case(p, cid))
    return cases


def _analyst_case(path: Path, clue_id: str) -> CaseStudy:
    """An analyst's file read back (identifier-shaped text masked)."""
    header, _ = _split(path.read_text(encoding="utf-8"))
    text, _ = read_case(path)
    first = next((ln for ln in text.splitlines() if ln.strip()), clue_id)
    return CaseStudy(
        clue_id,
        first.lstrip("# ").strip().removeprefix("典型案例："),
        text,
        (header or {}).get("rules", []),
        None,
        None,
        "",
        "analyst",
        path,
    )


def body_of(case: CaseStudy) -> str:
    """The Markdown to show (without the header comment)."""
    return _split(case.text)[1] if case.text.startswith("<!--") else case.text


def report_markdown(case: CaseStudy, level: int = 3) -> str:
    """The case's Markdown for a report section: headings demoted so its title sits at ``level``."""
    shift = "#" * (level - 1)
    return "\n".join(
        shift + ln if ln.startswith("#") else ln for ln in body_of(case).strip().splitlines()
    )
