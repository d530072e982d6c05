"""Group robots: WeChat Work (企业微信) and DingTalk (钉钉) custom robots, by webhook POST.

`to` names who to @mention: mobiles separated by commas, "@all", or empty for nobody.
DingTalk robots with "加签" security get `timestamp` and `sign` query parameters:
sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))).

Every post carries `Idempotency-Key` (and `X-Kefu-Outbox`, the outbox id), stable per outbox
row like the email Message-ID and the SMS OutId: a retry after an unknown outcome (the
worker died between the post and recording it) sends the same key, so a relay or receiver
in front of the robot can drop the second copy. The robots themselves ignore the headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote_plus

from kefu.notifications.channels.base import DeliveryError, SendResult
from kefu.notifications.channels.config import enabled_config
from kefu.notifications.channels.http import request_json
from kefu.notifications.models import ChannelConfig, OutboxMessage

# errcodes that another try cannot fix: a bad webhook key or token, a bad signature, a
# message the robot will never accept.
WECOM_PERMANENT = frozenset({40008, 93000, 93004, 93008, 40058})
DINGTALK_PERMANENT = frozenset({300001, 310000, 300005, 400101, 400102})


def _mentions(to: str) -> tuple[list[str], bool]:
    items = [part.strip() for part in to.replace("，", ",").split(",") if part.strip()]
    return [i for i in items if i != "@all"], "@all" in items


def _text(message: OutboxMessage) -> str:
    if message.subject and message.subject not in message.body:
        return f"{message.subject}\n{message.body}"
    return message.body


def wecom_payload(message: OutboxMessage) -> dict[str, Any]:
    mobiles, everyone = _mentions(message.to)
    text: dict[str, Any] = {"content": _text(message)}
    if mobiles:
        text["mentioned_mobile_list"] = mobiles
    if everyone:
        text["mentioned_list"] = ["@all"]
    return {"msgtype": "text", "text": text}


def dingtalk_payload(message: OutboxMessage) -> dict[str, Any]:
    mobiles, everyone = _mentions(message.to)
    mentions = "".join(f"@{m}" for m in mobiles)
    return {
        "msgtype": "text",
        "text": {"content": f"{_text(message)}{mentions}"},
        "at": {"atMobiles": mobiles, "isAtAll": everyone},
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(config: ChannelConfig, timestamp_ms: int | None = None) -> str:
    if not config.secret:
        return config.endpoint
    stamp = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    joiner = "&" if "?" in config.endpoint else "?"
    return f"{config.endpoint}{joiner}timestamp={stamp}&sign={dingtalk_sign(config.secret, stamp)}"


def idempotency_key(message: OutboxMessage) -> str:
    """Stable per outbox row: `kefu.notify.{id}.{dedupe-hash}` (as in the email Message-ID)."""
    digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:16]
    return f"kefu.notify.{message.pk}.{digest}"


def _post(
    url: str, payload: dict[str, Any], permanent_codes: frozenset[int], message: OutboxMessage
) -> SendResult:
    headers = {"Idempotency-Key": idempotency_key(message), "X-Kefu-Outbox": str(message.pk)}
    status, body = request_json(url, payload=payload, headers=headers)
    errcode = int(body.get("errcode", -1))
    if errcode != 0:
        raise DeliveryError(
            f"errcode {errcode}: {body.get('errmsg', '')}",
            permanent=errcode in permanent_codes,
            response_code=str(errcode),
        )
    return SendResult(response_code=str(status))


def send(message: OutboxMessage) -> SendResult:
    config = enabled_config(message.channel)
    if message.channel == "wecom":
        return _post(config.endpoint, wecom_payload(message), WECOM_PERMANENT, message)
    if message.channel == "dingtalk":
        url = dingtalk_url(config)
        return _post(url, dingtalk_payload(message), DINGTALK_PERMANENT, message)
    raise DeliveryError(f"not a robot channel: {message.channel}", permanent=True)
