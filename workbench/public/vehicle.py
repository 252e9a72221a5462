"""The vehicle claims dataset (车险公开数据集): ``fraud_oracle.csv``, 15,420 US claims of 1994–96.

Kaggle "Vehicle Insurance Claim Fraud Detection" (the Angoss *carclaims* sample; see the
dataset's ``SOURCE.txt``).  One row is one claim on one policy, labelled ``FraudFound_P``.  It
records no dates, only month, week of month and weekday of the accident and of the claim, and
day *bands* from policy start to accident and to claim; no names, IDs, VINs, plates or amounts.

Staging (below) derives what the contract needs as far as the bands allow, and the profiles
(``profiles/public/vehicle/``) say in their ``notes`` what cannot be derived.  The conventions:

* **dates**: the week of the month is read as a 7-day block (week 1 = days 1–7, …, week 5 =
  days 29–35); the accident is the day of that block with the recorded weekday, moved back a
  week if it would fall in the next month; the claim date the same way, in the next year when
  its month is earlier than the accident's; a claim date before the accident is set to the
  accident date.  Both are at most a few days from the truth.  No time of day is recorded: the
  times are dates (00:00), so the province rule that looks at night-time (A14) is not run;
* **policy start** = accident date − a representative of ``Days_Policy_Accident``: none → 0
  (accident on the first day), 1 to 7 → 4, 8 to 15 → 11, 15 to 30 → 22, more than 30 → 183
  (half an annual term: the band says only "more than 30");
* **surrogate keys**: the dataset has no VIN or person identifier; each policy gets a surrogate
  VIN (valid check digit, WMI ``PUB``) and a surrogate holder id built from ``PolicyNumber``,
  both tokenized like real identifiers.  They identify nothing outside this evaluation.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ..identifiers import make_vin
from .datasets import PublicDataset, Source, Stage

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _case(column: str, values: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values, start=1))
    return f"CASE {column} {whens} END"


#: Derived values per claim, built once (``base``) and selected from by every stage.
BASE_SQL = f"""
CREATE OR REPLACE TEMP TABLE base AS
WITH parsed AS (
    SELECT *, CAST(Year AS INTEGER) AS y,
           {_case("Month", _MONTHS)} AS m_acc, {_case("MonthClaimed", _MONTHS)} AS m_clm,
           CAST(WeekOfMonth AS INTEGER) AS w_acc, CAST(WeekOfMonthClaimed AS INTEGER) AS w_clm,
           {_case("DayOfWeek", _DAYS)} AS d_acc, {_case("DayOfWeekClaimed", _DAYS)} AS d_clm
    FROM claims
),
blocks AS (
    SELECT *, make_date(y, m_acc, 1) + 7 * (w_acc - 1) AS blk_acc,
           make_date(CASE WHEN m_clm < m_acc THEN y + 1 ELSE y END, m_clm, 1) + 7 * (w_clm - 1) AS blk_clm
    FROM parsed
),
days AS (
    SELECT *, blk_acc + CAST((d_acc - isodow(blk_acc) + 7) % 7 AS INTEGER) AS acc0,
           blk_clm + CAST((d_clm - isodow(blk_clm) + 7) % 7 AS INTEGER) AS clm0
    FROM blocks
),
dated AS (
    SELECT *, CASE WHEN month(acc0) <> m_acc THEN acc0 - 7 ELSE acc0 END AS acc_date,
           CASE WHEN month(clm0) <> m_clm THEN clm0 - 7 ELSE clm0 END AS clm1
    FROM days
)
SELECT *,
       CASE WHEN clm1 IS NULL THEN NULL WHEN clm1 < acc_date THEN acc_date ELSE clm1 END AS clm_date,
       CASE Days_Policy_Accident WHEN 'none' THEN 0 WHEN '1 to 7' THEN 4 WHEN '8 to 15' THEN 11
            WHEN '15 to 30' THEN 22 WHEN 'more than 30' THEN 183 END AS start_days,
       CASE AgeOfVehicle WHEN 'new' THEN 0.5 WHEN 'more than 7' THEN 8
            ELSE CAST(regexp_extract(AgeOfVehicle, '^([0-9]+) year', 1) AS DOUBLE) END AS vehicle_years,
       CASE VehiclePrice WHEN 'less than 20000' THEN 15000 WHEN '20000 to 29000' THEN 24500
            WHEN '30000 to 39000' THEN 34500 WHEN '40000 to 59000' THEN 49500
            WHEN '60000 to 69000' THEN 64500 WHEN 'more than 69000' THEN 75000 END AS price,
       CASE PastNumberOfClaims WHEN 'none' THEN 0 WHEN '1' THEN 1 WHEN '2 to 4' THEN 2
            WHEN 'more than 4' THEN 5 END AS past_min,
       CASE AddressChange_Claim WHEN 'under 6 months' THEN 6 WHEN '1 year' THEN 12
            WHEN '2 to 3 years' THEN 36 WHEN '4 to 8 years' THEN 96 END AS address_months
