"""The synthetic province's population and market (人口、机构与市场).

Persons live in households (家庭): two adults, children, sometimes an elderly
parent; family members share a surname, a region, sometimes one phone
(家庭电话) and sometimes one payee account (家庭共用账户) — the latter is a
classic hard negative for "one account, many insureds" rules.  Everything is
built with whole-array numpy operations so that five million persons take
seconds, not hours.  Insurers, hospitals, repair shops, villages, agents and
surveyors are built here too, so the background and the planted scenarios
draw on the same world.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import ids
from . import reference as ref
from .common import AS_OF, DAY, mobiles, person_names, random_surnames
from .scales import Scale

#: File format profiles (报送格式): (underwriting files, other files).
FORMAT_PROFILES = {
    "A": ("xlsx", "utf-8-sig"),
    "B": ("gb18030", "gb18030"),
    "C": ("utf-8", "utf-8"),
    "D": ("utf-8-sig", "utf-8-sig"),
    "E": ("xlsx", "xlsx"),
    "F": ("xlsx", "gb18030"),
}


@dataclass
class Company:
    """One insurer's provincial branch (保险公司省级分公司)."""

    code: str
    name: str
    type: str  # 财产险 / 人身险
    city: str
    agri: bool
    share: float  # market-share weight within its type
    profile: str  # key of FORMAT_PROFILES
    prefix: str  # letters that start its policy and claim numbers
    numeric: bool  # whether its numbers are all digits
    drop: dict[str, tuple[str, ...]] = field(default_factory=dict)  # optional columns omitted

    @property
    def pc(self) -> bool:
        return self.type == "财产险"

    @property
    def ah_lines(self) -> tuple[str, ...]:
        return ("意外险", "医疗险") if self.pc else ("寿险", "重疾险", "意外险", "医疗险")


class Numbers:
    """Policy and claim numbers (保单号/赔案号), unique per company and tag.

    Sequence numbers are scrambled so a record's number does not reveal whether it
    was made for the background or for a planted scenario.
    """

    def __init__(self, rng: np.random.Generator, companies: list[Company]):
        self._rng = rng
        self._next: dict[tuple[str, str], int] = {}
        self._offset: dict[tuple[str, str], int] = {}
        self._co = {c.code: c for c in companies}

    def take(
        self, company: str, tag: str, years: np.ndarray | int, n: int | None = None, digits: int = 8
    ) -> np.ndarray:
        years = np.atleast_1d(np.asarray(years))
        n = len(years) if n is None else n
        years = np.broadcast_to(years, (n,)).astype(str)
        key = (company, tag)
        if key not in self._offset:
            self._offset[key] = int(self._rng.integers(0, 10**digits))
            self._next[key] = 0
        start = self._next[key]
        self._next[key] = start + n
        seq = ids.scramble(np.arange(start, start + n), 10**digits, self._offset[key])
        seq_s = np.char.zfill(seq.astype(str), digits)
        co = self._co.get(company)
        if co is not None and co.numeric:
            tag_digit = str(sum(map(ord, tag)) % 10)
            head = f"8{company[1:]}{tag_digit}"
            return np.char.add(np.char.add(head, years), np.char.add("2201", seq_s))
        prefix = (co.prefix if co else "X") + tag
        return np.char.add(np.char.add(prefix, years), np.char.add("2201", seq_s))

    def seq(self, key: str, n: int, digits: int) -> np.ndarray:
        """``n`` unique zero-padded digit strings for ``key`` (receipt numbers, tags…)."""
        k = (key, "")
        if k not in self._offset:
            self._offset[k] = int(self._rng.integers(0, 10**digits))
            self._next[k] = 0
        start = self._next[k]
        self._next[k] = start + n
        seq = ids.scramble(np.arange(start, start + n), 10**digits, self._offset[k])
        return np.char.zfill(seq.astype(str), digits)

    def one(self, company: str, tag: str, year: int, digits: int = 8) -> str:
        return str(self.take(company, tag, np.array([year]), digits=digits)[0])


