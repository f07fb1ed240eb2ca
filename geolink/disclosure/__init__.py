"""Disclosure control: pure rules that decide what of an aggregate table may be published."""

from .attack import Attacker, Bound, Target
from .cells import CellSpace
from .policy import Policy, policy_from_dict
from .protect import COHORT, DIFFERENCING, OVER_TIME, SECONDARY, SMALL, Protected, protect

__all__ = ["Attacker", "Bound", "Target", "CellSpace", "Policy", "policy_from_dict",
           "COHORT", "DIFFERENCING", "OVER_TIME", "SECONDARY", "SMALL", "Protected", "protect"]
