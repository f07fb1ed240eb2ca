"""The release: protected aggregates written for analysts and planners, after the gate's attacks."""

from .run import ReleaseRefused, ReleaseResult, run_release

__all__ = ["ReleaseRefused", "ReleaseResult", "run_release"]
