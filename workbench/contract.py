"""The data contract (数据规范), declared once.

Every submission kind the campaign receives — platform uploads, reference data
and campaign forms — is declared here: its columns (the Chinese header as the
insurers' template shows it, and the English field name), type, whether it is
required, allowed values, amount ranges, cross-field checks and which fields
are personal identifiers (个人身份信息) that must be tokenized at the door.

The Excel templates, the ingest validation, the warehouse tables and
``docs/contract.md`` all derive from these declarations; nothing else lists
columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ContractError

# Field types (字段类型).  Chinese names are shown in the docs and template notes.
TYPES = {
    "text": "文本 text",
    "code": "代码 code (text, format checked)",
    "enum": "枚举 one of the allowed values",
    "date": "日期 date (YYYY-MM-DD)",
    "datetime": "日期时间 date and time (YYYY-MM-DD HH:MM)",
    "amount": "金额 amount in yuan (元), ≥ 0",
    "number": "数值 number, ≥ 0",
    "int": "整数 integer, ≥ 0",
    "list": "列表 several codes separated by ';'",
}

# Identifier types (身份标识类型): tokenized + masked at ingest, never stored raw.
IDENTIFIER_TYPES = {
    "id_number": "证件号码 ID number",
    "name": "姓名 person's name",
    "phone": "电话号码 phone number",
    "bank_card": "银行账号 bank account / card number",
    "plate": "号牌号码 licence plate",
    "vin": "车架号 VIN",
    "email": "电子邮箱 e-mail",
}

YES_NO = ("是", "否")
ID_TYPES = ("居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证", "其他")
AH_LINES = ("寿险", "意外险", "重疾险", "医疗险")
RELATIONS = ("本人", "配偶", "子女", "父母", "兄弟姐妹", "祖父母", "孙子女", "法定", "其他")
PAYEE_RELATIONS = ("本人", "配偶", "子女", "父母", "其他亲属", "合作社", "协保员", "村干部", "修理厂", "医院", "其他")
CHANNELS = ("个人代理", "银行保险", "团体保险", "网络销售", "专业代理", "经纪", "直销")
AH_LOSS_TYPES = ("身故", "伤残", "重大疾病", "住院医疗", "门诊医疗", "意外医疗", "住院津贴")
AH_DECISIONS = ("正常赔付", "协议赔付", "通融赔付", "拒赔")
LOSS_CAUSES = ("意外", "疾病")
DISABILITY_GRADES = tuple(str(i) for i in range(1, 11))
AUTO_COVERAGES = ("交强险", "商业险")
VEHICLE_USES = ("家庭自用", "非营业企业", "非营业机关", "营业出租租赁", "营业公路客运", "营业货运", "其他")
ACCIDENT_TYPES = ("单方事故", "双方事故", "多方事故")
LIABILITIES = ("全责", "主责", "同责", "次责", "无责")
AGRI_CATEGORIES = ("种植险", "养殖险", "森林险")
AGRI_SUBJECTS = ("玉米", "水稻", "大豆", "小麦", "马铃薯", "人参", "能繁母猪", "育肥猪", "奶牛", "肉牛", "肉羊", "公益林", "商品林")
AGRI_CAUSES = ("旱灾", "洪涝", "风灾", "冰雹", "低温冻害", "病虫害", "疫病", "火灾", "意外", "其他")
DISASTER_TYPES = ("旱灾", "洪涝", "风灾", "冰雹", "低温冻害", "病虫害", "疫病", "火灾")
DISASTER_LEVELS = ("一般", "较重", "严重", "特别严重")
COMPANY_TYPES = ("财产险", "人身险")
HIGH_RISK_CATEGORIES = ("行为失当", "医疗滥用", "隐瞒信息", "财务欠款", "蓄意骗保", "医疗票据重复理赔")
PRE2017_FRAUD_TYPES = ("虚假身故", "虚假伤残", "虚假医疗", "多头投保")
CLUE_LINES = ("车险", "农险", "意健险", "寿险")
CONCLUSIONS = ("确认欺诈", "排除欺诈", "核查中")

#: Field types that can be compared by a cross-field check.
SQL_TYPES_OK = ("date", "datetime", "amount", "number", "int")

#: Header of the company-code column every submission row carries.
COMPANY_FIELD = "company_code"


@dataclass(frozen=True)
class Field:
    """One column of a submission kind."""

    name: str  # English field name (snake_case), the warehouse column
    zh: str  # Chinese header as the template shows it
    type: str  # one of TYPES
    required: bool = False
    allowed: tuple[str, ...] = ()
    identifier: str | None = None  # one of IDENTIFIER_TYPES: tokenized + masked
    check: str | None = None  # non-personal code check: 'uscc', 'region6', 'digits'
    min: float | None = None
    max: float | None = None
    en: str = ""  # English description
    note: str = ""  # Chinese filling note shown in the template's notes row
    important: bool = False  # counted in data-quality completeness though optional
    free_text: bool = False  # prose that may mention people: identifiers in it are masked at ingest
    aliases: tuple[str, ...] = ()  # other headers insurers use for this column

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that identifies this column (Chinese, English, aliases)."""
        return (self.zh, self.name, *self.aliases)


@dataclass(frozen=True)
class Check:
    """A cross-field check: ``left`` must be ≤ ``right`` when both are present."""

    left: str
    right: str
    zh: str
    en: str


