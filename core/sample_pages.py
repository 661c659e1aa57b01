"""The core's pages, declared for the every-page gates like a plugin's (see docs/gates.md).

Every named URL of the core (``core:*``), of the core's apps and of the account pages
(django-allauth) is declared here, or in a ``sample_pages`` module of the app listed in
``APP_DECLARATIONS``. Engineers adding a page to the core append its ``SamplePage`` to the
list of the app it belongs to.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from core.plugins import (
    ANONYMOUS,
    PARTICIPANT,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)

#: Pages for visitors: signed-in people are sent on (allauth's "already signed in" redirect).
VISITORS = statuses(302, anonymous=200)
NEW_PASSWORD = "un tout nouveau secret 42"


# --- Public pages of the core ----------------------------------------------------------------

def _open_spaces(fx, n: int) -> None:
    """``n`` more open spaces of the fixtures' organisation, each with a current phase."""
    from core.models import Phase, Space

    now = timezone.now()
    start = Space.objects.count()
    spaces = Space.objects.bulk_create(
        Space(slug=f"espace-{start + i}", title=f"Espace {start + i}", summary="Un espace ouvert.",
              is_published=True)
        for i in range(n)
    )
    through = Space.organisations.through
    through.objects.bulk_create(through(space=s, organisation=fx.organisation) for s in spaces)
    Phase.objects.bulk_create(
        Phase(space=s, title="Contributions", starts_at=now - timedelta(days=1),
              ends_at=now + timedelta(days=30))
        for s in spaces
    )


def _phases(fx, n: int) -> None:
    """``n`` more (upcoming) phases of the fixtures' space."""
    from core.models import Phase

    now = timezone.now()
    start = fx.space.phases.count()
    Phase.objects.bulk_create(
        Phase(space=fx.space, title=f"Étape {start + i}", description="Une étape.",
              starts_at=now + timedelta(days=40 + start + i), sort_order=start + i)
        for i in range(n)
    )


def core_pages() -> list[SamplePage]:
    return [
        SamplePage(name="core:home", url=lambda fx: reverse("core:home"), list_of=_open_spaces,
                   label="Accueil de l'instance"),
        SamplePage(name="core:organisation", url=lambda fx: fx.organisation.get_absolute_url(),
                   list_of=_open_spaces, label="Accueil d'une organisation"),
        SamplePage(name="core:space", url=lambda fx: fx.space.get_absolute_url(), list_of=_phases,
                   label="Espace de participation"),
        SamplePage(name="core:accessibility",
                   url=lambda fx: reverse("core:accessibility", args=[fx.organisation.slug]),
                   label="Déclaration d'accessibilité"),
        # The language links of the header (they work without JavaScript and without forms).
        SamplePage(
            name="core:switch_language",
            url=lambda fx: reverse("core:switch_language") + "?language=en&next=/",
            audit=False, label="Changement de langue", get=statuses(302),
            redirect_params=("next",),
        ),
        # Django's own language view, still mounted for forms that post to it.
        SamplePage(
            name="set_language", url=lambda fx: reverse("set_language"), audit=False,
            label="Changement de langue (formulaire)",
            # Without a POST, Django's view only redirects; with one it sets the cookie too.
            get=statuses(302), post=statuses(302), redirect_params=("next",),
            form=FormSample(data=lambda fx: {"language": "en", "next": "/"}, role=ANONYMOUS,
                            fields=("language",), submit="Changer"),
        ),
    ]


# --- Account pages (django-allauth) ---------------------------------------------------------

def _unconfirmed_address(fx) -> None:
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    from core.models import User

    user = User.objects.create_user(email="a-confirmer@example.org", password=fx.password)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    fx.objects["address"] = address
    fx.objects["confirmation_key"] = EmailConfirmationHMAC(address).key


