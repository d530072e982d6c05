"""SMS through a provider. `ChannelConfig(channel="sms").provider` picks one:

- ``console``: logs the text (development; the default without settings);
- ``file``: appends one JSON line per message to a file (development, demos, e2e tests);
- ``aliyun``: Alibaba Cloud SMS (dysmsapi `SendSms`, RPC signature version 1.0) at the
  configured endpoint. Aliyun sends only approved templates: `options["template_codes"]`
  maps a kefu template key to its `SMS_…` code; the message's parameters become
  `TemplateParam`. `OutId` carries the outbox id, so receipts and retries can be matched."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings

from kefu.notifications.channels.base import DeliveryError, SendResult
from kefu.notifications.channels.config import config_for
from kefu.notifications.channels.http import request_json
from kefu.notifications.models import ChannelConfig, OutboxMessage

logger = logging.getLogger("kefu.notifications.sms")

ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
# Aliyun codes worth another try (flow control, provider trouble); others are final.
ALIYUN_TEMPORARY = frozenset(
    {"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isv.OUT_OF_SERVICE", "Throttling"}
)


class SmsProvider(Protocol):
    def send(self, message: OutboxMessage) -> SendResult: ...


class ConsoleProvider:
    def send(self, message: OutboxMessage) -> SendResult:
        logger.info("SMS to %s: %s", message.to, message.body)
        return SendResult(provider_message_id=f"console:{message.pk}")


class FileProvider:
    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def send(self, message: OutboxMessage) -> SendResult:
        line = {"id": message.pk, "to": message.to, "body": message.body}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return SendResult(provider_message_id=f"file:{message.pk}")


def percent_encode(value: str) -> str:
    """Aliyun's POP encoding: RFC 3986 unreserved characters kept, UTF-8, %20 for space."""
    return quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsProvider:
    def __init__(self, config: ChannelConfig) -> None:
        self.config = config

    def params(self, message: OutboxMessage, *, now: datetime | None = None) -> dict[str, str]:
        codes: dict[str, Any] = (self.config.options or {}).get("template_codes", {})
        code = str(codes.get(message.template_key, "") or codes.get("*", ""))
        if not code:
            raise DeliveryError(
                f"no Aliyun template code for {message.template_key!r}", permanent=True
            )
        template_param = {k: str(v) for k, v in (message.params or {}).items()}
        stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "AccessKeyId": self.config.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": f"kefu-{message.pk}",
            "PhoneNumbers": message.to,
            "RegionId": str((self.config.options or {}).get("region", "cn-hangzhou")),
            "SignName": self.config.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": code,
            "TemplateParam": json.dumps(template_param, ensure_ascii=False),
            "Timestamp": stamp,
            "Version": "2017-05-25",
        }

    def send(self, message: OutboxMessage) -> SendResult:
        params = self.params(message)
        params["Signature"] = aliyun_signature(params, self.config.secret)
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
        endpoint = self.config.endpoint or ALIYUN_ENDPOINT
        status, body = request_json(f"{endpoint.rstrip('?')}?{query}")
        code = str(body.get("Code", ""))
        if code != "OK":
            raise DeliveryError(
                f"Aliyun {code}: {body.get('Message', '')}",
                permanent=code not in ALIYUN_TEMPORARY,
                response_code=code or str(status),
            )
        return SendResult(provider_message_id=str(body.get("BizId", "")), response_code=code)


def provider_for(config: ChannelConfig | None) -> SmsProvider:
    name = config.provider if config is not None and config.provider else ""
    name = name or str(getattr(settings, "KEFU_NOTIFY_SMS_PROVIDER", "console"))
    if config is not None and not config.enabled:
        raise DeliveryError("the SMS channel is switched off", permanent=True)
    if name == "console":
        return ConsoleProvider()
    if name == "file":
        default = Path(getattr(settings, "VAR_DIR", "var")) / "sms-outbox.jsonl"
        path = (config.options or {}).get("path") if config is not None else None
        return FileProvider(str(path or getattr(settings, "KEFU_NOTIFY_SMS_FILE", default)))
    if name == "aliyun" and config is not None:
        if not (config.key_id and config.secret and config.sign_name):
            raise DeliveryError(
                "Aliyun SMS needs a key id, a secret and a sign name", permanent=True
            )
        return AliyunSmsProvider(config)
    raise DeliveryError(f"unknown SMS provider {name!r}", permanent=True)


PROVIDERS = ("console", "file", "aliyun")


def send(message: OutboxMessage) -> SendResult:
    return provider_for(config_for("sms")).send(message)
