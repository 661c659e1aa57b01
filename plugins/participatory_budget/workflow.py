"""The public life of a budget project, as a workflow of the shared contribution registry."""

from django.utils.translation import gettext_lazy as _

from core.plugins import Workflow, WorkflowState

PROPOSED = "proposed"
FEASIBLE = "feasible"
UNFEASIBLE = "unfeasible"
MERGED = "merged"
SELECTED = "selected"
NOT_SELECTED = "not_selected"
IN_PROGRESS = "in_progress"
DONE = "done"

PROJECT_WORKFLOW = Workflow(
    states=(
        WorkflowState(PROPOSED, _("proposition à l'étude")),
        WorkflowState(FEASIBLE, _("retenue pour le vote")),
        WorkflowState(UNFEASIBLE, _("non réalisable")),
        WorkflowState(MERGED, _("fusionnée avec un autre projet"), final=True),
        WorkflowState(SELECTED, _("lauréat, financé")),
        WorkflowState(NOT_SELECTED, _("non financé"), final=True),
        WorkflowState(IN_PROGRESS, _("en cours de réalisation")),
        WorkflowState(DONE, _("réalisé"), final=True),
    ),
    initial=PROPOSED,
    transitions={
        PROPOSED: (FEASIBLE, UNFEASIBLE, MERGED),
        FEASIBLE: (UNFEASIBLE, MERGED, SELECTED, NOT_SELECTED),
        UNFEASIBLE: (FEASIBLE,),
        SELECTED: (IN_PROGRESS, DONE),
        IN_PROGRESS: (DONE,),
    },
    roles=("admin", "agent"),
)
