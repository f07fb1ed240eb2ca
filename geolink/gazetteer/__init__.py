"""The reference (gazetteer), read from its file and prepared once into DuckDB for matching."""

from .prepare import PreparedReference, prepare_reference
from .reference import read_reference

__all__ = ["PreparedReference", "prepare_reference", "read_reference"]
