"""The public life of a petition, as a workflow of the shared contribution registry."""

from django.utils.translation import gettext_lazy as _

from core.plugins import Workflow, WorkflowState

AWAITING_SPONSORS = "awaiting_sponsors"
UNDER_MODERATION = "under_moderation"
OPEN = "open"
CLOSED = "closed"
ANSWERED = "answered"
DEBATED = "debated"
REJECTED = "rejected"

PETITION_WORKFLOW = Workflow(
    states=(
        WorkflowState(AWAITING_SPONSORS, _("en attente de soutiens")),
        WorkflowState(UNDER_MODERATION, _("en cours d'examen")),
        WorkflowState(OPEN, _("ouverte à la signature")),
        WorkflowState(CLOSED, _("close")),
        WorkflowState(ANSWERED, _("réponse publiée")),
        WorkflowState(DEBATED, _("débattue en conseil"), final=True),
        WorkflowState(REJECTED, _("refusée"), final=True),
    ),
    initial=AWAITING_SPONSORS,
    transitions={
        AWAITING_SPONSORS: (UNDER_MODERATION, REJECTED),
        UNDER_MODERATION: (OPEN, REJECTED),
        OPEN: (CLOSED,),
        CLOSED: (ANSWERED, DEBATED),
        ANSWERED: (DEBATED,),
    },
    roles=("admin", "moderator", "agent"),
)
