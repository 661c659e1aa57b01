"""Participation subjects declared by plugins through ``participation_subject_types``."""

from __future__ import annotations

from dataclasses import dataclass

from core.ledger import LOG_TYPES
from core.plugin_host import call_each
from core.plugins import ParticipationSubjectType, SubjectInfo

__all__ = ["Subject", "UnknownSubject", "subject_types", "get_subject", "subject_key"]


class UnknownSubject(LookupError):
    """No plugin declares this subject, or its object does not exist."""


@dataclass(frozen=True)
class Subject:
    """A resolved subject: its key, the plugin's type declaration and the object's info."""

    key: str
    plugin: str
    type: ParticipationSubjectType
    info: SubjectInfo

    @property
    def log_type(self) -> str:
        return self.type.log_type

    @property
    def organisations(self) -> list:
        """Organisations whose agents may enter paper participation for this subject."""
        if self.info.organisations:
            return list(self.info.organisations)
        return list(self.info.space.organisations.all()) if self.info.space is not None else []


def subject_types() -> dict[tuple[str, str], ParticipationSubjectType]:
    """Every declared subject type, by ``(plugin slug, type key)``."""
    types = {}
    for slug, declared in call_each("participation_subject_types"):
        for subject_type in declared:
            if subject_type.log_type not in LOG_TYPES:
                raise ValueError(f"{slug}.{subject_type.key}: log_type must be one of {LOG_TYPES}")
            types[(slug, subject_type.key)] = subject_type
    return types


def subject_key(plugin: str, type_key: str, object_id: object) -> str:
    """``"<plugin>:<type>:<id>"``."""
    return f"{plugin}:{type_key}:{object_id}"


def get_subject(key: str) -> Subject:
    """Resolve a subject key; raise :class:`UnknownSubject`."""
    parts = key.split(":", 2)
    if len(parts) != 3 or not all(parts) or len(key) > 200:
        raise UnknownSubject(key)
    plugin, type_key, object_id = parts
    subject_type = subject_types().get((plugin, type_key))
    info = subject_type.resolve(object_id) if subject_type is not None else None
    if info is None:
        raise UnknownSubject(key)
    return Subject(key, plugin, subject_type, info)
