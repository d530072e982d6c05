"""`kefu backup` / `kefu restore`: a round trip on the configured database, and refusals."""

from __future__ import annotations

import io
import json
import tarfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from kefu.core.backup_checksum import database_checksums
from kefu.core.choices import Role
from kefu.core.models import AuditEvent, OrgUnit
from kefu.core.services import org as org_services
from kefu.tickets.models import Attachment
from kefu.tickets.services import work
from kefu.tickets.services.intake import create_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def archive(org: Any, make_user: Any, tmp_path: Path) -> Path:
    agent = make_user(Role.AGENT, org.east)
    ticket = create_ticket(
        actor=agent, unit=org.shanghai, type="repair", channel="phone", title="备份"
    )
    work.add_note(actor=agent, ticket=ticket, body="照片", files=[ContentFile(PNG, name="a.png")])
    path = tmp_path / "kefu.tar.gz"
    call_command("backup", "--output", str(path), stdout=StringIO())
    return path


def _manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path, "r:gz") as tar:
        fh = tar.extractfile("manifest.json")
        assert fh is not None
        return dict(json.load(fh))


def _rewrite(
    path: Path,
    target: Path,
    *,
    manifest: dict[str, Any] | None = None,
    extra: tarfile.TarInfo | None = None,
) -> Path:
    with tarfile.open(path, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            fh = src.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest).encode()
                member.size = len(data)
                fh = io.BytesIO(data)
            dst.addfile(member, fh)
        if extra is not None:
            dst.addfile(extra, io.BytesIO(b"x" * extra.size) if extra.isfile() else None)
    return target


def _restore(path: Path) -> str:
    out = StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    return out.getvalue()


def test_round_trip_restores_rows_and_media(
    archive: Path, org: Any, admin_user: Any, media: Path
) -> None:
    manifest = _manifest(archive)
    attachment = Attachment.objects.get()
    stored = media / str(attachment.file.name)
    assert stored.read_bytes() == PNG
    assert manifest["vendor"] in {"sqlite", "postgresql"}
    assert manifest["tables"]["core_orgunit"]["rows"] == 5
    assert manifest["tables"]["tickets_attachment"]["rows"] == 1
    assert f"media/{attachment.file.name}" in manifest["files"]
    assert manifest["migrations"]["core"].startswith("00")
    assert AuditEvent.objects.filter(action="system.backup").count() == 1

    org_services.create_unit(
        actor=admin_user, code="S-NEW", name="新店", kind="store", parent=org.east
    )
    Attachment.objects.all().delete()
    stored.unlink()
    assert database_checksums() != manifest["tables"]

    out = _restore(archive)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    assert f"verified: {len(manifest['tables'])} tables, {rows} rows" in out
    assert stored.read_bytes() == PNG
    assert not OrgUnit.objects.filter(code="S-NEW").exists()
    assert Attachment.objects.get().file.name == attachment.file.name
    event = AuditEvent.objects.get(action="system.restore")
    assert event.actor is None
    assert event.changes == {"tables": len(manifest["tables"]), "rows": rows, "media_files": 1}
    after = database_checksums()
    after.pop("core_auditevent")
    expected = dict(manifest["tables"])
    expected.pop("core_auditevent")
    assert after == expected


def test_backup_prints_path_and_counts(org: Any, tmp_path: Path) -> None:
    out = StringIO()
    call_command("backup", stdout=out)
    made = list((tmp_path / "var" / "backups").glob("kefu-*.tar.gz"))
    assert len(made) == 1
    manifest = _manifest(made[0])
    rows = sum(t["rows"] for t in manifest["tables"].values())
    assert out.getvalue().startswith(f"{made[0]} (")
    assert f"{len(manifest['tables'])} tables, {rows} rows, 0 media files" in out.getvalue()


def test_tampered_manifest_fails_verification(archive: Path, tmp_path: Path) -> None:
    manifest = _manifest(archive)
    manifest["tables"]["core_orgunit"]["rows"] = 6
    bad = _rewrite(archive, tmp_path / "bad.tar.gz", manifest=manifest)
    with pytest.raises(CommandError, match=r"core_orgunit: 5 rows, backup has 6"):
        _restore(bad)


def test_changed_member_is_refused_before_restoring(archive: Path, tmp_path: Path) -> None:
    manifest = _manifest(archive)
    name = next(n for n in manifest["files"] if n.startswith("media/"))
    manifest["files"][name] = "0" * 64
    bad = _rewrite(archive, tmp_path / "bad.tar.gz", manifest=manifest)
    before = database_checksums()
    with pytest.raises(CommandError, match=f"does not match its manifest: {name} was changed"):
        _restore(bad)
    assert database_checksums() == before


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("media/../../evil.txt", tarfile.REGTYPE),
        ("/tmp/evil.txt", tarfile.REGTYPE),
        ("media/link", tarfile.SYMTYPE),
    ],
)
def test_unsafe_member_is_refused(archive: Path, tmp_path: Path, name: str, kind: bytes) -> None:
    extra = tarfile.TarInfo(name)
    extra.type = kind
    if kind == tarfile.SYMTYPE:
        extra.linkname = "/etc/passwd"
    else:
        extra.size = 3
    bad = _rewrite(archive, tmp_path / "bad.tar.gz", extra=extra)
    with pytest.raises(CommandError, match=f"Refusing archive member {name!r}"):
        _restore(bad)
    assert not (tmp_path / "evil.txt").exists()


def test_restore_without_yes_and_without_a_terminal_is_refused(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(CommandError, match=r"pass --yes to confirm"):
        call_command("restore", str(archive))
    assert not AuditEvent.objects.filter(action="system.restore").exists()


def test_backup_from_another_database_vendor_is_refused(archive: Path, tmp_path: Path) -> None:
    manifest = _manifest(archive)
    other = "postgresql" if manifest["vendor"] == "sqlite" else "sqlite"
    manifest["vendor"] = other
    bad = _rewrite(archive, tmp_path / "bad.tar.gz", manifest=manifest)
    with pytest.raises(CommandError, match=f"This backup is from a {other} database"):
        _restore(bad)


def test_missing_archive_is_a_clear_error(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"No backup file at"):
        _restore(tmp_path / "nope.tar.gz")
