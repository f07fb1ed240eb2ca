"""Synthetic towns that stand in for council data wherever real data cannot ship."""

from .town import Town, make_town
from .writer import write_town

__all__ = ["Town", "make_town", "write_town"]
