"""The handbooks' default service levels (SPEC §2), all editable afterwards.

Business time: SPEC §2 says the clocks count the owning unit's working hours, so "24 小时"
means 24 working hours of the unit's calendar (a complaint received before the National Day
holiday is not breached during it). A unit that promises clock hours switches the policy's
"count business time" off."""

from django.db import migrations

DEFAULTS = [
    {
        "name": "投诉：首次响应 24 小时，处理 48 小时（工作时间）",
        "order": 10,
        "ticket_type": "complaint",
        "first_response_minutes": 24 * 60,
        "next_response_minutes": 24 * 60,
        "resolution_minutes": 48 * 60,
    },
    {
        "name": "邮件：24 小时内答复（工作时间）",
        "order": 20,
        "channel": "email",
        "first_response_minutes": 24 * 60,
        "next_response_minutes": 24 * 60,
    },
    {
        "name": "其他工单：首次响应 24 小时（工作时间）",
        "order": 1000,
        "first_response_minutes": 24 * 60,
    },
]


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for row in DEFAULTS:
        SlaPolicy.objects.get_or_create(
            name=row["name"], defaults={**row, "business_time": True, "warn_ratio": "0.80"}
        )


def remove(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaPolicy.objects.filter(name__in=[row["name"] for row in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
