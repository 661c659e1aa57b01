"""The moderation queue with 10,000 open reports: one page, through the full middleware stack,
beside a baseline that only reads 25 reports from the database."""

from __future__ import annotations

from _setup import django_instance, report, timed


def main() -> None:
    django_instance()
    from django.test import Client
    from django.utils import timezone

    from core.contributions.models import Contribution
    from core.models import Membership, Organisation, Phase, Role, Space, User
    from core.moderation.models import ModerationReason, Report

    commune = Organisation.objects.create(name="Bench", slug="bench")
    space = Space.objects.create(slug="bench", title="Bench", is_published=True)
    space.organisations.add(commune)
    space.save()
    Phase.objects.create(space=space, title="P", starts_at=timezone.now())
    moderator = User.objects.create_user(email="mod@bench.example", password="x")
    Membership.objects.create(user=moderator, organisation=commune, role=Role.MODERATOR)
    reporter = User.objects.create_user(email="reporter@bench.example", password="x")
    reason = ModerationReason.objects.get(organisation=None, code="spam")
    contributions = Contribution.objects.bulk_create(
        Contribution(plugin="bench", kind="item", space=space, title=f"Item {i}", status="received")
        for i in range(10_000)
    )
    Report.objects.bulk_create(Report(contribution=c, reporter=reporter, reason=reason) for c in contributions)

    client = Client(HTTP_HOST="localhost")
    client.force_login(moderator)

    def queue_page():
        response = client.get("/moderation/o/bench/?page=200")
        assert response.status_code == 200, response.status_code
        assert "signalements à traiter" in response.content.decode(), response.content.decode()[:3000]

    def baseline():
        list(Report.objects.filter(resolved_at__isnull=True).select_related("contribution").order_by("created_at")[4975:5000])

    report("moderation queue page 200 of 400 (10,000 reports)", timed(queue_page), timed(baseline),
           "bare query of the same 25 reports")


if __name__ == "__main__":
    main()
