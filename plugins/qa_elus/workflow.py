"""The public life of a question, as a workflow of the shared contribution registry."""

from django.utils.translation import gettext_lazy as _

from core.plugins import Workflow, WorkflowState

SUBMITTED = "submitted"
PUBLISHED = "published"
ANSWERED = "answered"
REJECTED = "rejected"

QUESTION_WORKFLOW = Workflow(
    states=(
        WorkflowState(SUBMITTED, _("en attente de modération")),
        WorkflowState(PUBLISHED, _("en attente de réponse")),
        WorkflowState(ANSWERED, _("réponse publiée"), final=True),
        WorkflowState(REJECTED, _("refusée"), final=True),
    ),
    initial=SUBMITTED,
    transitions={SUBMITTED: (PUBLISHED, REJECTED), PUBLISHED: (ANSWERED,)},
    # Moves are made by the plugin's services (system=True), which check their own rules.
    roles=("admin", "moderator"),
)
