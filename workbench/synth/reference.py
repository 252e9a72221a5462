"""Static reference lists for the synthetic province (合成省份的参考数据).

Jilin's administrative divisions (GB/T 2260 codes as used in 2019), the plate
letters and landline area codes of its cities, bank BINs, mobile prefixes,
vehicle makers' WMIs, hospitals, diagnoses (ICD-10), insurance products and the
invented insurer names.  Kept in one place so that the generator's
distributions can be read and argued with; nothing here is personal data.
"""

from __future__ import annotations

#: City (地级市/州) code prefix → (name, plate letter 号牌字母, landline area code 区号, weight).
#: Weights follow the cities' resident populations (millions, roughly 2018).
CITIES: dict[str, tuple[str, str, str, float]] = {
    "2201": ("长春市", "A", "0431", 7.5),
    "2202": ("吉林市", "B", "0432", 4.1),
    "2203": ("四平市", "C", "0434", 3.2),
    "2204": ("辽源市", "D", "0437", 1.2),
    "2205": ("通化市", "E", "0435", 2.2),
    "2206": ("白山市", "F", "0439", 1.2),
    "2207": ("松原市", "J", "0438", 2.7),
    "2208": ("白城市", "G", "0436", 1.9),
    "2224": ("延边朝鲜族自治州", "H", "0433", 2.1),
}

#: County-level divisions (县级行政区): code → (name, rural: whether farms are insured there).
REGIONS: dict[str, tuple[str, bool]] = {
    "220102": ("南关区", False),
    "220103": ("宽城区", False),
    "220104": ("朝阳区", False),
    "220105": ("二道区", False),
    "220106": ("绿园区", False),
    "220112": ("双阳区", True),
    "220113": ("九台区", True),
    "220122": ("农安县", True),
    "220182": ("榆树市", True),
    "220183": ("德惠市", True),
    "220202": ("昌邑区", False),
    "220203": ("龙潭区", False),
    "220204": ("船营区", False),
    "220211": ("丰满区", False),
    "220281": ("蛟河市", True),
    "220282": ("桦甸市", True),
    "220302": ("铁西区", False),
    "220303": ("铁东区", False),
    "220322": ("梨树县", True),
    "220381": ("公主岭市", True),
    "220382": ("双辽市", True),
    "220402": ("龙山区", False),
    "220403": ("西安区", False),
    "220422": ("东辽县", True),
    "220502": ("东昌区", False),
    "220503": ("二道江区", False),
    "220521": ("通化县", True),
    "220581": ("梅河口市", True),
    "220582": ("集安市", True),
    "220602": ("浑江区", False),
    "220605": ("江源区", False),
    "220621": ("抚松县", True),
    "220681": ("临江市", True),
    "220702": ("宁江区", False),
    "220721": ("前郭尔罗斯蒙古族自治县", True),
    "220722": ("长岭县", True),
    "220781": ("扶余市", True),
    "220802": ("洮北区", False),
    "220821": ("镇赉县", True),
    "220881": ("洮南市", True),
    "220882": ("大安市", True),
    "222401": ("延吉市", False),
    "222402": ("图们市", False),
    "222403": ("敦化市", True),
    "222404": ("珲春市", True),
    "222405": ("龙井市", True),
    "222406": ("和龙市", True),
    "222424": ("汪清县", True),
    "222426": ("安图县", True),
}

#: Regions outside Jilin: a few residents come from there, and faked deaths "happen" there.
OTHER_REGIONS: dict[str, str] = {
    "210102": "辽宁省沈阳市和平区",
    "230103": "黑龙江省哈尔滨市南岗区",
    "150102": "内蒙古自治区呼和浩特市新城区",
    "370203": "山东省青岛市市北区",
    "110105": "北京市朝阳区",
    "130102": "河北省石家庄市长安区",
}
FAR_REGIONS: dict[str, str] = {
    "530102": "云南省昆明市五华区",
    "450102": "广西壮族自治区南宁市兴宁区",
    "520102": "贵州省贵阳市南明区",
    "460105": "海南省海口市秀英区",
    "532901": "云南省大理市",
    "451002": "广西壮族自治区百色市右江区",
}

