"""The plugin's pages, declared for Parvis's every-page gates (see Parvis's docs/gates.md).

``hooks.sample_pages`` returns :func:`sample_pages`. Each callable receives the gates'
fixtures: ``fx.space`` (an open space of ``fx.organisation``), ``fx.users[role]`` and
``fx.objects`` (what ``setup`` made).
"""

from django.urls import reverse

from core.plugins import ANONYMOUS, PARTICIPANT, FormSample, SamplePage, statuses

BOX = "suggestions.box"
IDEA = "Des toilettes publiques au parc"


def _box(fx):
    """A suggestion box in the current phase of the fixtures' space (made once)."""
    from core.models import Component

    if "suggestion_box" not in fx.objects:
        phase = fx.space.phases.order_by("sort_order").first()
        fx.objects["suggestion_box"] = Component.objects.create(phase=phase, component_type=BOX, title="Vos idées")
    return fx.objects["suggestion_box"]


def _boxes(fx, n):
    from core.models import Component

    phase = fx.space.phases.order_by("sort_order").first()
    Component.objects.bulk_create(
        Component(phase=phase, component_type=BOX, title=f"Boîte {i}") for i in range(n)
    )


def _suggestions(fx, n):
    """``n`` more public suggestions in the box's space."""
    from core.contributions.models import Contribution

    box = _box(fx)
    authors = [fx.users[PARTICIPANT], fx.users["other_participant"]]
    Contribution.objects.bulk_create(
        Contribution(plugin="suggestions", kind="suggestion", space=box.phase.space,
                     title=f"Idée {i}", author=authors[i % 2], status="received")
        for i in range(n)
    )


def _box_url(fx):
    return reverse("suggestions:component", args=[_box(fx).pk])


def _suggested(fx, html):
    from core.contributions.models import Contribution

    return Contribution.objects.filter(plugin="suggestions", title=IDEA,
                                       author=fx.users[PARTICIPANT]).exists()


def sample_pages():
    return [
        SamplePage(name="suggestions:index", url=lambda fx: reverse("suggestions:index"),
                   list_of=_boxes, label="Boîtes à idées"),
        SamplePage(name="suggestions:component", url=_box_url, setup=_box, list_of=_suggestions,
                   label="Boîte à idées"),
        # The form is shown on the box's page and posted here; only POST is allowed.
        SamplePage(
            name="suggestions:suggest", setup=_box,
            url=lambda fx: reverse("suggestions:suggest", args=[_box(fx).pk]),
            label="Déposer une idée", audit=False,
            get=statuses(405), post=statuses(302),
            form=FormSample(
                data=lambda fx: {"title": IDEA, "details": "Près de l'aire de jeux."},
                submit="Proposer", shown_on=_box_url, done=_suggested,
                journey="participer", step=2,
            ),
        ),
        # Step 1 of the journey: an anonymous visitor signs in, then comes back to the box.
        SamplePage(
            name="account_login", variant="participer", setup=_box,
            url=lambda fx: reverse("account_login") + "?next=" + _box_url(fx),
            label="Connexion pour participer", audit=False,
            get=statuses(302, anonymous=200), post=statuses(302), redirect_params=("next",),
            form=FormSample(
                data=lambda fx: {"login": fx.email(PARTICIPANT), "password": fx.password},
                role=ANONYMOUS, submit="Connexion",
                done=lambda fx, html: "Vos idées" in html,
                journey="participer", step=1,
            ),
        ),
    ]
