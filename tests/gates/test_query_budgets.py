"""Gate: a declared list or detail page costs the same number of queries for 10 and 1,000 items.

Each page declaring ``list_of`` is rendered (as the role it is audited as) with 10 items, then
with 1,000; the two query counts must be equal.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from core.models import Phase
from core.plugins import SamplePage
from tests.gates import harness


@pytest.mark.django_db
@pytest.mark.parametrize("page", harness.page_params(lambda page: page.list_of is not None))
def test_query_count_does_not_grow_with_items(page, gate_report):
    few, many = harness.query_counts(page, harness.Fixtures())
    gate_report("query-budgets", [{"page": page.id, "queries_10": few, "queries_1000": many}])
    assert few == many, (
        f"{page.id}: {few} queries with 10 items, {many} with 1,000: the page makes queries per "
        "item (use select_related/prefetch_related, or paginate)"
    )


def test_the_list_pages_of_the_core_and_of_the_sample_plugin_have_a_budget():
    budgeted = {page.name for page in harness.pages() if page.list_of}
    assert {"core:home", "core:organisation", "core:space", "suggestions:index",
            "suggestions:component"} <= budgeted


# --- Seeded violation: a page whose query count grows with its items ---------------------------

_TEMPLATE = engines["django"].from_string(
    "<ul>{% for phase in phases %}<li>{{ phase.title }} ({{ phase.space.title }})</li>{% endfor %}</ul>"
)


def _phases_n_plus_one(request):
    return HttpResponse(_TEMPLATE.render({"phases": Phase.objects.all()}))


def _phases_joined(request):
    return HttpResponse(_TEMPLATE.render({"phases": Phase.objects.select_related("space")}))


urlpatterns = [
    path("etapes/", _phases_n_plus_one, name="seeded_growth"),
    path("etapes-ok/", _phases_joined, name="seeded_flat"),
]


def _more_phases(fx, n):
    from core.sample_pages import _phases

    _phases(fx, n)


@pytest.mark.django_db
@pytest.mark.urls("tests.gates.test_query_budgets")
def test_seeded_view_whose_query_count_grows_fails_the_gate():
    growing = SamplePage(name="seeded_growth", url=lambda fx: "/etapes/", list_of=_more_phases)
    problems = harness.query_budget_problems(growing, harness.Fixtures())
    assert len(problems) == 1
    assert "with 10 items" in problems[0] and "1,000" in problems[0]


@pytest.mark.django_db
@pytest.mark.urls("tests.gates.test_query_budgets")
def test_the_same_view_with_a_join_passes_the_gate():
    flat = SamplePage(name="seeded_flat", url=lambda fx: "/etapes-ok/", list_of=_more_phases)
    assert harness.query_budget_problems(flat, harness.Fixtures()) == []