#: Mobile number prefixes (号段) of the three carriers.
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
    "166",
    "173",
    "175",
    "178",
    "198",
)

#: Banks with a 6-digit UnionPay BIN (发卡行识别码) for 19-digit debit cards.
BANKS: tuple[tuple[str, int], ...] = (
    ("中国工商银行", 622202),
    ("中国农业银行", 622848),
    ("中国银行", 621661),
    ("中国建设银行", 621700),
    ("中国邮政储蓄银行", 621799),
    ("吉林银行", 622935),
    ("吉林省农村信用社", 621076),
    ("交通银行", 622262),
    ("招商银行", 621483),
)
BANK_WEIGHTS = (0.16, 0.14, 0.10, 0.16, 0.12, 0.10, 0.12, 0.05, 0.05)

#: Vehicle makers: WMI (世界制造厂识别代号), make and model (厂牌型号), new price range (元),
#: whether it is a new-energy vehicle (新能源, 8-character plate).
VEHICLE_MODELS: tuple[tuple[str, str, int, int, bool], ...] = (
    ("LFV", "一汽-大众捷达FV7160", 80_000, 110_000, False),
    ("LFV", "一汽-大众宝来FV7146", 110_000, 150_000, False),
    ("LFV", "一汽-大众迈腾FV7187", 190_000, 260_000, False),
    ("LSV", "上汽大众朗逸SVW7156", 100_000, 140_000, False),
    ("LSV", "上汽大众帕萨特SVW7187", 190_000, 260_000, False),
    ("LGB", "东风日产轩逸DFL7162", 100_000, 140_000, False),
    ("LVS", "长安福特福克斯CAF7150", 100_000, 140_000, False),
    ("LBV", "华晨宝马BMW7201", 380_000, 480_000, False),
    ("LHG", "广汽本田雅阁HG7201", 170_000, 230_000, False),
    ("LFP", "一汽奔腾CA7156", 80_000, 120_000, False),
    ("LGW", "长城哈弗CC6460", 100_000, 150_000, False),
    ("LGX", "比亚迪秦EV QCJ7007BEV", 150_000, 200_000, True),
    ("LFN", "一汽解放CA1250P62K1L5", 250_000, 380_000, False),
)
VEHICLE_MODEL_WEIGHTS = (
    0.16,
    0.12,
    0.05,
    0.12,
    0.04,
    0.09,
    0.07,
    0.03,
    0.06,
    0.08,
    0.08,
    0.05,
    0.05,
)

#: Model-year characters (车型年份) of VIN position 10, 2008–2019.
VIN_YEARS = {
    2008: "8",
    2009: "9",
    2010: "A",
    2011: "B",
    2012: "C",
    2013: "D",
    2014: "E",
    2015: "F",
    2016: "G",
    2017: "H",
    2018: "J",
    2019: "K",
}

#: Occupations (职业) with (min, max) declared annual income (年收入, 元).
OCCUPATIONS: tuple[tuple[str, int, int], ...] = (
    ("企业职员", 40_000, 120_000),
    ("工人", 35_000, 70_000),
    ("个体经营", 30_000, 200_000),
    ("教师", 60_000, 110_000),
    ("公务员", 70_000, 150_000),
    ("医护人员", 60_000, 140_000),
    ("司机", 40_000, 90_000),
    ("农民", 12_000, 40_000),
    ("自由职业", 20_000, 80_000),
    ("退休人员", 25_000, 60_000),
    ("无业", 0, 12_000),
)

