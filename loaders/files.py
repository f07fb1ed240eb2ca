"""The input files of a load: one file, or every file of the right kind in a folder (tiles)."""

from __future__ import annotations

from pathlib import Path

from geolink.errors import GeolinkError


def input_files(path: Path | str, suffixes: tuple[str, ...] = (".csv",)) -> list[Path]:
    """`path` itself, or the files in folder `path` (not recursing) whose suffix is one of `suffixes`."""
    path = Path(path)
    if not path.exists():
        raise GeolinkError(f"{path}: no such file or folder")
    if path.is_file():
        return [path]
    found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    if not found:
        raise GeolinkError(f"{path}: the folder holds no {' / '.join(suffixes)} files")
    return found
