"""What a generation run produced (生成结果摘要), for the CLI and ``summary.json``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..contract import KINDS
from ..taxonomy import FRAUD_KINDS, HIGH_RISK_CATEGORIES


@dataclass
class SynthSummary:
    """Counts of one synthetic province: companies, files, rows, scenarios, negatives, dirt."""

    out_dir: str
    seed: int
    scale: str
    fmt: str
    companies: list[dict] = field(default_factory=list)
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    scenarios: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> period -> n
    rings: int = 0
    negatives: int = 0
    negative_records: int = 0
    dirt: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    def to_text(self) -> str:
        pc = sum(1 for c in self.companies if c["type"] == "财产险")
        life = len(self.companies) - pc
        lines = [
            f"模拟全省数据 synthetic province: scale={self.scale} seed={self.seed} "
            f"format={self.fmt} → {self.out_dir}",
            f"公司 companies: {len(self.companies)} (财产险 P&C {pc}, 人身险 life {life}); "
            f"文件 files: {self.files}; 用时 seconds: {self.seconds:.1f}",
            "",
            "== 各类数据行数 rows per kind ==",
        ]
        for kind, n in self.rows.items():
            lines.append(f"  {kind:<22} {KINDS[kind].zh:<28} {n:>10,}")
        lines += ["", "== 植入场景 planted scenarios (当期 campaign / 2017年及以前 pre2017) =="]
        for kind, per in self.scenarios.items():
            zh = (
                FRAUD_KINDS[kind].zh
                if kind in FRAUD_KINDS
                else HIGH_RISK_CATEGORIES.get(kind, kind)
            )
            lines.append(
                f"  {kind:<26} {zh:<16} campaign {per.get('campaign', 0):>4}  "
                f"pre2017 {per.get('pre2017', 0):>4}"
            )
        lines += [
            f"  团伙 rings: {self.rings}",
            "",
            f"困难负样本 hard negatives: {self.negatives} (records 记录 {self.negative_records})",
            "",
            "== 脏数据 dirty rows per type (expected outcome) ==",
        ]
        from .dirt import REJECTED

        for dirt, n in self.dirt.items():
            outcome = "rejected 拒收" if dirt in REJECTED else "normalised 自动规范"
            lines.append(f"  {dirt:<22} {n:>7,}  {outcome}")
        return "\n".join(lines)