FROM dated
"""


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(BASE_SQL)
    numbers = [r[0] for r in con.execute("SELECT DISTINCT PolicyNumber FROM base").fetchall()]
    vins = pd.DataFrame(
        {
            "PolicyNumber": numbers,
            "vin": [make_vin("PUB", "SRRGT", f"{int(n):08d}") for n in numbers],
        }
    )
    con.register("surrogate_vins", vins)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE staged AS SELECT b.*, v.vin FROM base AS b "
        "JOIN surrogate_vins AS v USING (PolicyNumber)"
    )
    con.unregister("surrogate_vins")


_ORDER = "ORDER BY CAST(PolicyNumber AS INTEGER)"

STAGES = (
    Stage(
        "auto_policy",
        f"""SELECT PolicyNumber, BasePolicy, vin AS "VIN (surrogate)",
                   Make || ' ' || VehicleCategory AS "MakeModel (derived)",
                   acc_date - CAST(round(365.25 * vehicle_years) AS INTEGER) AS "FirstRegistration (derived)",
                   price AS "VehiclePrice (derived)", price AS "SumInsured (derived)",
                   'PUBVEH-HOLDER-' || PolicyNumber AS "HolderID (surrogate)",
                   acc_date - start_days AS "PolicyStart (derived)",
                   acc_date - start_days + 364 AS "PolicyEnd (derived)"
            FROM staged {_ORDER}""",
    ),
    Stage(
        "auto_claim",
        f"""SELECT PolicyNumber AS "ClaimNo (derived)", PolicyNumber, BasePolicy, vin AS "VIN (surrogate)",
                   acc_date AS "AccidentTime (derived)", clm_date AS "ClaimTime (derived)",
                   CASE AccidentArea WHEN 'Urban' THEN '城区 Urban' WHEN 'Rural' THEN '乡村 Rural'
                        ELSE AccidentArea END AS "AccidentArea (zh)",
                   Fault, PoliceReportFiled, RepNumber, clm_date AS "CloseDate (derived)"
            FROM staged {_ORDER}""",
    ),
    Stage(
        "public_auto_claim_extra",
        f"""SELECT PolicyNumber AS "ClaimNo (derived)", BasePolicy, VehicleCategory, VehiclePrice, Deductible,
                   Days_Policy_Accident, Days_Policy_Claim, PastNumberOfClaims,
                   past_min AS "PastClaimsMin (derived)", AgeOfVehicle, WitnessPresent, AgentType,
                   NumberOfSuppliments, AddressChange_Claim, address_months AS "AddressChangeMonths (derived)"
            FROM staged {_ORDER}""",
    ),
)

VEHICLE = PublicDataset(
    name="vehicle",
    zh="车险理赔欺诈数据集(fraud_oracle，美国1994–1996年车险赔案)",
    en="Vehicle insurance claim fraud (fraud_oracle, US claims 1994–96)",
    folder="vehicle_fraud_oracle",
    sources=(Source("claims", "fraud_oracle.csv"),),
    company="PUB_VEHICLE",
    window=(dt.date(1993, 1, 1), dt.date(1997, 12, 31)),
    stages=STAGES,
    labels_sql="SELECT PolicyNumber AS key, CAST(FraudFound_P AS INTEGER) AS label FROM claims",
    level="claim",
    province_rules=("auto_loss_near_start",),
    public_lines=("auto",),
    grids={
        "auto_loss_near_start": {"max_days": [7, 15, 30]},
        "pub_auto_recent_address_change": {"max_months": [6, 12, 36, 96]},
        "pub_auto_context_red_flags": {"min_flags": [2, 3, 4]},
        "pub_auto_repeat_claimant": {"min_past_claims": [1, 2, 5]},
        "pub_auto_high_value_vehicle": {"min_price": [40000.0, 60000.0, 70000.0]},
    },
    prepare=_prepare,
)
