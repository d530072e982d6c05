"""API shapes of the customer archive. Every read shape carries masked personal data; the
unmasked values come only from POST /customers/{id}/reveal (RevealOut), which is logged."""

from datetime import date, datetime

from ninja import Field, Schema

from kefu.customers.models import Address, Contact, Customer, CustomerPhone
from kefu.customers.privacy import mask_address, mask_email, mask_id_number, mask_phone

TEXT = 5000  # generous bound for free text; the services apply the real limits


class OpenTicketOut(Schema):
    id: int
    number: str
    title: str
    type: str
    status: str
    created_at: datetime


class CustomerOut(Schema):
    """Phone intake (lookup, quick create)."""

    id: int
    name: str
    kind: str
    grade: str
    is_key_account: bool
    unit_id: int
    phones: list[str]
    open_tickets: list[OpenTicketOut] = []


class PhoneOut(Schema):
    id: int
    number: str
    label: str
    is_primary: bool

    @staticmethod
    def resolve_number(obj: CustomerPhone) -> str:
        return mask_phone(obj.number)


class ContactOut(Schema):
    id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool
    notes: str

    @staticmethod
    def resolve_phone(obj: Contact) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_email(obj: Contact) -> str:
        return mask_email(obj.email)


class AddressOut(Schema):
    id: int
    label: str
    province: str
    city: str
    address: str
    is_default: bool

    @staticmethod
    def resolve_address(obj: Address) -> str:
        return mask_address(obj)


class CreditChangeOut(Schema):
    id: int
    old_level: str
    new_level: str
    old_score: int | None
    new_score: int | None
    reason: str
    effective_on: date
    actor_id: int | None
    created_at: datetime


class CustomerListOut(Schema):
    id: int
    name: str
    kind: str
    grade: str
    is_key_account: bool
    unit_id: int
    unit_name: str
    phones: list[str]
    tags: list[str]
    source: str
    credit_level: str
    credit_score: int | None
    account_manager_id: int | None
    account_manager_name: str
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_unit_name(obj: Customer) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_phones(obj: Customer) -> list[str]:
        return [mask_phone(p.number) for p in obj.phones.all()]

    @staticmethod
    def resolve_tags(obj: Customer) -> list[str]:
        return [link.tag.name for link in obj.tag_links.all()]

    @staticmethod
    def resolve_account_manager_name(obj: Customer) -> str:
        user = obj.account_manager
        return (user.display_name or user.username) if user is not None else ""


class CustomerDetailOut(CustomerListOut):
    email: str
    id_number: str
    address: str
    notes: str
    source_unit_id: int | None
    phone_items: list[PhoneOut]
    contacts: list[ContactOut]
    addresses: list[AddressOut]
    aliases: list[str]
    open_tickets: list[OpenTicketOut] = []

    @staticmethod
    def resolve_email(obj: Customer) -> str:
        return mask_email(obj.email)

    @staticmethod
    def resolve_id_number(obj: Customer) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_address(obj: Customer) -> str:
        return mask_address(obj.address)

    @staticmethod
    def resolve_phone_items(obj: Customer) -> list[CustomerPhone]:
        return list(obj.phones.all())

    @staticmethod
    def resolve_contacts(obj: Customer) -> list[Contact]:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_addresses(obj: Customer) -> list[Address]:
        return list(obj.addresses.all())

    @staticmethod
    def resolve_aliases(obj: Customer) -> list[str]:
        return [a.name for a in obj.aliases.all()]


class RevealedPhone(Schema):
    id: int
    number: str


class RevealedAddress(Schema):
    id: int
    address: str


class RevealedContact(Schema):
    id: int
    name: str
    phone: str
    email: str


class RevealOut(Schema):
    phones: list[RevealedPhone]
    email: str
    id_number: str
    address: str
    addresses: list[RevealedAddress]
    contacts: list[RevealedContact]


class ContactIn(Schema):
    name: str = Field(max_length=TEXT)
    title: str = Field("", max_length=TEXT)
    phone: str = Field("", max_length=TEXT)
    email: str = Field("", max_length=TEXT)
    is_primary: bool = False
    notes: str = Field("", max_length=TEXT)


class ContactPatch(Schema):
    name: str | None = Field(None, max_length=TEXT)
    title: str | None = Field(None, max_length=TEXT)
    phone: str | None = Field(None, max_length=TEXT)
    email: str | None = Field(None, max_length=TEXT)
    is_primary: bool | None = None
    notes: str | None = Field(None, max_length=TEXT)


class AddressIn(Schema):
    label: str = Field("", max_length=TEXT)
    province: str = Field("", max_length=TEXT)
    city: str = Field("", max_length=TEXT)
    district: str = Field("", max_length=TEXT)
    detail: str = Field(max_length=TEXT)
    postcode: str = Field("", max_length=TEXT)
    is_default: bool = False


class AddressPatch(Schema):
    label: str | None = Field(None, max_length=TEXT)
    province: str | None = Field(None, max_length=TEXT)
    city: str | None = Field(None, max_length=TEXT)
    district: str | None = Field(None, max_length=TEXT)
    detail: str | None = Field(None, max_length=TEXT)
    postcode: str | None = Field(None, max_length=TEXT)
    is_default: bool | None = None


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=TEXT)
    kind: str = Field("person", max_length=10)
    phones: list[str] = Field([], max_length=10)
    email: str = Field("", max_length=TEXT)
    unit_id: int | None = None
    grade: str = Field("C", max_length=1)
    is_key_account: bool = False
    account_manager_id: int | None = None
    source: str = Field("", max_length=10)
    source_unit_id: int | None = None
    id_number: str = Field("", max_length=TEXT)
    address: str = Field("", max_length=TEXT)
    notes: str = Field("", max_length=TEXT)
    contacts: list[ContactIn] = Field([], max_length=50)
    addresses: list[AddressIn] = Field([], max_length=50)
    tags: list[str] = Field([], max_length=30)


class CustomerPatch(Schema):
    name: str | None = Field(None, max_length=TEXT)
    kind: str | None = Field(None, max_length=10)
    grade: str | None = Field(None, max_length=1)
    is_key_account: bool | None = None
    account_manager_id: int | None = None
    source: str | None = Field(None, max_length=10)
    source_unit_id: int | None = None
    unit_id: int | None = None
    email: str | None = Field(None, max_length=TEXT)
    id_number: str | None = Field(None, max_length=TEXT)
    address: str | None = Field(None, max_length=TEXT)
    notes: str | None = Field(None, max_length=TEXT)
    phones: list[str] | None = Field(None, max_length=10)
    tags: list[str] | None = Field(None, max_length=30)
    version: int | None = None


class PhoneIn(Schema):
    number: str = Field(max_length=TEXT)
    label: str = Field("", max_length=TEXT)
    primary: bool = False


class TagsIn(Schema):
    tags: list[str] = Field(max_length=30)


class TagsOut(Schema):
    tags: list[str]


class CreditIn(Schema):
    level: str | None = Field(None, max_length=3)
    score: int | None = None
    reason: str = Field(max_length=TEXT)
    effective_on: date | None = None
