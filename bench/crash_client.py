"""The crash harness's load: logical requests with their own Idempotency-Key, sent over
HTTP by a few threads, and the fake robot receiver that counts deliveries by key.

A logical request is acknowledged when one of its attempts got a 2xx answer; until then it
is pending (no answer: the server was killed, the connection reset, a timeout, a 5xx) and
the harness sends it again after the restart with the same Idempotency-Key and body.

Every ticket write honours Idempotency-Key on the server. An update (reply, status change,
assignment) is sent with `expected_version`, and a retry sends the first attempt's exact
body (the same version) with the same key: if the first attempt committed, the server
replays its answer (Idempotent-Replayed) and writes nothing. If it did not commit and the
version moved meanwhile (409 ticket_stale), the version/marker safety still applies: the
harness looks at the ticket's timeline for the update's unique marker (or at the assignee);
only if it is absent is the update sent again, with the ticket's current version and still
the same key (a failed write keeps no key on the server).
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
TIMEOUT = 15.0
PENDING, ACKED, APPLIED, REJECTED = "pending", "acked", "applied", "rejected"
# what each ticket goes through after it is created (in order, one step at a time)
PLAN = ("assign", "reply", "status:pending", "status:open", "reply", "status:resolved")


class NoAnswer(Exception):
    """The request got no HTTP answer (or a 5xx): its outcome is unknown."""


@dataclass
class Req:
    """One logical request and what the server acknowledged for it."""

    key: str
    kind: str  # create / assign / reply / status
    path: str
    body: dict[str, Any]
    ticket_key: str  # the create request's key of the ticket it belongs to
    marker: str = ""
    overdue: bool = False
    state: str = PENDING
    attempts: int = 0
    status_code: int = 0
    ticket_id: int | None = None
    number: str = ""
    error: str = ""
    sent_body: dict[str, Any] | None = None  # an update's body as sent (with its version)


@dataclass
class Ticket:
    key: str
    overdue: bool
    with_phone: bool
    ticket_id: int | None = None
    step: int = 0  # next step of PLAN
    busy: Req | None = None  # the update in flight or waiting for a retry


@dataclass
class Ledger:
    """Everything the client did, shared by the load threads (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[Req] = field(default_factory=list)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    sent: int = 0  # HTTP attempts of logical requests
    retried: int = 0  # attempts after the first
    replayed: int = 0  # retries answered with the first answer (Idempotent-Replayed)

    def pending(self) -> list[Req]:
        with self.lock:
            return [r for r in self.requests if r.state == PENDING]


class Api:
    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.replayed = False  # the last call's Idempotent-Replayed (one Api per thread)

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        all_headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        try:
            conn.request(method, path, body=data, headers=all_headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise NoAnswer(f"{type(exc).__name__}: {exc}") from exc
        finally:
            conn.close()
        if response.status >= 500:
            raise NoAnswer(f"HTTP {response.status}")
        try:  # a server killed while writing the body leaves it cut short or empty
            answer = json.loads(raw)
        except ValueError as exc:
            raise NoAnswer(f"HTTP {response.status} with an incomplete body") from exc
        self.replayed = response.getheader("Idempotent-Replayed") == "true"
        return response.status, answer


def new_create(
    ledger: Ledger, rng: random.Random, n: int, overdue_share: float, *, overdue: bool = False
) -> Req:
    key = f"crash-{rng.getrandbits(64):016x}-{n}"
    overdue = overdue or rng.random() < overdue_share
    with_phone = rng.random() < 0.5
    now = datetime.now(TZ)
    body: dict[str, Any] = {
        "type": "enquiry",
        "title": f"crash {key}",
        "description": f"created by the crash harness ({key})",
    }
    if with_phone:
        body["contact_phone"] = f"1380000{n % 10000:04d}"
    if overdue:  # contact three days ago: the first response (a day) is long overdue
        body["received_at"] = (now - timedelta(days=3)).isoformat()
    req = Req(key, "create", "/api/v1/tickets", body, ticket_key=key, overdue=overdue)
    with ledger.lock:
        ledger.requests.append(req)
        ledger.tickets[key] = Ticket(key, overdue, with_phone)
    return req


def next_update(ledger: Ledger, ticket: Ticket, agent_id: int, n: int) -> Req | None:
    """The ticket's next step as a request (None: nothing to do for it now)."""
    if ticket.overdue or ticket.ticket_id is None or ticket.busy or ticket.step >= len(PLAN):
        return None
    step = PLAN[ticket.step]
    marker = f"{ticket.key}/{ticket.step}/{n}"
    base = f"/api/v1/tickets/{ticket.ticket_id}"
    if step == "assign":
        req = Req(marker, "assign", f"{base}/assign", {"assignee_id": agent_id}, ticket.key)
    elif step == "reply":
        req = Req(marker, "reply", f"{base}/replies", {"body": f"reply {marker}"}, ticket.key)
        req.marker = f"reply {marker}"
    else:
        status = step.split(":")[1]
        body = {"status": status, "reason": f"status {marker}"}
        req = Req(marker, "status", f"{base}/status", body, ticket.key)
        req.marker = f"status {marker}"
    with ledger.lock:
        ticket.busy = req
        ledger.requests.append(req)
    return req


def _acked(ledger: Ledger, req: Req, code: int, answer: Any) -> None:
    with ledger.lock:
        req.state, req.status_code = ACKED, code
        ticket = ledger.tickets[req.ticket_key]
        if req.kind == "create":
            req.ticket_id, req.number = int(answer["id"]), str(answer["number"])
            ticket.ticket_id = req.ticket_id
        else:
            ticket.step += 1
            ticket.busy = None


def _applied_unacked(ledger: Ledger, req: Req) -> None:
    with ledger.lock:
        req.state = APPLIED
        ticket = ledger.tickets[req.ticket_key]
        ticket.step += 1
        ticket.busy = None


def _rejected(ledger: Ledger, req: Req, code: int, answer: Any) -> None:
    with ledger.lock:
        req.state, req.status_code = REJECTED, code
        req.error = json.dumps(answer, ensure_ascii=False)[:300]
        ledger.tickets[req.ticket_key].busy = None


def _version(api: Api, ticket_id: int) -> int:
    code, answer = api.call("GET", f"/api/v1/tickets/{ticket_id}")
    if code != 200:
        raise NoAnswer(f"GET ticket {ticket_id}: HTTP {code}")
    return int(answer["version"])


def _marker_present(api: Api, ticket_id: int, marker: str) -> bool:
    code, events = api.call("GET", f"/api/v1/tickets/{ticket_id}/events")
    if code != 200:
        raise NoAnswer(f"GET events {ticket_id}: HTTP {code}")
    return any(e.get("body") == marker for e in events)


def _assigned(api: Api, ticket_id: int, agent_id: int) -> bool:
    code, answer = api.call("GET", f"/api/v1/tickets/{ticket_id}")
    if code != 200:
        raise NoAnswer(f"GET ticket {ticket_id}: HTTP {code}")
    return bool(answer.get("assignee_id") == agent_id)


def _done(api: Api, req: Req, ticket_id: int, agent_id: int) -> bool:
    """Whether the update is on the ticket already (its marker, or the assignee)."""
    if req.kind == "assign":
        return _assigned(api, ticket_id, agent_id)
    return _marker_present(api, ticket_id, req.marker)


def send(api: Api, ledger: Ledger, req: Req, agent_id: int) -> None:
    """One attempt at `req`; NoAnswer leaves it pending for a retry after the restart."""
    retry = req.attempts > 0
    with ledger.lock:
        req.attempts += 1
        ledger.sent += 1
        ledger.retried += int(retry)
    headers = {"Idempotency-Key": req.key}
    ticket_id = 0
    if req.kind == "create":
        body = req.body
    else:
        ticket_id = int(req.path.split("/")[4])
        if req.sent_body is None:  # the first attempt, or the retry after a stale version
            req.sent_body = {**req.body, "expected_version": _version(api, ticket_id)}
        body = req.sent_body  # a retry: the same key and body, replayed if it committed
    code, answer = api.call("POST", req.path, body, headers)
    if 200 <= code < 300:
        if api.replayed:  # a retry of a write that had committed: its first answer back
            with ledger.lock:
                ledger.replayed += 1
        _acked(ledger, req, code, answer)
    elif code == 409 and req.kind != "create" and answer.get("code") == "ticket_stale":
        # not committed under this key (it would have replayed) and the version moved
        if _done(api, req, ticket_id, agent_id):  # the marker safety net all the same
            _applied_unacked(ledger, req)
            return
        req.sent_body = None
        raise NoAnswer("409 ticket_stale: the version moved; look again after the restart")
    else:
        _rejected(ledger, req, code, answer)


def load_thread(
    api: Api,
    ledger: Ledger,
    stop: threading.Event,
    rng: random.Random,
    mine: list[str],
    agent_id: int,
    counter: list[int],
    overdue_share: float,
) -> None:
    """Create tickets and move this thread's tickets along until `stop` or no answer."""
    while not stop.is_set():
        with ledger.lock:
            counter[0] += 1
            n = counter[0]
            movable = [
                k for k in mine if ledger.tickets[k].ticket_id and not ledger.tickets[k].busy
            ]
        candidates = [ledger.tickets[k] for k in movable]
        candidates = [t for t in candidates if not t.overdue and t.step < len(PLAN)]
        if candidates and rng.random() < 0.6:
            req = next_update(ledger, rng.choice(candidates), agent_id, n)
        else:
            req = new_create(ledger, rng, n, overdue_share)
            mine.append(req.key)
        if req is None:
            continue
        try:
            send(api, ledger, req, agent_id)
        except NoAnswer as exc:
            req.error = str(exc)
            return  # the server is gone (or going): this thread is done for the cycle


# --- the fake receivers ----------------------------------------------------------------
SMS_REFUSED_SUFFIX = "7"  # the fake gateway refuses these numbers for good (-> failed)


@dataclass
class Receiver:
    """A WeChat Work robot and an Aliyun-style SMS gateway on loopback, counting what they
    accept by the key kefu attaches: the robot post's Idempotency-Key, the SMS OutId. A
    share of requests (seeded) is answered 503 first, so retries are exercised too; SMS to
    numbers ending in SMS_REFUSED_SUFFIX are refused permanently, so some messages must end
    up `failed`."""

    flaky: float = 0.1
    seed: int = 0
    base: str = ""
    deliveries: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def robot_url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key=crash"

    @property
    def sms_url(self) -> str:
        return f"{self.base}/sms/"

    def answer(self, key: str, phone: str | None, rng: random.Random) -> tuple[int, Any]:
        sms = phone is not None
        with self.lock:
            if rng.random() < self.flaky:
                self.refused += 1
                return 503, {"errcode": -1, "Code": "ServiceUnavailable"}
            if sms and str(phone).endswith(SMS_REFUSED_SUFFIX):
                return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "refused"}
            self.deliveries[key] = self.deliveries.get(key, 0) + 1
        return 200, ({"Code": "OK", "BizId": key} if sms else {"errcode": 0, "errmsg": "ok"})

    def start(self) -> None:
        rng = random.Random(self.seed)
        state = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (the robot)
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                key = self.headers.get("Idempotency-Key") or "(none)"
                self._reply(*state.answer(key, None, rng))

            def do_GET(self) -> None:  # noqa: N802 (the SMS gateway)
                query = dict(parse_qsl(urlsplit(self.path).query))
                key = query.get("OutId") or "(none)"
                self._reply(*state.answer(key, query.get("PhoneNumbers", ""), rng))

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
