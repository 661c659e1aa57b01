"""Counting a budget: ballots → one election per envelope → the tally engine → stored results.

The results are computed once (by the ``participatory_budget.count`` task when the budget
enters its results stage) and stored as JSON on the budget, so that the results page renders
them with a fixed number of queries whatever the number of ballots. Each project gets a plain
French explanation of why it was or was not funded (stored as data, written in the reader's
language when shown).

The same elections are exported in pabulib's ``.pb`` format (anonymous ballots), so that anyone
can recount with this engine, pabutools or their own code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.contributions.services import change_status, record_activity
from plugins.participatory_budget import tally as engine
from plugins.participatory_budget import workflow as states
from plugins.participatory_budget.models import Ballot, Budget, CountingRule, Project, VoteType
from plugins.participatory_budget.services import money
from plugins.participatory_budget.tally.scores import tie_order

PB_VOTE_TYPES = {
    VoteType.APPROVAL: "approval", VoteType.KNAPSACK: "approval", VoteType.CHOOSE_ONE: "choose-1",
    VoteType.CUMULATIVE: "cumulative", VoteType.RANKED: "ordinal",
}
CITYWIDE = "citywide"


def _projects_by_area(budget: Budget) -> dict[str, list[Project]]:
    areas: dict[str, list[Project]] = defaultdict(list)
    for project in budget.projects.filter(feasibility="feasible", merged_into__isnull=True, cost__isnull=False):
        areas[str(project.district_id) if project.district_id else CITYWIDE].append(project)
    return areas


def elections(budget: Budget, ballots=None) -> dict[str, engine.Election]:
    """One election per envelope (each district, then the city-wide one), ballots restricted
    to its projects. Ballots are read in one streamed query."""
    areas = _projects_by_area(budget)
    envelopes = {str(d.pk): (d.envelope, d.name) for d in budget.districts.all()}
    envelopes[CITYWIDE] = (budget.citywide_envelope, _("Toute la commune"))
    vote_type = PB_VOTE_TYPES[budget.vote_type]
    result: dict[str, engine.Election] = {}
    members = {key: {p.ballot_id for p in projects} for key, projects in areas.items()}
    for key, projects in areas.items():
        envelope, name = envelopes[key]
        meta = {
            "description": f"{budget.component.title} — {name}", "country": "France",
            "unit": str(budget.component.phase.space.title), "subunit": str(name),
            "instance": str(budget.pk), "num_projects": str(len(projects)), "num_votes": "0",
            "budget": str(envelope), "vote_type": vote_type, "rule": _pabulib_rule(budget),
            "currency": budget.currency,
        }
        if budget.max_projects and vote_type != "cumulative":
            meta["max_length"] = str(budget.max_projects)
        if vote_type == "cumulative":
            meta["max_sum_points"] = str(budget.points)
        result[key] = engine.Election(
            meta=meta,
            projects={p.ballot_id: engine.Project(p.ballot_id, p.cost, p.title, {
                "category": p.category,
                # pabulib's columns for where a project is (Warsaw's files have them): blank if unknown.
                "latitude": "" if p.latitude is None else str(p.latitude),
                "longitude": "" if p.longitude is None else str(p.longitude),
            }) for p in projects},
            ballots=[], project_columns=("project_id", "cost", "name", "category", "latitude", "longitude"),
            ballot_columns=("voter_id", "vote", "points") if vote_type == "cumulative" else ("voter_id", "vote"),
        )
    if ballots is None:
        ballots = Ballot.objects.filter(budget=budget, record__invalidated_at__isnull=True,
                                        record__withdrawn_at__isnull=True).values_list("choice", "channel").order_by("pk")
        ballots = ballots.iterator(chunk_size=5000)
    area_of = {pid: key for key, ids in members.items() for pid in ids}
    ballot_lists = {key: election.ballots for key, election in result.items()}
    voter = 0
    for choice, channel in ballots:
        voter += 1
        voter_id, extra = str(voter), {"channel": channel}
        parts: dict[str, list] = {}
        if isinstance(choice, dict):
            for pid, points in choice.items():
                key = area_of.get(pid)
                if key is not None and points > 0:
                    parts.setdefault(key, []).append((pid, points))
            for key, chosen in parts.items():
                ballot_lists[key].append(engine.Ballot(voter_id, tuple(p for p, _x in chosen),
                                                       tuple(x for _p, x in chosen), extra))
        else:
            for pid in choice:
                key = area_of.get(pid)
                if key is not None:
                    parts.setdefault(key, []).append(pid)
            for key, chosen in parts.items():
                ballot_lists[key].append(engine.Ballot(voter_id, tuple(chosen), None, extra))
    for election in result.values():
        election.meta["num_votes"] = str(len(election.ballots))
        if "channel" not in election.ballot_columns:
            election.ballot_columns = (*election.ballot_columns, "channel")
    return result


def _pabulib_rule(budget: Budget) -> str:
    if budget.rule == CountingRule.MES:
        return "equalshares/add1" if budget.completion else "equalshares"
    return "greedy-no-skip" if budget.rule == CountingRule.GREEDY_NO_SKIP else "greedy"


def _sat(budget: Budget) -> str:
    return "points" if budget.vote_type == VoteType.CUMULATIVE else "cost"


def count(budget: Budget) -> dict:
    """Count every envelope and return the JSON the results page shows."""
    areas = {}
    for key, election in elections(budget).items():
        if budget.rule == CountingRule.MES:
            outcome = engine.tally(election, "mes", sat=_sat(budget),
                                   completion="add1" if budget.completion else "none",
                                   then_greedy=budget.completion)
        else:
            outcome = engine.tally(election, budget.rule)
        areas[key] = _area_result(budget, key, election, outcome)
    return {"areas": areas, "ballots": Ballot.objects.filter(budget=budget).count(),
            "rule": budget.rule, "vote_type": budget.vote_type}


def _area_result(budget: Budget, key: str, election: engine.Election, outcome: engine.TallyResult) -> dict:
    scores = engine.project_scores(election)
    supporters = engine.approval_counts(election)
    per_channel: dict[str, Counter] = defaultdict(Counter)
    for ballot in election.ballots:
        for pid in ballot.vote:
            per_channel[pid][ballot.extra.get("channel", "web")] += 1
    selected = set(outcome.selected)
    tie = tie_order(election, "id")  # the engine's tie-breaking, so the ranks match its walk
    order = sorted(election.projects, key=lambda pid: (-scores[pid], *tie(pid)))
    explanations = _explain(budget, election, order, scores, supporters, outcome)
    projects = []
    for rank, pid in enumerate(order, start=1):
        project = election.projects[pid]
        projects.append({
            "id": int(pid), "title": project.name, "cost": int(project.cost), "score": _json_number(scores[pid]),
            "supporters": supporters[pid], "channels": dict(per_channel[pid]), "rank": rank,
            "funded": pid in selected, "why": explanations[pid],
        })
    return {
        "key": key, "budget": int(election.budget), "spent": _json_number(outcome.spent),
        "voters": len(election.ballots), "selected": [int(p) for p in outcome.selected], "projects": projects,
    }


def _json_number(value):
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def _explain(budget, election, order, scores, supporters, outcome) -> dict[str, dict]:
    """Why each project was or was not funded, as data (``reason`` and the figures); the sentence
    is written in the reader's language by :func:`explanation` when a page shows it."""
    selected = set(outcome.selected)
    reasons = {}
    if budget.rule == CountingRule.MES:
        share = round(Fraction(election.budget) / (len(election.ballots) or 1))
        for pid in order:
            n = supporters[pid]
            reason = "mes_funded" if pid in selected else ("mes_no_vote" if n == 0 else "mes_not_funded")
            reasons[pid] = {"reason": reason, "n": n, "cost": int(election.projects[pid].cost), "share": share}
        return reasons
    left = election.budget
    stopped = False
    for rank, pid in enumerate(order, start=1):
        cost = election.projects[pid].cost
        figures = {"rank": rank, "score": _json_number(scores[pid]), "cost": int(cost), "left": int(left)}
        if pid in selected:
            reasons[pid] = {"reason": "greedy_funded", **figures}
            left -= cost
        elif stopped:
            reasons[pid] = {"reason": "greedy_after_stop", **figures}
        else:
            reasons[pid] = {"reason": "greedy_not_funded", **figures}
            if budget.rule == CountingRule.GREEDY_NO_SKIP:
                stopped = True
    return reasons