@dataclass
class World:
    """Everything the background and the scenarios draw on."""

    scale: Scale
    rng: np.random.Generator
    persons: pd.DataFrame
    companies: list[Company]
    hospitals: pd.DataFrame
    shops: pd.DataFrame
    villages: pd.DataFrame
    coops: pd.DataFrame
    agents: pd.DataFrame
    surveyors: pd.DataFrame
    firms: list[str]
    assessors: list[str]
    numbers: Numbers
    #: Facts one generator leaves for another (home companies, deceased persons…).
    cache: dict = field(default_factory=dict)

    def company(self, code: str) -> Company:
        return next(c for c in self.companies if c.code == code)

    @property
    def pc(self) -> list[Company]:
        return [c for c in self.companies if c.pc]

    @property
    def agri(self) -> list[Company]:
        return [c for c in self.companies if c.agri]


# --- persons -------------------------------------------------------------------------

_REGION_CODES = np.array(list(ref.REGIONS))
_REGION_RURAL = np.array([ref.REGIONS[r][1] for r in _REGION_CODES])


def _region_weights() -> np.ndarray:
    city_w = {k: v[3] for k, v in ref.CITIES.items()}
    counts = pd.Series([r[:4] for r in _REGION_CODES]).value_counts()
    w = np.array([city_w[r[:4]] / counts[r[:4]] for r in _REGION_CODES])
    w = np.where(np.char.startswith(_REGION_CODES, "2201") & ~_REGION_RURAL, w * 1.3, w)
    return w / w.sum()


def _first_duplicates(keys: np.ndarray) -> np.ndarray:
    """Indices of every occurrence of a key after its first (int64 keys, fast)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    dup_sorted = np.zeros(len(keys), bool)
    dup_sorted[1:] = sorted_keys[1:] == sorted_keys[:-1]
    return order[dup_sorted]


def _unique_ids(
    rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Valid IDs, unique, and the birth dates they encode.

    A clash (same region, birth date, sequence) gets a new sequence. A (region, birth date, sex)
    cell holds only 500 sequences: at province scale the ages clipped at 20 and 80 put more people
    than that on one date in the large districts, so after a few rounds the ones still clashing
    move to the next day (small scales never get there, so their data stay as they were).
    """
    birth = birth.copy()

    def prefixes() -> np.ndarray:  # region + birth date as one integer
        base = ids.make_ids(region.astype(np.int64), birth, np.zeros(len(region), np.int64))
        return base.astype("U14").astype(np.int64)

    prefix = prefixes()
    seq = rng.integers(0, 500, len(region)) * 2 + male
    for attempt in range(200):
        dup = _first_duplicates(prefix * 1000 + seq)
        if not len(dup):
            return ids.make_ids(region.astype(np.int64), birth, seq), birth
        if attempt >= 20:
            birth[dup] = birth[dup] + np.timedelta64(1, "D")
            prefix = prefixes()
        seq[dup] = rng.integers(0, 500, len(dup)) * 2 + male[dup]
    raise RuntimeError("could not make unique IDs")


def _unique(rng: np.random.Generator, values: np.ndarray, make) -> np.ndarray:
    """Replace repeated non-empty numeric strings (phones, cards) until all are unique."""
    for _ in range(100):
        empty = values == ""
        keys = np.where(empty, "0", values).astype(np.int64)
        keys = np.where(empty, -np.arange(1, len(values) + 1), keys)
        dup = _first_duplicates(keys)
        if not len(dup):
            return values
        values[dup] = make(len(dup))
    raise RuntimeError("could not make unique values")


