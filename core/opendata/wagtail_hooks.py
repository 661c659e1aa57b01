"""The open data settings in the back-office (Paramètres → Données ouvertes).

Each organisation's administrators choose its licence and minimum cell size; they see and edit
only their organisations' settings (superusers see all).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    HistoryView,
    SnippetViewSet,
    UsageView,
)

from core.models import Membership, Organisation, Role, User
from core.opendata.models import OpenDataSettings


def _administered(user):
    """The organisations ``user`` may set the open data of."""
    if user.is_active and user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).distinct()


class OrganisationAdminPolicy(BasePermissionPolicy):
    """Superusers, and administrators of an organisation for its own settings."""

    def user_has_permission(self, user, action):
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMIN).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or Membership.objects.filter(
            user=user, role=Role.ADMIN, organisation_id=instance.organisation_id).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not (user.is_authenticated and user.is_active):
            return OpenDataSettings.objects.none()
        return OpenDataSettings.objects.filter(organisation__in=_administered(user))

    def users_with_any_permission(self, actions):
        return User.objects.filter(Q(is_superuser=True) | Q(memberships__role=Role.ADMIN), is_active=True).distinct()


_POLICY = OrganisationAdminPolicy(OpenDataSettings)


class OpenDataSettingsForm(WagtailAdminModelForm):
    """Offers only the organisations the person administers."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "organisation" in self.fields:
            self.fields["organisation"].queryset = _administered(for_user)


class _OwnOrganisationOnly:
    """Wagtail checks the model-wide permission in these views; add the per-organisation one."""

    def get_object(self, queryset=None):
        found = super().get_object(queryset)
        if not _POLICY.user_has_permission_for_instance(self.request.user, "change", found):
            raise PermissionDenied
        return found


class SettingsEditView(_OwnOrganisationOnly, EditView):
    pass


class SettingsDeleteView(_OwnOrganisationOnly, DeleteView):
    pass


class SettingsHistoryView(_OwnOrganisationOnly, HistoryView):
    pass


class SettingsUsageView(_OwnOrganisationOnly, UsageView):
    pass


class OpenDataSettingsViewSet(SnippetViewSet):
    model = OpenDataSettings
    icon = "download"
    menu_label = _("Données ouvertes")
    add_to_settings_menu = True
    menu_order = 910
    list_display = ["organisation", "licence", "min_cell_size", "updated_at"]
    edit_view_class = SettingsEditView
    delete_view_class = SettingsDeleteView
    history_view_class = SettingsHistoryView
    usage_view_class = SettingsUsageView

    def get_queryset(self, request):
        return _POLICY.instances_user_has_any_permission_for(request.user, ["change"])


OpenDataSettings.base_form_class = OpenDataSettingsForm
register_permission_policy(OpenDataSettings, _POLICY)
register_snippet(OpenDataSettingsViewSet)