#: Diagnoses (诊断, ICD-10) by use: light injuries (轻伤), injuries with a possible disability
#: grade (伤残, keyed by body part), illnesses for hospital claims, critical illnesses.
LIGHT_INJURIES = (
    ("S00.0", "头皮浅表损伤"),
    ("S30.0", "下背和骨盆挫伤"),
    ("S60.0", "手指挫伤"),
    ("S80.0", "膝挫伤"),
    ("S20.2", "胸部挫伤"),
    ("T14.0", "软组织挫伤"),
)
DISABLING_INJURIES = (
    ("S82.2", "胫骨干骨折"),
    ("S72.0", "股骨颈骨折"),
    ("S52.5", "桡骨下端骨折"),
    ("S42.2", "肱骨上端骨折"),
    ("S32.0", "腰椎骨折"),
    ("S06.5", "创伤性硬脑膜下出血"),
    ("S68.1", "手指创伤性切断"),
    ("S92.0", "跟骨骨折"),
)
ILLNESSES = (
    ("J18.9", "肺炎"),
    ("I63.9", "脑梗死"),
    ("K80.2", "胆囊结石"),
    ("K35.8", "急性阑尾炎"),
    ("I20.0", "不稳定型心绞痛"),
    ("E11.9", "2型糖尿病"),
    ("J44.1", "慢性阻塞性肺病急性加重"),
    ("N20.0", "肾结石"),
    ("K29.7", "胃炎"),
    ("M51.2", "腰椎间盘突出"),
    ("I10", "原发性高血压"),
    ("J06.9", "急性上呼吸道感染"),
    ("A09", "感染性腹泻"),
    ("O80", "单胎顺产"),
)
CRITICAL_ILLNESSES = (
    ("C34.9", "肺恶性肿瘤"),
    ("C16.9", "胃恶性肿瘤"),
    ("C50.9", "乳房恶性肿瘤"),
    ("I21.9", "急性心肌梗死"),
    ("I61.9", "脑出血"),
    ("C22.0", "肝细胞癌"),
    ("N18.5", "慢性肾脏病5期"),
)
DEATH_CAUSES_ACCIDENT = (
    ("V89.2", "交通事故"),
    ("W19", "跌倒"),
    ("W69", "溺水"),
    ("T71", "窒息"),
    ("W87", "触电"),
)
DEATH_CAUSES_ILLNESS = (("I21.9", "急性心肌梗死"), ("I61.9", "脑出血"), ("C34.9", "肺恶性肿瘤"))

#: Products (产品名称) per line (险种类别) and the kind of cover.
PRODUCTS: dict[str, tuple[str, ...]] = {
    "意外险": (
        "综合意外伤害保险",
        "交通工具意外伤害保险",
        "驾乘人员意外伤害保险",
        "学生平安意外伤害保险",
    ),
    "医疗险": ("百万医疗保险", "住院医疗费用补偿保险", "住院津贴医疗保险", "意外医疗保险"),
    "寿险": ("终身寿险", "定期寿险(20年)", "两全保险(分红型)"),
    "重疾险": ("重大疾病保险", "少儿重大疾病保险", "防癌疾病保险"),
}

#: Public hospitals of each city: (suffix, tertiary 三级). Names are generic.
HOSPITAL_TEMPLATES = (
    ("中心医院", True),
    ("人民医院", True),
    ("中医院", False),
    ("妇幼保健院", False),
    ("第二人民医院", False),
    ("骨伤医院", False),
)
PROVINCIAL_HOSPITALS = ("吉林省人民医院", "吉林省中医院", "吉林省肿瘤医院", "吉林省第一附属医院")
PRIVATE_HOSPITAL_SUFFIXES = ("仁爱医院", "康复医院", "博爱医院", "华康医院", "济民医院")