def build_persons(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Persons (自然人) grouped into households, with valid IDs, phones and cards."""
    n_house = int(n / 2.45) + 10
    region_w = _region_weights()
    h_region = _REGION_CODES[rng.choice(len(_REGION_CODES), n_house, p=region_w)]
    other = rng.random(n_house) < 0.012  # households registered in another province
    h_region = np.where(
        other,
        np.array(list(ref.OTHER_REGIONS))[rng.integers(0, len(ref.OTHER_REGIONS), n_house)],
        h_region,
    )
    h_surname = random_surnames(rng, n_house)
    age1 = np.clip(rng.normal(45, 13, n_house), 20, 80)
    b1 = AS_OF - (age1 * 365.25).astype(np.int64) * DAY
    male1 = rng.random(n_house) < 0.55

    slots = []  # (household, role, birth, male, surname-from-household)
    hh = np.arange(n_house)
    slots.append((hh, 0, b1, male1))
    has2 = rng.random(n_house) < 0.72
    b2 = b1[has2] + (rng.normal(0, 3 * 365, has2.sum())).astype(np.int64) * DAY
    slots.append((hh[has2], 1, b2, ~male1[has2]))
    for p_child in (0.55, 0.22):
        hc = rng.random(n_house) < p_child
        bc = b1[hc] + (rng.uniform(22, 38, hc.sum()) * 365.25).astype(np.int64) * DAY
        born = bc < AS_OF - 40 * DAY  # no child yet in young households
        slots.append((hh[hc][born], 2, bc[born], rng.random(born.sum()) < 0.52))
    he = rng.random(n_house) < 0.12
    be = b1[he] - (rng.uniform(22, 34, he.sum()) * 365.25).astype(np.int64) * DAY
    be = np.where(
        be < AS_OF - 95 * 365 * DAY,
        AS_OF - (rng.uniform(85, 95, he.sum()) * 365.25).astype(np.int64) * DAY,
        be,
    )
    slots.append((hh[he], 3, be, rng.random(he.sum()) < 0.45))

    house = np.concatenate([s[0] for s in slots])
    role = np.concatenate([np.full(len(s[0]), s[1]) for s in slots])
    birth = np.concatenate([s[2] for s in slots]).astype("datetime64[D]")
    male = np.concatenate([s[3] for s in slots])
    order = np.lexsort((role, house))
    house, role, birth, male = house[order], role[order], birth[order], male[order]
    house, role, birth, male = house[:n], role[:n], birth[:n], male[:n]

    region = h_region[house]
    surname = np.where(
        (role == 0) | (role == 2) | ((role == 3) & (rng.random(n) < 0.5)),
        h_surname[house],
        random_surnames(rng, n),
    )
    name = person_names(rng, male, surname)
    pid, birth = _unique_ids(rng, region, birth, male.astype(np.int64))

    age = ((AS_OF - birth) / DAY / 365.25).astype(int)
    head = np.searchsorted(house, house)  # index of the household's first member
    adult = age >= 18
    phone = np.where(age >= 16, mobiles(rng, n), "")
    phone = _unique(rng, phone, lambda k: mobiles(rng, k))
    shared_phone = (role == 3) & (rng.random(n) < 0.35)  # elderly parent uses the family phone
    phone = np.where(shared_phone, phone[head], phone)

    bank_idx = rng.choice(len(ref.BANKS), n, p=np.array(ref.BANK_WEIGHTS) / sum(ref.BANK_WEIGHTS))
    bins = np.array([b[1] for b in ref.BANKS])[bank_idx]
    card = ids.make_cards(bins, rng.integers(0, 10**12, n))
    card = _unique(
        rng, card, lambda k: ids.make_cards(np.full(k, 622202), rng.integers(0, 10**12, k))
    )
    bank = np.array([b[0] for b in ref.BANKS])[bank_idx]
    shared_card = (role == 1) & (rng.random(n) < 0.12)  # spouses sharing one account
    card = np.where(shared_card, card[head], card)
    bank = np.where(shared_card, bank[head], bank)
    card = np.where(adult, card, "")
    bank = np.where(adult, bank, "")

    rural = np.isin(region, _REGION_CODES[_REGION_RURAL]) & (rng.random(n) < 0.8)
    occ_names = np.array([o[0] for o in ref.OCCUPATIONS])
    occ_lo = np.array([o[1] for o in ref.OCCUPATIONS])
    occ_hi = np.array([o[2] for o in ref.OCCUPATIONS])
    urban_w = np.array([0.22, 0.16, 0.14, 0.06, 0.05, 0.05, 0.08, 0.02, 0.12, 0.0, 0.10])
    occ = rng.choice(len(occ_names), n, p=urban_w / urban_w.sum())
    occ = np.where(rural & (rng.random(n) < 0.7), 7, occ)
    occ = np.where(age >= 60, np.where(rural, 7, 9), occ)
    income = np.round(occ_lo[occ] + rng.random(n) * (occ_hi[occ] - occ_lo[occ]), -3)
    occupation = occ_names[occ]
    occupation = np.where(age < 18, np.where(age >= 6, "学生", "学龄前儿童"), occupation)
    income = np.where(age < 18, 0.0, income)
    farmer = rural & (age >= 20) & (age <= 75) & (occupation == "农民")

    return pd.DataFrame(
        {
            "id": pid,
            "name": name,
            "male": male,
            "birth": birth,
            "age": age,
            "region": region,
            "city4": np.char.ljust(region.astype("U4"), 4),
            "phone": phone,
            "card": card,
            "bank": bank,
            "household": house,
            "role": role,
            "head": head,
            "occupation": occupation,
            "income": income,
            "rural": rural,
            "farmer": farmer,
        }
    )


# --- companies and the market --------------------------------------------------------


def build_companies(rng: np.random.Generator, scale: Scale) -> list[Company]:
    """Insurers (保险公司): invented names, codes C01.., a city, a file-format profile."""
    if scale.name == "small":
        types = ["财产险", "人身险", "财产险"]
    else:
        types = ["财产险"] + [
            str(t)
            for t in rng.permutation(["财产险"] * (scale.n_pc - 1) + ["人身险"] * scale.n_life)
        ]
    pc_stems = list(rng.permutation(ref.PC_STEMS))
    life_stems = list(rng.permutation(ref.LIFE_STEMS))
    cities = [v[0] for v in ref.CITIES.values()]
    out: list[Company] = []
    n_agri = 0
    for i, t in enumerate(types):
        code = f"C{i + 1:02d}"
        if t == "财产险":
            stem = pc_stems.pop()
            name = f"{stem}财产保险股份有限公司吉林省分公司"
            agri = n_agri < scale.n_agri
            n_agri += agri
        else:
            stem = life_stems.pop()
            name = f"{stem}人寿保险股份有限公司吉林分公司"
            agri = False
        city = "长春市" if rng.random() < 0.7 or i == 0 else str(rng.choice(cities[1:]))
        letters = "ABCDEFGHJKLMNPQRSTWXYZ"
        prefix = "".join(rng.choice(list(letters), 2))
        out.append(
            Company(code, name, t, city, agri, 0.0, "C", prefix, numeric=bool(rng.random() < 0.3))
        )
    # Market shares: a few big companies, a long tail (头部集中).
    for t in ("财产险", "人身险"):
        group = [c for c in out if c.type == t]
        w = 1.0 / np.arange(1, len(group) + 1) ** 0.9
        for c, s in zip(rng.permutation(len(group)), w, strict=True):
            group[c].share = float(s)
    if scale.name == "small":
        for c, p in zip(out, "ABF", strict=True):
            c.profile = p
    else:
        ranked = sorted(out, key=lambda c: c.share)  # the smallest write xlsx
        small_profiles = ["E", "A", "F", "A", "E", "F"]
        big_profiles = ["B", "C", "D", "B", "C", "D", "D", "C"]
        for i, c in enumerate(ranked):
            if i < max(3, len(out) // 4):
                c.profile = small_profiles[i % len(small_profiles)]
            else:
                c.profile = big_profiles[i % len(big_profiles)]
    _choose_dropped_columns(rng, out)
    return out


#: Optional columns a company's system may not export (no rule depends on them alone).
DROPPABLE = {
    "ah_policy": (
        "policyholder_id_type",
        "insured_id_type",
        "beneficiary_id_type",
        "insured_occupation",
        "region_code",
    ),
    "ah_claim": ("insured_id_type", "payee_id_type", "payee_bank", "diagnosis"),
    "medical_receipt": ("settlement_no", "inpatient_no"),
    "auto_policy": ("owner_id_type", "vehicle_model", "first_registration_date", "agent_name"),
    "auto_claim": (
        "driver_id_type",
        "injured_id_type",
        "payee_id_type",
        "accident_place",
        "surveyor",
    ),
    "agri_policy": ("farmer_id_type", "assistant_id_type", "village_name"),
    "agri_claim": ("farmer_id_type", "payee_id_type", "survey_date"),
}


def _choose_dropped_columns(rng: np.random.Generator, companies: list[Company]) -> None:
    for c in companies:
        if rng.random() < 0.5:
            continue
        for kind, cols in DROPPABLE.items():
            k = int(rng.integers(0, 3))
            c.drop[kind] = tuple(sorted(rng.choice(cols, k, replace=False))) if k else ()
        if "ah_claim_hist" not in c.drop:
            c.drop["ah_claim_hist"] = c.drop.get("ah_claim", ())
            c.drop["medical_receipt_hist"] = c.drop.get("medical_receipt", ())


def build_hospitals(rng: np.random.Generator) -> pd.DataFrame:
    """Hospitals (医院): provincial tertiary hospitals in Changchun carry most volume."""
    rows = []
    for i, name in enumerate(ref.PROVINCIAL_HOSPITALS):
        rows.append((f"H220102{900 + i:03d}", name, "220102", 3, 40.0 - 6 * i, False))
    for c4, (cname, *_rest) in ref.CITIES.items():
        short = cname.replace("朝鲜族自治州", "").replace("市", "")
        district = next(r for r in ref.REGIONS if r.startswith(c4))
        for j, (suffix, tertiary) in enumerate(ref.HOSPITAL_TEMPLATES):
            w = (12.0 if tertiary else 3.0) * ref.CITIES[c4][3] / 3
            rows.append(
                (
                    f"H{district}{100 + j:03d}",
                    f"{short}市{suffix}" if "州" not in cname else f"延边州{suffix}",
                    district,
                    3 if tertiary else 2,
                    w,
                    False,
                )
            )
        for j, suffix in enumerate(ref.PRIVATE_HOSPITAL_SUFFIXES[:3]):
            rows.append((f"H{district}{500 + j:03d}", f"{short}{suffix}", district, 1, 0.8, True))
    for r, (rname, rural) in ref.REGIONS.items():
        if rural:
            rows.append((f"H{r}001", f"{rname}人民医院", r, 2, 1.5, False))
            rows.append((f"H{r}002", f"{rname}中医院", r, 1, 0.6, False))
    df = pd.DataFrame(rows, columns=["code", "name", "region", "tier", "weight", "private"])
    df["city4"] = df["region"].str[:4]
    return df


def build_shops(rng: np.random.Generator, scale: Scale) -> pd.DataFrame:
    """Repair shops (修理厂) with valid USCCs; every city has enough peers for a z-score."""
    rows = []
    total_w = sum(v[3] for v in ref.CITIES.values())
    for c4, (cname, *_r, w) in ref.CITIES.items():
        short = cname.replace("朝鲜族自治州", "").replace("市", "")
        claims = scale.auto_claims * w / total_w
        n = max(16, int(claims / (40 if scale.auto_claims < 100_000 else 250)))
        districts = [r for r in ref.REGIONS if r.startswith(c4)]
        for j in range(n):
            region = districts[j % len(districts)]
            word = ref.SHOP_WORDS[j % len(ref.SHOP_WORDS)]
            suffix = ref.SHOP_SUFFIXES[(j // len(ref.SHOP_WORDS) + j) % len(ref.SHOP_SUFFIXES)]
            num = "" if j < len(ref.SHOP_WORDS) else str(j // len(ref.SHOP_WORDS) + 1)
            name = (
                f"{short}市{word}{num}{suffix}" if "州" not in cname else f"延吉{word}{num}{suffix}"
            )
            org = "91" if "有限公司" in suffix else "92"
            rows.append(
                (ids.make_uscc(rng, region, org), name, region, c4, float(rng.lognormal(0, 0.35)))
            )
    return pd.DataFrame(rows, columns=["code", "name", "region", "city4", "weight"])


def build_villages(rng: np.random.Generator, persons: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """Administrative villages (行政村) with 12-digit codes under Jilin's rural counties."""
    farmers = persons[persons["farmer"]]
    per_region = farmers["region"].value_counts()
    rows = []
    for region, count in per_region.sort_index().items():
        n_v = max(2, int(count * scale.agri_policies / max(1, len(farmers)) / 30))
        n_towns = max(1, n_v // 10)
        for v in range(n_v):
            town = 100 + v % n_towns
            vil = 1 + v // n_towns
            surname = random_surnames(rng, 1)[0]
            vname = (
                f"{surname}{ref.VILLAGE_SUFFIXES[int(rng.integers(0, len(ref.VILLAGE_SUFFIXES)))]}"
            )
            rows.append((f"{region}{town:03d}{vil:03d}", vname, region))
    df = pd.DataFrame(rows, columns=["code", "name", "region"]).drop_duplicates("code")
    return df.reset_index(drop=True)


def build_coops(rng: np.random.Generator, villages: pd.DataFrame) -> pd.DataFrame:
    """Farmers' cooperatives (农民专业合作社) with USCCs and a verified payout account."""
    rows = []
    for region in sorted(villages["region"].unique()):
        for k in range(1 + int(rng.integers(0, 2))):
            word = ref.FIRM_WORDS[int(rng.integers(0, len(ref.FIRM_WORDS)))]
            name = f"{ref.REGIONS[region][0]}{word}种植养殖农民专业合作社"
            if k:
                name = name.replace("合作社", f"第{k + 1}合作社")
            card = ids.make_cards(np.array([621076]), rng.integers(0, 10**12, 1))[0]
            rows.append((ids.make_uscc(rng, region, "93"), name, region, card))
    return pd.DataFrame(rows, columns=["code", "name", "region", "account"])


def build_staff(
    rng: np.random.Generator, companies: list[Company], scale: Scale
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agents (代理人, with staff codes) and surveyors (查勘员) of each company."""
    agents, surveyors = [], []
    for c in companies:
        n_a = max(6, int(scale.ah_policies * 0.6 / scale.n_companies / 250))
        male = rng.random(n_a) < 0.4
        names = person_names(rng, male)
        for j in range(n_a):
            agents.append((c.code, f"{c.prefix}{22010000 + j * 7 + 3:08d}", str(names[j])))
        if c.pc:
            n_s = max(4, int(scale.auto_claims / max(1, scale.n_pc) / 250))
            for j in range(n_s):
                surveyors.append((c.code, f"CK{c.code[1:]}{j + 1:04d}"))
    return (
        pd.DataFrame(agents, columns=["company", "code", "name"]),
        pd.DataFrame(surveyors, columns=["company", "code"]),
    )


def build_world(scale: Scale, seed: int) -> World:
    rng = np.random.default_rng(seed)
    persons = build_persons(rng, scale.persons)
    companies = build_companies(rng, scale)
    villages = build_villages(rng, persons, scale)
    agents, surveyors = build_staff(rng, companies, scale)
    firms = [f"吉林{w}{s}" for w in ref.FIRM_WORDS for s in ref.LAW_FIRM_SUFFIXES[:2]]
    assessors = [f"吉林{w}{s}" for w in ref.FIRM_WORDS[:8] for s in ref.ASSESSMENT_SUFFIXES[:1]]
    return World(
        scale=scale,
        rng=rng,
        persons=persons,
        companies=companies,
        hospitals=build_hospitals(rng),
        shops=build_shops(rng, scale),
        villages=villages,
        coops=build_coops(rng, villages),
        agents=agents,
        surveyors=surveyors,
        firms=firms,
        assessors=assessors,
        numbers=Numbers(rng, companies),
    )
