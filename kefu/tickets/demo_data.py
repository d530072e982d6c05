"""Fixed Chinese data the tickets demo is drawn from: categories, queues, routing rules,
macros, and what customers actually say (titles and descriptions per category)."""

from __future__ import annotations

from kefu.tickets.choices import Channel, TicketType

# (code, name, parent code or None, department code that handles it)
CATEGORIES: list[tuple[str, str, str | None, str]] = [
    ("QUALITY", "质量问题", None, "D-QA"),
    ("DAMAGE", "破损", "QUALITY", "D-QA"),
    ("MISSING", "缺件", "QUALITY", "D-QA"),
    ("FAULT", "功能故障", "QUALITY", "D-QA"),
    ("DELIVERY", "物流配送", None, "D-LOG"),
    ("LATE", "配送延误", "DELIVERY", "D-LOG"),
    ("WRONG", "错发漏发", "DELIVERY", "D-LOG"),
    ("SERVICE", "服务问题", None, "D-CS"),
    ("ATTITUDE", "服务态度", "SERVICE", "D-CS"),
    ("INSTALL", "安装维修", "SERVICE", "D-MNT"),
    ("AFTER", "售后", None, "D-CS"),
    ("RETURN", "退换货", "AFTER", "D-CS"),
    ("INVOICE", "发票", "AFTER", "D-FIN"),
    ("ENQUIRY", "咨询", None, "D-CS"),
    ("PRODUCT", "产品咨询", "ENQUIRY", "D-CS"),
    ("ORDER", "订单查询", "ENQUIRY", "D-CS"),
    ("TECH", "使用指导", "ENQUIRY", "D-TS"),
]

# Queues beyond each department's 默认队列: (department code, name)
QUEUES: list[tuple[str, str]] = [
    ("D-CS", "投诉处理"),
    ("D-CS", "电话咨询"),
    ("D-QA", "质量投诉"),
    ("D-LOG", "配送异常"),
    ("D-MNT", "上门维修"),
]

# (name, order, keywords, category codes, types, department, queue name, priority)
ROUTING_RULES: list[tuple[str, int, list[str], list[str], list[str], str, str, str]] = [
    ("破损、缺件 → 质量部", 10, ["破损", "缺件"], ["DAMAGE", "MISSING"], [], "D-QA",
     "质量投诉", "high"),
    ("配送问题 → 物流配送部", 20, ["配送", "没送到"], ["LATE", "WRONG"], [], "D-LOG",
     "配送异常", ""),
    ("安装维修 → 维修部", 30, ["安装", "维修"], ["INSTALL"], [], "D-MNT", "上门维修", ""),
    ("发票 → 财务部", 40, ["发票"], ["INVOICE"], [], "D-FIN", "默认队列", "low"),
    ("投诉 → 客服部投诉处理", 50, [], [], ["complaint"], "D-CS", "投诉处理", "high"),
]  # fmt: skip

MACROS: list[tuple[str, str]] = [
    (
        "已受理",
        "{{ customer.name }}您好，您的工单 {{ ticket.number }} 已受理，我们会在 24 小时内"
        "给您答复。",
    ),
    (
        "投诉致歉",
        "{{ customer.name }}您好，非常抱歉给您带来不便。您的投诉（{{ ticket.number }}）已由"
        "专人跟进，处理结果会第一时间告知您。",
    ),
    ("上门预约", "您好，维修师傅将于明天上午上门，请保持电话畅通。工单号：{{ ticket.number }}。"),
    ("催件回复", "您好，已为您催促配送站，订单预计今天送达。工单号：{{ ticket.number }}。"),
    ("结案回访", "您好，工单 {{ ticket.number }} 已处理完毕，请问您对处理结果满意吗？"),
    ("发票说明", "您好，电子发票会在 3 个工作日内发送到您的邮箱，请注意查收。"),
]

PRODUCTS = [
    "微波炉", "电饭煲", "空气净化器", "洗衣机", "冰箱", "扫地机器人", "电热水器", "油烟机",
    "净水器", "电风扇", "空调", "电视机", "吸尘器", "烤箱",
]  # fmt: skip

