"""The federation in the back-office: Paramètres → Fédération, for the instance's
administrators (federation/admin_views.py)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from federation import admin_views


@hooks.register("register_admin_urls")
def federation_admin_urls():
    return [
        path("federation/", admin_views.index, name="federation_admin"),
        path("federation/accords/<int:pk>/approuver/", admin_views.decide_agreement,
             {"decision": "approve"}, name="federation_admin_approve"),
        path("federation/accords/<int:pk>/refuser/", admin_views.decide_agreement,
             {"decision": "reject"}, name="federation_admin_reject"),
        path("federation/regles/", admin_views.set_policy, name="federation_admin_policy"),
        path("federation/domaines/", admin_views.set_domain_rule, name="federation_admin_domain"),
        path("federation/domaines/<int:pk>/retirer/", admin_views.remove_domain_rule,
             name="federation_admin_domain_remove"),
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        from federation.services import can_administer

        return can_administer(request.user)


@hooks.register("register_settings_menu_item")
def federation_menu_item():
    return AdministratorMenuItem(_("Fédération"), reverse("federation_admin"), icon_name="site", order=910)
