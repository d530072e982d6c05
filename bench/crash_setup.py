"""The crash harness's set-up step, run once in a subprocess after `kefu migrate`:
`python -m bench.crash_setup --robot-url URL` prints JSON with the API token and ids.

Everything goes through kefu's services: an HQ unit, a manager (who may backdate tickets,
so overdue ones can be opened) with an API token, an agent to assign to, one SLA policy in
wall-clock time (first response within a day) and a WeChat Work robot pointing at the
harness's fake receiver, so SLA escalations queue outbox messages, and the SMS channel
(Aliyun-style) pointing at its fake gateway: resolving a ticket with a contact phone texts
the contact.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--robot-url", required=True)
    parser.add_argument("--sms-url", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.crash_settings")
    import django

    django.setup()

    from kefu.core.choices import Role, UnitKind
    from kefu.core.models import User
    from kefu.core.services import org as org_services
    from kefu.core.services import users as user_services
    from kefu.core.services.tokens import create_token
    from kefu.notifications.services_manage import save_channel_config
    from kefu.sla.services_config import create_policy

    admin = User.objects.create_superuser("crash-admin", "admin@example.com", "crash-pass-123")
    hq = org_services.create_unit(actor=admin, code="HQ", name="总部", kind=UnitKind.HEADQUARTERS)
    manager = user_services.create_user(
        actor=admin,
        username="crash-manager",
        password="crash-pass-123",
        unit=hq,
        role=Role.MANAGER,
    )
    agent = user_services.create_user(
        actor=admin, username="crash-agent", password="crash-pass-123", unit=hq, role=Role.AGENT
    )
    _token, raw = create_token(actor=None, user=manager, name="crash harness")
    create_policy(
        actor=admin,
        name="crash: first response within a day",
        first_response_minutes=24 * 60,
        business_time=False,
    )
    save_channel_config(actor=admin, channel="wecom", endpoint=args.robot_url)
    save_channel_config(
        actor=admin,
        channel="sms",
        provider="aliyun",
        endpoint=args.sms_url,
        key_id="crash",
        secret="crash-secret",
        sign_name="客服",
        options={"template_codes": {"*": "SMS_CRASH"}},
    )
    json.dump({"token": raw, "agent_id": agent.pk, "manager_id": manager.pk}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
