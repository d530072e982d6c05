"""`kefu serve --workers 2` (gunicorn) as a real child process on a database of its own,
and the HTTP benchmark driver and floor at a tiny size against it (no timing assertions).

The database is a temporary SQLite file, or with DATABASE_URL on PostgreSQL a database of
its own (<name>_http_<pid>, dropped afterwards), filled by bench/generate.py."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench._server import serving

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 600


def _pg_admin(url: str, sql: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=str(cfg.get("HOST") or "127.0.0.1"), port=str(cfg.get("PORT") or 5432),
        user=str(cfg.get("USER") or "postgres"), password=str(cfg.get("PASSWORD") or ""),
        dbname="postgres", autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(sql)


def _run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: Any) -> Iterator[dict[str, str]]:
    """Environment of a migrated database with the demo company and a little generated data."""
    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_TESTING", "DATABASE_URL")}
    env["KEFU_VAR_DIR"] = str(tmp_path_factory.mktemp("served"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        name = f"{url.rsplit('/', 1)[1].split('?')[0]}_http_{os.getpid()}"
        env["DATABASE_URL"] = f"{url.rsplit('/', 1)[0]}/{name}"
    sizes = ["--tickets", "300", "--customers", "100", "--purchases", "300"]
    _run(["bench.generate", *sizes, "--events-per-ticket", "3", "--long-tickets", "4"], env)
    yield env
    if "DATABASE_URL" in env:
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _get(base: str, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    return resp, resp.read()


def test_gunicorn_serves_health_static_files_and_the_api(site: dict[str, str]) -> None:
    token = _run(["kefu", "token", "create", "aftersales", "--name", "serve test"], site).strip()
    with serving(workers=2, threads=2, env=site) as base:
        health, body = _get(base, "/healthz")
        assert (health.status, health.getheader("Server")) == (200, "gunicorn")
        assert re.fullmatch(r"app;dur=\d+\.\d", health.getheader("Server-Timing") or "")
        _page, html = _get(base, "/login/")
        css = re.search(r"/static/css/kefu\.[0-9a-f]{12}\.css", html.decode())
        assert css, "the page links the hashed name collectstatic made"
        sheet, content = _get(base, css.group(0), **{"Accept-Encoding": "gzip"})
        assert sheet.status == 200
        assert sheet.getheader("Content-Encoding") == "gzip"
        assert "immutable" in (sheet.getheader("Cache-Control") or "")
        assert "max-age=315360000" in (sheet.getheader("Cache-Control") or "")
        listed, data = _get(base, "/api/v1/tickets?limit=5", Authorization=f"Bearer {token}")
        assert listed.status == 200
        assert '"items"' in data.decode()
        denied, data = _get(base, "/api/v1/tickets")
        assert denied.status == 401
        writes = concurrent_creates(base, token, concurrency=16, requests=48)
        assert (writes["errors"], writes["locked"]) == (0, 0), writes["first_error"]
    assert Path(site["KEFU_VAR_DIR"], "static", "staticfiles.json").exists()


def concurrent_creates(base: str, token: str, *, concurrency: int, requests: int) -> Any:
    """POST /api/v1/tickets from `concurrency` connections at once (two processes with two
    threads each write: on SQLite every transaction begins IMMEDIATE and waits its turn)."""
    from bench.http_bench import Request, drive

    def body(i: int) -> bytes:
        return f'{{"type": "enquiry", "title": "并发创建 {i}"}}'.encode()

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    create = Request("POST", "/api/v1/tickets", headers, body, 201)
    return drive(base, create, concurrency=concurrency, requests=requests)


def test_http_bench_and_floor_run_against_the_server(site: dict[str, str]) -> None:
    argv = ["bench.http_bench", "--workers", "2", "--threads", "2", "--requests", "6"]
    out = _run([*argv, "--runs", "1", "--concurrency", "2", "--floor-rows", "30"], site)
    rows = [line for line in out.splitlines() if line.startswith("| ") and "workload" not in line]
    assert [r.split("|")[1].strip() for r in rows] == [
        "create", "create", "queue-api", "queue-page", "detail", "dashboard", "search",
    ]  # fmt: skip
    assert all(r.split("|")[10].strip() == "0" for r in rows), out  # no errors
    assert "ticket page with 50 events" in out
    assert "of the floor" in out
    floor = _run(["bench.floor", "--rows", "20", "--create-rate", "10"], site)
    assert "20 ticket rows one commit each" in floor


def test_gunicorn_command_line() -> None:
    from kefu.core.management.commands.serve import gunicorn_argv

    options = {"workers": 3, "threads": 4, "timeout": 60, "access_log": False}
    argv = gunicorn_argv("127.0.0.1:8000", options)
    assert argv[1:4] == ["-m", "gunicorn", "kefu.wsgi:application"]
    pairs = dict(zip(argv[4::2], argv[5::2], strict=False))
    assert pairs["--workers"] == "3"
    assert (pairs["--worker-class"], pairs["--threads"]) == ("gthread", "4")
    assert pairs["--bind"] == "127.0.0.1:8000"
    assert "--no-control-socket" in argv
    assert "--access-logfile" not in argv
    assert "--max-requests" not in argv
    assert "--access-logfile" in gunicorn_argv("0.0.0.0:80", {**options, "access_log": True})


def test_static_files_are_stale_until_collected(settings: Any, tmp_path: Path) -> None:
    from kefu.core.management.commands.serve import static_is_stale

    settings.STATIC_ROOT = tmp_path
    assert static_is_stale()
    (tmp_path / "staticfiles.json").write_text("{}")
    os.utime(tmp_path / "staticfiles.json", (4102444800, 4102444800))  # newer than sources
    assert not static_is_stale()
    os.utime(tmp_path / "staticfiles.json", (0, 0))  # older than every source file
    assert static_is_stale()


def test_server_timing_header_can_be_turned_off(client: Any, settings: Any) -> None:
    assert re.fullmatch(r"app;dur=\d+\.\d", client.get("/healthz").headers["Server-Timing"])
    settings.KEFU_SERVER_TIMING = False
    assert "Server-Timing" not in client.get("/healthz").headers