def explanation(budget: Budget, why: dict) -> str:
    """The plain sentence saying why a project was or was not funded, in the active language."""
    unit = _("points") if budget.vote_type in (VoteType.CUMULATIVE, VoteType.RANKED) else _("voix")
    values = {**why, "unit": unit}
    for key in ("cost", "left", "share"):
        if key in why:
            values[key] = money(why[key], budget)
    reason = why["reason"]
    if reason == "mes_funded":
        text = _("Financé : ses %(n)s soutiens pouvaient payer ensemble son coût (%(cost)s) avec leurs parts "
                 "égales de l'enveloppe (%(share)s chacun au départ), en plus des autres projets qu'ils "
                 "soutenaient et qui ont été financés.")
    elif reason == "mes_no_vote":
        text = _("Non financé : personne n'a voté pour ce projet.")
    elif reason == "mes_not_funded":
        text = _("Non financé : chaque votant dispose d'une part égale de l'enveloppe (%(share)s). Les "
                 "parts restantes de ses %(n)s soutiens, une fois payés les projets qu'ils soutenaient aussi, "
                 "ne suffisaient pas à couvrir son coût (%(cost)s) ; il aurait fallu qu'il soit soutenu par "
                 "davantage de votants.")
    elif reason == "greedy_funded":
        text = _("Financé : %(rank)se avec %(score)s %(unit)s ; il restait %(left)s quand son tour "
                 "est venu, assez pour son coût (%(cost)s).")
    elif reason == "greedy_after_stop":
        text = _("Non financé : %(rank)se avec %(score)s %(unit)s. La règle arrête le dépouillement "
                 "au premier projet qui ne rentre plus dans l'enveloppe, et ce projet venait après.")
    else:
        text = _("Non financé : %(rank)se avec %(score)s %(unit)s ; quand son tour est venu, il ne "
                 "restait que %(left)s pour un coût de %(cost)s.")
    return text % values


