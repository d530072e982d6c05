"""Backing up and restoring the database and the media folder (`kefu backup|restore`).

An archive is one .tar.gz with:
    manifest.json       kefu version, vendor, migration state, per-table rows + sha256,
                        sha256 of every other member
    database.sqlite3    SQLite: a copy made with the sqlite3 online backup API
    database.pgdump     PostgreSQL: `pg_dump --format=custom`
    media/...           every file under MEDIA_ROOT (attachments, import uploads)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import kefu
from kefu.core.backup_checksum import database_checksums, differences
from kefu.core.services.audit import record_audit

FORMAT = 1
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    tables: int
    rows: int
    media_files: int


def default_backup_path() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"kefu-{stamp}.tar.gz"


def create_backup(*, output: Path) -> BackupResult:
    vendor = _vendor()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kefu-backup-") as tmp:
        db_file = Path(tmp) / DB_MEMBER[vendor]
        with transaction.atomic():  # one snapshot for the dump and the checksums
            if vendor == "postgresql":
                _pg_dump(db_file)
            tables = database_checksums()
            migrations = _migration_state()
        if vendor == "sqlite":  # the backup API cannot read inside a write transaction
            _sqlite_copy(db_file)
        media = _media_files()
        manifest = {
            "format": FORMAT,
            "kefu_version": kefu.__version__,
            "vendor": vendor,
            "created_at": timezone.now().isoformat(),
            "migrations": migrations,
            "tables": tables,
            "files": {DB_MEMBER[vendor]: _sha256(db_file)}
            | {f"media/{rel}": _sha256(path) for rel, path in media},
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=DB_MEMBER[vendor])
            for rel, path in media:
                tar.add(path, arcname=f"media/{rel}", recursive=False)
        partial.replace(output)
    rows = sum(t["rows"] for t in tables.values())
    result = BackupResult(output, output.stat().st_size, len(tables), rows, len(media))
    with transaction.atomic():
        record_audit(
            actor=None,
            action="system.backup",
            object_type="system",
            object_repr=output.name,
            changes={"tables": result.tables, "rows": rows, "media_files": len(media)},
        )
    return result


def restore_backup(*, archive: Path) -> BackupResult:
    """Replace the database and media with the archive's, then verify every table."""
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="kefu-restore-") as tmp:
        root = Path(tmp)
        manifest = _unpack(archive, root)
        backed_up = manifest.get("vendor")
        if backed_up != vendor:
            raise BackupError(
                f"This backup is from a {backed_up} database but kefu is configured for "
                f"{vendor}; restore it into a {backed_up} database."
            )
        _check_files(manifest, root)
        db_file = root / DB_MEMBER[vendor]
        if vendor == "sqlite":
            _sqlite_restore(db_file)
        else:
            _pg_restore(db_file)
        media = _restore_media(root / "media")
    tables = manifest["tables"]
    problems = differences(tables, database_checksums())
    if problems:
        raise BackupError("Restored data does not match the backup:\n  " + "\n  ".join(problems))
    rows = sum(t["rows"] for t in tables.values())
    with transaction.atomic():
        record_audit(
            actor=None,
            action="system.restore",
            object_type="system",
            object_repr=archive.name,
            changes={"tables": len(tables), "rows": rows, "media_files": media},
        )
    return BackupResult(archive, archive.stat().st_size, len(tables), rows, media)


# --- database -------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in DB_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return str(connection.vendor)


def _migration_state() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _sqlite_copy(target: Path) -> None:
    connection.ensure_connection()
    dst = sqlite3.connect(target)
    try:
        connection.connection.backup(dst)
    finally:
        dst.close()


def _sqlite_restore(source: Path) -> None:
    connection.close()
    connection.ensure_connection()
    src = sqlite3.connect(source)
    try:
        src.backup(connection.connection)
    finally:
        src.close()


def _pg_command(tool: str) -> tuple[list[str], dict[str, str]]:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} is not installed (install the PostgreSQL client tools).")
    s = connection.settings_dict
    args = [exe, "--host", s["HOST"] or "127.0.0.1", "--port", str(s["PORT"] or 5432)]
    if s["USER"]:
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _pg_dump(target: Path) -> None:
    args, env = _pg_command("pg_dump")
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    name = connection.settings_dict["NAME"]
    args += ["--format=custom", f"--snapshot={snapshot}", "--file", str(target), name]
    _run("pg_dump", args, env)


def _pg_restore(source: Path) -> None:
    args, env = _pg_command("pg_restore")
    name = connection.settings_dict["NAME"]
    connection.close()
    args += ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
    _run("pg_restore", [*args, "--dbname", name, str(source)], env)


# --- archive and media ----------------------------------------------------------------


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files.append((path.relative_to(root).as_posix(), path))
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _safe_name(member: tarfile.TarInfo) -> PurePosixPath:
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts or not name.parts:
        raise BackupError(f"Refusing archive member {member.name!r}: unsafe path.")
    if not (member.isfile() or member.isdir()):
        raise BackupError(f"Refusing archive member {member.name!r}: not a regular file.")
    top = name.parts[0]
    if top != "media" and (
        len(name.parts) != 1 or top not in {"manifest.json", *DB_MEMBER.values()}
    ):
        raise BackupError(f"Refusing archive member {member.name!r}: not part of a kefu backup.")
    return name


def _unpack(archive: Path, root: Path) -> dict[str, Any]:
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            names = [_safe_name(m) for m in members]  # check all before writing any
            for member, name in zip(members, names, strict=True):
                target = root.joinpath(*name.parts)
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with _extracted(tar, member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable kefu backup: {exc}") from exc
    try:
        manifest = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive} has no readable manifest.json.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a kefu backup of format {FORMAT}.")
    return manifest


@contextmanager
def _extracted(tar: tarfile.TarFile, member: tarfile.TarInfo) -> Iterator[Any]:
    fh = tar.extractfile(member)
    if fh is None:
        raise BackupError(f"Cannot read archive member {member.name!r}.")
    with fh:
        yield fh


def _check_files(manifest: dict[str, Any], root: Path) -> None:
    listed: dict[str, str] = manifest.get("files") or {}
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    present.discard("manifest.json")
    if set(listed) != present:
        extra = sorted(present - set(listed)) + sorted(set(listed) - present)
        raise BackupError(f"The archive does not match its manifest: {', '.join(extra[:10])}.")
    for rel, checksum in listed.items():
        if _sha256(root / rel) != checksum:
            raise BackupError(f"The archive does not match its manifest: {rel} was changed.")


def _restore_media(source: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    if not source.is_dir():
        return 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            count += 1
    return count
