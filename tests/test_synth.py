"""The synthetic province (模拟全省数据): layout, determinism, ground truth, defects.

Generated once per module at the ``small`` scale; every check reads the files
back the way the ingest would (CSV by encoding, xlsx with python-calamine).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from stdnum import luhn
from stdnum.cn import ric, uscc

from workbench import identifiers
from workbench.contract import KINDS
from workbench.synth import SCALES, SynthSummary, generate, ids
from workbench.synth.dirt import DIRT_TYPES, REJECTED, excel_serial, sci_notation
from workbench.synth.tables import RECORD_KEY
from workbench.synth.writer import FILE_LABELS
from workbench.taxonomy import FRAUD_KINDS

SEED = 7
KIND_OF = {v: k for k, v in FILE_LABELS.items()}
ID_TYPES_CHECKED = ("", "居民身份证")


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("province")
    return out, generate(out, seed=SEED, scale="small")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return str(v)


def encoding_of(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        raw.decode("gb18030")
        return "gb18030"


def read_table(path: Path, kind: str) -> pd.DataFrame:
    """A submitted file as text with English column names."""
    if path.suffix == ".xlsx":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        df = pd.DataFrame([[_cell(v) for v in r] for r in rows[1:]], columns=rows[0])
    elif path.suffix == ".parquet":
        df = pd.read_parquet(path)
        df = df.apply(lambda s: s.map(_cell) if s.dtype != object else s.fillna(""))
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding_of(path))
    return df.rename(columns={f.zh: f.name for f in KINDS[kind].fields})


def company_files(sub: Path):
    """(company, kind, path) of every per-company file."""
    for path in sorted(sub.glob("C*/*")):
        code, rest = path.stem.split("_", 1)
        label, _, period = (
            rest.rpartition("_") if rest[-9:-5] in ("2015", "2018") else (rest, "", "")
        )
        yield code, KIND_OF[(label, period)], path


@pytest.fixture(scope="module")
def files(province) -> dict[tuple[str, str], tuple[Path, pd.DataFrame]]:
    out, _ = province
    sub = out / "submissions"
    tables = {(c, k): (p, read_table(p, k)) for c, k, p in company_files(sub)}
    for kind, name in (
        ("platform_clue_auto", "全国车险反欺诈信息系统线索"),
        ("platform_clue_agri", "农险信息平台线索"),
    ):
        p = sub / "platform" / f"{name}.xlsx"
        tables[("platform", kind)] = (p, read_table(p, kind))
    return tables


@pytest.fixture(scope="module")
def truth(province) -> dict[str, pd.DataFrame]:
    out, _ = province
    return {
        n: pd.read_csv(
            out / "ground_truth" / f"{n}.csv",
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
        for n in ("scenarios", "records", "negatives", "dirt")
    }


def test_layout(province):
    out, summary = province
    sub, gt = out / "submissions", out / "ground_truth"
    assert sub.is_dir() and gt.is_dir()
    assert sub not in gt.parents and gt not in sub.parents and gt.parent == sub.parent
    assert (sub / "companies.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in (
        "scenarios.csv",
        "records.csv",
        "negatives.csv",
        "dirt.csv",
        "README.md",
        "summary.json",
    ):
        assert (gt / name).is_file(), name
    assert (sub / "reference" / "土地确权及存栏名册.csv").is_file()
    assert (sub / "reference" / "县域灾害事件.csv").is_file()
    assert (sub / "platform" / "全国车险反欺诈信息系统线索.xlsx").is_file()
    assert (sub / "platform" / "农险信息平台线索.xlsx").is_file()
    companies = pd.read_csv(sub / "companies.csv", dtype=str, encoding="utf-8-sig")
    assert len(companies) == SCALES["small"].n_companies == len(summary.companies)
    assert set(companies["公司类型"]) == {"财产险", "人身险"}
    for code in companies["公司代码"]:
        names = {p.name for p in (sub / code).iterdir()}
        assert any("意健险理赔_2015-2017" in n for n in names)
        assert any("附表7_联系人" in n for n in names)
    pc_agri = [c for c in summary.companies if c["type"] == "财产险" and c["agri"]]
    assert pc_agri, "small needs a P&C insurer writing auto and agri"
    assert any(
        p.name.startswith(pc_agri[0]["code"] + "_车险承保")
        for p in (sub / pc_agri[0]["code"]).iterdir()
    )


def test_headers_follow_the_contract(files):
    for (company, kind), (path, df) in files.items():
        names = [f.name for f in KINDS[kind].fields]
        cols = list(df.columns)
        assert cols == [n for n in names if n in cols], path
        required = [f.name for f in KINDS[kind].fields if f.required]
        assert set(required) <= set(cols), (path, set(required) - set(cols))
        if "company_code" in cols and company != "platform":
            assert (df["company_code"] == company).all(), path


def test_encodings(province):
    out, _ = province
    csvs = sorted((out / "submissions").glob("C*/*.csv"))
    seen = {encoding_of(p) for p in csvs}
    assert "gb18030" in seen and "utf-8-sig" in seen
    for p in csvs:
        raw = p.read_bytes()
        if encoding_of(p) == "gb18030":
            raw.decode("gb18030")
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
    assert list((out / "submissions").glob("C*/*.xlsx"))


def test_deterministic_for_a_seed(province, tmp_path):
    out, _ = province
    again = tmp_path / "again"
    generate(again, seed=SEED, scale="small")
    for p in sorted((out / "submissions").rglob("*.csv")) + sorted(
        (out / "ground_truth").glob("*.csv")
    ):
        q = again / p.relative_to(out)
        assert p.read_bytes() == q.read_bytes(), p
    other = tmp_path / "other"
    generate(other, seed=SEED + 1, scale="small")
    a = (out / "ground_truth" / "scenarios.csv").read_bytes()
    b = (other / "ground_truth" / "scenarios.csv").read_bytes()
    assert a != b


def test_spilling_the_large_tables_changes_no_file(province, tmp_path):
    """Province scale keeps its largest tables on disk until written (workbench.synth.spill):
    the same seed must give the same files, byte for byte, whether or not tables were spilled."""
    out, _ = province
    spilled = tmp_path / "spilled"
    summary = generate(spilled, seed=SEED, scale="small", spill=True)
    assert not (spilled / ".spill").exists()  # the scratch copies are removed
    files = sorted(p.relative_to(out) for p in (out / "submissions").rglob("*") if p.is_file())
    assert {f.suffix for f in files} == {".csv", ".xlsx"} and len(files) > 20
    assert sorted(p.relative_to(spilled) for p in (spilled / "submissions").rglob("*") if p.is_file()) == files

    def cells(path: Path):  # openpyxl stamps the creation time into xlsx files: compare the cells
        wb = CalamineWorkbook.from_path(str(path))
        return [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]

    for rel in files + [Path("ground_truth") / "scenarios.csv", Path("ground_truth") / "dirt.csv"]:
        if rel.suffix == ".xlsx":
            assert cells(out / rel) == cells(spilled / rel), rel
        else:
            assert (out / rel).read_bytes() == (spilled / rel).read_bytes(), rel
    assert summary.rows == province[1].rows


def test_every_fraud_kind_planted(truth, province):
    _, summary = province
    sc = truth["scenarios"]
    camp = sc[sc["period"] == "campaign"]
    for kind in FRAUD_KINDS:
        assert (camp["fraud_kind"] == kind).sum() >= 3, kind
        assert summary.scenarios[kind]["campaign"] >= 3
    pre = sc[sc["period"] == "pre2017"]
    assert set(pre["fraud_kind"]) == {
        "ah_fake_death",
        "ah_insured_while_injured",
        "ah_duplicate_receipt",
        "ah_multi_company",
    }
    covered = {c for cos in pre["companies"] for c in cos.split(";")}
    assert covered == {c["code"] for c in summary.companies}, "each A&H company self-reviews"
    assert (sc["fraud_kind"] == "medical_abuse").sum() >= 1
    assert sc["signature"].str.len().min() > 20
    assert (sc["ring_id"] != "").sum() >= 4
    for ring, members in sc[sc["ring_id"] != ""].groupby("ring_id"):
        assert len(members) >= 2, ring
    multi = sc[sc["companies"].str.contains(";")]
    assert len(multi) >= 10, "some scenarios span several companies"


def test_repair_shops_are_outliers(truth):
    sig = truth["scenarios"].query("fraud_kind == 'auto_repair_inflation'")["signature"]
    for s in sig:
        zs = [float(z) for z in re.findall(r"z=([0-9.]+)", s)]
        assert len(zs) == 2 and min(zs) >= 3.0, s


def test_ground_truth_records_exist(files, truth):
    present: dict[tuple[str, str], set[str]] = {}
    for (company, kind), (_, df) in files.items():
        if kind not in RECORD_KEY:
            continue
        keys = RECORD_KEY[kind]
        nos = df[keys[0]] if len(keys) == 1 else df[keys[0]] + "/" + df[keys[1]]
        if company == "platform":
            for c, n in zip(df["company_code"], nos, strict=True):
                present.setdefault((c, kind), set()).add(n)
        else:
            present.setdefault((company, kind), set()).update(nos)
    for name in ("records", "negatives"):
        for r in truth[name].itertuples():
            assert r.record_no in present.get((r.company_code, r.kind), set()), (name, r)
    assert set(truth["records"]["role"]) >= {"policy", "claim", "receipt", "platform_clue", "att5"}
    assert truth["records"]["scenario_id"].isin(truth["scenarios"]["scenario_id"]).all()


def test_hard_negatives(truth):
    neg = truth["negatives"]
    assert neg["negative_id"].nunique() >= 8
    text = " ".join(neg["imitates"])
    for idea in (
        "auto_staged",
        "agri_shared_account",
        "agri_duplicate",
        "ah_multi_company",
        "H4",
        "H9",
    ):
        assert idea in text, idea


def _normalise_id(v: str) -> str:
    return unicodedata.normalize("NFKC", v).replace(" ", "").upper()


def test_ids_pass_their_checksum(files, truth):
    dirt = truth["dirt"]
    bad_ok = {
        (r.file, int(r.row), r.field)
        for r in dirt.itertuples()
        if r.dirt in ("excel_trailing_zeros", "bad_checksum", "excel_sci_notation")
    }
    id15 = {(r.file, int(r.row), r.field) for r in dirt.itertuples() if r.dirt == "id15"}
    checked = 0
    for (company, kind), (path, df) in files.items():
        rel = f"{company}/{path.name}"
        for f in KINDS[kind].fields:
            if f.identifier != "id_number" or f.name not in df:
                continue
            type_col = f.name[:-3] + "_id_type" if f.name.endswith("_id") else ""
            types = df[type_col] if type_col in df else pd.Series([""] * len(df))
            for row, (v, t) in enumerate(zip(df[f.name], types, strict=True), start=2):
                v = _normalise_id(v)
                if not v or t not in ID_TYPES_CHECKED:
                    continue
                where = (rel, row, f.name)
                if where in bad_ok:
                    assert not ids.valid_ids(np.array([v[:18]]))[0] or len(v) != 18, where
                    continue
                if len(v) == 15:
                    assert where in id15, where
                    continue
                assert len(v) == 18 and ric.calc_check_digit(v) == v[-1], (where, v)
                checked += 1
    assert checked > 5_000


def test_vins_and_cards(files):
    vins, cards = [], []
    for (_, kind), (_, df) in files.items():
        if "vin" in df:
            vins += [v for v in df["vin"] if v]
        if kind in ("ah_claim", "agri_claim") and "payee_account" in df:
            cards += [v for v in df["payee_account"] if v.startswith("62")]
    assert len(vins) > 1_000
    assert ids.valid_vins(np.array(vins)).all()
    assert all(luhn.is_valid(c) for c in cards[:2_000])


def test_dirt_types_rows_and_protection(files, truth, province):
    _, summary = province
    dirt = truth["dirt"]
    assert set(dirt["dirt"]) == set(DIRT_TYPES)
    assert all(summary.dirt[d] >= 1 for d in DIRT_TYPES)
    assert ((dirt["expected"] == "rejected") == dirt["dirt"].isin(REJECTED)).all()
    protected = {
        (r.company_code, r.kind, r.record_no)
        for name in ("records", "negatives")
        for r in truth[name].itertuples()
    }
    by_file = {f"{c}/{p.name}": (k, df) for (c, k), (p, df) in files.items() if c != "platform"}
    n_rows = sum(len(df) for _, df in by_file.values())
    assert 0.003 < len(dirt) / n_rows < 0.03, "defects at a realistic low rate"
    for r in dirt.itertuples():
        kind, df = by_file[r.file]
        if kind not in RECORD_KEY:
            continue
        i = int(r.row) - 2
        row = df.iloc[i]
        keys = RECORD_KEY[kind]
        no = "/".join(str(row[k]) for k in keys)
        if r.dirt == "duplicate_row":
            assert (df.iloc[i - 1] == row).all(), r
        if r.expected == "rejected":
            assert (r.company_code, kind, no) not in protected, r
        value = str(row[r.field]) if r.field else ""
        if r.dirt == "fullwidth_digits":
            assert any("０" <= ch <= "９" for ch in value), r
        elif r.dirt == "lowercase_x":
            assert value.endswith("x"), r
        elif r.dirt == "id15":
            assert len(value) == 15 and value.isdigit(), r
        elif r.dirt == "excel_sci_notation":
            assert re.fullmatch(r"\d\.\d{5}E\+\d{2}", value), r
        elif r.dirt == "excel_trailing_zeros":
            assert value.endswith("000") and len(value) == 18, r
        elif r.dirt == "missing_required":
            assert value == "" and KINDS[kind].field(r.field).required, r
        elif r.dirt == "bad_enum":
            assert value not in KINDS[kind].field(r.field).allowed, r


def test_dirt_helpers():
    assert excel_serial("2019-01-05") == "43470"
    assert excel_serial("2019-01-01") == "43466"
    assert sci_notation("220102199001011239") == "2.20102E+17"


def test_vectorized_ids_match_the_reference():
    rng = np.random.default_rng(3)
    n = 300
    region = rng.choice([220102, 222401, 220381, 110105], n)
    birth = np.datetime64("1940-01-01") + rng.integers(0, 28_000, n)
    seq = rng.integers(0, 1000, n)
    made = ids.make_ids(region, birth, seq)
    for r, b, s, m in zip(region, birth, seq, made, strict=True):
        assert m == identifiers.make_id_number(str(r), dt.date.fromisoformat(str(b)), int(s))
        assert ric.calc_check_digit(m) == m[-1]
        assert identifiers.check_id_number(ids.to_id15(m)).value == m or m[6:8] != "19"
    cards = ids.make_cards(rng.choice([622202, 621700], n), rng.integers(0, 10**12, n))
    assert all(luhn.is_valid(c) for c in cards)
    assert all(identifiers.luhn_complete(c[:-1]) == c for c in cards[:50])
    vins = ids.make_vins(
        np.array(["LFV"] * n),
        ids.random_chars(rng, ids.VIN_ALPHABET, n, 5),
        ids.random_chars(rng, ids.VIN_ALPHABET, n, 8),
    )
    for v in vins:
        assert identifiers.vin_check_digit(v) == v[8]
    for _ in range(50):
        code = ids.make_uscc(rng, "220122", "93")
        uscc.validate(code)
        assert identifiers.check_uscc(code).status == "ok"


def test_summary(province):
    out, summary = province
    text = summary.to_text()
    assert "planted scenarios" in text and "植入场景" in text and "hard negatives" in text
    d = summary.to_dict()
    assert d["rows"]["ah_policy"] > 5_000 and d["files"] > 20
    assert set(d["dirt"]) == set(DIRT_TYPES)
    assert (out / "ground_truth" / "summary.json").read_text(encoding="utf-8").startswith("{")


def test_parquet_format(tmp_path):
    out = tmp_path / "pq"
    summary = generate(out, seed=SEED, scale="small", fmt="parquet")
    pq_files = sorted((out / "submissions").glob("C*/*.parquet"))
    assert pq_files and not list((out / "submissions").glob("C*/*.csv"))
    df = pd.read_parquet(pq_files[0])
    assert "公司代码" in df.columns
    dirt = pd.read_csv(out / "ground_truth" / "dirt.csv", dtype=str, encoding="utf-8-sig")
    assert dirt["file"].str.endswith(".parquet").all()
    assert summary.fmt == "parquet"


def _clean_rows(kind: str, df: pd.DataFrame, rel: str, dirt: pd.DataFrame) -> pd.DataFrame:
    """The rows of one file without any injected defect."""
    rows = {int(r) for r in dirt.loc[dirt["file"] == rel, "row"]}
    keep = [i + 2 not in rows for i in range(len(df))]
    return df[keep]


def test_windows_and_cross_field_checks(files, truth):
    """Clean rows respect the upload windows and the contract's cross-field checks, so no
    planted record is lost at ingest."""
    dirt = truth["dirt"]
    for (company, kind), (path, df) in files.items():
        k = KINDS[kind]
        if company == "platform" or not k.window_field:
            continue
        clean = _clean_rows(kind, df, f"{company}/{path.name}", dirt)
        dates = clean[k.window_field].str[:10]
        lo, hi = (
            ("2015-01-01", "2017-12-31") if k.window == "review" else ("2018-07-01", "2019-06-30")
        )
        assert dates.between(lo, hi).all(), (path, dates[~dates.between(lo, hi)].head())
        for check in k.checks:
            if check.left not in clean or check.right not in clean:
                continue
            a, b = clean[check.left], clean[check.right]
            both = (a != "") & (b != "")
            if k.field(check.left).type == "amount":
                ok = a[both].astype(float) <= b[both].astype(float) + 1e-6
            else:
                ok = a[both].str[:10] <= b[both].str[:10]
            assert ok.all(), (
                path,
                check.en,
                clean[both][~ok.to_numpy()].head(3).to_dict("records"),
            )


def test_docs_describe_every_kind_and_defect():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "synthetic.md").read_text(
        encoding="utf-8"
    )
    for name in list(FRAUD_KINDS) + list(DIRT_TYPES) + list(SCALES):
        assert f"`{name}`" in doc or f"| {name} |" in doc, name
