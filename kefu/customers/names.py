"""Name normalisation for one name per customer (统一客户名称).

`name_key("广东省深圳市华为技术（集团）有限公司")` == `name_key("华为技术")` == "华为技术".
The key is stored on every customer (and alias) so the duplicate finder blocks on it and
search can match exact names without scanning. Pure functions; no database access.
"""

from __future__ import annotations

import re
import unicodedata

from kefu.customers.choices import CustomerKind

PROVINCES = [
    "北京",
    "上海",
    "天津",
    "重庆",
    "内蒙古",
    "山西",
    "河北",
    "吉林",
    "江苏",
    "辽宁",
    "黑龙江",
    "安徽",
    "山东",
    "浙江",
    "江西",
    "福建",
    "湖南",
    "湖北",
    "河南",
    "广东",
    "广西",
    "贵州",
    "海南",
    "四川",
    "云南",
    "陕西",
    "甘肃",
    "宁夏",
    "青海",
    "新疆",
    "西藏",
    "台湾",
    "香港",
    "澳门",
]
CITIES = [
    "哈尔滨",
    "长春",
    "沈阳",
    "呼和浩特",
    "石家庄",
    "乌鲁木齐",
    "兰州",
    "西宁",
    "西安",
    "银川",
    "郑州",
    "济南",
    "太原",
    "合肥",
    "武汉",
    "长沙",
    "南京",
    "成都",
    "贵阳",
    "昆明",
    "南宁",
    "拉萨",
    "杭州",
    "南昌",
    "广州",
    "福州",
    "台北",
    "海口",
    "深圳",
    "大连",
    "青岛",
    "厦门",
    "宁波",
    "苏州",
    "无锡",
    "常州",
    "南通",
    "徐州",
    "扬州",
    "镇江",
    "泰州",
    "盐城",
    "淮安",
    "连云港",
    "宿迁",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "台州",
    "丽水",
    "衢州",
    "舟山",
    "佛山",
    "东莞",
    "中山",
    "珠海",
    "惠州",
    "江门",
    "汕头",
    "湛江",
    "肇庆",
    "茂名",
    "揭阳",
    "清远",
    "韶关",
    "潮州",
    "梅州",
    "阳江",
    "河源",
    "汕尾",
    "云浮",
    "烟台",
    "潍坊",
    "临沂",
    "淄博",
    "济宁",
    "泰安",
    "威海",
    "日照",
    "德州",
    "聊城",
    "滨州",
    "菏泽",
    "枣庄",
    "东营",
    "唐山",
    "保定",
    "邯郸",
    "廊坊",
    "沧州",
    "秦皇岛",
    "邢台",
    "张家口",
    "承德",
    "衡水",
    "洛阳",
    "开封",
    "新乡",
    "南阳",
    "许昌",
    "安阳",
    "商丘",
    "信阳",
    "周口",
    "驻马店",
    "焦作",
    "平顶山",
    "宜昌",
    "襄阳",
    "荆州",
    "黄石",
    "十堰",
    "孝感",
    "株洲",
    "湘潭",
    "衡阳",
    "岳阳",
    "常德",
    "郴州",
    "芜湖",
    "蚌埠",
    "安庆",
    "马鞍山",
    "阜阳",
    "泉州",
    "漳州",
    "莆田",
    "龙岩",
    "三明",
    "九江",
    "赣州",
    "上饶",
    "宜春",
    "吉安",
    "景德镇",
    "绵阳",
    "德阳",
    "宜宾",
    "南充",
    "泸州",
    "乐山",
    "自贡",
    "柳州",
    "桂林",
    "北海",
    "遵义",
    "曲靖",
    "大理",
    "宝鸡",
    "咸阳",
    "榆林",
    "包头",
    "鄂尔多斯",
    "大同",
    "鞍山",
    "抚顺",
    "本溪",
    "丹东",
    "锦州",
    "营口",
    "吉林",
    "大庆",
    "齐齐哈尔",
    "牡丹江",
    "三亚",
]
_REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
# longest first so 股份有限公司 wins over 有限公司
LEGAL_SUFFIXES = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "集团股份有限公司",
        "有限公司",
        "集团公司",
        "集团",
        "总公司",
        "分公司",
        "公司",
        "商行",
        "经营部",
        "co.,ltd",
        "co.ltd",
        "co.,ltd.",
        "coltd",
        "ltd",
        "limited",
        "inc",
        "corporation",
        "corp",
        "company",
        "co",
    ],
    key=len,
    reverse=True,
)
_REGIONS = sorted(set(PROVINCES + CITIES), key=len, reverse=True)
# a region, then at most one of its suffixes (the first in _REGION_SUFFIXES that matches)
_REGION_PREFIX = re.compile(
    "(?:{})(?:{})?".format(
        "|".join(map(re.escape, _REGIONS)), "|".join(map(re.escape, _REGION_SUFFIXES))
    )
)
_LEGAL_TUPLE = tuple(LEGAL_SUFFIXES)
_PERSON = CustomerKind.PERSON.value  # a plain str: no enum descriptor lookup per call
_BRACKETS = re.compile(r"[()\[\]{}<>（）【】〔〕《》「」『』]")
_PUNCT = re.compile(r"[\s\-_.,，。·•'\"‘’“”、/\\&＆+:;：；!！?？@#*]+")


def _fold(text: str) -> str:
    """Full-width → half-width (NFKC), case folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _strip_regions(text: str) -> str:
    """Remove leading province and city names (with or without 省/市/自治区)."""
    # One regex (alternatives longest first, as the list) finds the region the list would
    # find first; two distinct regions of one length cannot both start the text.
    while text:
        m = _REGION_PREFIX.match(text)
        if m is None:
            break
        rest = text[m.end() :]
        if len(rest) < 2:  # never strip a name down to nothing ("北京" stays)
            break
        text = rest
    return text


def _strip_legal_suffixes(text: str) -> str:
    while text and text.endswith(_LEGAL_TUPLE):  # the quick test skips most person names
        for suffix in LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                break
        else:
            break
    return text


def company_key(name: str) -> str:
    text = _BRACKETS.sub("", _fold(name))
    text = _PUNCT.sub("", text)
    text = _strip_legal_suffixes(text)
    text = _strip_regions(text)
    return _strip_legal_suffixes(text)


def person_key(name: str) -> str:
    return _PUNCT.sub("", _BRACKETS.sub("", _fold(name)))


def name_key(name: str, kind: str = CustomerKind.COMPANY) -> str:
    """The normalised name stored in `Customer.name_key` (at most 200 characters)."""
    key = person_key(name) if kind == _PERSON else company_key(name)
    return key[:200]
