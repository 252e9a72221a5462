"""A small fixture builder for rule tests (规则测试夹具).

``Fix(tmp_path)`` opens a migrated warehouse in ``tmp_path`` and ``fix.add(kind, **values)``
inserts one row into a contract table with sensible defaults, so a rule test states only what
matters.  Identifier fields are given by their contract name with a readable value and become
a readable token and mask: ``insured_id="p1"`` → ``insured_id_token='ID_p1'``,
``insured_id_mask='p1*'``; ``payee_account="a1"`` → ``'AC_a1'``.  Warehouse column names
(``insured_id_birth=…``) are accepted as they are.  Default identities and numbers are unique
per row, so rows only share a person, vehicle or account when the test says so.
"""

from __future__ import annotations

import datetime as dt
import itertools

from workbench.contract import KINDS
from workbench.protect import TOKEN_PREFIX, token_key
from workbench.schema import table_columns
from workbench.warehouse import connect

D = dt.date.fromisoformat


def T(text: str) -> dt.datetime:  # noqa: N802 - reads like D()
    return dt.datetime.fromisoformat(text)


_counter = itertools.count(1)

#: Defaults per kind for the required fields (numbers made unique per row where they are keys).
DEFAULTS = {
    "ah_policy": dict(
        company_code="C01",
        line="意外险",
        insured_id="p_default",
        sum_insured=100000.0,
        premium=100.0,
        start_date=D("2018-09-01"),
        end_date=D("2019-08-31"),
    ),
    "ah_claim": dict(
        company_code="C01",
        line="意外险",
        insured_id="p_default",
        loss_date=D("2019-01-10"),
        loss_type="意外医疗",
        report_date=D("2019-01-12"),
        close_date=D("2019-02-01"),
        claimed_amount=5000.0,
        paid_amount=5000.0,
        decision="正常赔付",
    ),
    "medical_receipt": dict(
        company_code="C01",
        hospital_name="长春市人民医院",
        receipt_date=D("2019-01-15"),
        amount=5000.0,
    ),
    "auto_policy": dict(
        company_code="C01",
        coverage="商业险",
        vin="v_default",
        owner_id="o_default",
        sum_insured=150000.0,
        premium=3000.0,
        start_date=D("2018-09-01"),
        end_date=D("2019-08-31"),
    ),
    "auto_claim": dict(
        company_code="C01",
        coverage="商业险",
        vin="v_default",
        accident_time=T("2019-01-10 10:00"),
        report_time=T("2019-01-10 11:00"),
        paid_amount=3000.0,
        close_date=D("2019-02-01"),
    ),
    "agri_policy": dict(
        company_code="C01",
        farmer_id="f_default",
        county_code="220122",
        category="种植险",
        subject="玉米",
        insured_area=10.0,
        sum_insured=4000.0,
        premium=240.0,
        start_date=D("2019-05-01"),
        end_date=D("2019-10-31"),
    ),
    "agri_claim": dict(
        company_code="C01",
        farmer_id="f_default",
        loss_date=D("2019-07-20"),
        loss_cause="洪涝",
        report_date=D("2019-07-21"),
        paid_amount=1500.0,
        close_date=D("2019-08-30"),
        payee_account="acct_default",
    ),
    "land_roster": dict(county_code="220122", farmer_id="f_default"),
    "disaster_event": dict(
        county_code="220122",
        event_type="洪涝",
        start_date=D("2019-07-15"),
        end_date=D("2019-07-25"),
    ),
    "whitelist": dict(
        entity_type="银行账号",
        reason="合作社统一账户",
        verified_by="县农业农村局",
        verified_date=D("2019-05-01"),
    ),
    "clue_feedback": dict(company_code="C01", conclusion="确认欺诈"),
}
#: Number fields generated when not given (policy_no, claim_no …), per kind.
NUMBERS = {
    "ah_policy": ("policy_no", "AP"),
    "ah_claim": ("claim_no", "AC"),
    "medical_receipt": ("receipt_no", "R"),
    "auto_policy": ("policy_no", "VP"),
    "auto_claim": ("claim_no", "VC"),
    "agri_policy": ("policy_no", "GP"),
    "agri_claim": ("claim_no", "GC"),
}
HIST = {"ah_claim_hist": "ah_claim", "medical_receipt_hist": "medical_receipt"}


class Fix:
    """A migrated warehouse in ``tmp_path`` and a row inserter with defaults."""

    def __init__(self, tmp_path, name: str = "warehouse.duckdb"):
        self.path = tmp_path / name
        self.con = connect(self.path)
        self._rows = itertools.count(2)

    def close(self):
        self.con.close()

    def add(self, kind: str, **values) -> dict:
        """Insert one row into ``kind``'s table; return the warehouse values inserted."""
        contract = KINDS[kind]
        row = dict(DEFAULTS.get(HIST.get(kind, kind), {}))
        if kind in NUMBERS or HIST.get(kind) in NUMBERS:
            field, prefix = NUMBERS[HIST.get(kind, kind)]
            row.setdefault(field, f"{prefix}{next(_counter):05d}")
        if (
            kind
            in (
                "ah_claim",
                "ah_claim_hist",
                "auto_claim",
                "agri_claim",
                "medical_receipt",
                "medical_receipt_hist",
            )
            and "policy_no" in contract.names
        ):
            row.setdefault("policy_no", "P_default")
        if kind in ("medical_receipt", "medical_receipt_hist"):
            row.setdefault("claim_no", "AC_default")
        n = next(_counter)
        for name, value in list(row.items()):  # shared default identities would link unrelated rows
            if isinstance(value, str) and value.endswith("_default") and name not in values:
                row[name] = f"{value[:-8]}{n}"
        row.update(values)
        out = {"_batch_id": "B_test", "_row": next(self._rows)}
        for name, value in row.items():
            try:
                f = contract.field(name)
            except Exception:
                f = None
            if f is not None and f.identifier:
                if value is None:
                    continue
                out[f"{name}_token"] = f"{TOKEN_PREFIX[f.identifier]}_{value}"
                out[f"{name}_key"] = token_key(out[f"{name}_token"])
                out[f"{name}_mask"] = f"{str(value)[:2]}*"
            else:
                out[name] = value
        cols = {c for c, _ in table_columns(contract)}
        unknown = set(out) - cols
        assert not unknown, f"{kind} has no column(s) {unknown}"
        names = list(out)
        self.con.execute(
            f"INSERT INTO {kind} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [out[n] for n in names],
        )
        return out
