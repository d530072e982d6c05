"""Enumerations of the core app (one place, as STYLE.md asks)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    REGION = "region", _("Region")
    STORE = "store", _("Store")
    SITE = "site", _("Site")
    SERVICE_CENTRE = "service_centre", _("Service centre")


class DepartmentKind(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    QUALITY = "quality", _("Quality")
    LOGISTICS = "logistics", _("Logistics / delivery")
    TECH_SUPPORT = "tech_support", _("Technical support")
    PRODUCTION = "production", _("Production")
    MAINTENANCE = "maintenance", _("Maintenance")
    FINANCE = "finance", _("Finance")
    SALES = "sales", _("Sales")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    MANAGER = "manager", _("Customer-service manager")
    SUPERVISOR = "supervisor", _("Customer-service supervisor")
    AGENT = "agent", _("Customer-service agent")
    COMPLAINT_HANDLER = "complaint_handler", _("Complaint handler")
    QUALITY_CHECKER = "quality_checker", _("Service-quality checker")
    RECORDS_KEEPER = "records_keeper", _("Customer-records keeper")
    KEY_ACCOUNT_AGENT = "key_account_agent", _("Key-account agent")
    AFTER_SALES = "after_sales", _("After-sales agent")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    STORE_CLERK = "store_clerk", _("Store clerk")
    AUDITOR = "auditor", _("Auditor")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Workday")


class DaySource(models.TextChoices):
    ADMIN = "admin", _("Entered by an administrator")
    IMPORT = "import", _("Imported")


class DeadlineSource(models.TextChoices):
    STATUTORY = "statutory", _("Statutory schedule")
    OVERRIDE = "override", _("Administrator schedule")
    FALLBACK = "fallback", _("Monday–Friday fallback")


class Via(models.TextChoices):
    UI = "ui", _("Web UI")
    API = "api", _("API")
    COMMAND = "command", _("Command")
    TASK = "task", _("Background task")
    SYSTEM = "system", _("System")
