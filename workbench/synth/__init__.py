"""The synthetic province (模拟全省报送数据): submissions plus ground truth.

``generate(out_dir, seed, scale, fmt)`` builds a Jilin-like province of
insurers, persons, vehicles, farms and hospitals, writes every company's
submissions as they would really arrive (xlsx, CSV in UTF-8 or GB18030,
realistic defects) and, beside them, the ground truth of planted fraud
scenarios, hard negatives and defects that evaluations measure rules against.
"""

from .generator import generate
from .scales import SCALES, Scale
from .summary import SynthSummary

__all__ = ["SCALES", "Scale", "SynthSummary", "generate"]
