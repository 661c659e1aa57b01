"""Demo content: the mayor and a deputy who take questions, a question box in the commune's
space, answered and pending questions with supports (one on paper), a rejected question and
the statistics that follow."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from core.models import Component, Membership, Role, User
from plugins.qa_elus import services
from plugins.qa_elus.models import Official, QaSettings, Question

#: Demo accounts on the reserved example.org domain.
MAYOR_EMAIL = "maire@example.org"
ASKERS = [("Camille Roux", "camille.roux@example.org"), ("Yanis Benali", "yanis.benali@example.org"),
          ("Louise Garnier", "louise.garnier@example.org")]


def _account(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def load_demo(demo) -> None:
    organisation, space = demo.commune, demo.spaces["commune"]
    phase = space.phases.order_by("sort_order").first()
    box = Component.objects.create(phase=phase, component_type="qa_elus.questions",
                                   title="Questions aux élus de Saint-Aubin-des-Prés")
    QaSettings.objects.get_or_create(organisation=organisation)
    mayor_account = _account(MAYOR_EMAIL, "Jeanne Maire")
    Membership.objects.get_or_create(user=mayor_account, organisation=organisation, role=Role.OFFICIAL)
    mayor = Official.objects.create(
        organisation=organisation, user=mayor_account, name="Jeanne Maire", role="Maire",
        delegations="Finances, urbanisme, sécurité", mandate_start=date(2026, 3, 22), opted_in=True,
    )
    Official.objects.create(organisation=organisation, name="Marc Adjoint", role="Adjoint aux mobilités",
                            delegations="Voirie, transports, stationnement", mandate_start=date(2026, 3, 22),
                            opted_in=True)
    moderator = _account("moderation@example.org", "Sam Modération")
    Membership.objects.get_or_create(user=moderator, organisation=organisation, role=Role.MODERATOR)
    askers = [_account(email, name) for name, email in ASKERS]

    def asked(author, title, text):
        return services.ask(box, author=author, official=mayor, title=title, text=text,
                            display_name=author.display_name)

    answered = services.publish(asked(askers[0], "Ouverture de la médiathèque le dimanche",
                                      "La médiathèque pourrait-elle ouvrir le dimanche matin, au moins l'hiver ?"),
                                by=moderator)
    for supporter in askers[1:]:
        services.support(answered, supporter)
    # One support on paper, entered by an agent at the town-hall desk.
    from core.participation.identity import person_key_from_email
    from core.participation.services import participate

    agent = _account("accueil@example.org", "Nadia Accueil")
    Membership.objects.get_or_create(user=agent, organisation=organisation, role=Role.AGENT)
    participate(subject_key=answered.subject_key, channel="paper", entered_by=agent,
                sheet_reference="Registre accueil 1", person_key=person_key_from_email("papier-qa@example.org"))
    services.recount_supports()
    # Answered five days after publication, for the statistics.
    Question.objects.filter(pk=answered.pk).update(published_at=timezone.now() - timedelta(days=5))
    answered.refresh_from_db()
    services.answer(answered, by=mayor_account,
                    body="<p>Oui : à partir de novembre, la médiathèque ouvrira le dimanche de 10 h à 12 h, "
                         "à l'essai pendant six mois.</p>")

    services.publish(asked(askers[1], "Un abri vélo sécurisé à la gare",
                           "Un abri vélo fermé à la gare permettrait de laisser son vélo la journée."),
                     by=moderator)
    asked(askers[2], "Le calendrier des travaux de la place",
          "Quand les travaux de la place du marché commenceront-ils, et pour combien de temps ?")
    from core.moderation.services import charter

    insult = next(r for r in charter(organisation) if r.code == "insult")
    services.reject(asked(askers[2], "Question hors charte", "Propos injurieux envers un agent."),
                    by=moderator, reason=insult)
