"""Governance of the workspace: agreements, pseudonymisation, retention and purge, audit."""

from .agreement import Agreement, agreement_from_dict
from .chain import AuditEntry, first_break

__all__ = ["Agreement", "AuditEntry", "agreement_from_dict", "first_break"]
