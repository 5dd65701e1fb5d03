"""The record vocabulary of the synthetic multi-agency generator.

Agencies, their event types and the categories of people's attributes. The
reference definitions in the repository's ``models/`` and ``explain/`` folders
use the same names; a host system's own records may use others, declared in
its own catalogue.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AGENCIES",
    "AREAS",
    "COVERAGE_STATUSES",
    "ETHNICITIES",
    "EVENT_TYPES",
    "RELATIONSHIPS",
    "ROLES",
]

#: Agencies that share records, in a fixed order.
AGENCIES: Final = (
    "childrens_social_care",
    "police",
    "health",
    "education",
    "housing",
)

#: Event types recorded by each agency.
EVENT_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "childrens_social_care": (
        "referral",
        "assessment",
        "child_in_need_plan",
        "child_protection_plan",
        "early_help_episode",
    ),
    "police": (
        "domestic_abuse_notification",
        "arrest",
        "missing_person_report",
        "community_contact",
    ),
    "health": (
        "emergency_attendance",
        "missed_appointment",
        "mental_health_contact",
        "substance_misuse_contact",
        "health_visitor_contact",
        "dental_visit",
    ),
    "education": (
        "persistent_absence",
        "exclusion",
        "attendance_support",
        "school_move",
    ),
    "housing": (
        "homelessness_application",
        "rent_arrears",
        "temporary_accommodation",
        "repairs_request",
    ),
}

#: How a person is related to the child the relationship row starts from.
RELATIONSHIPS: Final = ("parent", "partner_of_parent", "sibling", "grandparent")

#: Roles of people in the ``people`` table.
ROLES: Final = ("child", "adult")

#: Ethnic groups (2021 census-style high-level groups; two are small).
ETHNICITIES: Final = (
    "White British",
    "White Other",
    "Asian",
    "Black",
    "Mixed",
    "Gypsy, Roma or Traveller",
    "Other",
)

#: Areas of the local authority (police and housing gaps are area-based).
AREAS: Final = ("North", "South", "East", "West", "Central", "Riverside")

#: Status of a coverage period: records shared; records exist but were not
#: shared; the person could not be matched to the agency's records; or the
#: agency holds no records for the person in that period (not applicable).
COVERAGE_STATUSES: Final = ("available", "unavailable", "unmatched", "not_applicable")