@dataclass(frozen=True)
class Kind:
    """A submission kind (报送数据类型)."""

    name: str
    zh: str
    en: str
    group: str  # 'upload' (platform upload), 'reference', 'form' (campaign form), 'public' (public dataset)
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # natural key: a second row with the same key is a duplicate
    window_field: str | None = None  # date that must lie in the window below
    window: str | None = None  # 'campaign' (2018-07..2019-06) or 'review' (≤ 2017)
    checks: tuple[Check, ...] = ()
    file_hints: tuple[str, ...] = ()  # file-name words that pick this kind among twins
    multi_company: bool = False  # one file legitimately holds several companies' rows
    description: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise ContractError(f"数据类型 {self.name} 没有字段 {name} / kind {self.name} has no field {name}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def identifiers(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.identifier)

    @property
    def has_company(self) -> bool:
        return COMPANY_FIELD in self.names


def F(name, zh, type="text", required=False, **kw) -> Field:  # noqa: N802 - reads like a table
    """Shorthand used by the declarations below."""
    if "allowed" in kw:
        kw["allowed"] = tuple(kw["allowed"])
    if "aliases" in kw:
        kw["aliases"] = tuple(kw["aliases"])
    return Field(name=name, zh=zh, type=type, required=required, **kw)


def _company(required=True) -> Field:
    return F(COMPANY_FIELD, "公司代码", "code", required, en="insurer code (机构代码) as in the company register",
             note="本公司机构代码，见机构名录", aliases=("机构代码", "保险公司代码"))


def _person(prefix: str, zh: str, required=False, phone=False, id_required=None) -> list[Field]:
    """Name, ID type, ID number (and phone) of one person role."""
    id_req = required if id_required is None else id_required
    out = [
        F(f"{prefix}_name", f"{zh}姓名", "text", required, identifier="name", en=f"{prefix} name"),
        F(f"{prefix}_id_type", f"{zh}证件类型", "enum", False, allowed=ID_TYPES, en=f"{prefix} ID type",
          note="空白视为居民身份证"),
        F(f"{prefix}_id", f"{zh}证件号码", "text", id_req, identifier="id_number", en=f"{prefix} ID number",
          note="18位身份证号，单元格须为文本格式"),
    ]
    if phone:
        out.append(F(f"{prefix}_phone", f"{zh}联系电话", "text", False, identifier="phone",
                     en=f"{prefix} phone", important=True))
    return out


def _amount(name, zh, required=False, en="", **kw) -> Field:
    return F(name, zh, "amount", required, min=0, en=en, **kw)


_REGION = dict(check="region6", note="6位行政区划代码(GB/T 2260)")


AH_POLICY = Kind(
    "ah_policy", "意健险及寿险承保数据", "Accident & health and life underwriting", "upload",
    (
        _company(),
        F("line", "险种类别", "enum", True, allowed=AH_LINES, en="line: life / accident / critical illness / medical"),
        F("policy_no", "保单号", "code", True, en="policy number"),
        F("product_name", "产品名称", "text", False, en="product name", important=True),
        *_person("policyholder", "投保人", phone=True),
        *_person("insured", "被保险人", True, phone=True),
        F("insured_relation", "投被保人关系", "enum", False, allowed=RELATIONS, en="policyholder-insured relation"),
        F("insured_occupation", "被保险人职业", "text", False, en="occupation of the insured"),
        _amount("annual_income", "被保险人年收入(元)", en="declared annual income of the insured"),
        *_person("beneficiary", "受益人"),
        F("beneficiary_relation", "受益人与被保险人关系", "enum", False, allowed=RELATIONS, en="beneficiary relation"),
        _amount("sum_insured", "保险金额(元)", True, en="sum insured"),
        _amount("death_sum_insured", "身故保险金额(元)", en="death benefit (for the minors' cap)", important=True),
        _amount("premium", "保费(元)", True, en="premium"),
        F("issue_time", "签单时间", "datetime", False, en="time the policy was issued", important=True),
        F("start_date", "起保日期", "date", True, en="policy start (00:00)"),
        F("end_date", "终保日期", "date", True, en="policy end (24:00, inclusive)"),
        F("channel", "销售渠道", "enum", False, allowed=CHANNELS, en="sales channel"),
        F("agent_code", "代理人工号", "code", False, en="agent's staff code", important=True),
        F("agent_name", "代理人姓名", "text", False, identifier="name", en="agent name"),
        F("region_code", "投保地区代码", "code", False, en="region of the policy", **_REGION),
    ),
    key=("company_code", "policy_no", "insured_id"),
    window_field="start_date", window="campaign",
    checks=(Check("start_date", "end_date", "终保日期早于起保日期", "policy end before start"),),
    description="寿险、意外险、重疾险、医疗险的承保明细，每个被保险人一行。",
)

_AH_CLAIM_FIELDS = (
    _company(),
    F("line", "险种类别", "enum", True, allowed=AH_LINES, en="line"),
    F("claim_no", "赔案号", "code", True, en="claim number"),
    F("policy_no", "保单号", "code", True, en="policy number"),
    F("policy_start_date", "保单起保日期", "date", False, en="start of the policy claimed on", important=True),
    *_person("insured", "被保险人", True),
    F("loss_date", "出险日期", "date", True, en="date of loss"),
    F("loss_type", "出险类型", "enum", True, allowed=AH_LOSS_TYPES, en="type of loss"),
    F("loss_cause", "出险原因", "enum", False, allowed=LOSS_CAUSES, en="accident or illness"),
    F("loss_region_code", "出险地区代码", "code", False, en="region where the loss happened", **_REGION),
    F("diagnosis_code", "诊断代码", "code", False, en="ICD-10 diagnosis code", important=True),
    F("diagnosis", "诊断名称", "text", False, en="diagnosis"),
    F("hospital_code", "医院代码", "code", False, en="hospital code", important=True),
    F("hospital_name", "医院名称", "text", False, en="hospital name", important=True),
    F("admission_date", "入院日期", "date", False, en="admission date"),
    F("discharge_date", "出院日期", "date", False, en="discharge date"),
    F("disability_grade", "伤残等级", "enum", False, allowed=DISABILITY_GRADES, en="disability grade 1 (worst) to 10"),
    F("death_certificate", "有无死亡医学证明", "enum", False, allowed=YES_NO, en="medical death certificate present"),
    F("report_date", "报案日期", "date", True, en="report date"),
    F("close_date", "结案日期", "date", True, en="claim close date"),
    _amount("claimed_amount", "索赔金额(元)", True, en="amount claimed"),
    _amount("paid_amount", "赔付金额(元)", True, en="amount paid"),
    F("decision", "理赔结论", "enum", True, allowed=AH_DECISIONS, en="claim decision"),
    F("refusal_reason", "拒赔原因", "text", False, en="reason for refusal (e.g. 欺诈)", free_text=True),
    *_person("payee", "领款人"),
    F("payee_relation", "领款人与被保险人关系", "enum", False, allowed=PAYEE_RELATIONS, en="payee relation"),
    F("payee_account", "领款账号", "text", False, identifier="bank_card", en="payee bank account", important=True),
    F("payee_bank", "开户银行", "text", False, en="payee bank"),
    F("reporter_phone", "报案人电话", "text", False, identifier="phone", en="reporting phone", important=True),
)
_AH_CLAIM_CHECKS = (
    Check("loss_date", "close_date", "结案日期早于出险日期", "claim closed before the loss"),
    Check("loss_date", "report_date", "报案日期早于出险日期", "reported before the loss"),
    Check("admission_date", "discharge_date", "出院日期早于入院日期", "discharged before admission"),
    Check("paid_amount", "claimed_amount", "赔付金额大于索赔金额", "paid more than claimed"),
)

AH_CLAIM = Kind(
    "ah_claim", "意健险及寿险已决赔案数据", "Accident & health and life settled claims", "upload",
    _AH_CLAIM_FIELDS, key=("company_code", "claim_no"), window_field="close_date", window="campaign",
    checks=_AH_CLAIM_CHECKS,
    description="2018-07-01至2019-06-30结案的已决赔案，每个赔案一行。",
)
AH_CLAIM_HIST = Kind(
    "ah_claim_hist", "2017年及以前意健险已决赔案(公司自查)", "Pre-2017 settled accident & health claims (self-review)",
    "upload", _AH_CLAIM_FIELDS, key=("company_code", "claim_no"), window_field="close_date", window="review",
    checks=_AH_CLAIM_CHECKS, file_hints=("2017年及以前", "历史", "自查", "hist", "pre2017", "2015-2017"),
    description="公司自查用：2017年及以前结案的意健险已决赔案，与当期赔案表同一格式。",
)

_RECEIPT_FIELDS = (
    _company(),
    F("claim_no", "赔案号", "code", True, en="claim the receipt was attached to"),
    F("receipt_code", "票据代码", "code", False, check="digits", en="receipt code (8 digits e-receipt; 10/12 tax invoice)",
      important=True, note="保留前导0，单元格须为文本格式"),
    F("receipt_no", "票据号码", "code", True, check="digits", en="receipt number", note="保留前导0"),
    F("hospital_code", "医院代码", "code", False, en="hospital code", important=True),
    F("hospital_name", "医院名称", "text", True, en="hospital name"),
    F("receipt_date", "开票日期", "date", True, en="receipt date"),
    _amount("amount", "票据金额(元)", True, en="receipt total"),
    _amount("claimed_amount", "本次理赔使用金额(元)", en="part of the receipt claimed here"),
    F("inpatient_no", "住院号", "code", False, en="inpatient number"),
    F("settlement_no", "医保结算号", "code", False, en="social insurance settlement number"),
)
MEDICAL_RECEIPT = Kind(
    "medical_receipt", "医疗票据数据", "Medical receipts attached to claims", "upload", _RECEIPT_FIELDS,
    key=("company_code", "claim_no", "receipt_code", "receipt_no"),
    checks=(Check("claimed_amount", "amount", "理赔使用金额大于票据金额", "claimed more than the receipt total"),),
    description="已决赔案所附医疗票据，每张票据一行。",
)
MEDICAL_RECEIPT_HIST = Kind(
    "medical_receipt_hist", "2017年及以前医疗票据(公司自查)", "Pre-2017 medical receipts (self-review)", "upload",
    _RECEIPT_FIELDS, key=("company_code", "claim_no", "receipt_code", "receipt_no"),
    checks=MEDICAL_RECEIPT.checks, file_hints=AH_CLAIM_HIST.file_hints,
    description="公司自查用：2017年及以前赔案所附医疗票据。",
)

AUTO_POLICY = Kind(
    "auto_policy", "车险承保数据", "Auto underwriting", "upload",
    (
        _company(),
        F("policy_no", "保单号", "code", True, en="policy number"),
        F("coverage", "险别", "enum", True, allowed=AUTO_COVERAGES, en="compulsory (交强险) or commercial"),
        F("plate", "号牌号码", "text", False, identifier="plate", en="licence plate", important=True,
          note="未上牌填“未上牌”"),
        F("vin", "车架号", "text", True, identifier="vin", en="VIN (17 characters)"),
        F("vehicle_use", "使用性质", "enum", False, allowed=VEHICLE_USES, en="vehicle use"),
        F("vehicle_model", "厂牌型号", "text", False, en="make and model"),
        F("first_registration_date", "初次登记日期", "date", False, en="first registration"),
        _amount("new_vehicle_price", "新车购置价(元)", en="new-vehicle price"),
        *_person("owner", "车主", True, phone=True),
        _amount("sum_insured", "保险金额(元)", True, en="sum insured"),
        _amount("premium", "保费(元)", True, en="premium"),
        F("issue_time", "签单时间", "datetime", False, en="time issued", important=True),
        F("start_date", "起保日期", "date", True, en="policy start"),
        F("end_date", "终保日期", "date", True, en="policy end (inclusive)"),
        F("endorsement_date", "最近加保批改日期", "date", False, en="last endorsement adding cover (加保)"),
        F("region_code", "投保地区代码", "code", False, en="region", **_REGION),
        F("agent_name", "代理人姓名", "text", False, identifier="name", en="agent"),
    ),
    key=("company_code", "policy_no"), window_field="start_date", window="campaign",
    checks=(Check("start_date", "end_date", "终保日期早于起保日期", "policy end before start"),
            Check("start_date", "endorsement_date", "批改日期早于起保日期", "endorsement before start")),
    description="交强险和商业险保单，每张保单一行。",
)

AUTO_CLAIM = Kind(
    "auto_claim", "车险已决赔案数据", "Auto settled claims", "upload",
    (
        _company(),
        F("claim_no", "赔案号", "code", True, en="claim (report) number", aliases=("报案号",)),
        F("policy_no", "保单号", "code", True, en="policy number"),
        F("coverage", "险别", "enum", True, allowed=AUTO_COVERAGES, en="coverage claimed on"),
        F("plate", "号牌号码", "text", False, identifier="plate", en="plate of the insured vehicle", important=True),
        F("vin", "车架号", "text", True, identifier="vin", en="VIN of the insured vehicle"),
        F("accident_time", "出险时间", "datetime", True, en="time of the accident"),
        F("accident_place", "出险地点", "text", False, en="place (to district / road level)"),
        F("accident_region_code", "出险地区代码", "code", False, en="region of the accident", **_REGION),
        F("report_time", "报案时间", "datetime", True, en="time reported"),
        F("accident_type", "事故类型", "enum", False, allowed=ACCIDENT_TYPES, en="single / two / multi-vehicle"),
        F("liability", "事故责任", "enum", False, allowed=LIABILITIES, en="liability share"),
        F("police_record", "有无交警事故认定", "enum", False, allowed=YES_NO, en="police accident record present"),
        *_person("driver", "驾驶员", phone=True),
        F("third_party_plate", "三者车号牌", "text", False, identifier="plate", en="third-party vehicle plate"),
        F("injury", "是否人伤", "enum", False, allowed=YES_NO, en="personal injury involved"),
        *_person("injured", "人伤伤者"),
        F("disability_grade", "伤残等级", "enum", False, allowed=DISABILITY_GRADES, en="disability grade"),
        F("assessment_count", "伤残鉴定次数", "int", False, min=0, max=20, en="number of disability assessments"),
        F("litigation", "是否诉讼理赔", "enum", False, allowed=YES_NO, en="claim litigated"),
        F("representative_name", "委托代理人姓名", "text", False, identifier="name", en="claimant's representative"),
        F("representative_org", "代理机构", "text", False, en="law firm / agency of the representative"),
        F("representative_phone", "委托代理人电话", "text", False, identifier="phone", en="representative phone"),
        F("assessment_org", "鉴定机构", "text", False, en="disability assessment body"),
        F("repair_shop_name", "修理厂名称", "text", False, en="repair shop", important=True),
        F("repair_shop_code", "修理厂统一社会信用代码", "code", False, check="uscc", en="repair shop USCC"),
        F("surveyor", "查勘员", "code", False, en="surveyor staff code"),
        F("reporter_phone", "报案电话", "text", False, identifier="phone", en="reporting phone", important=True),
        _amount("estimated_loss", "估损金额(元)", en="estimated loss"),
        _amount("parts_amount", "换件金额(元)", en="parts replaced"),
        _amount("labor_amount", "工时金额(元)", en="labour"),
        _amount("injury_amount", "人伤赔款(元)", en="injury payout"),
        _amount("paid_amount", "赔付金额(元)", True, en="amount paid"),
        F("close_date", "结案日期", "date", True, en="close date"),
        *_person("payee", "领款人"),
        F("payee_relation", "领款人与被保险人关系", "enum", False, allowed=PAYEE_RELATIONS, en="payee relation"),
        F("payee_account", "领款账号", "text", False, identifier="bank_card", en="payee account", important=True),
    ),
    key=("company_code", "claim_no"), window_field="close_date", window="campaign",
    checks=(Check("accident_time", "report_time", "报案时间早于出险时间", "reported before the accident"),
            Check("accident_time", "close_date", "结案日期早于出险时间", "closed before the accident")),
    description="车险已决赔案，每个赔案一行(多方事故的人伤伤者各列一行)。",
)

AGRI_POLICY = Kind(
    "agri_policy", "农险承保数据", "Agricultural underwriting", "upload",
    (
        _company(),
        F("policy_no", "保单号", "code", True, en="policy number (per farmer for group policies)"),
        *_person("farmer", "农户", True, phone=True),
        F("county_code", "县区代码", "code", True, en="county", **_REGION),
        F("village_code", "行政村代码", "code", False, check="digits", en="12-digit village code", important=True),
        F("village_name", "行政村名称", "text", False, en="village"),
        F("category", "标的类别", "enum", True, allowed=AGRI_CATEGORIES, en="crops / livestock / forest"),
        F("subject", "保险标的", "enum", True, allowed=AGRI_SUBJECTS, en="crop or animal"),
        F("insured_area", "承保面积(亩)", "number", False, min=0, max=1e6, en="insured area in mu"),
        F("insured_heads", "承保数量(头/只)", "int", False, min=0, max=1e6, en="insured head count"),
        F("parcel_codes", "地块编码", "list", False, en="land parcel / land-rights codes, ';'-separated",
          note="多个地块用;分隔"),
        F("ear_tags", "耳标号", "list", False, en="15-digit ear tags, ';'-separated", note="多个耳标用;分隔"),
        _amount("sum_insured", "保险金额(元)", True, en="sum insured"),
        _amount("premium", "保费(元)", True, en="total premium"),
        F("issue_time", "签单时间", "datetime", False, en="time issued", important=True),
        F("start_date", "起保日期", "date", True, en="start"),
        F("end_date", "终保日期", "date", True, en="end"),
        F("group_policy", "是否团体投保", "enum", False, allowed=YES_NO, en="organised group policy"),
        F("coop_name", "合作社名称", "text", False, en="cooperative"),
        F("coop_code", "合作社统一社会信用代码", "code", False, check="uscc", en="cooperative USCC"),
        *_person("assistant", "协保员"),
    ),
    key=("company_code", "policy_no"), window_field="start_date", window="campaign",
    checks=(Check("start_date", "end_date", "终保日期早于起保日期", "policy end before start"),),
    description="种植险、养殖险、森林险承保明细，每户一行。",
)

AGRI_CLAIM = Kind(
    "agri_claim", "农险已决赔案数据", "Agricultural settled claims", "upload",
    (
        _company(),
        F("claim_no", "赔案号", "code", True, en="claim number"),
        F("policy_no", "保单号", "code", True, en="policy number"),
        *_person("farmer", "农户", True),
        F("county_code", "县区代码", "code", False, en="county of the loss", **_REGION),
        F("loss_date", "出险日期", "date", True, en="date of loss"),
        F("loss_cause", "出险原因", "enum", True, allowed=AGRI_CAUSES, en="cause"),
        F("report_date", "报案日期", "date", True, en="reported"),
        F("survey_date", "查勘日期", "date", False, en="site inspection (查勘)"),
        F("loss_area", "受损面积(亩)", "number", False, min=0, max=1e6, en="damaged area"),
        F("loss_heads", "死亡数量(头/只)", "int", False, min=0, max=1e6, en="dead animals"),
        F("ear_tags", "理赔耳标号", "list", False, en="ear tags claimed, ';'-separated"),
        F("disposal_no", "无害化处理单号", "code", False, en="safe-disposal record number"),
        _amount("paid_amount", "赔付金额(元)", True, en="amount paid"),
        F("close_date", "结案日期", "date", True, en="close date"),
        *_person("payee", "领款人"),
        F("payee_relation", "领款人与被保险人关系", "enum", False, allowed=PAYEE_RELATIONS, en="payee relation"),
        F("payee_account", "领款账号", "text", True, identifier="bank_card", en="payee account"),
    ),
    key=("company_code", "claim_no"), window_field="close_date", window="campaign",
    checks=(Check("loss_date", "close_date", "结案日期早于出险日期", "closed before the loss"),
            Check("loss_date", "report_date", "报案日期早于出险日期", "reported before the loss")),
    description="农险已决赔案，每户每次赔付一行。",
)

COMPANY = Kind(
    "company", "机构名录", "Company register", "reference",
    (
        F(COMPANY_FIELD, "公司代码", "code", True, en="insurer code"),
        F("company_name", "公司名称", "text", True, en="provincial branch name"),
        F("company_type", "公司类型", "enum", True, allowed=COMPANY_TYPES, en="P&C or life"),
        F("city", "所在城市", "text", False, en="city of the branch"),
    ),
    key=(COMPANY_FIELD,), multi_company=True,
    description="参加专项行动的保险公司省级分公司。",
)

LAND_ROSTER = Kind(
    "land_roster", "土地确权及存栏名册", "Land-rights and herd roster", "reference",
    (
        F("county_code", "县区代码", "code", True, en="county", **_REGION),
        F("village_code", "行政村代码", "code", False, check="digits", en="village"),
        *_person("farmer", "农户", True),
        F("parcel_code", "地块编码", "code", False, en="land parcel code"),
        F("registered_area", "确权面积(亩)", "number", False, min=0, max=1e6, en="registered area (mu)"),
        F("registered_heads", "存栏量(头/只)", "int", False, min=0, max=1e6, en="registered herd size"),
    ),
    key=("farmer_id", "parcel_code"),
    description="农业部门提供的土地确权面积和养殖存栏数，用于核对承保面积和数量。",
)

DISASTER_EVENT = Kind(
    "disaster_event", "县域灾害事件", "County disaster events", "reference",
    (
        F("county_code", "县区代码", "code", True, en="county", **_REGION),
        F("event_type", "灾害类型", "enum", True, allowed=DISASTER_TYPES, en="disaster type"),
        F("start_date", "开始日期", "date", True, en="start"),
        F("end_date", "结束日期", "date", True, en="end"),
        F("level", "灾害等级", "enum", False, allowed=DISASTER_LEVELS, en="severity"),
        F("source", "信息来源", "text", False, en="source (气象局、农业农村局…)"),
    ),
    key=("county_code", "event_type", "start_date"),
    checks=(Check("start_date", "end_date", "结束日期早于开始日期", "event ends before it starts"),),
    description="气象和农业部门发布的县级灾害事件。",
)

WHITELIST = Kind(
    "whitelist", "核实白名单", "Verified legitimate entities (whitelist)", "reference",
    (
        F("entity_type", "对象类型", "enum", True, allowed=("银行账号", "车辆", "人员", "电话", "修理厂", "医院"),
          en="what is whitelisted"),
        F("account", "银行账号", "text", False, identifier="bank_card", en="verified account (e.g. a cooperative's)"),
        F("vin", "车架号", "text", False, identifier="vin", en="verified vehicle (e.g. a taxi fleet's)"),
        F("plate", "号牌号码", "text", False, identifier="plate", en="verified vehicle plate"),
        F("person_id", "证件号码", "text", False, identifier="id_number", en="verified person"),
        F("phone", "电话号码", "text", False, identifier="phone", en="verified phone (e.g. a fleet dispatcher)"),
        F("org_name", "机构名称", "text", False, en="verified repair shop / hospital / cooperative name"),
        F("org_code", "统一社会信用代码", "code", False, check="uscc", en="its USCC"),
        F("reason", "核实理由", "text", True, en="why it is legitimate (出租车队、合作社统一账户…)"),
        F("verified_by", "核实单位", "text", True, en="who verified it"),
        F("verified_date", "核实日期", "date", True, en="when"),
        F("valid_until", "有效期至", "date", False, en="review date"),
    ),
    key=("entity_type", "account", "vin", "plate", "person_id", "phone", "org_code"),
    description="经核实的合法对象(合作社统一收款账户、出租车队车辆等)。规则命中白名单对象时线索降级并注明。",
)

PLATFORM_CLUE_AUTO = Kind(
    "platform_clue_auto", "全国车险反欺诈信息系统线索", "National auto anti-fraud platform clues", "form",
    (
        F("platform_clue_no", "平台线索编号", "code", True, en="platform clue id"),
        _company(),
        F("claim_no", "报案号", "code", False, en="report/claim number", aliases=("赔案号",)),
        F("plate_type", "号牌种类", "text", False, en="plate type"),
        F("plate", "号牌号码", "text", False, identifier="plate", en="plate"),
        F("vin", "车架号", "text", False, identifier="vin", en="VIN"),
        F("risk_type_code", "风险类型代码", "code", False, en="risk type code"),
        F("risk_type", "风险类型", "text", True, en="risk type"),
        F("risk_source", "风险信息来源", "text", False, en="source of the risk information"),
        F("stored_time", "入库时间", "datetime", False, en="time stored on the platform"),
        F("person_name", "姓名", "text", False, identifier="name", en="person"),
        F("person_id_type", "证件类型", "enum", False, allowed=ID_TYPES, en="ID type"),
        F("person_id", "证件号码", "text", False, identifier="id_number", en="ID number"),
        F("phone", "电话号码", "text", False, identifier="phone", en="phone"),
    ),
    key=("platform_clue_no", "company_code"), multi_company=True,
    description="全国车险反欺诈信息系统下发的线索清单(自上而下)。",
)

PLATFORM_CLUE_AGRI = Kind(
    "platform_clue_agri", "农险信息平台线索", "National agricultural platform clues", "form",
    (
        F("platform_clue_no", "平台线索编号", "code", True, en="platform clue id"),
        _company(),
        F("policy_no", "保单号", "code", False, en="policy number"),
        F("claim_no", "赔案号", "code", False, en="claim number"),
        F("farmer_name", "农户姓名", "text", False, identifier="name", en="farmer"),
        F("farmer_id", "农户证件号码", "text", False, identifier="id_number", en="farmer ID"),
        F("payee_account", "领款账号", "text", False, identifier="bank_card", en="payee account"),
        F("county_code", "县区代码", "code", False, en="county", **_REGION),
        F("risk_type", "风险类型", "text", True, en="risk type"),
        F("risk_desc", "风险描述", "text", False, en="description", free_text=True),
        F("stored_time", "入库时间", "datetime", False, en="time stored"),
    ),
    key=("platform_clue_no", "company_code"), multi_company=True,
    description="中国银保信农险信息平台下发的线索清单(自上而下)。",
)

_ATT_CLUE_COMMON = (
    F("policy_no", "保单号", "code", False, en="policy number(s), ';'-separated"),
    F("claim_no", "赔案号", "code", False, en="claim number(s), ';'-separated"),
    F("person_name", "涉案人员姓名", "text", False, identifier="name", en="main person involved"),
    F("person_id", "涉案人员证件号码", "text", False, identifier="id_number", en="ID of the main person"),
    F("loss_date", "出险日期", "date", False, en="loss date"),
    _amount("amount", "涉案金额(元)", en="amount involved"),
    F("description", "线索描述", "text", True, en="what is suspicious", free_text=True),
)

ATT3_CLUE = Kind(
    "att3_clue", "附表3 2017年及以前意健险疑似欺诈线索", "Attachment 3: pre-2017 A&H suspected fraud clues", "form",
    (
        _company(),
        F("clue_no", "线索编号", "code", True, en="company's clue number"),
        F("fraud_type", "疑似欺诈类型", "enum", True, allowed=PRE2017_FRAUD_TYPES, en="suspected fraud type"),
        *_ATT_CLUE_COMMON,
        F("hospital_name", "医院名称", "text", False, en="hospital"),
    ),
    key=("company_code", "clue_no"),
    description="公司自查2017年及以前意健险已决赔案发现的疑似欺诈线索。",
)

ATT5_CLUE = Kind(
    "att5_clue", "附表5 2018年以来疑似欺诈线索及已破获案件", "Attachment 5: 2018-onward clues and cracked cases", "form",
    (
        _company(),
        F("clue_no", "线索编号", "code", True, en="company's clue number"),
        F("line", "险种类别", "enum", True, allowed=CLUE_LINES, en="line"),
        F("fraud_type", "欺诈类型", "text", True, en="fraud type"),
        F("case_status", "线索状态", "enum", True, allowed=("疑似线索", "已破获案件"), en="clue or cracked case"),
        *_ATT_CLUE_COMMON,
        F("plate", "涉案车辆号牌", "text", False, identifier="plate", en="vehicle plate"),
        F("payee_account", "涉案账号", "text", False, identifier="bank_card", en="account involved"),
        F("agent_name", "涉案代理人/中介姓名", "text", False, identifier="name", en="agent or broker involved"),
        F("hospital_name", "涉案医院", "text", False, en="hospital involved"),
        F("repair_shop_name", "涉案修理厂", "text", False, en="repair shop involved"),
        F("police_case_no", "公安立案编号", "code", False, en="police case number"),
    ),
    key=("company_code", "clue_no"),
    description="公司2018年以来掌握的疑似欺诈线索和已破获案件，协会据此在全行业筛查同类问题。",
)

_PERSON_FORM = (
    _company(),
    F("person_name", "姓名", "text", True, identifier="name", en="name"),
    F("person_id_type", "证件类型", "enum", False, allowed=ID_TYPES, en="ID type"),
    F("person_id", "证件号码", "text", True, identifier="id_number", en="ID number"),
    F("risk_category", "风险类别", "enum", True, allowed=HIGH_RISK_CATEGORIES, en="high-risk category"),
    F("basis", "认定依据", "text", True, en="basis (facts, case references)", free_text=True),
    F("claim_count", "理赔次数", "int", False, min=0, max=10000, en="number of claims"),
    _amount("amount", "涉及金额(元)", en="amount involved"),
    F("reported_date", "录入日期", "date", False, en="date recorded"),
)
ATT4_PERSON = Kind(
    "att4_person", "附表4 2017年及以前意健险高风险人员", "Attachment 4: pre-2017 A&H high-risk persons", "form",
    _PERSON_FORM, key=("company_code", "person_id", "risk_category"),
    file_hints=("附表4", "2017年及以前", "pre2017"),
    description="公司自查发现的高风险人员，每人每个风险类别一行。",
)
ATT6_PERSON = Kind(
    "att6_person", "附表6 2018年以来高风险人员", "Attachment 6: 2018-onward high-risk persons", "form",
    _PERSON_FORM, key=("company_code", "person_id", "risk_category"),
    file_hints=("附表6", "2018年以来", "2018-2019"),
    description="公司2018年以来掌握的高风险人员，每人每个风险类别一行。",
)

ATT7_CONTACT = Kind(
    "att7_contact", "附表7 专项行动联系人", "Attachment 7: campaign contacts", "form",
    (
        F("unit_name", "单位名称", "text", True, en="unit"),
        F("unit_type", "单位类型", "enum", True, allowed=("保险公司", "市州协会"), en="insurer or city association"),
        F(COMPANY_FIELD, "公司代码", "code", False, en="insurer code (insurers only)"),
        F("city", "所在城市", "text", False, en="city"),
        F("contact_name", "联系人姓名", "text", True, identifier="name", en="contact"),
        F("position", "职务", "text", False, en="position"),
        F("office_phone", "办公电话", "text", False, identifier="phone", en="office phone"),
        F("mobile", "手机", "text", True, identifier="phone", en="mobile"),
        F("email", "电子邮箱", "text", False, identifier="email", en="e-mail"),
    ),
    key=("unit_name", "contact_name"),
    description="各公司和市州协会的专项行动联系人。",
)

CLUE_FEEDBACK = Kind(
    "clue_feedback", "线索核查反馈", "Clue feedback returned by a company", "form",
    (
        F("clue_id", "线索编号", "code", True, en="clue id as dispatched"),
        _company(),
        F("conclusion", "核查结论", "enum", True, allowed=CONCLUSIONS, en="confirmed / not fraud / under investigation"),
        _amount("amount_involved", "涉案金额(元)", en="amount involved"),
        _amount("amount_recovered", "拒赔或追回金额(元)", en="amount refused or recovered"),
        F("referred_to_police", "是否移送公安", "enum", False, allowed=YES_NO, en="referred to police"),
        F("referral_date", "移送日期", "date", False, en="referral date"),
        F("police_case_no", "公安立案编号", "code", False, en="police case number"),
        F("checker", "核查人工号", "code", False, en="staff code of the company's investigator (not a name)"),
        F("remarks", "备注", "text", False, en="remarks", free_text=True),
    ),
    key=("clue_id",),
    description="公司核查线索后填写的反馈列。",
)

# --- public benchmark datasets (公开数据集) ------------------------------------------------------
# Public claims datasets (docs/public.md) are brought into the kinds above by column-mapping profiles
# (profiles/public/); what they record and the contract has no column for is kept in these extension
# kinds, one row per claim or person, joined on the contract record's key. Only `workbench
# evaluate-public` loads them; the province's submissions never use them.

PUBLIC_AUTO_CLAIM_EXTRA = Kind(
    "public_auto_claim_extra", "公开数据集：车险赔案补充字段", "Public dataset: auto claim attributes outside the contract",
    "public",
    (
        _company(),
        F("claim_no", "赔案号", "code", True, en="claim number of the auto_claim row this extends"),
        F("base_policy", "基本险别", "enum", False, allowed=("责任险", "碰撞险", "全险"),
          en="base policy: liability / collision / all perils"),
        F("vehicle_category", "车辆类别", "enum", False, allowed=("轿车", "跑车", "多用途车"),
          en="vehicle category: sedan / sport / utility"),
        F("vehicle_price_band", "车价区间", "text", False, en="vehicle price band as the dataset records it"),
        _amount("deductible", "免赔额", en="deductible (in the dataset's currency)"),
        F("days_policy_accident_band", "起保至出险天数区间", "text", False,
          en="days from policy start to accident, as a band"),
        F("days_policy_claim_band", "起保至报案天数区间", "text", False, en="days from policy start to claim, as a band"),
        F("past_claims_band", "既往赔案数区间", "text", False, en="past claims of the policyholder, as a band"),
        F("past_claims_min", "既往赔案数下限", "int", False, min=0, max=100, en="lower bound of the past-claims band"),
        F("vehicle_age_band", "车龄区间", "text", False, en="vehicle age band"),
        F("witness_present", "有无目击证人", "enum", False, allowed=YES_NO, en="witness present"),
        F("channel_type", "承保代理类型", "enum", False, allowed=("内部", "外部"),
          en="agent who sold the policy: internal (own staff) / external"),
        F("supplements_band", "补充材料次数区间", "text", False, en="supplements to the claim, as a band"),
        F("address_change_band", "理赔前地址变更区间", "text", False,
          en="how long before the claim the policyholder's address changed, as a band"),
        F("address_change_months", "理赔前地址变更月数上限", "int", False, min=0, max=1200,
          en="upper bound of that band in months (empty: no change)"),
    ),
    key=("company_code", "claim_no"),
    description="公开车险数据集中契约没有对应列的赔案属性，每个赔案一行，按赔案号关联车险赔案。",
)

PUBLIC_INPATIENT_EXTRA = Kind(
    "public_inpatient_extra", "公开数据集：住院赔案补充字段", "Public dataset: inpatient claim attributes outside the contract",
    "public",
    (
        _company(),
        F("claim_no", "赔案号", "code", True, en="claim number of the ah_claim row this extends"),
        F("attending_physician_id_type", "经治医师证件类型", "enum", False, allowed=ID_TYPES,
          en="kind of the attending physician's identifier"),
        F("attending_physician_id", "经治医师编号", "text", False, identifier="id_number",
          en="attending physician's identifier"),
        F("operating_physician_id_type", "手术医师证件类型", "enum", False, allowed=ID_TYPES,
          en="kind of the operating physician's identifier"),
        F("operating_physician_id", "手术医师编号", "text", False, identifier="id_number",
          en="operating physician's identifier"),
        F("other_physician_id_type", "其他医师证件类型", "enum", False, allowed=ID_TYPES,
          en="kind of the other physician's identifier"),
        F("other_physician_id", "其他医师编号", "text", False, identifier="id_number", en="other physician's identifier"),
        F("drg_code", "疾病诊断相关分组", "code", False, en="diagnosis-related group (DRG)"),
        F("admit_diagnosis_code", "入院诊断代码", "code", False, en="admitting diagnosis code"),
        F("diagnosis_codes", "诊断代码列表", "list", False, en="all diagnosis codes of the claim, ';'-separated"),
        F("procedure_codes", "手术操作代码列表", "list", False, en="all procedure codes of the claim, ';'-separated"),
        _amount("deductible_paid", "自付免赔额", en="deductible the patient paid"),
        F("claim_start_date", "账单起始日期", "date", False, en="first day the claim bills"),
        F("claim_end_date", "账单截止日期", "date", False, en="last day the claim bills"),
    ),
    key=("company_code", "claim_no"),
    checks=(Check("claim_start_date", "claim_end_date", "账单截止日期早于起始日期", "claim ends before it starts"),),
    description="公开医疗数据集中契约没有对应列的住院赔案属性(医师、病组、全部诊断与手术代码)，每个赔案一行，按赔案号关联意健险赔案。",
)

PUBLIC_BENEFICIARY = Kind(
    "public_beneficiary", "公开数据集：参保人信息", "Public dataset: insured persons (beneficiaries)", "public",
    (
        F("bene_id_type", "参保人证件类型", "enum", False, allowed=ID_TYPES, en="kind of the person's identifier"),
        F("bene_id", "参保人编号", "text", True, identifier="id_number",
          en="person's identifier (the same token as ah_claim.insured_id)"),
        F("death_date", "死亡日期", "date", False, en="date of death"),
        F("state_code", "所在州代码", "code", False, en="state of residence"),
        F("county_code", "所在县代码", "code", False, en="county of residence"),
    ),
    key=("bene_id",),
    description="公开医疗数据集的参保人名册(死亡日期、居住地)，每人一行，按参保人令牌关联意健险赔案的被保险人。",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        AH_POLICY, AH_CLAIM, MEDICAL_RECEIPT, AH_CLAIM_HIST, MEDICAL_RECEIPT_HIST,
        AUTO_POLICY, AUTO_CLAIM, AGRI_POLICY, AGRI_CLAIM,
        COMPANY, LAND_ROSTER, DISASTER_EVENT, WHITELIST,
        PLATFORM_CLUE_AUTO, PLATFORM_CLUE_AGRI, ATT3_CLUE, ATT4_PERSON, ATT5_CLUE, ATT6_PERSON, ATT7_CONTACT,
        CLUE_FEEDBACK,
        PUBLIC_AUTO_CLAIM_EXTRA, PUBLIC_INPATIENT_EXTRA, PUBLIC_BENEFICIARY,
    )
}

GROUPS = {"upload": "平台上传数据 platform uploads", "reference": "参考数据 reference data",
          "form": "专项行动表单 campaign forms", "public": "公开数据集扩展 public benchmark dataset extensions"}


def get_kind(name: str) -> Kind:
    """The kind called ``name`` (English name or Chinese title)."""
    if name in KINDS:
        return KINDS[name]
    for k in KINDS.values():
        if name == k.zh:
            return k
    known = ", ".join(KINDS)
    raise ContractError(f"未知的数据类型 '{name}'，可选: {known} / unknown kind '{name}'; known: {known}")
