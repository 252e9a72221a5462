"""Public claims datasets (公开数据集): screen real data and measure against its fraud labels.

The synthetic province is ours; these datasets are not, and they keep the rules honest.
``workbench evaluate-public vehicle|medicare`` brings a dataset through the same door as an
insurer's submission (column-mapping profiles under ``profiles/public/<dataset>/``, validation,
tokenization), screens it with the rule engine (the province rules that apply, plus the rules in
``sql/rules_public/``), tunes thresholds and rule weights on a fixed random half and reports on
the other half only.  Labels are read beside the data and never enter the warehouse.

Modules: :mod:`.datasets` (what a dataset is, staging and ingest), :mod:`.vehicle` and
:mod:`.medicare` (the two datasets), :mod:`.scorecard` (split, weights, AUC, lift),
:mod:`.evaluate` (the run), :mod:`.report` (tables and the report file).  See ``docs/public.md``.
"""

from __future__ import annotations

from ..errors import WorkbenchError
from .datasets import PublicDataset
from .medicare import MEDICARE
from .vehicle import VEHICLE

#: The datasets ``workbench evaluate-public`` knows, by name.
DATASETS: dict[str, PublicDataset] = {d.name: d for d in (VEHICLE, MEDICARE)}


def get_dataset(name: str) -> PublicDataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise WorkbenchError(
            f"未知的公开数据集 {name!r}，可选 {', '.join(DATASETS)} / unknown public dataset {name!r}; "
            f"known: {', '.join(DATASETS)}"
        ) from None


__all__ = ["DATASETS", "PublicDataset", "get_dataset"]