def explained(budget: Budget, row: dict) -> dict:
    """A project row of the stored results with its ``explanation`` in the active language."""
    return {**row, "explanation": explanation(budget, row["why"])}


@transaction.atomic
def publish_results(budget_id: int) -> Budget:
    """Count and store the results; funded projects become « lauréats », the others not."""
    budget = Budget.objects.select_for_update().select_related("component__phase__space").get(pk=budget_id)
    first = budget.results is None
    results = count(budget)
    budget.results, budget.results_at = results, timezone.now()
    budget.save(update_fields=["results", "results_at"])
    from federation.api import publish_object

    # The results, a closed Question of the space's Group, go to its followers (transactional outbox).
    publish_object("participatory_budget", "results", budget, verb="Create" if first else "Update")
    funded = {pid for area in results["areas"].values() for pid in area["selected"]}
    for project in budget.projects.filter(feasibility="feasible", merged_into__isnull=True).select_related("contribution"):
        target = states.SELECTED if project.pk in funded else states.NOT_SELECTED
        if project.contribution_id and project.contribution.status == states.FEASIBLE:
            change_status(project.contribution, target, by=None, system=True)
    record_activity(budget.component.phase.space, "results",
                    _("Résultats du budget participatif « %(title)s »") % {"title": budget.component.title},
                    url=budget.get_absolute_url(), key=f"participatory_budget:results:{budget.pk}")
    return budget


__all__ = ["elections", "count", "explained", "explanation", "publish_results", "CITYWIDE"]
