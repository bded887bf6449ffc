"""The engine's answer and its explanation: as text for a person, as JSON, as HTML for Jupyter.

A :class:`Decision` holds the outcome, the reasons, the alternatives (each permission that
holds if a condition the question left open does), the caveats (each prohibition that
would then apply), every rule considered with its constraints, facts and sources, and the
facts behind the supplier. Its confidence is that of the deciding rules' own sources.

Examples
--------
>>> from datetime import date
>>> from graph.load import load
>>> from graph.namespaces import PGR
>>> from graph.policy import Action, PolicyEngine
>>> engine = PolicyEngine(load().dataset)
>>> decision = engine.decide(Action(actor=PGR.Ukraine, weapon=PGR.HIMARS,
...                                 place=PGR.BelgorodOblast, day=date(2024, 6, 5)))
>>> print(decision.text().splitlines()[0])
PERMITTED IF: Ukraine strikes with M142 HIMARS supplied by United States in Belgorod Oblast on 2024-06-05
>>> [a.rule for a in decision.alternatives]
['counter-fire across the border from Kharkiv Oblast']
>>> decision.as_dict()["outcome"]
'conditional'
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from graph.policy.records import Alternative, Authority, Fact, Outcome, RuleCheck, Strategy

__all__ = ["Decision"]

_COLOURS = {
    Outcome.PERMITTED: "#1a9850",
    Outcome.CONDITIONAL: "#8c6d1f",
    Outcome.PROHIBITED: "#d73027",
    Outcome.CONTESTED: "#f46d43",
}


@dataclass(frozen=True)
class Decision:
    """The answer: an :class:`~graph.policy.records.Outcome`, why, and every rule considered."""

    outcome: Outcome
    action: dict[str, str]
    reasons: tuple[str, ...]
    #: each permission that holds if a condition the question left open does
    alternatives: tuple[Alternative, ...] = ()
    #: each prohibition that would apply if a condition the question left open does
    caveats: tuple[Alternative, ...] = ()
    #: every rule considered, or what lists them when first read (:attr:`rules`)
    considered: tuple[RuleCheck, ...] | Callable[[], tuple[RuleCheck, ...]] = field(
        default=(), repr=False, compare=False
    )
    #: the rules that apply or may apply: what the outcome rests on
    applying: tuple[RuleCheck, ...] = field(default=(), repr=False)
    strategy: Strategy = Strategy.PROHIBIT
    supplier: str = ""
    #: the facts behind the supplier
    facts: tuple[Fact, ...] = ()

    @functools.cached_property
    def rules(self) -> tuple[RuleCheck, ...]:
        """Every rule considered, in order.

        The outcome needs only the rules that may apply; the others are explained here,
        when first read.
        """
        return self.considered() if callable(self.considered) else self.considered

    @property
    def exit_code(self) -> int:
        """The exit code of ``policygraph check`` for this answer."""
        return self.outcome.exit_code

    @property
    def conditions(self) -> tuple[str, ...]:
        """The alternatives in words: "'rule' (policy) if condition; and condition"."""
        return tuple(alternative.line() for alternative in self.alternatives)

    @property
    def deciding(self) -> tuple[RuleCheck, ...]:
        """The rules that apply (in force, every constraint held or open)."""
        return tuple(r for r in self.applying if r.applies)

    @property
    def confidence(self) -> str:
        """How confident the deciding rules' own sources are: the weakest deciding rule's best."""
        deciding = [r for r in self.deciding if not r.open] or list(self.deciding)
        if not deciding:
            return "unstated"
        weakest = min(deciding, key=lambda r: max((s.rank for s in r.sources), default=0))
        return weakest.confidence

    def as_dict(self) -> dict[str, Any]:
        """The decision as plain data, for JSON."""
        return {
            "outcome": self.outcome.value,
            "exit_code": self.exit_code,
            "action": dict(self.action),
            "reasons": list(self.reasons),
            "alternatives": [dataclasses.asdict(a) for a in self.alternatives],
            "caveats": [dataclasses.asdict(a) for a in self.caveats],
            "confidence": self.confidence,
            "rules": [dataclasses.asdict(rule) for rule in self.rules],
            "strategy": self.strategy.value,
            "supplier": self.supplier,
            "facts": [dataclasses.asdict(f) for f in self.facts],
        }

    def text(self) -> str:
        """The decision explained for a person."""
        lines = [f"{self.outcome.words.upper()}: {self.action['summary']}"]
        lines += [f"  {reason}" for reason in self.reasons]
        if self.alternatives:
            lines.append("  permitted if any of these holds:")
            lines += [f"    - {a.line()}" for a in self.alternatives]
        if self.caveats:
            lines.append("  prohibited if:")
            lines += [f"    - {a.line()}" for a in self.caveats]
        if self.deciding:
            lines.append(f"  confidence: {self.confidence} (the deciding rules' own sources)")
        if self.facts:
            lines.append("  who supplied it:")
            lines += [f"      fact: {f.line()}" for f in self.facts]
        lines.append(f"  conflict strategy: {self.strategy.value}")
        if self.rules:
            lines.append("rules considered:")
        order = {True: 0, None: 1, False: 2}
        for rule in sorted(self.rules, key=lambda r: (r.authority is Authority.NONE, order[r.applies])):
            lines += _rule_lines(rule)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The decision for Jupyter: the outcome in its colour, then the explanation."""
        colour = _COLOURS.get(self.outcome, "#636363")
        head, _, rest = self.text().partition("\n")
        return (
            f'<p><b style="color:{colour}">{escape(self.outcome.words.upper())}</b>: '
            f"{escape(head.split(': ', 1)[-1])}</p><pre>{escape(rest)}</pre>"
        )


def _rule_lines(rule: RuleCheck) -> list[str]:
    if rule.authority is Authority.NONE:
        state = "not applicable"
    elif rule.applies and rule.open:
        state = "applies if"
    elif rule.applies:
        state = "applies"
    elif rule.applies is None:
        state = "cannot tell"
    else:
        state = "does not apply"
    lines = [f"  [{state}] {rule.kind.value} '{rule.label}' of {rule.policy_label} ({rule.grantor})"]
    if rule.authority is Authority.NONE:
        lines.append(f"      {rule.authority_reason}")
    else:
        lines.append(f"      {'in force' if rule.in_force else 'time'}: {rule.time_reason}")
        if rule.authority is Authority.CONTROLLER:
            lines.append(f"      controller: {rule.authority_reason}")
    for check in rule.constraints:
        lines.append(f"      {check.status.mark} {check.reason}")
        lines += [f"          fact: {f.line()}" for f in check.facts]
    lines += [f"      fact: {f.line()}" for f in rule.facts]
    lines += [
        f"      source: {s.title} ({s.issued or 'undated'}): {s.attribution}, {s.confidence} confidence"
        for s in rule.sources
    ]
    if rule.applies is not False:  # what was said of the policy, for the rules that may decide
        lines += [f"      statement: {s}" for s in rule.statements]
    return lines
