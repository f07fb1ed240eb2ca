"""Measures per area: counts of households and records, rates with intervals, funnel comparison."""

from .spec import UNITS, Measure, measures_from_dict, unit_sql

__all__ = ["UNITS", "Measure", "measures_from_dict", "unit_sql"]
