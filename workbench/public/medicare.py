"""The Medicare provider dataset (医疗公开数据集): inpatient claims, beneficiaries, provider labels.

Kaggle "Healthcare Provider Fraud Detection Analysis" (synthetic/obfuscated Medicare-style
claims of 2009; see the dataset's ``SOURCE.txt``).  The label ``PotentialFraud`` belongs to a
*provider* (5,410 labelled, 506 of them Yes), so the evaluation is at provider level.  The
snapshot holds the 40,474 inpatient claims of 2,092 providers and 138,556 beneficiaries; the
outpatient claims of the labelled providers are not in it (see ``SOURCE.txt``), so a provider
without inpatient claims has nothing to be screened on.

Mapping (the profiles under ``profiles/public/medicare/`` say the rest): a claim is an accident &
health claim (医疗险, 住院医疗) at the provider as hospital, the beneficiary is the insured, the
claim id also numbers a medical receipt, the physicians, the DRG and all diagnosis and procedure
codes go into ``public_inpatient_extra``, and the beneficiaries who have an inpatient claim into
``public_beneficiary`` (date of death and residence only: no other health or demographic fields
are loaded, because no rule uses them).
"""

from __future__ import annotations

import datetime as dt

from .datasets import PublicDataset, Source, Stage

_AMOUNT = "CAST(InscClaimAmtReimbursed AS DOUBLE) + coalesce(CAST(DeductibleAmtPaid AS DOUBLE), 0)"
_DIAG = ", ".join(f"ClmDiagnosisCode_{i}" for i in range(1, 11))
_PROC = ", ".join(f"ClmProcedureCode_{i}" for i in range(1, 7))

STAGES = (
    Stage(
        "ah_claim",
        f"""SELECT ClaimID, BeneID, ClaimStartDt, Provider, AdmissionDt, DischargeDt, ClmDiagnosisCode_1,
                   ClaimEndDt AS "ReportDate (derived)", ClaimEndDt AS "CloseDate (derived)",
                   {_AMOUNT} AS "ClaimedAmount (derived)", InscClaimAmtReimbursed
            FROM inpatient ORDER BY ClaimID""",
    ),
    Stage(
        "medical_receipt",
        f"""SELECT ClaimID, regexp_replace(ClaimID, '[^0-9]', '', 'g') AS "ReceiptNo (derived)", Provider,
                   Provider AS "ProviderName (derived)", ClaimEndDt, {_AMOUNT} AS "ClaimedAmount (derived)",
                   InscClaimAmtReimbursed
            FROM inpatient ORDER BY ClaimID""",
    ),
    Stage(
        "public_inpatient_extra",
        f"""SELECT ClaimID, AttendingPhysician, OperatingPhysician, OtherPhysician, DiagnosisGroupCode,
                   ClmAdmitDiagnosisCode, concat_ws(';', {_DIAG}) AS "DiagnosisCodes (derived)",
                   concat_ws(';', {_PROC}) AS "ProcedureCodes (derived)", DeductibleAmtPaid,
                   ClaimStartDt, ClaimEndDt
            FROM inpatient ORDER BY ClaimID""",
    ),
    Stage(
        "public_beneficiary",
        """SELECT BeneID, DOD, State, County
           FROM beneficiary WHERE BeneID IN (SELECT BeneID FROM inpatient) ORDER BY BeneID""",
    ),
)

MEDICARE = PublicDataset(
    name="medicare",
    zh="医疗服务机构欺诈数据集(Medicare住院赔案，2009年)",
    en="Healthcare provider fraud (Medicare-style inpatient claims, 2009)",
    folder="medicare_provider_fraud",
    sources=(
        Source("inpatient", "Train_Inpatientdata-*.csv", null_string="NA"),
        Source("beneficiary", "Train_Beneficiarydata-*.csv", null_string="NA"),
        Source("provider_labels", "Train-*.csv", null_string="NA"),
    ),
    company="PUB_MEDICARE",
    window=(dt.date(2008, 1, 1), dt.date(2009, 12, 31)),
    stages=STAGES,
    labels_sql="SELECT Provider AS key, CAST(PotentialFraud = 'Yes' AS INTEGER) AS label FROM provider_labels",
    level="provider",
    province_rules=(
        "ah_frequent_hospitalisation",
        "ah_duplicate_receipt",
        "ah_duplicate_receipt_fallback",
    ),
    public_lines=("accident_health",),
    grids={
        "ah_frequent_hospitalisation": {"min_stays": [2, 3, 4]},
        "pub_med_los_peer_outlier": {"min_z": [1.0, 1.5, 2.0, 3.0]},
        "pub_med_amount_peer_outlier": {"min_z": [1.0, 1.5, 2.0, 3.0]},
        "pub_med_shared_physician": {"min_hospitals": [2, 3, 4]},
        "pub_med_physician_high_volume": {"min_claims": [10, 20, 40, 80]},
        "pub_med_cloned_claims": {"min_persons": [2, 3, 5]},
        "pub_med_many_hospitals": {"min_hospitals": [2, 3, 4]},
    },
)
