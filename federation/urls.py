"""Federation URLs (namespace ``federation``), mounted at the root by ``core/urls.py``."""

from django.urls import path

from federation import account_views, public_views, views

app_name = "federation"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/host-meta", views.host_meta, name="host_meta"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("federation/context.jsonld", views.context, name="context"),
    path("federation/inbox", views.shared_inbox, name="shared_inbox"),
    path("federation/actors/<str:username>", views.actor, name="actor"),
    path("federation/actors/<str:username>/inbox", views.actor_inbox, name="actor_inbox"),
    path("federation/actors/<str:username>/outbox", views.outbox, name="outbox"),
    path("federation/actors/<str:username>/followers", views.followers, name="followers"),
    path("federation/activities/<uuid:uuid>", views.activity, name="activity"),
    path("federation/objects/<slug:plugin>/<slug:type_key>/<str:pk>", views.object_view, name="object"),
    path("federation/partenaires/", public_views.partners, name="partners"),
    path("federation/partenaires/publications/", public_views.partner_publications,
         name="partner_publications"),
    path("federation/profil/", account_views.profile, name="profile"),
    path("federation/profil/<int:organisation_id>/suivable/", account_views.become_followable,
         name="become_followable"),
    path("federation/profil/<int:organisation_id>/plus-suivable/", account_views.stop_being_followable,
         name="stop_being_followable"),
    path("federation/partenaires/publications/<int:pk>/signer/", public_views.partner_sign,
         name="partner_sign"),
]
