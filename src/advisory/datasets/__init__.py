"""Synthetic multi-agency records with planted ground truth.

Tests, notebooks and demos use these records; nothing is downloaded.
:func:`make_multiagency` returns a :class:`MultiAgencyData` whose ``truth``
documents every planted effect, bias and coverage gap;
:func:`make_agency_extracts` gives the same people as each agency would
hold them (own ids, recording errors, no shared identifier) for linkage;
:func:`planted_factor_roles` says which factors of a specification were
planted as informative, proxy or noise. :func:`simulate_oversight` simulates
practitioners (careful, rubber-stamp, random) responding to review prompts and
cases over periods with a planted population shift, for the oversight monitor.
"""

from __future__ import annotations

from advisory.datasets._extracts import (
    EXTRACT_ERROR_RATES,
    AgencyExtracts,
    ExtractTruth,
    make_agency_extracts,
)
from advisory.datasets._multiagency import MultiAgencyData, Truth, make_multiagency
from advisory.datasets._planted import planted_factor_roles
from advisory.datasets._practitioners import SimulatedOversight, simulate_oversight
from advisory.datasets._vocabulary import AGENCIES, ETHNICITIES, EVENT_TYPES

__all__ = [
    "AGENCIES",
    "ETHNICITIES",
    "EVENT_TYPES",
    "EXTRACT_ERROR_RATES",
    "AgencyExtracts",
    "ExtractTruth",
    "MultiAgencyData",
    "SimulatedOversight",
    "Truth",
    "make_agency_extracts",
    "make_multiagency",
    "planted_factor_roles",
    "simulate_oversight",
]