#: Invented insurer name stems (虚构的公司名称), so no real insurer is implied.
PC_STEMS = (
    "长白山",
    "松辽",
    "鸭绿江",
    "查干湖",
    "净月",
    "图们江",
    "北国",
    "雾凇",
    "关东",
    "黑土地",
    "北大荒",
    "白桦林",
    "长岭",
    "向海",
    "莫莫格",
    "镜泊",
    "牡丹江",
    "嫩江",
    "辽河源",
    "兴安",
    "东北虎",
    "丹顶鹤",
    "冰城",
    "雪原",
    "天池峰",
    "长春岭",
)
LIFE_STEMS = (
    "松花江",
    "天池",
    "辽河",
    "白鹤",
    "东辽河",
    "伊通河",
    "拉林河",
    "饮马河",
    "鹿乡",
    "人参谷",
    "长青",
    "福寿山",
    "安泰峰",
    "康宁湾",
    "永安川",
    "德润",
)

#: Law firms, consulting agencies and disability-assessment bodies for auto injury claims.
LAW_FIRM_SUFFIXES = ("律师事务所", "法律服务所", "法律咨询服务有限公司", "交通事故理赔咨询服务部")
ASSESSMENT_SUFFIXES = ("司法鉴定所", "司法鉴定中心", "法医司法鉴定所")
FIRM_WORDS = (
    "正义",
    "公信",
    "金桥",
    "鼎盛",
    "中安",
    "信诚",
    "华宇",
    "恒泰",
    "平安道",
    "东方",
    "盛德",
    "宏远",
    "鑫源",
    "天衡",
    "广达",
    "明正",
    "远洋",
    "瑞丰",
)
SHOP_WORDS = (
    "宏达",
    "顺通",
    "鑫诚",
    "通达",
    "恒顺",
    "捷安",
    "永盛",
    "东风",
    "北方",
    "众诚",
    "金轮",
    "安驰",
    "瑞祥",
    "龙腾",
    "佳佳",
    "兴旺",
    "路通",
    "昌盛",
    "万里",
    "新世纪",
    "盛世",
    "鼎力",
    "长城",
    "速诚",
    "福源",
    "华阳",
    "远航",
    "吉运",
    "车之家",
    "亿发",
)
SHOP_SUFFIXES = (
    "汽车修理厂",
    "汽车维修有限公司",
    "汽车服务有限公司",
    "汽修厂",
    "汽车销售服务有限公司",
)

#: Village name parts (村名): surname-style first part and a suffix.
VILLAGE_SUFFIXES = ("家村", "家屯村", "家窝堡村", "台村", "岗村", "沟村", "甸子村", "河村")
TOWN_SUFFIXES = ("镇", "乡")

#: Agricultural subjects (保险标的) with category, sum insured per mu or head (元),
#: premium rate and ear-tag species digit (畜种代码: 1 pig, 2 cattle, 3 sheep).
AGRI: dict[str, tuple[str, float, float, str]] = {
    "玉米": ("种植险", 400.0, 0.06, ""),
    "水稻": ("种植险", 500.0, 0.06, ""),
    "大豆": ("种植险", 350.0, 0.06, ""),
    "马铃薯": ("种植险", 600.0, 0.06, ""),
    "人参": ("种植险", 8000.0, 0.05, ""),
    "小麦": ("种植险", 350.0, 0.06, ""),
    "能繁母猪": ("养殖险", 1000.0, 0.06, "1"),
    "育肥猪": ("养殖险", 600.0, 0.05, "1"),
    "奶牛": ("养殖险", 8000.0, 0.05, "2"),
    "肉牛": ("养殖险", 6000.0, 0.05, "2"),
    "肉羊": ("养殖险", 800.0, 0.06, "3"),
    "公益林": ("森林险", 800.0, 0.002, ""),
    "商品林": ("森林险", 1000.0, 0.003, ""),
}

#: Given-name characters (名) by gender, to be combined with Faker's single-character names.
GIVEN_MALE = tuple(
    "伟强磊洋勇军杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志"
    "海峰东文博立新春晓成亮德庆兴福禄昌玉宝金永长庆松柏桐"
)
GIVEN_FEMALE = tuple(
    "芳娜敏静丽艳娟霞燕玲丹萍红英梅琳雪莹洁颖慧婷倩瑶晶璐佳欣月秀兰桂凤春艳美玉华珍淑荣金翠"
)
