"""Fixed Chinese data the demo company is drawn from (regions, cities, streets, departments)."""

from __future__ import annotations

from kefu.core.choices import DepartmentKind, Role, UnitKind

# (region name, [(city, telephone area code), ...]) in the order regions are opened.
REGIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "华东",
        [("上海", "021"), ("杭州", "0571"), ("南京", "025"), ("苏州", "0512"),
         ("宁波", "0574"), ("合肥", "0551"), ("济南", "0531"), ("福州", "0591")],
    ),
    (
        "华南",
        [("广州", "020"), ("深圳", "0755"), ("东莞", "0769"), ("佛山", "0757"),
         ("珠海", "0756"), ("南宁", "0771"), ("海口", "0898")],
    ),
    (
        "华北",
        [("北京", "010"), ("天津", "022"), ("石家庄", "0311"), ("太原", "0351"),
         ("唐山", "0315"), ("呼和浩特", "0471")],
    ),
    (
        "西南",
        [("成都", "028"), ("重庆", "023"), ("昆明", "0871"), ("贵阳", "0851"),
         ("绵阳", "0816"), ("拉萨", "0891")],
    ),
    (
        "华中",
        [("武汉", "027"), ("长沙", "0731"), ("郑州", "0371"), ("南昌", "0791"),
         ("宜昌", "0717"), ("洛阳", "0379")],
    ),
    (
        "西北",
        [("西安", "029"), ("兰州", "0931"), ("银川", "0951"), ("西宁", "0971"),
         ("乌鲁木齐", "0991")],
    ),
    (
        "东北",
        [("沈阳", "024"), ("大连", "0411"), ("长春", "0431"), ("哈尔滨", "0451")],
    ),
]  # fmt: skip

HQ_CITIES = [("上海", "021"), ("北京", "010"), ("深圳", "0755"), ("杭州", "0571")]

# Business districts and streets that store names are made of ("杭州人民路店").
AREAS = [
    "人民路", "解放路", "中山路", "建设路", "和平路", "长江路", "黄河路", "新华路", "文化路",
    "胜利路", "光明路", "友谊路", "青年路", "学府路", "花园路", "科技路", "滨江", "高新",
    "经开", "城南", "城北", "城东", "城西", "江北", "新区", "万达广场", "万象城", "大学城",
    "火车站", "世纪大道", "体育中心", "会展中心", "南湖", "东湖", "西湖", "北湖", "开元",
    "龙华", "天府", "金沙",
]  # fmt: skip

DISTRICTS = ["高新区", "经济开发区", "新城区", "老城区", "滨江区", "江北区", "城南区", "城东区"]
ROADS = [
    "人民路", "解放路", "中山路", "建设路", "和平路", "长江路", "黄河路", "新华路", "文化路",
    "胜利路", "光明路", "友谊路", "青年路", "学府路", "花园路", "科技路", "迎宾大道",
    "世纪大道", "滨河路", "工业大道",
]  # fmt: skip
BUILDING_WORDS = ["金融", "国际", "时代", "世纪", "环球", "财富", "汇金", "远洋", "创业", "置地"]
BUILDINGS = ["大厦", "广场", "中心", "商务楼", "产业园"]

# One leaf unit of each of these per slot, in this order, for every region.
LEAF_PATTERN: list[tuple[str, str, str]] = [
    (UnitKind.STORE, "S", "店"),
    (UnitKind.STORE, "S", "店"),
    (UnitKind.SITE, "T", "配送站"),
    (UnitKind.SERVICE_CENTRE, "M", "管理处"),
]

# Departments at headquarters: (code, name, kind). Every region also gets its own 客服部.
HQ_DEPARTMENTS: list[tuple[str, str, str]] = [
    ("D-CS", "客服部", DepartmentKind.CUSTOMER_SERVICE),
    ("D-QA", "质量部", DepartmentKind.QUALITY),
    ("D-LOG", "物流配送部", DepartmentKind.LOGISTICS),
    ("D-TS", "技术支持部", DepartmentKind.TECH_SUPPORT),
    ("D-PRD", "生产部", DepartmentKind.PRODUCTION),
    ("D-MNT", "维修部", DepartmentKind.MAINTENANCE),
    ("D-FIN", "财务部", DepartmentKind.FINANCE),
    ("D-SAL", "销售部", DepartmentKind.SALES),
]

STORE_CALENDAR = "门店排班"
STORE_HOURS = {str(day): [["10:00", "22:00"]] for day in range(1, 8)}

# The first person with a role gets the bare name (the demo login), later ones a number.
LOGIN_NAMES: dict[str, str] = {
    Role.MANAGER: "manager",
    Role.SUPERVISOR: "supervisor",
    Role.AGENT: "agent",
    Role.COMPLAINT_HANDLER: "complaint",
    Role.QUALITY_CHECKER: "quality",
    Role.RECORDS_KEEPER: "records",
    Role.KEY_ACCOUNT_AGENT: "keyaccount",
    Role.AFTER_SALES: "aftersales",
    Role.DEPARTMENT_HANDLER: "handler",
    Role.STORE_CLERK: "clerk",
    Role.AUDITOR: "auditor",
}

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """2 → 二, 10 → 十, 23 → 二十三, 100 → 一百 (for 1 ≤ n < 1000)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "" if tens == 1 else CN_DIGITS[tens]
        return f"{head}十{CN_DIGITS[ones] if ones else ''}"
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return f"{CN_DIGITS[hundreds]}百"
    if rest < 10:
        return f"{CN_DIGITS[hundreds]}百零{CN_DIGITS[rest]}"
    tail = cn_number(rest)
    return f"{CN_DIGITS[hundreds]}百{'一' if rest < 20 else ''}{tail}"
