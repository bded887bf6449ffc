"""The policy engine: may this actor do this, on this day, as reported by that day? Who says so.

One concept a module:

- :mod:`~graph.policy.records`: the question (:class:`Action`), the outcome and status
  enums, and the small records of an answer;
- :mod:`~graph.policy.facts`: what the engine reads from the graph, each fact with its
  sources, as known by a day of reporting;
- :mod:`~graph.policy.constraints`: the registry of constraint kinds and their checks;
- :mod:`~graph.policy.engine`: :class:`PolicyEngine`, the semantics;
- :mod:`~graph.policy.table`: the decision table of an actor, weapon and place, whose
  rules keep their answers per span of days;
- :mod:`~graph.policy.explain`: :class:`Decision` and its text, JSON and HTML.
"""

from graph.policy.engine import PolicyEngine, decide
from graph.policy.explain import Decision
from graph.policy.records import (
    Action,
    Alternative,
    Authority,
    ConstraintCheck,
    Fact,
    Outcome,
    RuleCheck,
    RuleKind,
    SourceRef,
    Status,
    Strategy,
)

__all__ = [
    "OUTCOMES",
    "Action",
    "Alternative",
    "Authority",
    "ConstraintCheck",
    "Decision",
    "Fact",
    "Outcome",
    "PolicyEngine",
    "RuleCheck",
    "RuleKind",
    "SourceRef",
    "Status",
    "Strategy",
    "decide",
]

#: Every outcome, in the order of their exit codes.
OUTCOMES = tuple(sorted(Outcome, key=lambda outcome: outcome.exit_code))
