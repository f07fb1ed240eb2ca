"""What a load did: rows read, loaded and rejected (each with its file, row and reason).

Counts reconcile: every row read is either loaded or rejected, and the report says why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

EXAMPLES_PER_REASON = 5


@dataclass(frozen=True)
class Rejection:
    """One rejected row: `row` is the physical line (header = 1), None when not tied to one line."""

    file: str
    row: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row is not None else self.file
        return f"{where}: {self.reason}"


@dataclass
class LoadReport:
    """Counts and rejections of one `geolink load`; `tables` gives rows written per workspace table."""

    kind: str
    rows_read: int = 0
    rows_loaded: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def reject(self, file: Path | str, row: int | None, reason: str) -> None:
        self.rejected.append(Rejection(str(file), row, reason))

    def reject_many(self, file: Path | str, rows, reasons) -> None:
        """Reject rows given as parallel sequences of line numbers and reasons."""
        self.rejected.extend(Rejection(str(file), int(r) if r is not None else None, str(why))
                             for r, why in zip(rows, reasons))

    def wrote(self, table: str, rows: int) -> None:
        self.tables[table] = self.tables.get(table, 0) + rows

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    def by_reason(self) -> dict[str, int]:
        """Rejected rows counted by reason, most frequent first."""
        return dict(Counter(r.reason for r in self.rejected).most_common())

    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_rejected

    def as_dict(self) -> dict:
        examples: dict[str, list[str]] = {}
        for r in self.rejected:
            listed = examples.setdefault(r.reason, [])
            if len(listed) < EXAMPLES_PER_REASON:
                listed.append(str(r))
        return {"kind": self.kind, "rows_read": self.rows_read, "rows_loaded": self.rows_loaded,
                "rows_rejected": self.rows_rejected, "rejected_by_reason": self.by_reason(),
                "examples": examples, "tables": dict(self.tables), "notes": list(self.notes)}
