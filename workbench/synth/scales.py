"""Sizes of the synthetic province (合成省份规模).

One :class:`Scale` per name the CLI accepts.  Counts are targets: the
background generators aim at them, then planted scenarios and hard negatives
add a few hundred rows on top.  ``small`` is for unit tests (seconds), ``demo``
for the notebooks and dashboards (under a minute), ``x10``, ``x30`` and ``province`` for
performance work (parquet, vectorized only).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Target sizes of one synthetic province."""

    name: str
    n_pc: int  # 财产险公司 P&C insurers (write auto and short-term A&H)
    n_agri: int  # of which also write agricultural insurance (农险)
    n_life: int  # 人身险公司 life insurers
    persons: int  # 自然人 persons in the population
    ah_policies: int  # 意健险及寿险承保 rows (one per insured)
    ah_claims: int  # 意健险已决赔案 claims closed in the window
    hist_claims: int  # 2015-2017 settled A&H claims (self-review)
    auto_policies: int  # 车险保单 (交强险 + 商业险)
    auto_claims: int  # 车险已决赔案
    agri_policies: int  # 农险分户保单
    agri_claims: int  # 农险已决赔案
    scenarios: int  # planted scenarios per fraud kind (campaign period)
    pre2017: int  # planted pre-2017 scenarios (at least one per A&H company)
    high_risk: int  # planted high-risk persons (医疗滥用)
    dirt_rate: float = 0.008  # share of upload rows carrying a data-quality defect

    @property
    def n_companies(self) -> int:
        return self.n_pc + self.n_life


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale(
            "small",
            n_pc=2,
            n_agri=2,
            n_life=1,
            persons=3_000,
            ah_policies=7_000,
            ah_claims=1_300,
            hist_claims=500,
            auto_policies=2_800,
            auto_claims=1_100,
            agri_policies=700,
            agri_claims=180,
            scenarios=3,
            pre2017=4,
            high_risk=2,
            dirt_rate=0.012,
        ),
        Scale(
            "demo",
            n_pc=7,
            n_agri=4,
            n_life=5,
            persons=50_000,
            ah_policies=120_000,
            ah_claims=20_000,
            hist_claims=6_000,
            auto_policies=60_000,
            auto_claims=15_000,
            agri_policies=10_000,
            agri_claims=2_000,
            scenarios=8,
            pre2017=12,
            high_risk=5,
        ),
        Scale(
            "x10",
            n_pc=12,
            n_agri=7,
            n_life=8,
            persons=500_000,
            ah_policies=1_200_000,
            ah_claims=200_000,
            hist_claims=60_000,
            auto_policies=600_000,
            auto_claims=150_000,
            agri_policies=100_000,
            agri_claims=20_000,
            scenarios=20,
            pre2017=24,
            high_risk=12,
        ),
        Scale(  # a rung of the benchmark ladder between x10 and province (about 5.6 million policies)
            "x30",
            n_pc=18,
            n_agri=10,
            n_life=12,
            persons=1_500_000,
            ah_policies=3_600_000,
            ah_claims=600_000,
            hist_claims=180_000,
            auto_policies=1_800_000,
            auto_claims=450_000,
            agri_policies=300_000,
            agri_claims=60_000,
            scenarios=30,
            pre2017=36,
            high_risk=18,
        ),
        Scale(
            "province",
            n_pc=24,
            n_agri=14,
            n_life=16,
            persons=5_000_000,
            ah_policies=12_000_000,
            ah_claims=2_000_000,
            hist_claims=600_000,
            auto_policies=6_000_000,
            auto_claims=1_500_000,
            agri_policies=1_000_000,
            agri_claims=200_000,
            scenarios=40,
            pre2017=48,
            high_risk=25,
            dirt_rate=0.005,
        ),
    )
}