# category code → [(title, description)] with {product} and {ref} placeholders
TEXTS: dict[str, list[tuple[str, str]]] = {
    "DAMAGE": [
        ("收到的{product}外箱破损", "客户来电：收到的{product}外箱破损，机身有划痕，要求换货。"),
        ("{product}到货时面板碎裂", "订单 {ref} 的{product}开箱发现面板碎裂，客户很不满意。"),
    ],
    "MISSING": [
        ("{product}少了配件", "订单 {ref}：{product}包装里没有遥控器和说明书。"),
        ("订单 {ref} 缺件", "客户反映收到的货物少了一件，要求尽快补发。"),
    ],
    "FAULT": [
        ("{product}使用三天就坏了", "{product}通电后不工作，指示灯一直闪烁。"),
        ("{product}噪音很大", "客户反映{product}运行时噪音异常，怀疑质量问题。"),
    ],
    "LATE": [
        ("订单 {ref} 超时未送达", "承诺昨天送达，至今没送到，客户多次催促。"),
        ("配送比承诺晚了三天", "订单 {ref} 的配送一再延误，客户要求说明原因。"),
    ],
    "WRONG": [
        ("收到的货不是自己买的", "订单 {ref} 错发成了别的型号的{product}。"),
        ("订单 {ref} 漏发一件", "两件商品只收到一件，配送单上却显示已全部签收。"),
    ],
    "ATTITUDE": [
        ("投诉门店店员态度差", "客户在门店咨询{product}时，店员态度冷淡，不耐烦。"),
        ("配送员态度恶劣", "配送员送货时出言不逊，客户要求道歉。"),
    ],
    "INSTALL": [
        ("预约{product}安装", "客户新买的{product}需要上门安装，希望周末安排。"),
        ("{product}需要上门维修", "{product}漏水，客户希望尽快安排师傅上门。"),
    ],
    "RETURN": [
        ("{product}七天无理由退货", "客户觉得{product}颜色不喜欢，申请退货，订单 {ref}。"),
        ("申请更换{product}型号", "客户想把{product}换成大一号的型号，愿意补差价。"),
    ],
    "INVOICE": [
        ("补开增值税专用发票", "公司客户需要订单 {ref} 的增值税专用发票。"),
        ("发票抬头开错了", "订单 {ref} 的电子发票抬头有误，需要重开。"),
    ],
    "PRODUCT": [
        ("咨询{product}的保修期", "客户想了解{product}的保修政策和保修期限。"),
        ("{product}有没有以旧换新", "客户咨询{product}以旧换新活动的规则。"),
    ],
    "ORDER": [
        ("查询订单 {ref} 物流进度", "客户想知道订单 {ref} 现在到哪里了。"),
        ("订单 {ref} 什么时候发货", "客户下单两天了，还没有发货信息。"),
    ],
    "TECH": [
        ("{product}怎么设置定时", "客户不会设置{product}的定时功能。"),
        ("{product}连接不上手机 App", "{product}配网失败，客户需要指导。"),
    ],
}  # fmt: skip

PRAISE = [
    ("表扬配送员服务周到", "客户来电表扬配送员送货准时、态度好，主动帮忙搬运。"),
    ("表扬客服耐心解答", "客户表扬客服专员耐心细致地解答了{product}的使用问题。"),
]
SUGGESTIONS = [
    ("建议增加晚间配送时段", "客户建议配送增加晚上 7 点到 9 点的时段，方便上班族。"),
    ("建议门店增加休息区", "客户建议门店增加顾客休息区和饮水机。"),
]

# Which categories fit each ticket type (complaints and after-sales draw from problems).
TYPE_CATEGORIES: dict[str, list[str]] = {
    TicketType.ENQUIRY: ["PRODUCT", "TECH", "INVOICE"],
    TicketType.QUERY: ["ORDER", "LATE"],
    TicketType.REPAIR: ["INSTALL", "FAULT"],
    TicketType.COMPLAINT: ["DAMAGE", "MISSING", "FAULT", "LATE", "WRONG", "ATTITUDE"],
    TicketType.AFTER_SALES: ["RETURN", "INVOICE", "MISSING", "DAMAGE"],
    TicketType.SUGGESTION: [],
    TicketType.PRAISE: [],
}

TYPE_WEIGHTS: list[tuple[str, int]] = [
    (TicketType.ENQUIRY, 24),
    (TicketType.QUERY, 18),
    (TicketType.REPAIR, 12),
    (TicketType.COMPLAINT, 18),
    (TicketType.AFTER_SALES, 16),
    (TicketType.SUGGESTION, 6),
    (TicketType.PRAISE, 6),
]
CHANNEL_WEIGHTS: list[tuple[str, int]] = [
    (Channel.PHONE, 44),
    (Channel.EMAIL, 14),
    (Channel.WEB, 16),
    (Channel.ON_SITE, 8),
    (Channel.API, 6),
    (Channel.MESSAGING, 12),
]

# Complaint cause per category, with what the responsible party is told.
CAUSES: dict[str, str] = {
    "DAMAGE": "delivery",
    "MISSING": "production",
    "FAULT": "quality",
    "LATE": "delivery",
    "WRONG": "delivery",
    "ATTITUDE": "service",
}
CAUSE_DEPARTMENT = {
    "quality": "D-QA",
    "production": "D-PRD",
    "delivery": "D-LOG",
    "service": "D-CS",
    "other": "D-CS",
}
ROOT_CAUSES = {
    "quality": "来料批次质量不稳定，出厂检验漏检",
    "production": "包装工序漏放配件，复核未执行",
    "delivery": "配送站装卸不规范，未按承诺时效派送",
    "service": "员工服务意识不足，未按服务规范接待",
    "other": "原因不明，已加强跟踪",
}
REMEDIES = [
    ("replacement", "为客户更换新品", "0"),
    ("refund", "全额退款", "1999"),
    ("compensation", "补偿购物券 200 元", "200"),
    ("redelivery", "重新配送并加急", "30"),
    ("apology", "上门致歉并赠送小礼品", "50"),
    ("repair", "免费上门维修", "120"),
]
