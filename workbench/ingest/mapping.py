"""Recognise a file's kind and map its headers onto the contract (识别数据类型与表头映射).

The kind comes from an explicit ``--kind``, or from the headers: the kind whose
fields the headers match best, requiring every required column.  Twin kinds
with the same headers (current vs. pre-2017 claims) are told apart by words in
the file name.  Insurers whose systems export other headers supply a small
**column-mapping profile** (YAML)::

    company: C05                 # optional: profile applies to this company
    kind: ah_policy              # optional: profile applies to this kind
    columns:                     # their header -> contract field (English name or Chinese header)
      客户证件号: insured_id
      保额: sum_insured
    values:                      # optional value translations per field
      line: {意外: 意外险, 健康: 医疗险}
    defaults:                    # optional constant for a column the file lacks
      insured_id_type: 居民身份证
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..contract import KINDS, Kind, get_kind
from ..errors import IngestError
from .scrub import shown


@dataclass
class Profile:
    """A column-mapping profile (表头映射配置)."""

    name: str
    company: str | None = None
    kind: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


PROFILE_KEYS = {"company", "kind", "columns", "values", "defaults", "description", "notes"}


def load_profile(path: str | Path) -> Profile:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise IngestError(f"表头映射配置无法读取 / cannot read mapping profile {path}: {exc}") from exc
    unknown = set(raw) - PROFILE_KEYS
    if unknown:
        raise IngestError(f"表头映射配置 {path.name} 有未知项 / unknown keys in profile: {sorted(unknown)}")
    kind = raw.get("kind")
    if kind:
        kind = get_kind(kind).name
    return Profile(path.stem, raw.get("company"), kind, {str(k): str(v) for k, v in (raw.get("columns") or {}).items()},
                   {str(k): {str(a): str(b) for a, b in v.items()} for k, v in (raw.get("values") or {}).items()},
                   {str(k): str(v) for k, v in (raw.get("defaults") or {}).items()})


def _norm(h: str) -> str:
    return unicodedata.normalize("NFKC", str(h)).strip().replace(" ", "").lower()


def header_index(kind: Kind) -> dict[str, str]:
    """Every accepted header (normalised) → field name."""
    out = {}
    for f in kind.fields:
        for h in f.headers:
            out[_norm(h)] = f.name
    return out


@lru_cache(maxsize=1)
def _all_headers() -> frozenset[str]:
    return frozenset(_norm(h) for kind in KINDS.values() for f in kind.fields for h in f.headers)


def is_known_header(h: str) -> bool:
    """Whether ``h`` is a header of some contract kind (any accepted spelling)."""
    return _norm(h) in _all_headers()


def display_header(h: str) -> str:
    """A header as messages may quote it: a known header as it is, anything else through
    :func:`~workbench.ingest.scrub.shown` — a file without a header row has its first data row
    here, names, ID numbers and phones included."""
    return h if is_known_header(h) else shown(str(h), headers=True)


@dataclass
class Mapping:
    kind: Kind
    columns: dict[int, str]  # file column index -> field name
    ignored: list[str]  # headers not in the contract
    missing_required: list[str]  # Chinese headers of required fields the file lacks
    defaults: dict[str, str]


def map_headers(kind: Kind, headers: list[str], profile: Profile | None = None) -> Mapping:
    index = header_index(kind)
    renames = {}
    if profile:
        for theirs, ours in profile.columns.items():
            target = index.get(_norm(ours))
            if target is None:
                raise IngestError(
                    f"表头映射配置 {profile.name} 把“{theirs}”映射到未知字段“{ours}” / profile {profile.name} maps "
                    f"'{theirs}' to unknown field '{ours}' of {kind.name}"
                )
            renames[_norm(theirs)] = target
    columns, ignored, seen = {}, [], {}
    for i, h in enumerate(headers):
        key = _norm(h)
        name = renames.get(key) or index.get(key)
        if name is not None and name in seen:  # which of two columns holds the data? the clerk must say
            j = seen[name]
            raise IngestError(
                f"表头重复：第{j + 1}列“{display_header(headers[j])}”和第{i + 1}列“{display_header(h)}”都是"
                f"“{kind.field(name).zh}”，请删除或改名其中一列后重新报送 / columns {j + 1} and {i + 1} are both "
                f"{name}: delete or rename one of them")
        if name is None:
            if h:
                ignored.append(display_header(h))
            continue
        columns[i] = name
        seen[name] = i
    defaults = dict(profile.defaults) if profile else {}
    missing = [f.zh for f in kind.fields if f.required and f.name not in seen and f.name not in defaults]
    return Mapping(kind, columns, ignored, missing, defaults)


def detect_kind(headers: list[str], file_name: str, profile: Profile | None = None) -> Mapping:
    """The kind whose fields the headers match best; ties between twins broken by file name."""
    if profile and profile.kind:
        return map_headers(KINDS[profile.kind], headers, profile)
    scored = []
    # the public-dataset extension kinds are loaded through their profiles only (evaluate-public):
    # a province file missing a column must not be taken for one of them
    candidates = [k for k in KINDS.values() if k.group != "public"]
    for kind in candidates:
        try:
            m = map_headers(kind, headers, profile)
        except IngestError:
            continue
        if not m.missing_required and m.columns:
            scored.append((len(m.columns) / len(kind.fields), len(m.columns), m))
    if not scored:
        best = max(candidates, key=lambda k: len(map_headers(k, headers).columns))
        m = map_headers(best, headers)
        quoted = "、".join(display_header(h) for h in headers[:8] if h)
        missing_en = ", ".join(f"{f.zh} ({f.name})" for f in best.fields if f.zh in m.missing_required)
        n_required = sum(1 for f in best.fields if f.required)
        present = n_required - len(m.missing_required)
        if len(m.columns) >= 3 and present >= max(2, 2 * n_required // 3):  # clearly that kind, columns missing
            raise IngestError(
                f"缺少必填列：{'、'.join(m.missing_required)}。本文件是“{best.zh}”，请按模板补齐这些列后重新报送"
                f"(workbench template {best.name} 生成模板) / missing required columns for {best.name}: "
                f"{missing_en}; add them as in the template and send the file again"
            )
        raise IngestError(
            f"无法识别数据类型：表头({quoted}…)与任何报送模板都不符"
            + (f"；最接近“{best.zh}”，但缺少必填列：{'、'.join(m.missing_required)}" if m.columns else "")
            + "。请使用 workbench template 生成的模板表头，或用 --kind 指定类型、用 --profile 提供表头映射 / "
            f"cannot recognise the kind from the headers; closest is {best.name}, missing required columns: "
            f"{', '.join(f.name for f in best.fields if f.zh in m.missing_required)}. Use the template headers, "
            "or pass --kind and a --profile"
        )
    top_cover = max(s[1] for s in scored)
    top = [s for s in scored if s[1] == top_cover]
    top.sort(key=lambda s: -s[0])
    tied = [s for s in top if s[0] == top[0][0]]
    if len(tied) > 1:
        lowered = file_name.lower()
        hinted = [s for s in tied if any(h.lower() in lowered for h in s[2].kind.file_hints)]
        plain = [s for s in tied if not s[2].kind.file_hints]
        chosen = hinted[0] if hinted else (plain[0] if plain else tied[0])
        return chosen[2]
    return top[0][2]