def _reset_key(fx) -> None:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    from core.models import User

    # Someone who is none of the roles: signing in changes ``last_login``, which the token
    # depends on, so a role's own link would be spent by the matrix itself.
    user = User.objects.create_user(email="oubli@example.org", password=fx.password)
    fx.objects["reset"] = (user_pk_to_url_str(user), default_token_generator.make_token(user))


def _signed_in(role):
    return lambda fx, html: fx.users[role].pk in fx.logged_in_user_ids()


def _signed_out(role):
    return lambda fx, html: fx.users[role].pk not in fx.logged_in_user_ids()


def account_pages() -> list[SamplePage]:
    login = FormSample(
        data=lambda fx: {"login": fx.email(PARTICIPANT), "password": fx.password},
        role=ANONYMOUS, submit="Connexion", done=_signed_in(PARTICIPANT),
        journey="connexion", step=1,
    )
    return [
        SamplePage(name="account_login", url=lambda fx: reverse("account_login"),
                   label="Connexion", get=VISITORS, post=statuses(302),
                   redirect_params=("next",), form=login),
        SamplePage(
            name="account_logout", url=lambda fx: reverse("account_logout"), label="Déconnexion",
            get=statuses(200, anonymous=302), post=statuses(302), redirect_params=("next",),
            form=FormSample(data=lambda fx: {}, role=PARTICIPANT, submit="Se déconnecter",
                            done=_signed_out(PARTICIPANT), journey="deconnexion", step=1),
        ),
        SamplePage(
            name="account_signup", url=lambda fx: reverse("account_signup"), label="Inscription",
            get=VISITORS, post=statuses(302), redirect_params=("next",),
            form=FormSample(
                data=lambda fx: {"email": "nouvelle@example.org", "password1": NEW_PASSWORD,
                                 "password2": NEW_PASSWORD},
                role=ANONYMOUS, submit="Création de compte",
                done=lambda fx, html: type(fx.users[PARTICIPANT]).objects.filter(
                    email="nouvelle@example.org").exists(),
                journey="inscription", step=1,
            ),
        ),
        SamplePage(name="account_inactive", url=lambda fx: reverse("account_inactive"),
                   label="Compte inactif"),
        SamplePage(
            name="account_reauthenticate", url=lambda fx: reverse("account_reauthenticate"),
            label="Confirmation du mot de passe", get=SIGNED_IN, post=statuses(302),
            redirect_params=("next",),
            # Confirmed, the person leaves the password form for where they were going.
            form=FormSample(data=lambda fx: {"password": fx.password}, submit="Confirmer",
                            done=lambda fx, html: 'name="password"' not in html),
        ),
        SamplePage(
            name="account_email", url=lambda fx: reverse("account_email"),
            label="Adresses électroniques", get=SIGNED_IN, post=statuses(302),
            form=FormSample(
                data=lambda fx: {"email": "autre-adresse@example.org", "action_add": ""},
                fields=("email",), submit="Ajouter un e-mail",
                done=lambda fx, html: fx.users[PARTICIPANT].emailaddress_set.filter(
                    email="autre-adresse@example.org").exists(),
            ),
        ),
        SamplePage(name="account_email_verification_sent",
                   url=lambda fx: reverse("account_email_verification_sent"),
                   label="Courriel de vérification envoyé"),
        SamplePage(
            name="account_confirm_email", setup=_unconfirmed_address,
            url=lambda fx: reverse("account_confirm_email", args=[fx.objects["confirmation_key"]]),
            label="Confirmation de l'adresse électronique", post=statuses(302),
            form=FormSample(
                data=lambda fx: {}, role=ANONYMOUS, submit="Confirmer",
                done=lambda fx, html: type(fx.objects["address"]).objects.get(
                    pk=fx.objects["address"].pk).verified,
            ),
        ),
        SamplePage(
            name="account_change_password", url=lambda fx: reverse("account_change_password"),
            label="Changement de mot de passe", get=SIGNED_IN, post=statuses(302),
            redirect_params=("next",),
            form=FormSample(
                data=lambda fx: {"oldpassword": fx.password, "password1": NEW_PASSWORD,
                                 "password2": NEW_PASSWORD},
                submit="Modifier le mot de passe",
                done=lambda fx, html: type(fx.users[PARTICIPANT]).objects.get(
                    pk=fx.users[PARTICIPANT].pk).check_password(NEW_PASSWORD),
            ),
        ),
        # Accounts that have a password are sent to the change form; all of ours have one.
        SamplePage(name="account_set_password", url=lambda fx: reverse("account_set_password"),
                   label="Choix d'un mot de passe", get=statuses(302), audit=False),
        SamplePage(
            name="account_reset_password", url=lambda fx: reverse("account_reset_password"),
            label="Mot de passe oublié", post=statuses(302),
            form=FormSample(
                data=lambda fx: {"email": fx.email(PARTICIPANT)}, role=ANONYMOUS,
                submit="Réinitialiser mon mot de passe",
                done=lambda fx, html: fx.sent_mail_to(fx.email(PARTICIPANT)),
                journey="mot-de-passe-oublie", step=1,
            ),
        ),
        SamplePage(name="account_reset_password_done",
                   url=lambda fx: reverse("account_reset_password_done"),
                   label="Courriel de réinitialisation envoyé"),
        # The link of the e-mail stores its key in the session and redirects to the form.
        SamplePage(
            name="account_reset_password_from_key", setup=_reset_key,
            url=lambda fx: reverse("account_reset_password_from_key",
                                   kwargs={"uidb36": fx.objects["reset"][0], "key": fx.objects["reset"][1]}),
            label="Nouveau mot de passe", get=statuses(302), post=statuses(302),
        ),
        SamplePage(name="account_reset_password_from_key_done",
                   url=lambda fx: reverse("account_reset_password_from_key_done"),
                   label="Mot de passe changé"),
        # Reauthentication by code is off (ACCOUNT_REAUTHENTICATION_METHODS): refused to everyone
        # signed in, anonymous visitors are sent to the login page first.
        SamplePage(name="account_request_reauthentication_code",
                   url=lambda fx: reverse("account_request_reauthentication_code"),
                   label="Code de confirmation", get=statuses(403, anonymous=302),
                   post=statuses(403, anonymous=302), audit=False),
        SamplePage(name="account_confirm_reauthentication_code",
                   url=lambda fx: reverse("account_confirm_reauthentication_code"),
                   label="Saisie du code de confirmation", get=statuses(403, anonymous=302),
                   post=statuses(403, anonymous=302), audit=False),
        # Login by code is off: the page sends everyone back to the login page.
        SamplePage(name="account_confirm_login_code",
                   url=lambda fx: reverse("account_confirm_login_code"), label="Code de connexion",
                   get=statuses(302), post=statuses(302), audit=False),
    ]


#: Apps of the core that declare their pages in a module of their own: (module, function).
APP_DECLARATIONS = [
    ("core.identity.sample_pages", "identity_pages"),
    ("core.notifications.sample_pages", "notification_pages"),
    ("core.participation.sample_pages", "participation_pages"),
    ("core.contributions.sample_pages", "contribution_pages"),
    ("core.moderation.sample_pages", "moderation_pages"),
    ("federation.sample_pages", "federation_pages"),
    ("core.comments.sample_pages", "comment_pages"),
    ("core.search.sample_pages", "search_pages"),
    ("core.account_sample_pages", "account_data_pages"),
    ("core.opendata.sample_pages", "opendata_pages"),
    ("core.api.sample_pages", "api_pages"),
    ("core.retention.sample_pages", "retention_pages"),
]


def sample_pages() -> list[SamplePage]:
    from importlib import import_module

    pages = [*core_pages(), *account_pages()]
    for module, function in APP_DECLARATIONS:
        pages += getattr(import_module(module), function)()
    return pages
