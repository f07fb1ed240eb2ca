"""`geolink serve`: a read-only web view of a release (map, area profiles, table, SQL console)."""

from .app import create_app

__all__ = ["create_app"]
