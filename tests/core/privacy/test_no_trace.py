"""After an account is deleted, its e-mail address and name appear nowhere: in no column of
any table (search index included) and in no stored file."""

from __future__ import annotations

import os

from django.apps import apps
from django.conf import settings
from django.db import models

from core.privacy import erase_user
from tests.core.privacy.conftest import PERSON_EMAIL

NAME = "Camille Martin"

# Kept on purpose, each with its reason (docs/privacy.md):
PUBLIC_RECORDS = {
    # An official's profile is the organisation's public record of an office-holder: deleting
    # the account unlinks it and stops its questions (plugins/qa_elus/privacy.py), the name of
    # who held the office and answered stays.
    "qa_elus.Official.name",
}


def _text_fields(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
            yield field


def _traces(needles: list[str]) -> list[str]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in _text_fields(model):
            if f"{model._meta.label}.{field.name}" in PUBLIC_RECORDS:
                continue
            lookup = "icontains"
            for needle in needles:
                try:
                    hits = model._default_manager.filter(**{f"{field.name}__{lookup}": needle}).count()
                except Exception as exc:  # a column type the database cannot search as text
                    raise AssertionError(f"cannot search {model._meta.label}.{field.name}: {exc}") from exc
                if hits:
                    found.append(f"{model._meta.label}.{field.name} contains {needle!r} ({hits} rows)")
    return found


def _files_with(needles: list[str]) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                content = handle.read()
            found.extend(f"{path} contains {needle!r}" for needle in needles if needle.encode() in content)
    return found


def test_no_trace_of_the_person_after_erasure(everything):
    needles = [PERSON_EMAIL, NAME]
    assert _traces(needles), "the fixture must put the person's e-mail and name in the database"
    erase_user(everything)
    assert _traces(needles) == []
    assert _files_with(needles) == []
