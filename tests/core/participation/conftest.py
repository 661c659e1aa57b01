"""A probe plugin declaring a petition-like and a vote-like participation subject.

Subjects are backed by core ``Component`` rows: ``probe:petition:<component id>`` and
``probe:vote:<component id>``; a subject is open while its component's phase is current.
"""

from __future__ import annotations

import types
from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone

from core.models import Component, Phase
from core.plugin_host import get_manager
from core.plugins import (
    PERSON_BY_EMAIL,
    PERSON_BY_IDENTITY,
    ParticipationSubjectType,
    SubjectInfo,
    hookimpl,
)
from tests.conftest import make_space

PROJECTS = [("park", "Un parc"), ("trees", "Des arbres"), ("library", "Une médiathèque")]


class BallotForm(forms.Form):
    projects = forms.MultipleChoiceField(
        label="Projets choisis", choices=PROJECTS, widget=forms.CheckboxSelectMultiple
    )


def _resolver(type_key: str):
    def resolve(object_id: str) -> SubjectInfo | None:
        if not object_id.isdigit():
            return None
        component = (
            Component.objects.select_related("phase__space")
            .filter(pk=int(object_id), component_type=f"probe.{type_key}")
            .first()
        )
        if component is None:
            return None
        return SubjectInfo(
            key=f"probe:{type_key}:{component.pk}", title=component.title,
            space=component.phase.space, url=f"/probe/{type_key}/{component.pk}/",
            is_open=component.phase.is_current, target=component,
        )

    return resolve


def build_probe_module() -> types.ModuleType:
    module = types.ModuleType("participation_probe")
    module.heads = []
    module.paper_entries = []

    def on_paper_entry(subject_key, record, cleaned_data):
        module.paper_entries.append((subject_key, record.pk, sorted(cleaned_data.get("projects", []))))

    @hookimpl
    def participation_subject_types():
        return [
            ParticipationSubjectType(
                key="petition", label="Pétition", log_type="petition",
                resolve=_resolver("petition"), person_fields=PERSON_BY_EMAIL,
                on_paper_entry=on_paper_entry,
            ),
            ParticipationSubjectType(
                key="vote", label="Vote", log_type="vote", resolve=_resolver("vote"),
                person_fields=PERSON_BY_IDENTITY, paper_form=BallotForm,
                choice_from_paper=lambda cleaned: list(cleaned["projects"]),
                on_paper_entry=on_paper_entry,
            ),
        ]

    @hookimpl
    def ledger_head_published(subject_key, head):
        module.heads.append((subject_key, head))

    module.participation_subject_types = participation_subject_types
    module.ledger_head_published = ledger_head_published
    return module


@pytest.fixture(autouse=True)
def signing_key_file(tmp_path, monkeypatch):
    path = tmp_path / "keys" / "ledger-signing-key.pem"
    monkeypatch.setenv("PARVIS_LEDGER_KEY_FILE", str(path))
    return path


@pytest.fixture
def probe():
    module = build_probe_module()
    manager = get_manager()
    manager.register(module, name="probe")
    yield module
    manager.unregister(module)


def make_component(space, type_key: str, title: str = "Pour un parc en centre-bourg") -> Component:
    return Component.objects.create(
        phase=space.phases.first(), component_type=f"probe.{type_key}", title=title
    )


@pytest.fixture
def petition(probe, space) -> str:
    return f"probe:petition:{make_component(space, 'petition').pk}"


@pytest.fixture
def vote(probe, space) -> str:
    return f"probe:vote:{make_component(space, 'vote', 'Budget participatif 2027').pk}"


@pytest.fixture
def closed_petition(probe, commune) -> str:
    space = make_space(commune, "clos")
    Phase.objects.filter(space=space).update(
        starts_at=timezone.now() - timedelta(days=10), ends_at=timezone.now() - timedelta(days=1)
    )
    return f"probe:petition:{make_component(space, 'petition').pk}"
