"""The single entry point of the engine: :func:`tally` an election with a named rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from .comparison import compare_with_greedy as compare_with_greedy_outcome
from .completion import COMPLETIONS, equal_shares_selection
from .election import Election
from .greedy import greedy_selection
from .numbers import Amount, format_amount
from .scores import TIE_BREAKINGS, TallyError
from .support import SATISFACTIONS

RULES = ("greedy", "greedy-no-skip", "greedy-threshold", "greedy-exclusive", "greedy-reserve", "mes")
"""Counting rules of the engine; ``mes`` is the Method of Equal Shares."""

POZNAN_RESERVE = Fraction(4, 5)
"""Share of its cost that must be left for the ``greedy-reserve`` rule to fund a project."""

_PABULIB_RULES = {
    "greedy": ("greedy", "none"),
    "greedy-no-skip": ("greedy-no-skip", "none"),
    "greedy-threshold": ("greedy-threshold", "none"),
    "greedy-exclusive": ("greedy-exclusive", "none"),
    "equalshares": ("mes", "none"),
    # pabulib's equalshares/add1 raises voters' budgets until the next raise would overspend,
    # without stopping at an exhaustive outcome: Wieliczka 2023's published outcome is that.
    "equalshares/add1": ("mes", "add1-exhaustive"),
    # The same, then compared with the greedy outcome (see comparison.py): Wieliczka's files.
    "equalshares-comparison": ("mes", "none"),
    "equalshares/add1-comparison": ("mes", "add1-exhaustive"),
}


@dataclass(frozen=True, slots=True)
class TallyResult:
    """The outcome of a tally: funded project ids in funding order and the money they cost."""

    selected: list[str]
    spent: Amount
    rule: str
    sat: str | None = None
    completion: str | None = None
    then_greedy: bool = False
    comparison: str | None = None
    """With the comparison step: the outcome kept, ``"equal-shares"`` or ``"greedy"``."""

    def as_dict(self) -> dict:
        """A JSON-ready view; a fractional ``spent`` is written as an exact decimal string."""
        data = {
            "selected": list(self.selected),
            "spent": self.spent if isinstance(self.spent, int) else format_amount(self.spent),
            "rule": self.rule,
        }
        if self.rule == "mes":
            data.update(sat=self.sat, completion=self.completion, then_greedy=self.then_greedy)
        if self.comparison is not None:
            data["comparison"] = self.comparison
        return data


def rule_from_meta(election: Election) -> tuple[str, str]:
    """``(rule, completion)`` for the pabulib ``rule`` named in META; TallyError if unknown.

    ``greedy-custom`` is understood for Poznań, whose rule the file comments describe (funding
    the project that stops a no-skip greedy count when 80% of its cost is left). The
    ``...-comparison`` rules of Equal Shares also need ``compare_with_greedy=True``, which
    :func:`tally` sets for them when it reads the rule from the file.
    """
    name = election.rule
    if name in _PABULIB_RULES:
        return _PABULIB_RULES[name]
    if name == "greedy-custom" and election.meta.get("unit", "").strip() == "Poznań":
        return "greedy-reserve", "none"
    shown = name or "(none)"
    raise TallyError(
        f"the file's rule {shown!r} is not one this engine reproduces; choose a rule "
        f"among {', '.join(RULES)}"
    )


def tally(
    election: Election,
    rule: str | None = None,
    *,
    sat: str = "cost",
    completion: str | None = None,
    then_greedy: bool = False,
    compare_with_greedy: bool | None = None,
    exclusive: Iterable[Iterable[str]] | None = None,
    threshold: Amount | None = None,
    tie_breaking: str = "id",
    reserve_ratio: Fraction = POZNAN_RESERVE,
) -> TallyResult:
    """Count an election with a rule and return the funded projects.

    ``rule=None`` uses the rule named in the file's META; ``equalshares/add1`` means
    ``completion="add1-exhaustive"`` unless another completion is given, and a rule ending in
    ``-comparison`` means ``compare_with_greedy=True`` unless it is given. With it, the
    outcome of Equal Shares is replaced by the greedy one when more voters prefer the latter
    (:mod:`.comparison`); ``TallyResult.comparison`` says which was kept. Greedy rules skip
    projects scoring below ``threshold``, which defaults to META
    ``min_project_score_threshold`` (required by ``greedy-threshold``); ``exclusive`` lists
    groups of mutually exclusive project ids for ``greedy-exclusive``. ``sat``, ``completion``
    and ``then_greedy`` apply to ``mes``. Raises :class:`TallyError`.
    """
    if rule is None:
        rule, meta_completion = rule_from_meta(election)
        completion = meta_completion if completion is None else completion
        if compare_with_greedy is None:
            compare_with_greedy = (election.rule or "").endswith("-comparison")
    completion = "none" if completion is None else completion
    if rule not in RULES:
        raise TallyError(f"unknown rule {rule!r} (known: {', '.join(RULES)})")
    if tie_breaking not in TIE_BREAKINGS:
        raise TallyError(f"unknown tie-breaking {tie_breaking!r} (known: {', '.join(TIE_BREAKINGS)})")
    if rule == "mes":
        if sat not in SATISFACTIONS:
            raise TallyError(f"unknown satisfaction {sat!r} (known: {', '.join(SATISFACTIONS)})")
        if completion not in COMPLETIONS:
            raise TallyError(f"unknown completion {completion!r} (known: {', '.join(COMPLETIONS)})")
        selected = equal_shares_selection(
            election, sat=sat, completion=completion, then_greedy=then_greedy, tie_breaking=tie_breaking
        )
        kept = None
        if compare_with_greedy:
            selected, kept = compare_with_greedy_outcome(election, selected, tie_breaking)
        return _result(
            election, selected, rule, sat=sat, completion=completion, then_greedy=then_greedy, comparison=kept
        )
    if compare_with_greedy:
        raise TallyError("the comparison with the greedy outcome only applies to rule 'mes'")

    if threshold is None:
        threshold = election.meta_amount("min_project_score_threshold")
        if threshold is None and rule == "greedy-threshold":
            raise TallyError("rule 'greedy-threshold' needs META min_project_score_threshold")
    if exclusive is not None and rule != "greedy-exclusive":
        raise TallyError("groups of exclusive projects only apply to rule 'greedy-exclusive'")
    selected = greedy_selection(
        election,
        skip=rule not in ("greedy-no-skip", "greedy-reserve"),
        threshold=threshold,
        exclusive=exclusive,
        reserve_ratio=reserve_ratio if rule == "greedy-reserve" else None,
        tie_breaking=tie_breaking,
    )
    return _result(election, selected, rule)


def _result(election: Election, selected: list[str], rule: str, **details) -> TallyResult:
    spent = sum((election.projects[p].cost for p in selected), 0)
    if isinstance(spent, Fraction) and spent.denominator == 1:
        spent = spent.numerator
    return TallyResult(selected=selected, spent=spent, rule=rule, **details)
