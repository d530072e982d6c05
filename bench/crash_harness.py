"""Crash-safety harness: `kefu serve` and `kefu worker` as real processes, killed with
SIGKILL at random moments, restarted, and checked.

    .venv/bin/python -m bench.crash_harness --db sqlite --cycles 20 --seed 1
    .venv/bin/python -m bench.crash_harness --db postgres --cycles 20 \
        --pg-url postgres://postgres@127.0.0.1:5432/kefu_crash_run

Each run makes a fresh database (an SQLite file in a temporary directory, or a PostgreSQL
database dropped and created through psycopg), runs `kefu migrate` and a set-up step
(bench/crash_setup.py, through kefu's services), starts a fake WeChat Work robot in this
process, then runs N cycles: start both processes, wait for /healthz, send the retries of
every request that got no answer (same Idempotency-Key, same body), run a few client
threads creating and updating tickets, and SIGKILL the server and the worker (their whole
process groups) at seeded random moments. After the last cycle it restarts once more, lets
the worker drain, stops it, and checks the database against what was acknowledged
(bench/crash_checks.py). Exit status 0 only without any loss, duplicate or stuck work.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from bench.crash_checks import Report, outstanding, verify
from bench.crash_client import (
    Api,
    Ledger,
    NoAnswer,
    Receiver,
    free_port,
    load_thread,
    new_create,
    send,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Options:
    db: str = "sqlite"
    cycles: int = 3
    seed: int = 1
    pg_url: str = "postgres://postgres@127.0.0.1:5432/kefu_crash_run"
    threads: int = 3
    kill_after: tuple[float, float] = (1.0, 4.0)
    overdue_share: float = 0.15
    flaky: float = 0.1
    drain_seconds: float = 120.0
    time_limit: float = 1800.0
    keep: bool = False
    kefu: str = ""  # the `kefu` console script (default: next to this Python)
    quiet: bool = False


class Harness:
    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.rng = random.Random(opts.seed)
        self.tmp = Path(tempfile.mkdtemp(prefix="kefu-crash-"))
        self.ledger = Ledger()
        self.receiver = Receiver(flaky=opts.flaky, seed=opts.seed)
        self.kefu = opts.kefu or str(Path(sys.executable).with_name("kefu"))
        self.url = self._database_url()
        self.token = ""
        self.agent_id = 0
        self.counter = [0]
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[bytes]] = []
        self.started = time.monotonic()

    # --- environment ---------------------------------------------------------------
    def _database_url(self) -> str:
        if self.opts.db == "sqlite":
            return f"sqlite:///{self.tmp / 'kefu.sqlite3'}"
        return self.opts.pg_url

    def env(self) -> dict[str, str]:
        drop = {"KEFU_TESTING", "REDIS_URL", "PYTEST_XDIST_WORKER", "DJANGO_SETTINGS_MODULE"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(
            DATABASE_URL=self.url,
            DJANGO_SETTINGS_MODULE="bench.crash_settings",
            KEFU_VAR_DIR=str(self.tmp / "var"),
            MEDIA_ROOT=str(self.tmp / "media"),
            KEFU_WORKER_HEARTBEAT_SECONDS="1",
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
            PYTHONDONTWRITEBYTECODE="1",
            LOG_LEVEL="WARNING",
        )
        return env

    def say(self, text: str) -> None:
        if not self.opts.quiet:
            print(f"[{time.monotonic() - self.started:7.1f}s] {text}", flush=True)

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.opts.time_limit:
            raise TimeoutError(f"over the time limit of {self.opts.time_limit:.0f}s")

    # --- database ------------------------------------------------------------------
    def create_database(self) -> None:
        if self.opts.db == "postgres":
            import psycopg
            from psycopg import sql

            parts = urlsplit(self.url)
            name = parts.path.lstrip("/")
            admin = urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.run_step([self.kefu, "migrate", "--noinput"])
        out = self.run_step(
            [
                *(sys.executable, "-m", "bench.crash_setup"),
                *("--robot-url", self.receiver.robot_url, "--sms-url", self.receiver.sms_url),
            ]
        )
        setup = json.loads(out.strip().splitlines()[-1])
        self.token, self.agent_id = setup["token"], int(setup["agent_id"])

    def drop_database(self) -> None:
        if self.opts.db != "postgres":
            return
        import psycopg
        from psycopg import sql

        parts = urlsplit(self.url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(parts.path.lstrip("/"))
                )
            )

    def run_step(self, argv: list[str]) -> str:
        proc = subprocess.run(
            argv, env=self.env(), cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:3])} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    # --- processes -----------------------------------------------------------------
    def start(self, cycle: int) -> Api:
        port = free_port()
        self.procs = []
        for name, argv in (
            ("serve", [self.kefu, "serve", f"127.0.0.1:{port}", "--skip-checks"]),
            ("worker", [self.kefu, "worker", "--interval", "0.2", "--skip-checks"]),
        ):
            log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed in reap)
            log.write(f"\n--- cycle {cycle} ---\n".encode())
            log.flush()
            self.logs.append(log)
            # a new session: the kill takes the whole group, whatever the command spawned
            self.procs.append(
                subprocess.Popen(
                    argv,
                    env=self.env(),
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        api = Api(port, self.token)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.procs[0].poll() is not None:
                raise RuntimeError(f"kefu serve exited with {self.procs[0].returncode}")
            try:
                if api.call("GET", "/healthz")[0] == 200:
                    return api
            except NoAnswer:
                pass
            time.sleep(0.1)
        raise TimeoutError("kefu serve did not answer /healthz within 120s")

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_gracefully(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill(proc)
        self.reap()

    def reap(self) -> None:
        for log in self.logs:
            log.close()
        self.logs = []

    # --- load ----------------------------------------------------------------------
    def retry_pending(self, api: Api) -> int:
        """Send every request that has no answer yet again, in order; stops at the first
        that gets none (the server is gone). Returns how many are still pending."""
        for req in self.ledger.pending():
            try:
                send(api, self.ledger, req, self.agent_id)
            except NoAnswer as exc:
                req.error = str(exc)
                break
        return len(self.ledger.pending())

    def cycle(self, number: int) -> None:
        api = self.start(number)
        left = self.retry_pending(api)
        if not any(r.overdue and r.ticket_id for r in self.ledger.requests):
            self.counter[0] += 1  # at least one overdue ticket, whatever the dice say
            req = new_create(self.ledger, self.rng, self.counter[0], 0, overdue=True)
            with contextlib.suppress(NoAnswer):
                send(api, self.ledger, req, self.agent_id)
        stop = threading.Event()
        threads = []
        for i in range(self.opts.threads):
            rng = random.Random(self.rng.getrandbits(64))
            mine = [k for j, k in enumerate(self.ledger.tickets) if j % self.opts.threads == i]
            t = threading.Thread(
                target=load_thread,
                args=(
                    Api(api.port, api.token),
                    self.ledger,
                    stop,
                    rng,
                    mine,
                    self.agent_id,
                    self.counter,
                    self.opts.overdue_share,
                ),
                daemon=True,
            )
            threads.append(t)
        low, high = self.opts.kill_after
        kill_serve, kill_worker = self.rng.uniform(low, high), self.rng.uniform(low, high)
        begun = time.monotonic()
        for t in threads:
            t.start()
        serve, worker = self.procs
        for delay, proc in sorted(
            [(kill_serve, serve), (kill_worker, worker)], key=lambda pair: pair[0]
        ):
            time.sleep(max(0.0, begun + delay - time.monotonic()))
            self.kill(proc)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        self.reap()
        self.say(
            f"cycle {number}: killed serve at {kill_serve:.2f}s, worker at {kill_worker:.2f}s;"
            f" {len(self.ledger.requests)} requests so far, {left} pending before load,"
            f" {len(self.ledger.pending())} pending now"
        )

    def finish(self) -> Report:
        api = self.start(self.opts.cycles + 1)
        for _ in range(5):
            if not self.retry_pending(api):
                break
            time.sleep(1)
        overdue = [
            r.ticket_id for r in self.ledger.requests if r.overdue and r.ticket_id is not None
        ]
        deadline = time.monotonic() + self.opts.drain_seconds
        state = outstanding(self.url, overdue)
        while not state.done() and time.monotonic() < deadline:
            time.sleep(1)
            state = outstanding(self.url, overdue)
        self.say(f"drained: {state}")
        for req in self.ledger.pending():
            self.say(f"never answered: {req.kind} {req.path} ({req.error})")
        self.stop_gracefully()
        report = Report(cycles=self.opts.cycles)
        verify(self.url, self.ledger, self.receiver, report)
        log = (self.tmp / "worker.log").read_text(errors="replace")
        report.tasks_requeued = log.count("died while running it; queued again")
        report.elapsed = time.monotonic() - self.started
        return report

    def run(self) -> Report:
        self.receiver.start()
        try:
            self.say(f"database {self.opts.db}: {self.url}; files in {self.tmp}")
            self.create_database()
            self.say("migrated and set up")
            for number in range(1, self.opts.cycles + 1):
                self.check_time()
                self.cycle(number)
            return self.finish()
        finally:
            for proc in self.procs:
                if proc.poll() is None:
                    self.kill(proc)
            self.reap()
            self.receiver.stop()
            if not self.opts.keep:
                try:
                    self.drop_database()
                except Exception as exc:  # reported, never hides the real result
                    print(f"could not drop the database: {exc}", file=sys.stderr)
                shutil.rmtree(self.tmp, ignore_errors=True)


def run(opts: Options) -> Report:
    return Harness(opts).run()


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.crash_harness", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pg-url", default=Options.pg_url, help="the PostgreSQL database to (re)create for the run"
    )
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument(
        "--kill-after",
        type=float,
        nargs=2,
        default=[1.0, 4.0],
        metavar=("MIN", "MAX"),
        help="seconds of load before each kill",
    )
    parser.add_argument("--overdue-share", type=float, default=0.15)
    parser.add_argument(
        "--flaky", type=float, default=0.1, help="share of robot posts answered 503 (retried)"
    )
    parser.add_argument("--drain-seconds", type=float, default=120.0)
    parser.add_argument("--time-limit", type=float, default=1800.0)
    parser.add_argument("--keep", action="store_true", help="keep the files and database")
    parser.add_argument("--quiet", action="store_true")
    a = parser.parse_args(argv)
    return Options(
        db=a.db,
        cycles=a.cycles,
        seed=a.seed,
        pg_url=a.pg_url,
        threads=a.threads,
        kill_after=(a.kill_after[0], a.kill_after[1]),
        overdue_share=a.overdue_share,
        flaky=a.flaky,
        drain_seconds=a.drain_seconds,
        time_limit=a.time_limit,
        keep=a.keep,
        quiet=a.quiet,
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    report = run(opts)
    print(report.table())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
