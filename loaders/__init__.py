"""Readers for the formats councils hold, into geolink's canonical schemas.

Each loader returns the rows it accepted and the rows it rejected with a reason;
nothing is guessed silently.
"""
