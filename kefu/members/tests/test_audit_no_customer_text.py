"""A member's corrections are audited by field name: the audit log cannot be erased, so it
keeps neither the old nor the new name, address or number."""

from __future__ import annotations

import json

from kefu.core.models import AuditEvent
from kefu.members.services.registration import register_member, update_member
from kefu.members.tests.factories import form


def test_member_update_audits_field_names_not_values(org, tiers, clerk):
    member = register_member(actor=clerk, unit=org.shanghai, **form(1, name="欧阳旧名"))
    update_member(actor=clerk, member=member, name="欧阳新名", address="北京市朝阳区某小区")
    entry = AuditEvent.objects.get(action="member.update", object_id=str(member.pk))
    assert entry.changes == {"fields": ["address", "name"]}
    logged = json.dumps([entry.object_repr, entry.changes], ensure_ascii=False)
    for text in ("欧阳", "朝阳区", "黄浦区"):
        assert text not in logged
    member.refresh_from_db()
    assert (member.name, member.address) == ("欧阳新名", "北京市朝阳区某小区")
