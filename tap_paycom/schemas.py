"""The six streams' columns, where each comes from in Paycom, and which are personal.

Sources are listed in order of preference: mostly the master record's key first,
but the department comes from the directory first, as ``departments`` does. Join columns carry the
same name in every stream: ``employee_code``, ``position_code``, ``location_id``,
``establishment_id``, ``department_code``. Columns prefixed ``personal_`` hold
personal data and are not selected by default (one select rule,
``!employees.personal_*``, keeps them out in Meltano).
"""

from __future__ import annotations

from tap_paycom.shapes import Field, Shape


def _f(name: str, kind: str = "string", *sources: str, personal: bool = False,
       description: str | None = None) -> Field:
    return Field(name, kind, sources or (name,), personal, description)


def _derived(name: str, description: str) -> Field:
    return Field(name, "string", (), False, description)


def _categories() -> list[Field]:
    fields = []
    for number in range(1, 21):
        fields.append(_f(f"cat{number}", "string", f"cat{number}"))
        fields.append(_f(f"cat{number}_description", "string", f"cat{number}desc"))
    return fields


def _personal(name: str, kind: str = "string", *sources: str) -> Field:
    return _f(f"personal_{name}", kind, *(sources or (name,)), personal=True)


def _emergency_contacts() -> list[Field]:
    return [
        _personal(f"emergency_{n}_{part}", "string", f"emergency_{n}_{part}")
        for n in (1, 2, 3) for part in ("contact", "phone", "relationship")
    ]


EMPLOYEES = Shape(
    [
        _f("employee_code", "string", "employee_code", "eecode",
           description="Paycom's eecode; the key every other stream joins on."),
        _f("employee_name", "string", "employee_name", "eename"),
        _f("first_name", "string", "firstname"),
        _f("middle_name", "string", "middlename"),
        _f("last_name", "string", "lastname"),
        _f("nickname"),
        _f("preferred_first_name"),
        _f("preferred_middle_name"),
        _f("preferred_last_name"),
        _f("preferred_suffix"),
        _f("preferred_on_paystub", "boolean"),
        _derived("status", "active, inactive, terminated, deceased, retired, on_leave, "
                 "prehire, not_hired (or unknown for an undocumented code)."),
        _f("status_code", "string", "employee_status", "eestatus",
           description="Paycom's raw eestatus code."),
        _derived("account_status", "enabled or disabled, from the enabled_statuses setting."),
        _f("employee_badge", "integer", "employee_badge", "eebadge"),
        _f("clock_sequence", "integer", "clocksequencenumber", "clockseq"),
        _f("work_email"),
        _f("business_title"),
        _f("position_code", "string", "position_code",
           description="Joins positions.position_code."),
        _f("position_id"),
        _f("position_title", "string", "position_title", "position"),
        _f("position_family"),
        _f("position_family_code"),
        _f("position_family_name"),
        _f("position_level"),
        _f("position_seat_number"),
        _f("position_seat_title"),
        _f("manager_level"),
        _f("department_code", "string", "deptcode", "department_code",
           description="Joins departments.department_code (the directory's deptcode)."),
        _f("department_description", "string", "deptdesc", "department_description"),
        _f("location_id", "integer", "companyLocationId",
           description="Joins locations.location_id."),
        _f("location_description", "string", "location"),
        _f("establishment_id", "integer", "companyEstablishmentId",
           description="Joins establishments.establishment_id."),
        _f("manager_employee_code", "string", "supervisor_primary_code",
           description="The primary supervisor's employee_code (joins employees)."),
        _f("manager_name", "string", "supervisor_primary"),
        _derived("manager_work_email", "The primary supervisor's work_email, joined from "
                 "the supervisor's own record."),
        _f("secondary_supervisor_code", "string", "supervisor_secondary_code"),
        _f("secondary_supervisor_name", "string", "supervisor_secondary"),
        _f("tertiary_supervisor_code", "string", "supervisor_tertiary_code"),
        _f("tertiary_supervisor_name", "string", "supervisor_tertiary"),
        _f("quaternary_supervisor_code", "string", "supervisor_quaternary_code"),
        _f("quaternary_supervisor_name", "string", "supervisor_quaternary"),
        _f("approval_supervisor_code", "string", "supervisor_approval_code"),
        _f("approval_supervisor_name", "string", "supervisor_approval"),
        _f("talent_supervisor_name", "string", "supervisor_talent"),
        _f("talent_management_supervisor_name", "string", "supervisor_talent_management"),
        _f("pay_class"),
        _f("pay_frequency"),
        _f("hourly_or_salary"),
        _f("fulltime_or_parttime"),
        _f("exempt_status"),
        _f("dol_status"),
        _f("union_code"),
        _f("gl_code", "string", "employee_gl_code"),
        _f("workers_comp_code"),
        _f("workers_comp_description", "string", "workers_comp_desc"),
        _f("schedule_group"),
        _f("schedule_time_zone"),
        _f("country_paid_in"),
        _f("hire_date", "date"),
        _f("rehire_date", "date"),
        _f("seniority_date", "date"),
        _f("added_date", "date", "employee_added"),
        _f("termination_date", "date"),
        _f("termination_type"),
        _f("termination_reason"),
        _f("previous_termination_date", "date"),
        _f("leave_start_date", "date", "leave_start"),
        _f("leave_end_date", "date", "leave_end"),
        _f("last_position_change_date", "date"),
        _f("last_pay_change_date", "date", "last_pay_change"),
        _f("last_review_date", "date", "last_review"),
        _f("next_review_date", "date", "next_review"),
        _f("new_hire", "boolean"),
        *_categories(),
        _personal("email", "string", "personal_email"),
        _personal("birth_date", "date"),
        _personal("age", "integer"),
        _personal("gender", "string", "gender"),
        _personal("ethnic_background"),
        _personal("marital_status", "string", "actual_marital_status"),
        _personal("marital_status_description", "string",
                  "actual_marital_status_description"),
        _personal("street_address", "string", "street", "streetaddr"),
        _personal("apt_suite", "string", "apt_suite_other"),
        _personal("city", "string", "city", "cityaddr"),
        _personal("state", "string", "state", "homestate"),
        _personal("zip_code", "string", "zipcode"),
        _personal("home_phone", "string", "homephone"),
        _personal("home_phone_country_code", "string", "homephone_country_code"),
        _personal("primary_phone"),
        _personal("primary_phone_type"),
        _personal("secondary_phone"),
        _personal("secondary_phone_type"),
        *_emergency_contacts(),
        _personal("eeoc_class"),
        _personal("eeoc_class_description"),
        _personal("vets_4212_veteran_status"),
        _personal("vets_4212_discharge_date", "date"),
    ],
    key=("employee_code",),
)

