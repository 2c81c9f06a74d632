"""A synthetic Paycom tenant: seeded people, groups, and the mutations tests apply.

People are kept as compact records and rendered into Paycom's raw shapes (the
directory row, the ~150-key master record) on each request, so that a mutation
shows up everywhere at once and a 50,000-person tenant stays small. Rendering
deliberately reproduces Paycom's looseness: numbers as strings, three date
formats, ``0000-00-00`` for none, empty strings, non-ASCII names.
"""

from __future__ import annotations

import random
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

REFERENCE_DAY = date(2026, 6, 30)

DEPARTMENTS = {
    "EXEC": "Executive",
    "ENG": "Engineering",
    "SALES": "Sales",
    "SUP": "Customer Support",
    "FIN": "Finance",
    "HR": "People & Culture",
    "OPS": "Operations",
    "MKT": "Marketing",
    "IT": "Information Technology",
    "RND": "Recherche & Développement",
    "LEGAL": "Legal",
}
_DEPARTMENT_WEIGHTS = {"EXEC": 1, "ENG": 22, "SALES": 18, "SUP": 16, "FIN": 6, "HR": 5,
                       "OPS": 12, "MKT": 7, "IT": 6, "RND": 5, "LEGAL": 2}
_TITLES = ("Associate", "Specialist", "Senior Specialist", "Lead", "Manager", "Director")

LOCATIONS: dict[int, dict[str, Any]] = {
    1001: {"description": "Oklahoma City HQ", "city": "Oklahoma City", "state": "OK",
           "country": "USA", "zip": "73142"},
    1002: {"description": "Tulsa Service Center", "city": "Tulsa", "state": "OK",
           "country": "USA", "zip": "74103"},
    1003: {"description": "Dallas Office", "city": "Dallas", "state": "TX",
           "country": "USA", "zip": "75201"},
    1004: {"description": "Phoenix Office", "city": "Phoenix", "state": "AZ",
           "country": "USA", "zip": "85004"},
    1005: {"description": "Denver Office", "city": "Denver", "state": "CO",
           "country": "USA", "zip": "80202"},
    1006: {"description": "Chicago Office", "city": "Chicago", "state": "IL",
           "country": "USA", "zip": "60601"},
    1007: {"description": "Montréal Bureau", "city": "Montréal", "state": "QC",
           "country": "CAN", "zip": "H2Y 1C6"},
    1008: {"description": "Remote - United States", "city": "", "state": "",
           "country": "USA", "zip": ""},
}
ESTABLISHMENTS: dict[int, dict[str, Any]] = {
    1: {"description": "Sandbox Demo Corp", "fein": "73-0000001", "hq": True,
        "locations": [1001, 1002, 1003]},
    2: {"description": "Sandbox Demo West LLC", "fein": "86-0000002", "hq": False,
        "locations": [1004, 1005, 1008]},
    3: {"description": "Sandbox Démo International", "fein": "98-0000003", "hq": False,
        "locations": [1006, 1007]},
}
_ESTABLISHMENT_OF = {loc: est for est, info in ESTABLISHMENTS.items()
                     for loc in info["locations"]}

_FIRST = ("James", "Mary", "José", "Zoë", "Łukasz", "Søren", "Aisha", "Wei", "Priya",
          "Mateo", "Olivia", "Noah", "Amélie", "Björn", "Chloé", "Dmitri", "Émile", "Fatima",
          "Giulia", "Hiroshi", "Ingrid", "Jürgen", "Kateřina", "Liam", "Mónica", "Nguyễn",
          "Oğuz", "Paweł", "Quinn", "Renée", "Siobhán", "Tomás", "Uma", "Valentina",
          "William", "Xiomara", "Yusuf", "Zainab", "Ana", "Ben")
_LAST = ("Smith", "Johnson", "García", "Müller", "O'Brien", "Nguyễn", "Kowalski", "Søndergaard",
         "Dubois", "Rossi", "Tanaka", "Патель", "Williams", "Brown", "Jones", "Martínez",
         "Anderson", "Thomas", "Hernández", "Moore", "Lefèvre", "Novák", "Öztürk", "Lindqvist",
         "Fernández", "Schmidt", "Kim", "Singh", "Cohen", "Walker", "Young", "Allen")
