"""The campaign's fraud taxonomy (打击重点): lines, fraud kinds, high-risk persons.

Declared once so that the synthetic generator's ground truth, the rule
metadata, the clues and the evaluation all speak of the same kinds.  The
fraud kinds are those CAMPAIGN.md names; each maps onto one of the three acts
of the 2018 《反保险欺诈指引》 (fictitious subject, fabricated/exaggerated
loss, deliberately caused loss).
"""

from __future__ import annotations

from dataclasses import dataclass

LINES = {
    "auto": "车险 auto",
    "agri": "农险 agricultural",
    "accident_health": "意健险 accident & health",
    "life": "寿险 life",
}


@dataclass(frozen=True)
class FraudKind:
    code: str
    line: str
    zh: str
    en: str


FRAUD_KINDS: dict[str, FraudKind] = {
    k.code: k
    for k in (
        FraudKind("auto_staged", "auto", "故意制造或编造保险事故", "staged or fabricated accidents"),
        FraudKind("auto_repair_inflation", "auto", "修理厂勾结夸大损失", "repair-shop loss inflation"),
        FraudKind("auto_injury_broker", "auto", "人伤黄牛代理索赔", "personal-injury claim brokers"),
        FraudKind("agri_duplicate", "agri", "重复投保", "same subject insured twice"),
        FraudKind("agri_fictitious", "agri", "虚构保险标的", "fictitious insured subjects"),
        FraudKind("agri_false_claim", "agri", "虚假理赔", "false claims"),
        FraudKind("agri_after_loss", "agri", "先出险后投保", "insuring after the loss"),
        FraudKind("agri_shared_account", "agri", "同一账户接收多人赔款", "one account receiving many farmers' payouts"),
        FraudKind("ah_multi_company", "accident_health", "多头投保后制造事故", "cover at many companies, then an accident"),
        FraudKind("ah_fake_death", "accident_health", "虚假意外身故", "faked accidental death"),
        FraudKind("ah_insured_while_injured", "accident_health", "带伤(残)投保", "insured while already injured or disabled"),
        FraudKind("ah_duplicate_receipt", "accident_health", "医疗票据重复理赔", "same medical receipt claimed twice"),
    )
}

#: The six high-risk person categories (高风险人员) of Attachments 4 and 6.
HIGH_RISK_CATEGORIES = {
    "misconduct": "行为失当",
    "medical_abuse": "医疗滥用",
    "concealment": "隐瞒信息",
    "financial_arrears": "财务欠款",
    "deliberate_fraud": "蓄意骗保",
    "duplicate_receipts": "医疗票据重复理赔",
}

#: Attachment 3 fraud types (pre-2017 self-review) and the fraud kinds that feed them.
PRE2017_TYPES = {
    "虚假身故": ("ah_fake_death",),
    "虚假伤残": ("ah_insured_while_injured",),
    "虚假医疗": ("ah_duplicate_receipt",),
    "多头投保": ("ah_multi_company",),
}
