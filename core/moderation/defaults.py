"""The instance's default moderation charter (each organisation can add or replace reasons).

Written by the data migration ``0002_default_charter`` and put back by
:func:`ensure_default_reasons` wherever the tables were emptied (tests on a live server).
"""

DEFAULT_REASONS = [
    ("insult", "Propos injurieux ou discriminatoires",
     "Insultes, menaces, propos haineux ou discriminatoires envers une personne ou un groupe."),
    ("personal-data", "Données personnelles",
     "Le message révèle des informations personnelles sur une personne (adresse, téléphone, santé...)."),
    ("spam", "Publicité ou spam", "Message publicitaire, commercial ou répété sans rapport avec la consultation."),
    ("off-topic", "Hors sujet", "Le message ne porte pas sur l'objet de la consultation."),
    ("illegal", "Contenu illicite", "Contenu contraire à la loi (diffamation, incitation à la violence...)."),
    ("duplicate", "Doublon", "La même contribution a déjà été déposée ; elle reste visible à son premier emplacement."),
]


def ensure_default_reasons(model=None) -> None:
    """Create the default reasons that are missing (``model``: the historical model in a
    migration, the current one otherwise)."""
    if model is None:
        from core.moderation.models import ModerationReason as model
    for order, (code, label, description) in enumerate(DEFAULT_REASONS):
        model.objects.get_or_create(
            organisation=None, code=code,
            defaults={"label": label, "description": description, "sort_order": order},
        )
