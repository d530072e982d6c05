"""The demo company as plain data, a pure function of (seed, scale).

Scale 1 is headquarters, 4 regions and 16 stores / sites / service centres with about 65
people; every count except the fixed headquarters roles grows with the scale. Usernames
and unit codes depend only on the scale; names, phones and addresses also on the seed.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from faker import Faker

from kefu.core.choices import DepartmentKind, Role, UnitKind
from kefu.core.demo.data import (
    AREAS,
    BUILDING_WORDS,
    BUILDINGS,
    DISTRICTS,
    HQ_CITIES,
    HQ_DEPARTMENTS,
    LEAF_PATTERN,
    LOGIN_NAMES,
    REGIONS,
    ROADS,
    cn_number,
)

REGIONS_PER_SCALE = 4


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    phone: str
    address: str


@dataclass(frozen=True)
class DeptSpec:
    code: str
    name: str
    kind: str
    unit: str


@dataclass(frozen=True)
class StaffSpec:
    username: str
    display_name: str
    role: str
    unit: str
    departments: tuple[str, ...]
    lead: bool
    employee_no: str
    phone: str
    email: str


@dataclass
class CompanyPlan:
    units: list[UnitSpec] = field(default_factory=list)
    departments: list[DeptSpec] = field(default_factory=list)
    staff: list[StaffSpec] = field(default_factory=list)


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"kefu-demo:{seed}:org")
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(f"kefu-demo:{seed}:people")
        self.plan = CompanyPlan()
        self.roles: Counter[str] = Counter()
        self.used_names: set[str] = set()

    # --- places ---------------------------------------------------------------------
    def address(self, city: str) -> str:
        district, road = self.rng.choice(DISTRICTS), self.rng.choice(ROADS)
        number = self.rng.randint(1, 999)
        building = self.rng.choice(BUILDING_WORDS) + self.rng.choice(BUILDINGS)
        return f"{city}市{district}{road}{number}号{building}"

    def phone(self, area_code: str) -> str:
        return f"{area_code}-{self.rng.randint(5000_0000, 8999_9999)}"

    def leaf_name(self, city: str, suffix: str) -> str:
        for _attempt in range(20):
            name = f"{city}{self.rng.choice(AREAS)}{suffix}"
            if name not in self.used_names:
                break
        else:  # a big company runs out of streets: number the branches
            name = f"{city}{self.rng.choice(AREAS)}{suffix}"
            n = 2
            while f"{name}{cn_number(n)}部" in self.used_names:
                n += 1
            name = f"{name}{cn_number(n)}部"
        self.used_names.add(name)
        return name

    def unit(self, spec: UnitSpec) -> UnitSpec:
        self.plan.units.append(spec)
        return spec

    # --- people ---------------------------------------------------------------------
    def person(
        self, role: str, unit: str, departments: tuple[str, ...] = (), *, lead: bool = False
    ) -> None:
        self.roles[role] += 1
        n = self.roles[role]
        base = LOGIN_NAMES[role]
        username = base if n == 1 else f"{base}{n:04d}"
        number = len(self.plan.staff) + 1
        self.plan.staff.append(
            StaffSpec(
                username=username,
                display_name=self.fake.name(),
                role=role,
                unit=unit,
                departments=departments,
                lead=lead,
                employee_no=f"KF{number:06d}",
                phone=self.fake.phone_number(),
                email=f"{username}@example.com",
            )
        )


def build_plan(*, seed: int, scale: int) -> CompanyPlan:
    if scale < 1:
        raise ValueError("scale must be at least 1")
    b = _Builder(seed)
    hq_city, hq_code = b.rng.choice(HQ_CITIES)
    hq = b.unit(
        UnitSpec("HQ", "总部", UnitKind.HEADQUARTERS, None, b.phone(hq_code), b.address(hq_city))
    )
    for code, name, kind in HQ_DEPARTMENTS:
        b.plan.departments.append(DeptSpec(code, name, kind, hq.code))
    _staff_headquarters(b, scale)
    for i in range(REGIONS_PER_SCALE * scale):
        _region(b, i)
    return b.plan


def _staff_headquarters(b: _Builder, scale: int) -> None:
    cs = ("D-CS",)
    b.person(Role.MANAGER, "HQ", cs, lead=True)
    b.person(Role.SUPERVISOR, "HQ", cs)
    for _ in range(2 * scale):
        b.person(Role.AGENT, "HQ", cs)
    b.person(Role.COMPLAINT_HANDLER, "HQ", cs)
    b.person(Role.QUALITY_CHECKER, "HQ", cs)
    b.person(Role.RECORDS_KEEPER, "HQ", cs)
    b.person(Role.KEY_ACCOUNT_AGENT, "HQ", cs)
    b.person(Role.AUDITOR, "HQ")
    for code, _name, _kind in HQ_DEPARTMENTS[1:]:
        b.person(Role.DEPARTMENT_HANDLER, "HQ", (code,), lead=True)


def _region(b: _Builder, i: int) -> None:
    base, cities = REGIONS[i % len(REGIONS)]
    round_ = i // len(REGIONS) + 1
    label = base if round_ == 1 else f"{base}{cn_number(round_)}区"
    code = f"R{i + 1:03d}"
    city, area_code = cities[0] if round_ == 1 else b.rng.choice(cities)
    region_name = f"{base}区域" if round_ == 1 else label
    b.unit(UnitSpec(code, region_name, UnitKind.REGION, "HQ", b.phone(area_code), b.address(city)))
    cs = f"{code}-CS"
    b.plan.departments.append(DeptSpec(cs, f"{label}客服部", DepartmentKind.CUSTOMER_SERVICE, code))
    b.person(Role.SUPERVISOR, code, (cs,), lead=True)
    b.person(Role.AGENT, code, (cs,))
    b.person(Role.AGENT, code, (cs,))
    b.person(Role.AFTER_SALES, code, (cs,))
    for j, (kind, letter, suffix) in enumerate(LEAF_PATTERN, start=1):
        city, area_code = b.rng.choice(cities)
        leaf = f"{letter}{i + 1:03d}{j:02d}"
        b.unit(
            UnitSpec(
                leaf, b.leaf_name(city, suffix), kind, code, b.phone(area_code), b.address(city)
            )
        )
        if kind == UnitKind.STORE:
            b.person(Role.STORE_CLERK, leaf)
            b.person(Role.STORE_CLERK, leaf)
        elif kind == UnitKind.SITE:
            b.person(Role.AFTER_SALES, leaf, (cs,))
            b.person(Role.STORE_CLERK, leaf)
        else:
            b.person(Role.AGENT, leaf, (cs,))
            b.person(Role.STORE_CLERK, leaf)