#: Every status appears at a fixed stride, so even a small tenant has terminations,
#: leaves and prehires: (stride, offset, code), first match wins; the rest are active.
_STATUS_STRIDES = ((10, 9, "T"), (25, 4, "V"), (33, 5, "P"), (97, 11, "I"), (211, 13, "R"),
                   (307, 17, "D"), (401, 19, "N"))
_DATE_STYLES = ("iso", "us", "stamp")


def employee_code(index: int) -> str:
    """Four characters like Paycom's: ``A000`` ... ``Z999``, then ``0000`` ... in base 36.

    Codes past the first 26,000 start with a digit, so they can never collide with
    the letter-first ones.
    """
    letter, rest = divmod(index, 1000)
    if letter < 26:
        return f"{chr(65 + letter)}{rest:03d}"
    first, value = divmod(index - 26_000, 36**3)
    if first > 9:
        raise ValueError("the sandbox makes at most 492,560 employee codes")
    tail = ""
    for _ in range(3):
        value, digit = divmod(value, 36)
        tail = _BASE36[digit] + tail
    return f"{first}{tail}"


_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum()) or "x"


def render_date(day: date | None, style: str, *, empty: str = "0000-00-00") -> str:
    """One of Paycom's date spellings; ``empty`` for none."""
    if day is None:
        return empty
    if style == "us":
        return day.strftime("%m/%d/%Y")
    if style == "stamp":
        return f"{day.isoformat()}T00:00:00-05:00"
    return day.isoformat()


@dataclass(slots=True)
class Person:
    """One employee as the tenant stores it."""

    index: int
    code: str
    first: str
    last: str
    middle: str
    status: str
    department: str
    position: str | None
    location: int | None
    establishment: int | None
    manager: str | None
    email: str | None
    hire: date
    termination: date | None
    leave: tuple[date, date] | None
    birth: date
    gender: str
    date_style: str
    badge: int
    clock: int
    phone: str
    street: str
    city: str
    state: str
    zip: str
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Change:
    """One audited change, for the change-log endpoints."""

    code: str
    at: float
    field: str
    old: str
    new: str


