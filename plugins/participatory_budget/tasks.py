"""Background work: counting a budget when it enters its results stage."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="participatory_budget.count", acks_late=True)
def count_budget(budget_id: int) -> bool:
    """Count and publish the results (idempotent: counting again gives the same results)."""
    from plugins.participatory_budget.models import Budget, Stage
    from plugins.participatory_budget.results import publish_results

    if not Budget.objects.filter(pk=budget_id, stage__in=(Stage.RESULTS, Stage.IMPLEMENTATION)).exists():
        return False
    publish_results(budget_id)
    return True
