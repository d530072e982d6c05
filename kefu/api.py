"""The one NinjaAPI. Each app adds its Router here."""

from __future__ import annotations

from ninja import NinjaAPI

from kefu.core.api import calendar as calendar_api
from kefu.core.api import imports as imports_api
from kefu.core.api import org as org_api
from kefu.core.api import users as users_api
from kefu.core.api_auth import api_auth
from kefu.core.api_errors import install_error_handlers
from kefu.customers.api import router as customers_router
from kefu.customers.api_dedupe import router as dedupe_router
from kefu.customers.api_personal_data import router as personal_data_router
from kefu.knowledge.api import router as knowledge_router
from kefu.members.api import router as members_router
from kefu.notifications.api import router as notifications_router
from kefu.revisits.api import router as revisits_router
from kefu.sla.api import router as sla_router
from kefu.surveys.api import router as surveys_router
from kefu.tickets.api import complaints as complaints_api
from kefu.tickets.api import tickets as tickets_api

api = NinjaAPI(
    title="kefu API",
    version="1",
    description="kefu 客服 — customer-service operations platform. "
    "Authenticate with `Authorization: Bearer <token>` (`kefu token create <username>`).",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/", org_api.router)
api.add_router("/", users_api.router)
api.add_router("/calendar", calendar_api.router)
api.add_router("/", imports_api.router)
api.add_router("/tickets", tickets_api.router)
api.add_router("/customers", dedupe_router)
api.add_router("/customers", customers_router)
api.add_router("/customers", personal_data_router)
api.add_router("/members", members_router)
api.add_router("/revisits", revisits_router)
api.add_router("/surveys", surveys_router)
api.add_router("/notifications", notifications_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("/", complaints_api.router)
api.add_router("/", sla_router)
