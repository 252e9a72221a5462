"""Validate, normalise and desensitize one file's rows (逐行校验、规范化、脱敏).

Works column by column over DISTINCT values (see :mod:`values`), so the cost
is proportional to the number of distinct values, not rows × checks.  The
result is the warehouse-shaped frame of accepted rows, one reject record per
(row, reason), and one note per normalisation or warning.  Raw identifiers
exist only inside this function's locals: what leaves it is tokens and masks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import identifiers as ids
from ..config import Campaign
from ..contract import COMPANY_FIELD, Field, Kind
from ..protect import Tokenizer, mask
from ..schema import table_columns
from . import fastpath
from . import values as V
from .mapping import Mapping
from .reader import RawTable
from .scrub import scrub

ISSUE_COLUMNS = ["idx", "field", "code", "zh", "en", "value_mask"]
ID_CARD = "居民身份证"


@dataclass
class Validated:
    table: pd.DataFrame  # accepted rows, warehouse columns (without _batch_id)
    rejects: pd.DataFrame  # row, field, header, code, reason_zh, reason_en, value_mask
    notes: pd.DataFrame  # row, field, severity, code, note_zh, note_en
    rows_read: int
    rows_normalised: int
    rows_warned: int


def _safe_mask(id_type: str | None, raw: str) -> str:
    """Masked form of an offending value: never the whole identifier."""
    s = ids.normalize_text(raw)
    if not id_type:
        return s[:60]
    if id_type == "name":
        return (s[:1] + "*" * max(1, len(s) - 1)) if s else ""
    if len(s) <= 5:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 5) + s[-2:]


def _factorize(series: pd.Series):
    codes, uniques = pd.factorize(series, sort=False)
    return codes, (uniques.to_numpy(dtype=object) if hasattr(uniques, "to_numpy") else np.asarray(uniques, dtype=object))


class _Collector:
    """Gathers issues as arrays, turned into frames once at the end."""

    def __init__(self):
        self.parts: list[pd.DataFrame] = []

    def add(self, idx: np.ndarray, field: str | None, codes, zh, en, value_mask) -> None:
        if len(idx):
            self.parts.append(pd.DataFrame({"idx": idx, "field": field, "code": codes, "zh": zh, "en": en,
                                            "value_mask": value_mask}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        return pd.concat(self.parts, ignore_index=True)


def _apply(series: pd.Series, fn, fast=None):
    """Run ``fn`` once per distinct value; return (values array, codes array).

    ``fast(uniques) -> mask`` (or ``(mask, values)``) marks distinct values that are valid as they
    are (see :mod:`fastpath`); only the others go through ``fn``.
    """
    codes, uniques = _factorize(series)
    uniq = np.asarray(uniques, dtype=object)
    vals = np.empty(len(uniq), dtype=object)
    rcodes = np.empty(len(uniq), dtype=object)
    done = np.zeros(len(uniq), dtype=bool)
    if fast is not None and len(uniq):
        got = fast(pd.Series(uniq, dtype="string"))
        if isinstance(got, tuple):
            done, fast_vals = got
            vals[done] = fast_vals[done]
        else:
            done = got
            vals[done] = uniq[done]
        rcodes[done] = "ok"
    for i in np.flatnonzero(~done):
        vals[i], rcodes[i] = fn(uniq[i])
    return vals[codes], rcodes[codes]


def _record(col: _Collector, notes: _Collector, f: Field, codes: np.ndarray, raw: pd.Series) -> np.ndarray:
    """File errors and normalisations of one column; return the mask of rows in error."""
    uniq = pd.unique(codes)
    error = np.zeros(len(codes), dtype=bool)
    for code in uniq:
        if code in ("ok", "empty"):
            continue
        sev, zh, en = V.MESSAGES[code]
        sel = np.flatnonzero(codes == code)
        target = col if sev == "error" else notes
        vm = [_safe_mask(f.identifier, raw.iat[i]) for i in sel] if sev == "error" else None
        if code == "bad_enum" and f.allowed:  # say which values are allowed
            zh = f"{zh}，可选：{'、'.join(f.allowed)}"
            en = f"{en}: {', '.join(f.allowed)}"
        target.add(sel, f.name, code, f"{f.zh}：{zh}", f"{f.name}: {en}", vm)
        if sev == "error":
            error[sel] = True
    return error


def validate(raw: RawTable, mapping: Mapping, campaign: Campaign, tokenizer: Tokenizer,
             company: str | None, profile_values: dict[str, dict[str, str]] | None = None) -> Validated:
    kind: Kind = mapping.kind
    n = len(raw.data)
    frame = pd.DataFrame(index=range(n))
    for i, name in mapping.columns.items():
        frame[name] = raw.data[i].values
    for name, value in mapping.defaults.items():
        if name not in frame:
            frame[name] = value
    for f in kind.fields:
        if f.name not in frame:
            frame[f.name] = ""
    errors, notes = _Collector(), _Collector()
    out: dict[str, np.ndarray] = {}
    parsed: dict[str, np.ndarray] = {}
    header_of = {name: raw.headers[i] for i, name in mapping.columns.items()}
    pv = profile_values or {}
    max_amount = campaign.max_amount

    for f in kind.fields:
        col = frame[f.name].astype(str)
        if f.identifier:
            continue  # identifiers below, once their ID-type column is known
        if f.type == "text":
            vals, codes = _apply(col, V.parse_text, fastpath.plain_text)
        elif f.type == "code":
            if f.check == "uscc":
                def fn(u):
                    c = ids.check_uscc(u)
                    return (c.value, "ok" if c.status in ("ok", "normalised") else "uscc:" + c.code)
                vals, codes = _apply(col, fn)
            else:
                vals, codes = _apply(col, lambda u, ch=f.check: V.parse_code(u, ch),
                                     lambda u, ch=f.check: fastpath.codes(u, ch))
        elif f.type == "enum":
            extra = pv.get(f.name)
            vals, codes = _apply(col, lambda u, a=f.allowed, x=extra: V.parse_enum(u, a, x))
        elif f.type in ("date", "datetime"):
            vals, codes = _apply(col, lambda u, t=(f.type == "datetime"): V.parse_datetime(u, t),
                                 lambda u, t=(f.type == "datetime"): fastpath.iso_dates(u, t))
        elif f.type in ("amount", "number", "int"):
            hi = f.max if f.max is not None else (max_amount if f.type == "amount" else None)
            def fast_num(u, i=(f.type == "int"), lo=f.min, h=hi):
                ok, parsed = fastpath.amounts(u, i)
                ok &= ~((lo is not None) & (parsed < (lo if lo is not None else 0)))
                if h is not None:
                    ok &= ~(parsed > h)
                out = parsed.astype(object)
                if i:
                    out = np.array([int(x) if x == x else None for x in parsed], dtype=object)
                return ok, out
            vals, codes = _apply(col, lambda u, i=(f.type == "int"), lo=f.min, h=hi: V.parse_number(u, i, lo, h),
                                 fast_num)
        elif f.type == "list":
            vals, codes = _apply(col, V.parse_list)
        else:  # pragma: no cover - contract test guards the types
            raise AssertionError(f.type)
        # USCC verdicts come from identifiers.py with their own messages
        uniq_codes = pd.unique(codes)
        if any(isinstance(c, str) and c.startswith("uscc:") for c in uniq_codes):
            uscc_err = pd.Series(codes, dtype=object).str.startswith("uscc:").fillna(False).to_numpy(dtype=bool)
            sel = np.flatnonzero(uscc_err)
            for i in sel:
                c = ids.check_uscc(col.iat[i])
                errors.add(np.array([i]), f.name, c.code, [f"{f.zh}：{c.zh}"], [f"{f.name}: {c.en}"],
                           [_safe_mask(None, col.iat[i])])
            codes = codes.copy()
            codes[sel] = "ok"
        _record(errors, notes, f, codes, col)
        parsed[f.name] = vals
        out[f.name] = vals

    # --- identifiers: check, normalise, tokenize, mask --------------------------------------
    for f in kind.identifiers:
        col = frame[f.name].astype(str)
        if f.identifier == "id_number":
            type_field = f.name + "_type"
            id_types = parsed.get(type_field)
            if id_types is None:
                is_card = np.ones(n, dtype=bool)
            else:
                t = pd.Series(id_types, dtype=object)
                is_card = (t.isna() | (t == ID_CARD)).to_numpy(dtype=bool)
            keyed = pd.Series(np.where(is_card, "C|", "O|"), dtype=object) + col.values

            def check(u):
                flag, value = u[:2], u[2:]
                if flag == "C|":
                    return ids.check_id_number(value)
                text = ids.normalize_text(value).replace(" ", "").upper()
                return ids.Checked(text or None, "ok", "ok" if text else "empty", "", "")
            series = keyed
        else:
            check = ids.CHECKERS.get(f.identifier) or (lambda u: ids.Checked(
                ids.normalize_text(u) or None, "ok", "ok" if ids.normalize_text(u) else "empty", "", ""))
            series = col
        codes_idx, uniques = _factorize(series)
        uniques = np.asarray(uniques, dtype=object)
        fast = fastpath.IDENTIFIER_FAST.get(f.identifier)
        results = np.empty(len(uniques), dtype=object)
        done = np.zeros(len(uniques), dtype=bool)
        if fast is not None and len(uniques):
            plain = pd.Series(uniques, dtype="string")
            if f.identifier == "id_number":  # only ID-card values (prefixed 'C|') take the checksum path
                card = plain.str.startswith("C|").fillna(False).to_numpy(dtype=bool)
                done = card & fast(plain.str.slice(2))
                for i in np.flatnonzero(done):
                    results[i] = ids.Checked(uniques[i][2:], "ok", "ok", "", "")
            else:
                done = fast(plain)
                for i in np.flatnonzero(done):
                    results[i] = ids.Checked(uniques[i], "ok", "ok", "", "")
        for i in np.flatnonzero(~done):
            results[i] = check(uniques[i])
        values = np.array([r.value for r in results], dtype=object)
        status = np.array([r.status for r in results], dtype=object)
        # one issue record per kind of problem (not per distinct value)
        groups: dict[tuple, list[int]] = {}
        for u_i in np.flatnonzero(status != "ok"):
            r = results[u_i]
            if f.identifier == "name" and r.code == "name_format":
                # a payee or agent may be an organisation: keep the name, but warn
                r = ids.Checked(ids.normalize_text(uniques[u_i]).replace(" ", "") or None, "warning", "name_format",
                                "姓名含数字或不是人名(可能为机构名称)，已保留，请核对", "not a personal name (an organisation?); kept")
                results[u_i], values[u_i], status[u_i] = r, r.value, "warning"
            if r.status == "error":
                key = ("error", r.code, f"{f.zh}：{r.zh}", f"{f.name}: {r.en}")
            else:
                sev = "warning" if r.status == "warning" else "normalised"
                zh = r.zh or "已自动规范化：" + "、".join(r.changes)
                key = (sev, f"{sev}:{r.code}", f"{f.zh}：{zh}", f"{f.name}: {r.en or ', '.join(r.changes)}")
            groups.setdefault(key, []).append(u_i)
        for (sev, code, zh, en), members in groups.items():
            sel = np.flatnonzero(np.isin(codes_idx, members))
            if sev == "error":
                errors.add(sel, f.name, code, zh, en, [_safe_mask(f.identifier, col.iat[i]) for i in sel])
            else:
                notes.add(sel, f.name, code, zh, en, None)
        row_values = values[codes_idx]
        row_status = status[codes_idx]
        # tokens and masks, once per distinct normalised value
        tcodes, tuniques = pd.factorize(pd.Series(row_values, dtype=object), use_na_sentinel=True)
        tuniques = np.asarray(tuniques, dtype=object)
        toks = np.array(tokenizer.token_many(f.identifier, tuniques), dtype=object)
        masks = fastpath.masks(f.identifier, tuniques, mask)
        has = tcodes >= 0
        take = np.maximum(tcodes, 0)
        out[f"{f.name}_token"] = np.where(has, toks[take] if len(toks) else None, None)
        out[f"{f.name}_mask"] = np.where(has, masks[take] if len(masks) else None, None)
        if f.identifier == "id_number":
            for suffix, arr in fastpath.id_facts(tuniques).items():
                out[f"{f.name}_{suffix}"] = np.where(has, arr[take] if len(arr) else None, None)
        parsed[f.name] = np.where(row_status == "error", None, row_values)

    # --- free text: mask identifiers written into prose ------------------------------------
    free = [f for f in kind.fields if f.free_text and f.name in parsed]
    if free:
        ident_raw = {f.name: frame[f.name].astype(str).to_numpy() for f in kind.identifiers}
        for f in free:
            vals = parsed[f.name]
            rows = np.flatnonzero(pd.notna(pd.Series(vals, dtype=object)).to_numpy())
            changed = []
            for i in rows:  # free-text columns are short forms (attachments, feedback), not bulk data
                known = [(g.identifier, ident_raw[g.name][i].strip()) for g in kind.identifiers]
                clean = scrub(vals[i], known)
                if clean != vals[i]:
                    vals[i] = clean
                    changed.append(i)
            if changed:
                notes.add(np.array(changed), f.name, "normalised:text_scrubbed",
                          f"{f.zh}：文中的姓名、证件号等个人信息已脱敏", f"{f.name}: identifiers in the text masked", None)
            out[f.name] = vals

    # --- required fields ------------------------------------------------------------------
    err_frame = errors.frame()
    already = set(zip(err_frame["idx"], err_frame["field"], strict=False)) if len(err_frame) else set()
    for f in kind.fields:
        if not f.required:
            continue
        vals = parsed[f.name]
        empty = pd.isna(pd.Series(vals, dtype=object)).to_numpy(dtype=bool)
        sel = [i for i in np.flatnonzero(empty) if (i, f.name) not in already]
        if sel:
            sev, zh, en = V.MESSAGES["missing_required"]
            errors.add(np.array(sel), f.name, "missing_required", f"{f.zh}：{zh}", f"{f.name}: {en}", "")

    # --- company of each row ----------------------------------------------------------------
    if kind.has_company and company:
        comp = parsed[COMPANY_FIELD]
        cs = pd.Series(comp, dtype=object)
        sel = np.flatnonzero((cs.notna() & (cs != company)).to_numpy(dtype=bool))
        errors.add(sel, COMPANY_FIELD, "company_mismatch",
                   f"公司代码与本文件所属公司({company})不一致，每家公司只能报送本公司数据",
                   f"company code differs from the file's company ({company}); send your own records only",
                   [str(comp[i]) for i in sel])

    # --- cross-field checks -----------------------------------------------------------------
    for c in kind.checks:
        left, right = _comparable(parsed[c.left]), _comparable(parsed[c.right])
        both = ~(pd.isna(left) | pd.isna(right))
        if not both.any():  # a column the file lacks (all empty): nothing to compare, and no dtype to compare by
            continue
        bad = np.flatnonzero(both & (left > right))
        errors.add(bad, c.left, "cross_field", f"{kind.field(c.left).zh}/{kind.field(c.right).zh}：{c.zh}",
                   f"{c.left}/{c.right}: {c.en}", "")

    # --- campaign window --------------------------------------------------------------------
    if kind.window_field:
        start, end = ((campaign.window_start, campaign.window_end) if kind.window == "campaign"
                      else (campaign.review_start, campaign.review_end))
        d = _comparable(parsed[kind.window_field])
        ok = pd.isna(d) | ((d >= pd.Timestamp(start)) & (d < pd.Timestamp(end) + pd.Timedelta(days=1)))
        bad = np.flatnonzero(~ok)
        wf = kind.field(kind.window_field)
        errors.add(bad, kind.window_field, "out_of_window",
                   f"{wf.zh}不在本次报送期间({start}至{end})内，请只报送期间内的数据",
                   f"{kind.window_field} outside the window {start}..{end}", "")

    # --- duplicates on the natural key (among rows not otherwise rejected) -----------------
    err_frame = errors.frame()
    rejected = np.zeros(n, dtype=bool)
    if len(err_frame):
        rejected[err_frame["idx"].astype(int).values] = True
    key_cols = []
    for k in kind.key:
        f = kind.field(k)
        key_cols.append(out[f"{k}_token"] if f.identifier else parsed[k])
    if key_cols and n:
        key = pd.DataFrame({str(i): pd.Series(v, dtype=object).astype(str) for i, v in enumerate(key_cols)})
        key["_ok"] = ~rejected
        live = key[key["_ok"]].drop(columns="_ok")
        dup = live.duplicated(keep="first")
        if dup.any():
            first_row = raw.rows.iloc[live.index].groupby([live[c] for c in live.columns], sort=False).transform("first")
            sel = live.index[dup.values].to_numpy()
            firsts = first_row[dup.values].to_numpy()
            key_zh, key_en = "、".join(kind.field(k).zh for k in kind.key), ", ".join(kind.key)
            errors.add(sel, None, "duplicate_row", [f"与第{r}行重复(相同的{key_zh})" for r in firsts],
                       [f"duplicate of row {r} (same {key_en})" for r in firsts], "")
            rejected[sel] = True

    # --- assemble ---------------------------------------------------------------------------
    err_frame = errors.frame()
    note_frame = notes.frame()
    if len(note_frame):
        note_frame = note_frame[~rejected[note_frame["idx"].astype(int).values]]
    rows = raw.rows.to_numpy()
    keep = ~rejected
    table = pd.DataFrame({"_row": rows[keep]})
    for name, typ in table_columns(kind):
        if name in ("_batch_id", "_row"):
            continue
        arr = out.get(name)
        table[name] = _typed(arr[keep] if arr is not None else np.full(keep.sum(), None, dtype=object), typ)
    rejects = pd.DataFrame({
        "row": rows[err_frame["idx"].astype(int).values] if len(err_frame) else [],
        "field": err_frame["field"].values,
        "header": [header_of.get(f) if f else None for f in err_frame["field"]],
        "code": err_frame["code"].values, "reason_zh": err_frame["zh"].values, "reason_en": err_frame["en"].values,
        "value_mask": err_frame["value_mask"].values,
    })
    note_out = pd.DataFrame({
        "row": rows[note_frame["idx"].astype(int).values] if len(note_frame) else [],
        "field": note_frame["field"].values,
        "severity": [("warning" if str(c).startswith("warning:") else "normalised") for c in note_frame["code"]],
        "code": [str(c).split(":", 1)[-1] for c in note_frame["code"]],
        "note_zh": note_frame["zh"].values, "note_en": note_frame["en"].values,
    })
    warned_rows = note_out.loc[note_out["severity"] == "warning", "row"].nunique()
    normalised_rows = note_out.loc[note_out["severity"] == "normalised", "row"].nunique()
    return Validated(table, rejects.sort_values(["row"], kind="stable").reset_index(drop=True), note_out,
                     n, int(normalised_rows), int(warned_rows))


def _comparable(arr: np.ndarray) -> pd.Series:
    """Dates, datetimes and numbers as one comparable series (NaT/NaN for missing)."""
    s = pd.Series(arr, dtype=object)
    sample = next((v for v in arr if v is not None), None)
    if isinstance(sample, dt.date | dt.datetime):
        return pd.to_datetime(s, errors="coerce")
    return pd.to_numeric(s, errors="coerce")


def _typed(arr: np.ndarray, sql_type: str) -> pd.Series:
    s = pd.Series(arr, dtype=object)
    if sql_type == "DATE":
        return pd.to_datetime(s, errors="coerce").dt.date.astype(object).where(s.notna(), None)
    if sql_type == "TIMESTAMP":
        return pd.to_datetime(s, errors="coerce")
    if sql_type == "DOUBLE":
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if sql_type == "BIGINT":
        return pd.to_numeric(s, errors="coerce").astype("Int64")
    return s
