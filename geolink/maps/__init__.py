"""Maps of a release for planners: static choropleths (PNG, PDF, SVG) and an offline HTML map."""

from .release_data import ReleaseData, read_release
from .static import SCHEMES, class_breaks, draw_map

__all__ = ["ReleaseData", "read_release", "SCHEMES", "class_breaks", "draw_map"]