POSITIONS = Shape(
    [
        _f("position_code", "string", "positionCode"),
        _f("position_title", "string", "positionTitle"),
        _f("business_title", "string", "businessTitle"),
        _f("short_title", "string", "shortTitle"),
        _f("position_family", "string", "positionFamily"),
        _f("position_levels", "string_list", "positionLevels"),
        _f("effective_date", "date", "effectiveDate"),
        _f("status", "string", "status"),
        _f("management_level", "string", "managementLevel"),
        _f("pay_type", "string", "payType"),
        _f("location", "string", "location"),
        _f("exempt_status", "string", "exemptStatus"),
        _f("dol_status", "string", "dolSatus", "dolStatus"),
    ],
    key=("position_code",),
)

LOCATIONS = Shape(
    [
        _f("location_id", "integer", "locationid"),
        _f("description", "string", "description"),
        _f("facility_id", "string", "facilityId"),
        _f("address", "string", "address"),
        _f("city", "string", "city"),
        _f("state", "string", "state"),
        _f("zip_code", "string", "zipCode"),
        _f("country", "string", "country"),
        _f("eeoc_unit_number", "string", "EEOC_Unit_Number"),
        _f("hiring_site", "boolean", "hiringSite"),
        _f("vets_4212_hiring_location", "boolean", "VETS_4212_Hiring_Location"),
        _f("hidden", "boolean", "locationHidden"),
    ],
    key=("location_id",),
)

ESTABLISHMENTS = Shape(
    [
        _f("establishment_id", "integer", "establishmentid"),
        _f("description", "string", "description"),
        _f("fein", "string", "establishmentFEIN"),
        _f("address", "string", "address"),
        _f("city", "string", "city"),
        _f("state", "string", "state"),
        _f("zip_code", "string", "zipCode"),
        _f("country", "string", "country"),
        _f("duns_code", "string", "DUNSCode"),
        _f("naics_code", "string", "NAICSCode"),
        _f("company_headquarters", "boolean", "companyHeadquarters"),
        _f("location_ids", "integer_list", "locationIds",
           description="The locations (locations.location_id) in this establishment."),
    ],
    key=("establishment_id",),
)

DEPARTMENTS = Shape(
    [
        _derived("department_code", "Paycom's department code (deptcode)."),
        _derived("department_description", "The description most employees carry."),
    ],
    key=("department_code",),
)

MEMBERSHIPS = Shape(
    [
        _derived("employee_code", "Joins employees.employee_code."),
        _derived("group_type", "position, location, establishment or department."),
        _derived("group_id", "The group's own key: position_code, location_id, "
                 "establishment_id or department_code, as text."),
        _derived("group_key", "group_type:group_id, e.g. department:SALES; unique across "
                 "all group types."),
    ],
    key=("employee_code", "group_type"),
)
