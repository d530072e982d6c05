from django.db import migrations


def create_default_calendar(apps, schema_editor):
    BusinessCalendar = apps.get_model("core", "BusinessCalendar")
    if not BusinessCalendar.objects.filter(is_default=True).exists():
        day = [["09:00", "12:00"], ["13:00", "18:00"]]
        BusinessCalendar.objects.create(
            name="标准工作日历",
            timezone="Asia/Shanghai",
            weekday_hours={str(i): (day if i <= 5 else []) for i in range(1, 8)},
            is_default=True,
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_default_calendar, migrations.RunPython.noop)]
