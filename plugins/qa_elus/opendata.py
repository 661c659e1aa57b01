"""Open data of the questions plugin (docs/opendata.md)."""

from __future__ import annotations

from plugins.qa_elus import workflow as states


def public_subjects(space):
    """The public questions of a space, for the participation counts of the open data."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from plugins.qa_elus.models import Question

    return (Question.objects.filter(component__phase__space=space, state__in=(states.PUBLISHED, states.ANSWERED))
            .annotate(key=Concat(Value("qa_elus:question:"), Cast("pk", CharField())))
            .values("key", "title").order_by("pk"))
