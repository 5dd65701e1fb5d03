"""How often each event is recorded, and what drives it: the generator's truth.

Each row of :data:`EVENT_RATES` says who an event type is recorded for, at
which ages, its base rate per person-year, and how much each true
circumstance adds to that rate. Circumstances are the hidden state of a
household that the records only partly show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "CIRCUMSTANCES",
    "EVENT_RATES",
    "HARM_MODEL",
    "EventRate",
]

#: The hidden circumstances of a household, with the person who bears each.
CIRCUMSTANCES: Final[dict[str, str]] = {
    "domestic_abuse": (
        "a perpetrator (the father or a partner of the parent); the parent is the victim"
    ),
    "parental_mental_health": "the primary carer",
    "substance_misuse": "one adult of the household",
    "housing_instability": "every adult of the household",
    "neglect": "every child of the household",
    "support": "every child of the household (a protective circumstance)",
}

#: Coefficients of the true harm model, on the log-odds scale. Harm for a
#: case depends on the circumstances *at the reference date*: domestic abuse
#: counts only while the perpetrator lives in the child's household.
HARM_MODEL: Final[dict[str, float]] = {
    "intercept": -3.1,
    "domestic_abuse": 1.5,
    "parental_mental_health": 1.0,
    "substance_misuse": 1.3,
    "housing_instability": 0.6,
    "neglect": 1.4,
    "support": -1.0,
    "child_under_2": 0.5,
}


@dataclass(frozen=True, kw_only=True)
class EventRate:
    """Recording rate of one event type.

    Attributes
    ----------
    agency, event_type : str
        What is recorded, and by whom.
    who : {"child", "adult"}
        The people it is recorded for.
    ages : tuple of float
        Age range in years ``[low, high)`` during which it can be recorded.
    base : float
        Events per person-year with no circumstance present.
    drivers : dict
        Events per person-year added by each circumstance the person bears
        (``"domestic_abuse"`` is the perpetrator; ``"domestic_abuse_victim"``
        the parent).
    """

    agency: str
    event_type: str
    who: str
    ages: tuple[float, float]
    base: float
    drivers: dict[str, float] = field(default_factory=dict)


_CHILD = (0.0, 18.0)
_ADULT = (18.0, 120.0)

#: Every event type the generator records, with its rates.
EVENT_RATES: Final[tuple[EventRate, ...]] = (
    EventRate(
        agency="childrens_social_care",
        event_type="referral",
        who="child",
        ages=_CHILD,
        base=0.03,
        drivers={
            "domestic_abuse": 0.25,
            "neglect": 0.30,
            "substance_misuse": 0.15,
            "parental_mental_health": 0.10,
        },
    ),
    EventRate(
        agency="childrens_social_care",
        event_type="assessment",
        who="child",
        ages=_CHILD,
        base=0.02,
        drivers={"domestic_abuse": 0.15, "neglect": 0.20, "substance_misuse": 0.10},
    ),
    EventRate(
        agency="childrens_social_care",
        event_type="child_in_need_plan",
        who="child",
        ages=_CHILD,
        base=0.005,
        drivers={"neglect": 0.06, "domestic_abuse": 0.04},
    ),
    EventRate(
        agency="childrens_social_care",
        event_type="child_protection_plan",
        who="child",
        ages=_CHILD,
        base=0.002,
        drivers={"neglect": 0.03, "domestic_abuse": 0.03},
    ),
    EventRate(
        agency="childrens_social_care",
        event_type="early_help_episode",
        who="child",
        ages=_CHILD,
        base=0.03,
        drivers={"support": 0.40},
    ),
    EventRate(
        agency="police",
        event_type="domestic_abuse_notification",
        who="adult",
        ages=_ADULT,
        base=0.01,
        drivers={"domestic_abuse": 1.2, "domestic_abuse_victim": 0.5},
    ),
    EventRate(
        agency="police",
        event_type="arrest",
        who="adult",
        ages=_ADULT,
        base=0.03,
        drivers={"domestic_abuse": 0.35, "substance_misuse": 0.45},
    ),
    EventRate(
        agency="police",
        event_type="missing_person_report",
        who="child",
        ages=(10.0, 18.0),
        base=0.02,
        drivers={"neglect": 0.15},
    ),
    EventRate(
        agency="police",
        event_type="community_contact",
        who="adult",
        ages=_ADULT,
        base=0.10,
    ),
    EventRate(
        agency="health",
        event_type="emergency_attendance",
        who="child",
        ages=_CHILD,
        base=0.20,
        drivers={"neglect": 0.35, "disability": 0.25},
    ),
    EventRate(
        agency="health",
        event_type="emergency_attendance",
        who="adult",
        ages=_ADULT,
        base=0.15,
        drivers={"substance_misuse": 0.40, "domestic_abuse_victim": 0.20},
    ),
    EventRate(
        agency="health",
        event_type="missed_appointment",
        who="child",
        ages=_CHILD,
        base=0.15,
        drivers={"neglect": 0.70},
    ),
    EventRate(
        agency="health",
        event_type="missed_appointment",
        who="adult",
        ages=_ADULT,
        base=0.15,
        drivers={"parental_mental_health": 0.30},
    ),
    EventRate(
        agency="health",
        event_type="mental_health_contact",
        who="adult",
        ages=_ADULT,
        base=0.04,
        drivers={"parental_mental_health": 1.8},
    ),
    EventRate(
        agency="health",
        event_type="substance_misuse_contact",
        who="adult",
        ages=_ADULT,
        base=0.01,
        drivers={"substance_misuse": 1.4},
    ),
    EventRate(
        agency="health",
        event_type="health_visitor_contact",
        who="child",
        ages=(0.0, 5.0),
        base=0.6,
        drivers={"support": 1.5},
    ),
    EventRate(
        agency="health",
        event_type="dental_visit",
        who="child",
        ages=(2.0, 18.0),
        base=0.35,
    ),
    EventRate(
        agency="education",
        event_type="persistent_absence",
        who="child",
        ages=(5.0, 16.0),
        base=0.06,
        drivers={"neglect": 0.50, "housing_instability": 0.15},
    ),
    EventRate(
        agency="education",
        event_type="exclusion",
        who="child",
        ages=(5.0, 16.0),
        base=0.02,
        drivers={"neglect": 0.15},
    ),
    EventRate(
        agency="education",
        event_type="attendance_support",
        who="child",
        ages=(5.0, 16.0),
        base=0.04,
        drivers={"support": 0.50},
    ),
    EventRate(
        agency="education",
        event_type="school_move",
        who="child",
        ages=(5.0, 16.0),
        base=0.12,
    ),
    EventRate(
        agency="housing",
        event_type="homelessness_application",
        who="adult",
        ages=_ADULT,
        base=0.015,
        drivers={"housing_instability": 0.45},
    ),
    EventRate(
        agency="housing",
        event_type="rent_arrears",
        who="adult",
        ages=_ADULT,
        base=0.05,
        drivers={"housing_instability": 0.55, "deprivation": 0.05},
    ),
    EventRate(
        agency="housing",
        event_type="temporary_accommodation",
        who="adult",
        ages=_ADULT,
        base=0.008,
        drivers={"housing_instability": 0.30},
    ),
    EventRate(
        agency="housing",
        event_type="repairs_request",
        who="adult",
        ages=_ADULT,
        base=0.25,
    ),
)