class Tenant:
    """The sandbox's data, deterministic for a seed.

    Mutations take ``lock``; requests read without it, so a read may see a mutation
    half-applied (tests mutate between syncs).
    """

    def __init__(self, employees: int = 300, seed: int = 7,
                 clock: Callable[[], float] = time.time) -> None:
        """Generate ``employees`` people deterministically from ``seed``."""
        self.seed = seed
        self._clock = clock
        self.clock_offset = 0.0
        self.lock = threading.RLock()
        self.positions = self._make_positions()
        self.people: dict[str, Person] = {}
        self.changes: list[Change] = []
        self.hires: list[tuple[str, float]] = []
        #: Employees the directory lists but whose master record answers 404.
        self.missing_master: set[str] = set()
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        for index in range(employees):
            person = self._make_person(rng, index)
            self.people[person.code] = person

    # --- time -----------------------------------------------------------------
    def now(self) -> float:
        """The tenant's clock: real time plus whatever tests advanced it by."""
        return self._clock() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the tenant's clock forward (for change-log windows)."""
        self.clock_offset += seconds

    # --- generation -------------------------------------------------------------
    def _make_positions(self) -> dict[str, dict[str, Any]]:
        positions = {}
        for dept, name in DEPARTMENTS.items():
            count = 2 if dept in ("EXEC", "LEGAL") else 4
            for number in range(1, count + 1):
                title = f"{name} {_TITLES[(number - 1) % len(_TITLES)]}"
                positions[f"{dept}{number:02d}"] = {"title": title, "department": dept,
                                                    "level": number}
        return positions

    def _make_person(self, rng: random.Random, index: int) -> Person:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        status = next((code for stride, offset, code in _STATUS_STRIDES
                       if index % stride == offset), "A")
        if index == 0:
            dept, manager = "EXEC", None
        else:
            dept = rng.choices(list(_DEPARTMENT_WEIGHTS), list(_DEPARTMENT_WEIGHTS.values()))[0]
            manager = employee_code(rng.randrange(0, max(1, index // 6)))
        in_dept = [code for code, info in self.positions.items() if info["department"] == dept]
        position = None if index % 29 == 7 else rng.choice(in_dept)
        location = None if index % 23 == 8 else rng.choice(list(LOCATIONS))
        establishment = _ESTABLISHMENT_OF.get(location) if location else (
            1 if rng.random() < 0.5 else None)
        hire = REFERENCE_DAY - timedelta(days=rng.randrange(30, 20 * 365))
        days_employed = max(11, (REFERENCE_DAY - hire).days)
        termination = (hire + timedelta(days=rng.randrange(10, days_employed))
                       if status == "T" else None)
        leave = None
        if status == "V":
            start = REFERENCE_DAY - timedelta(days=rng.randrange(5, 90))
            leave = (start, start + timedelta(days=rng.randrange(30, 120)))
        email = None if (status in ("P", "N") or rng.random() < 0.02) else (
            f"{_ascii(first)}.{_ascii(last)}.{index}@sandbox-demo.example")
        return Person(
            index=index, code=employee_code(index), first=first, last=last,
            middle=rng.choice(("", "", "A", "J", "M", "É")), status=status, department=dept,
            position=position, location=location, establishment=establishment,
            manager=manager, email=email, hire=hire, termination=termination, leave=leave,
            birth=date(1950, 1, 1) + timedelta(days=rng.randrange(0, 52 * 365)),
            gender=rng.choice("1234"), date_style=_DATE_STYLES[index % 3],
            badge=100_000 + index * 7, clock=index % 50,
            phone=f"405-555-{rng.randrange(0, 10000):04d}",
            street=f"{rng.randrange(1, 9999)} "
                   f"{rng.choice(('Elm', 'Oak', 'Main', 'Rue Saint-Denis'))} St",
            city=rng.choice(("Edmond", "Norman", "Moore", "Yukon")), state="OK",
            zip=f"73{rng.randrange(0, 1000):03d}",
        )

    # --- rendering ----------------------------------------------------------------
    def _name(self, code: str | None) -> str:
        person = self.people.get(code or "")
        return f"{person.last}, {person.first}" if person else ""

    def directory_row(self, person: Person) -> dict[str, Any]:
        """The employee directory's row: demographics and department, no supervisor."""
        row: dict[str, Any] = {
            "eecode": person.code,
            "eename": f"{person.last.upper()}, {person.first.upper()}",
            "firstname": person.first,
            "middlename": person.middle,
            "lastname": person.last,
            "gender": person.gender,
            "streetaddr": person.street,
            "apt_suite_other": "",
            "cityaddr": person.city,
            "zipcode": person.zip,
            "homestate": person.state,
            "homephone": person.phone,
            "homephone_country_code": "1",
            "clockseq": str(person.clock),
            "eebadge": str(person.badge),
            "eestatus": person.status,
            "deptcode": person.department,
            "deptdesc": DEPARTMENTS[person.department],
            "country_paid_in": "USA",
            "preferred_first_name": "",
            "preferred_last_name": "",
            "preferred_middle_name": "",
            "preferred_suffix": "",
            "preferred_on_paystub": "N",
        }
        for number in range(1, 21):
            row[f"cat{number}"], row[f"cat{number}desc"] = self._category(person, number)
        return row

    def _category(self, person: Person, number: int) -> tuple[str, str]:
        if number == 1:
            return person.department, DEPARTMENTS[person.department]
        if number == 2 and person.location:
            return str(person.location), LOCATIONS[person.location]["description"]
        return "", ""

    def master_record(self, person: Person) -> dict[str, Any]:
        """The non-sensitive master record, in Paycom's mixed key styles."""
        style = person.date_style
        position = self.positions.get(person.position or "")
        record: dict[str, Any] = {
            "employee_code": person.code,
            "employee_name": f"{person.last}, {person.first}",
            "firstname": person.first,
            "middlename": person.middle,
            "lastname": person.last,
            "nickname": "",
            "employee_status": person.status,
            "employee_badge": str(person.badge),
            "clocksequencenumber": str(person.clock),
            "work_email": person.email or "",
            "business_title": position["title"] if position else "",
            "position": position["title"] if position else "",
            "position_code": person.position or "",
            "position_id": str(1000 + int(person.position[-2:])) if person.position else "",
            "position_title": position["title"] if position else "",
            "position_family": DEPARTMENTS[person.department],
            "position_family_code": person.department,
            "position_family_name": DEPARTMENTS[person.department],
            "position_level": str(position["level"]) if position else "",
            "position_seat_number": "",
            "position_seat_title": "",
            "manager_level": "1" if person.index < 20 else "",
            "department_code": person.department,
            "department_description": DEPARTMENTS[person.department],
            "location": LOCATIONS[person.location]["description"] if person.location else "",
            "companyLocationId": str(person.location) if person.location else "",
            "companyEstablishmentId": str(person.establishment) if person.establishment else "",
            "pay_class": "FT",
            "pay_frequency": "B",
            "hourly_or_salary": "S" if person.index % 3 else "H",
            "fulltime_or_parttime": "F" if person.index % 9 else "P",
            "exempt_status": "E" if person.index % 3 else "N",
            "dol_status": "",
            "union_code": "",
            "employee_gl_code": f"GL-{person.department}",
            "workers_comp_code": "8810",
            "workers_comp_desc": "Clerical Office Employees",
            "schedule_group": "",
            "schedule_time_zone": "America/Chicago",
            "supervisor_primary": self._name(person.manager),
            "supervisor_primary_code": person.manager or "",
            "supervisor_secondary": "",
            "supervisor_secondary_code": "",
            "supervisor_tertiary": "",
            "supervisor_tertiary_code": "",
            "supervisor_quaternary": "",
            "supervisor_quaternary_code": "",
            "supervisor_approval": self._name(person.manager),
            "supervisor_approval_code": person.manager or "",
            "supervisor_talent": "",
            "supervisor_talent_management": "",
            "hire_date": render_date(person.hire, style),
            "rehire_date": "0000-00-00",
            "seniority_date": render_date(person.hire, style),
            "employee_added": render_date(person.hire - timedelta(days=7), "iso"),
            "termination_date": render_date(person.termination, style),
            "termination_type": "Voluntary" if person.termination else "",
            "termination_reason": "Resigned" if person.termination else "",
            "previous_termination_date": "0000-00-00",
            "leave_start": render_date(person.leave[0] if person.leave else None, style, empty=""),
            "leave_end": render_date(person.leave[1] if person.leave else None, style, empty=""),
            "last_position_change_date": render_date(person.hire, style),
            "last_pay_change": "0000-00-00",
            "last_review": "",
            "next_review": "",
            "new_hire": "Y" if (REFERENCE_DAY - person.hire).days < 90 else "N",
            "personal_email": f"{_ascii(person.first)}{person.index}@mail.example",
            "birth_date": render_date(person.birth, style),
            "age": str((REFERENCE_DAY - person.birth).days // 365),
            "gender": person.gender,
            "ethnic_background": "",
            "actual_marital_status": "S",
            "actual_marital_status_description": "Single",
            "street": person.street,
            "city": person.city,
            "state": person.state,
            "zipcode": person.zip,
            "primary_phone": person.phone,
            "primary_phone_type": "Mobile",
            "secondary_phone": "",
            "secondary_phone_type": "",
            "eeoc_class": "",
            "eeoc_class_description": "",
            "vets_4212_veteran_status": "",
            "vets_4212_discharge_date": "",
            "tenant_custom_badge_color": "blue",
        }
        for n in (1, 2, 3):
            record[f"emergency_{n}_contact"] = "Alex Contact" if n == 1 else ""
            record[f"emergency_{n}_phone"] = "405-555-0100" if n == 1 else ""
            record[f"emergency_{n}_relationship"] = "Friend" if n == 1 else ""
        for number in range(1, 21):
            record[f"cat{number}"], record[f"cat{number}desc"] = self._category(person, number)
        record.update(person.extras)
        return record

    def position_rows(self) -> list[dict[str, Any]]:
        """``positions/detail`` rows, with a few extra profile keys the tap does not map."""
        return [
            {
                "positionCode": code,
                "positionTitle": info["title"],
                "businessTitle": info["title"],
                "shortTitle": info["title"][:20],
                "positionFamily": DEPARTMENTS[info["department"]],
                "positionLevels": [str(info["level"])],
                "effectiveDate": "01/01/2020",
                "status": "Active",
                "managementLevel": "Manager" if info["level"] >= 4 else "Individual",
                "payType": "Salary",
                "location": "",
                "exemptStatus": "Exempt",
                "dolSatus": "Full Time",
                "positionDescription": f"{info['title']} ({info['department']})",
                "reportsToPositionCode": "",
            }
            for code, info in self.positions.items()
        ]

    def location_rows(self) -> list[dict[str, Any]]:
        """``cl/locations`` rows; ids as ints, flags as Y/N, as Paycom sends them."""
        return [
            {
                "locationid": location_id,
                "description": info["description"],
                "facilityId": f"F{location_id}",
                "address": "",
                "city": info["city"],
                "state": info["state"],
                "zipCode": info["zip"],
                "country": info["country"],
                "EEOC_Unit_Number": "",
                "hiringSite": "Y" if location_id != 1008 else "N",
                "VETS_4212_Hiring_Location": "N",
                "locationHidden": "0",
            }
            for location_id, info in LOCATIONS.items()
        ]

    def establishment_rows(self) -> list[dict[str, Any]]:
        """``cl/establishments`` rows, each with its ``locationIds``."""
        return [
            {
                "establishmentid": establishment_id,
                "description": info["description"],
                "establishmentFEIN": info["fein"],
                "address": "",
                "city": "",
                "state": "",
                "zipCode": "",
                "country": "USA",
                "DUNSCode": "",
                "NAICSCode": "541214",
                "companyHeadquarters": info["hq"],
                "locationIds": list(info["locations"]),
            }
            for establishment_id, info in ESTABLISHMENTS.items()
        ]

    # --- mutations (each leaves an audit entry for the change-log endpoints) --------
    def _log(self, person: Person, name: str, old: Any, new: Any) -> None:
        self.changes.append(Change(person.code, self.now(), name, str(old or ""), str(new or "")))

    def update(self, code: str, **changes: Any) -> Person:
        """Change a person's fields (status, department, position, location, manager, email)."""
        with self.lock:
            person = self.people[code]
            unknown = set(changes) - {f for f in Person.__dataclass_fields__ if f != "code"}
            if unknown:
                raise ValueError(f"unknown fields: {sorted(unknown)}")
            if changes.get("department", person.department) not in DEPARTMENTS:
                raise ValueError(f"unknown department: {changes['department']!r}")
            for name, value in changes.items():
                self._log(person, name, getattr(person, name), value)
            if "location" in changes and "establishment" not in changes:
                changes["establishment"] = _ESTABLISHMENT_OF.get(changes["location"])
            self.people[code] = replace(person, **changes)
            return self.people[code]

    def terminate(self, code: str, on: date | None = None) -> Person:
        """Terminate an employee (status T, termination date set)."""
        return self.update(code, status="T", termination=on or self.today())

    def hire(self, first: str, last: str, *, department: str = "ENG",
             manager: str | None = "A000", status: str = "A") -> Person:
        """Add an employee at the end of the directory."""
        if department not in DEPARTMENTS:
            raise ValueError(f"unknown department: {department!r}")
        with self.lock:
            index = max(person.index for person in self.people.values()) + 1
            code = employee_code(index)
            in_dept = [c for c, info in self.positions.items() if info["department"] == department]
            location = 1001
            person = Person(
                index=index, code=code, first=first, last=last, middle="", status=status,
                department=department, position=in_dept[0], location=location,
                establishment=_ESTABLISHMENT_OF[location], manager=manager,
                email=f"{_ascii(first)}.{_ascii(last)}.{index}@sandbox-demo.example",
                hire=self.today(), termination=None, leave=None, birth=date(1990, 5, 17),
                gender="3", date_style="iso", badge=100_000 + index * 7, clock=index % 50,
                phone="405-555-0199", street="1 New Hire Way", city="Edmond", state="OK",
                zip="73034",
            )
            self.people[code] = person
            self.hires.append((code, self.now()))
            self._log(person, "hired", "", code)
            return person

    def inject_data_faults(self, count: int, seed: int = 1) -> list[str]:
        """Give ``count`` employees malformed dates, unknown keys and long values.

        The last of them also gets a master record that answers 404. Returns the
        employees touched.
        """
        rng = random.Random(seed)  # noqa: S311 - test data
        chosen = rng.sample(sorted(self.people), min(count, len(self.people)))
        for number, code in enumerate(chosen):
            self.people[code].extras.update({
                "hire_date": ("31/31/2021", "2021-02-30", "yesterday")[number % 3],
                "tenant_field_added_this_year": {"nested": [number]},
                "business_title": "Ingénieure principale — " + "très " * 400 + "longue",
            })
        if chosen:
            self.missing_master.add(chosen[-1])
        return chosen

    def today(self) -> date:
        """The tenant clock's UTC date."""
        return datetime.fromtimestamp(self.now(), tz=timezone.utc).date()
