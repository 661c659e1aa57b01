"""Officials who take questions, the questions, their answers and the answer statistics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.qa_elus import workflow as states


class QaSettings(models.Model):
    """The rules of one organisation for questions to its officials."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.CASCADE, related_name="qa_settings")
    questions_per_month = models.PositiveSmallIntegerField(_("questions par personne et par mois"), default=3)
    questions_per_year = models.PositiveSmallIntegerField(_("questions par personne et par an"), default=20)
    answer_days = models.PositiveSmallIntegerField(_("délai de réponse (jours)"), default=30)

    class Meta:
        verbose_name = _("réglages des questions aux élus")
        verbose_name_plural = _("réglages des questions aux élus")

    def __str__(self) -> str:
        return str(self.organisation)


class Official(models.Model):
    """An elected official or a named member of staff who agreed to answer questions publicly."""

    class Kind(models.TextChoices):
        ELECTED = "elected", _("élu")
        STAFF = "staff", _("agent nommé")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="qa_officials")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="qa_official_profiles"
    )
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("qualité"), max_length=10, choices=Kind.choices, default=Kind.ELECTED)
    role = models.CharField(_("fonction"), max_length=150, help_text=_("Par exemple : maire, adjointe à la voirie."))
    delegations = models.TextField(_("délégations"), blank=True)
    mandate_start = models.DateField(_("début du mandat"), null=True, blank=True)
    mandate_end = models.DateField(_("fin du mandat"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="qa_elus/", blank=True)
    photo_alt = models.CharField(_("description de la photo"), max_length=250, blank=True)
    opted_in = models.BooleanField(_("accepte les questions publiques"), default=False)

    class Meta:
        verbose_name = _("élu ou agent nommé")
        verbose_name_plural = _("élus et agents nommés")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"

    def get_absolute_url(self) -> str:
        return reverse("qa_elus:official", kwargs={"pk": self.pk})

    @property
    def signature(self) -> str:
        return f"{self.name}, {self.role}"

    def accepts_questions(self, today=None) -> bool:
        """Opted in and within the mandate."""
        today = today or timezone.localdate()
        if not self.opted_in:
            return False
        if self.mandate_start and self.mandate_start > today:
            return False
        return not (self.mandate_end and self.mandate_end < today)


class Delegation(models.Model):
    """A named member of staff who may write answers on behalf of an official."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="delegations_given")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_delegations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("délégation de réponse")
        verbose_name_plural = _("délégations de réponse")
        constraints = [models.UniqueConstraint(fields=["official", "staff"], name="qa_delegation_once")]

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.official_id}"


class QuestionQuerySet(models.QuerySet):
    def public(self):
        """The questions everyone may see listed: the one rule of the lists, the question's page,
        the similar questions, the open data and federation.

        A question is listed in a published space when it was rejected (shown with its reason,
        never its text) or when its registry row is public (:meth:`ContributionQuerySet.public
        <core.contributions.models.ContributionQuerySet.public>`): published or answered, not
        hidden by the moderators afterwards. :attr:`Question.is_public` says whether one
        question is public with its text.
        """
        from core.contributions.models import Contribution

        return self.filter(component__phase__space__is_published=True).filter(
            models.Q(state=states.REJECTED)
            | models.Q(state__in=(states.PUBLISHED, states.ANSWERED),
                       contribution__in=Contribution.objects.public())
        )

    def public_with_text(self):
        """The public questions shown with their text (not the rejected ones)."""
        return self.public().exclude(state=states.REJECTED)


class Question(models.Model):
    """A question to an official, or to the council (``official`` empty until an agent routes it)."""

    class State(models.TextChoices):
        SUBMITTED = states.SUBMITTED, _("en attente de modération")
        PUBLISHED = states.PUBLISHED, _("en attente de réponse")
        ANSWERED = states.ANSWERED, _("réponse publiée")
        REJECTED = states.REJECTED, _("refusée")

    class Channel(models.TextChoices):
        WEB = "web", _("site")
        API = "api", _("API")
        FEDIVERSE = "fediverse", _("fédivers")

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="qa_questions")
    component = models.ForeignKey("core.Component", on_delete=models.CASCADE, related_name="qa_questions")
    contribution = models.OneToOneField(
        "contributions.Contribution", null=True, blank=True, on_delete=models.SET_NULL, related_name="qa_question"
    )
    official = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="qa_questions"
    )
    display_name = models.CharField(_("nom affiché"), max_length=80)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    remote_actor = models.CharField(max_length=500, blank=True)  # a fediverse asker's actor id
    remote_object = models.CharField(max_length=500, blank=True)  # the id of the mentioning Note
    title = models.CharField(_("titre"), max_length=150)
    text = models.TextField(_("question"), max_length=3000)
    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)
    rejection_reason = models.ForeignKey(
        "moderation.ModerationReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_up"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("réponse attendue avant le"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    overdue = models.BooleanField(default=False)  # counted once in the statistics when the due date passes
    # Supports per channel, recounted from the participation register by a periodic task
    # (services.recount_supports): supporting never writes to this row.
    support_web = models.PositiveIntegerField(default=0)
    support_paper = models.PositiveIntegerField(default=0)
    support_partner = models.PositiveIntegerField(default=0)
    support_total = models.PositiveIntegerField(default=0)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "state", "-support_total"]),
            models.Index(fields=["organisation", "state", "-published_at"]),
            models.Index(fields=["official", "state", "published_at"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["author", "created_at"]),
            models.Index(fields=["organisation", "remote_actor", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("qa_elus:question", kwargs={"pk": self.pk})

    @property
    def subject_key(self) -> str:
        """The key of this question's supports in the participation register."""
        return f"qa_elus:question:{self.pk}"

    @property
    def is_public(self) -> bool:
        """Whether everyone may read this question and support it (:meth:`QuestionQuerySet.public`,
        without the rejected ones)."""
        contribution = self.contribution
        return (self.state in (states.PUBLISHED, states.ANSWERED) and contribution is not None
                and contribution.is_public and self.component.phase.space.is_published)

    @property
    def is_withheld(self) -> bool:
        """Rejected, or hidden by the moderators after publication: listed without its text."""
        contribution = self.contribution
        return self.state == states.REJECTED or (contribution is not None and contribution.is_hidden)

    @property
    def is_late(self) -> bool:
        return self.state == states.PUBLISHED and self.due_at is not None and self.due_at < timezone.now()


class Answer(models.Model):
    """An official's public answer, written by the official or by delegated staff."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="answers")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="qa_answers_written"
    )
    writer_name = models.CharField(max_length=150, blank=True)  # shown when staff wrote on the official's behalf
    signature = models.CharField(max_length=300)
    body = models.TextField()  # cleaned rich text
    # The visible text, lower-cased, words only: what copies are compared on, kept so that an
    # answer does not re-read the HTML of the official's earlier answers.
    normalised_text = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True)  # of normalised_text
    copy_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    delay_days = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"

    @property
    def on_behalf(self) -> bool:
        return bool(self.writer_name)


ALL_TIME = ""


class OfficialStats(models.Model):
    """Counters of one official for one month (``period`` "2026-05") or for all time (``""``),
    maintained by the services as questions are published, answered and become overdue."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="stats")
    period = models.CharField(max_length=7, blank=True)
    received = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # Answer delays in days → how many answers took that long: the median without the rows.
    delays = models.JSONField(default=dict)
    median_delay_days = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("statistiques d'un élu")
        verbose_name_plural = _("statistiques des élus")
        constraints = [models.UniqueConstraint(fields=["official", "period"], name="qa_stats_once_per_period")]
        indexes = [models.Index(fields=["period", "official"])]

    def __str__(self) -> str:
        return f"{self.official_id} {self.period or 'all'}"

    @property
    def answer_rate(self) -> float | None:
        return round(100 * self.answered / self.received, 1) if self.received else None
