"""Read a settings file (YAML: measures, policies, agreements, column mappings) with clear errors."""

from __future__ import annotations

from pathlib import Path

import yaml

from geolink.errors import GeolinkError


def read_yaml(path: Path, what: str) -> dict:
    """The mapping in a YAML file; a missing or malformed file raises GeolinkError naming it."""
    path = Path(path)
    if not path.is_file():
        raise GeolinkError(f"no {what} file at {path}")
    try:
        value = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise GeolinkError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(value, dict):
        raise GeolinkError(f"{path}: expected a mapping of settings, found {type(value).__name__}")
    return value
