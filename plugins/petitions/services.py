"""Everything that changes a petition. Views, the paper entry, the back-office and federation
call these functions."""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.contributions.services import change_status, publish_answer, register_contribution
from core.models import Component
from core.participation.identity import normalise_email
from core.permissions import has_role
from plugins.petitions import antifraud
from plugins.petitions import workflow as states
from plugins.petitions.models import Petition, PetitionSettings, Signature, Sponsor

STAFF_ROLES = ("admin", "agent")
logger = logging.getLogger(__name__)


def settings_for(component: Component) -> PetitionSettings:
    petition_settings, _created = PetitionSettings.objects.get_or_create(component=component)
    return petition_settings


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_token(nonce: str) -> str:
    """The secret of a signature's confirmation link, derived from the nonce kept on the row
    until the e-mail is sent and from the instance's secret key: neither alone gives it."""
    digest = salted_hmac("parvis.petitions.signature-link", nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _new_link() -> tuple[str, str]:
    nonce = secrets.token_hex(16)
    return nonce, link_token(nonce)


# --- Life of a petition -------------------------------------------------------------------


@transaction.atomic
def create_petition(component: Component, *, author, title: str, text: str, category: str = "",
                    territory: str = "", image=None, image_alt: str = "",
                    on_behalf_of_organisation: bool = False) -> Petition:
    """Submit a petition. A citizen's waits for its sponsors, then for moderation; one the
    organisation launches itself opens at once."""
    rules = settings_for(component)
    space = component.phase.space
    staff = has_role(author, space, STAFF_ROLES)
    if on_behalf_of_organisation and not staff:
        raise PermissionDenied(_("Seuls les agents peuvent lancer une pétition au nom de l'organisation."))
    if not on_behalf_of_organisation and not rules.citizens_can_create:
        raise PermissionDenied(_("Dans cet espace, seule l'organisation lance des pétitions."))
    if not component.phase.is_current:
        raise ValidationError(_("Cette étape n'accepte pas de nouvelle pétition en ce moment."))
    if image and not image_alt.strip():
        raise ValidationError(_("Décrivez l'image pour les personnes qui ne la voient pas."))
    petition = Petition.objects.create(
        component=component, author=author, title=title.strip(), text=text.strip(), category=category.strip(),
        territory=territory.strip(), image=image or "", image_alt=image_alt.strip(),
        on_behalf_of_organisation=on_behalf_of_organisation,
    )
    petition.contribution = register_contribution(
        plugin="petitions", kind="petition", space=space, author=author, title=petition.title,
        summary=petition.text[:1000], url=petition.get_absolute_url(), component=component,
    )
    petition.save(update_fields=["contribution"])
    if on_behalf_of_organisation:
        change_status(petition.contribution, states.UNDER_MODERATION, by=author, system=True)
        open_petition(petition, by=author)
    elif rules.sponsors_required == 0:
        change_status(petition.contribution, states.UNDER_MODERATION, by=None, system=True)
    return petition


@transaction.atomic
def sponsor(petition: Petition, user) -> Sponsor:
    """Co-sponsor a petition that waits for its sponsors; the last one sends it to moderation."""
    if petition.status != states.AWAITING_SPONSORS:
        raise ValidationError(_("Cette pétition ne recherche plus de soutiens."))
    if petition.author_id == user.pk:
        raise ValidationError(_("Vous êtes l'auteur de cette pétition."))
    try:
        with transaction.atomic():
            support = Sponsor.objects.create(petition=petition, user=user)
    except IntegrityError:
        raise ValidationError(_("Vous soutenez déjà cette pétition.")) from None
    required = settings_for(petition.component).sponsors_required
    if Sponsor.objects.filter(petition=petition).count() >= required:
        change_status(petition.contribution, states.UNDER_MODERATION, by=None, system=True,
                      note=_("Le nombre de soutiens requis est atteint."))
    return support


@transaction.atomic
def open_petition(petition: Petition, *, by) -> Petition:
    """Accept a petition after moderation: it opens for signatures until its deadline."""
    change_status(petition.contribution, states.OPEN, by=by, system=petition.on_behalf_of_organisation)
    now = timezone.now()
    petition.opened_at = now
    petition.closes_at = now + timedelta(days=settings_for(petition.component).duration_days)
    petition.save(update_fields=["opened_at", "closes_at"])
    _federate(petition, "Create")
    return petition


@transaction.atomic
def reject_petition(petition: Petition, *, by, reason: str) -> Petition:
    """Refuse a petition with a public reason (it stays visible with that reason)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Le motif du refus est publié : il est obligatoire."))
    change_status(petition.contribution, states.REJECTED, by=by, note=reason)
    petition.rejection_reason = reason
    petition.save(update_fields=["rejection_reason"])
    return petition


def close_due_petitions(now=None) -> int:
    """Close the open petitions whose deadline has passed (run by the scheduler)."""
    now = now or timezone.now()
    closed = 0
    for petition in Petition.objects.filter(contribution__status=states.OPEN, closes_at__lte=now).select_related("contribution"):
        with transaction.atomic():
            change_status(petition.contribution, states.CLOSED, by=None, system=True,
                          note=_("La période de signature est terminée."))
            _federate(petition, "Update")
        closed += 1
    return closed


@transaction.atomic
def publish_response(petition: Petition, *, by, body: str, signature: str, debated: bool = False) -> None:
    """Publish the organisation's answer (or the record of the council debate) and tell the
    signers who asked to hear about it."""
    publish_answer(petition.contribution, body, by=by, signature=signature)
    target = states.DEBATED if debated else states.ANSWERED
    if petition.status == states.OPEN:
        change_status(petition.contribution, states.CLOSED, by=by)
    if petition.contribution.status != target:
        petition.contribution.refresh_from_db()
        change_status(petition.contribution, target, by=by)
    _federate(petition, "Update")
    transaction.on_commit(lambda: _mail_signers_who_asked(petition.pk))


def _federate(petition: Petition, verb: str) -> None:
    """Tell the followers of the petition's space on other instances (a ``Create`` when it
    opens, an ``Update`` when its state changes), in the caller's transaction: the activity
    and its deliveries are written with the change or not at all (docs/FEDERATION.md).
    Only a public petition is published (``Petition.objects.public()``): not one hidden by the
    moderators or held for pre-moderation."""
    from federation.api import publish_object

    if Petition.objects.public().filter(pk=petition.pk).exists():
        publish_object("petitions", "petition", petition, verb=verb)


def _mail_signers_who_asked(petition_id: int) -> None:
    from core.tasks import send_email

    petition = Petition.objects.get(pk=petition_id)
    # The signers whose signature counts (not those withdrawn or invalidated, for fraud say) and
    # who asked to hear what became of the petition.
    emails = Signature.objects.counted().filter(petition=petition, wants_updates=True).values_list("email", flat=True)
    subject = _("Suite donnée à la pétition « %(title)s »") % {"title": petition.title}
    body = render_to_string("petitions/email/response.txt", {"petition": petition})
    for email in emails.iterator():
        send_email.delay(subject=subject, body=body, to=[email])


# --- Signatures ---------------------------------------------------------------------------


@dataclass
class SignatureRequest:
    signature: Signature
    token: str | None  # None when the address had already signed (told by e-mail, no new link)
    # Set when the signature was confirmed at once (an account with its verified address).
    confirmation: Confirmation | None = None


def check_signer(petition: Petition, user) -> bool:
    """When the petition box has eligibility rules, only an eligible signed-in account signs.

    The shared check of :func:`~core.participation.services.check_eligible` (the one
    ``participate`` applies at confirmation), made before the signature is recorded: raises
    :class:`~core.participation.services.NotEligible` with a message that says how to get
    verified. Returns whether rules apply; without them anyone may sign, with or without an
    account.
    """
    from core.participation.services import check_eligible

    if getattr(petition, "has_eligibility_rules", None) is False:
        # Read with the petition in this request (views.visible_petition): no rules apply.
        return False
    return check_eligible(petition.component, "web", user=user)


def sign(petition: Petition, *, name: str, email: str, show_name: bool = False, postcode: str = "",
         wants_updates: bool = False, ip: str | None = None,
         rules: PetitionSettings | None = None, user=None) -> SignatureRequest:
    """Record an online signature, to be confirmed through the link e-mailed to ``email``.

    Nothing counts before the confirmation. A second request for a pending signature sends
    the link again. For a confirmed one nothing changes and the address is told by e-mail when
    it signed (the caller shows the same page as for a new signature: whether an address
    signed is not shown to whoever typed it); only an account signing with its own address is
    told at once, by a ``ValidationError``.
    When the petition box has eligibility rules, ``user`` must be an eligible account
    (:func:`check_signer`) and the signature uses the account's address, not ``email``.

    A signed-in ``user`` signing with one of its verified addresses (:func:`is_verified_address`)
    signs in one step: the address is already proved, so the signature is confirmed at once
    (:attr:`SignatureRequest.confirmation` holds the receipt) and no link is e-mailed.
    """
    if not petition.is_open:
        raise ValidationError(_("Cette pétition n'est pas ouverte à la signature."))
    if check_signer(petition, user):
        email = user.email  # an eligible account: its own address signs
    email = normalise_email(email)
    domain = email.rpartition("@")[2]
    rules = rules or settings_for(petition.component)
    if antifraud.is_refused_domain(domain, rules.blocked_email_domains):
        raise ValidationError(_("Les adresses de ce domaine ne sont pas acceptées pour signer. Utilisez votre adresse habituelle."))
    if rules.collect_postcode and rules.postcode_required and not postcode.strip():
        raise ValidationError(_("Le code postal est demandé pour cette pétition."))
    if not antifraud.allow_signature(petition.pk, ip, domain):
        raise ValidationError(_("Trop de signatures viennent de votre connexion ou de votre domaine. Réessayez dans une heure."),
                              code="rate_limited")
    one_step = is_verified_address(user, email)
    nonce, token = _new_link()
    fields = {
        "petition": petition, "email": email, "email_domain": domain, "name": name.strip(), "show_name": show_name,
        "postcode": postcode.strip(), "wants_updates": wants_updates, "ip_address": ip, "token_hash": _hash_token(token),
        "token_nonce": "" if one_step else nonce,  # empty: no link to e-mail
    }
    if one_step:
        return _sign_in_one_step(Signature(**fields), token, user)
    signature = _insert_signature(Signature(**fields))
    if signature is None:
        signature = Signature.objects.get(petition=petition, email=email)
        if signature.confirmed_at is not None:
            if user is not None and user.is_authenticated and normalise_email(user.email) == email:
                # The account's own address: nothing to keep from the person signed in.
                raise _already_signed(signature)
            # Anyone can type an address, and whether it signed says what its owner thinks: the
            # answer goes to the address only, the page is the one a new signer sees.
            transaction.on_commit(lambda: _mail_already_signed(signature))
            return SignatureRequest(signature, None)
        # Pending: a new link replaces the old one (the person may have lost the e-mail).
        signature.token_hash, signature.token_nonce = _hash_token(token), nonce
        signature.save(update_fields=["token_hash", "token_nonce"])
    # The row is the e-mail's queue: the sender is woken at commit, at most once per batching
    # interval per process (tasks.wake_confirmation_sender), never once per signature.
    from plugins.petitions.tasks import wake_confirmation_sender

    transaction.on_commit(wake_confirmation_sender)
    return SignatureRequest(signature, token)


def is_verified_address(user, email: str) -> bool:
    """Whether the normalised ``email`` is one of the addresses ``user`` (signed in) proved it
    holds (django-allauth's ``EmailAddress.verified``)."""
    from plugins.petitions.privacy import verified_emails

    if user is None or not user.is_authenticated:
        return False
    return email in verified_emails(user)


@transaction.atomic
def _sign_in_one_step(signature: Signature, token: str, user) -> SignatureRequest:
    """Record ``signature`` (not yet saved) and confirm it at once: its address is one the
    signed-in ``user`` verified. The account's own data, so a confirmed signature is told on
    the page. A pending one, left by an earlier request for the address, takes what the
    account asks now and is confirmed; if anything refuses, nothing is written."""
    inserted = _insert_signature(signature)
    pk = inserted.pk if inserted is not None else Signature.objects.get(petition=signature.petition, email=signature.email).pk
    # Locked, and the petition read afresh (the signing form may read it from the process's memory).
    saved = Signature.objects.select_for_update(of=("self",)).select_related("petition__contribution").get(pk=pk)
    if saved.confirmed_at is not None:
        raise _already_signed(saved)
    if inserted is None:
        fields = ["name", "show_name", "postcode", "wants_updates", "ip_address", "token_hash", "token_nonce"]
        for field in fields:
            setattr(saved, field, getattr(signature, field))
        saved.save(update_fields=fields)
    return SignatureRequest(saved, token, _confirm(saved, user))


def _already_signed(signature: Signature) -> ValidationError:
    return ValidationError(_("Vous avez déjà signé cette pétition le %(date)s.") % {"date": _day(signature.confirmed_at)})


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _mail_already_signed(signature: Signature) -> None:
    """Tell an address that asked to sign again that it already signed (and when), in the
    language of the request. A broker that cannot be reached loses only this notice."""
    from core.hosts import absolute_url
    from core.tasks import send_email
    from plugins.petitions.tasks import PUBLISH_ERRORS

    petition = signature.petition
    body = render_to_string("petitions/email/already_signed.txt", {
        "petition": petition,
        "signed": _day(signature.confirmed_at),
        "withdrawn": _day(signature.withdrawn_at) if signature.withdrawn_at else "",
        "link": absolute_url(petition.get_absolute_url(), petition.component.phase.space),
    })
    subject = _("Votre signature de la pétition « %(title)s »") % {"title": petition.title}
    try:
        send_email.delay(subject=subject, body=body, to=[signature.email])
    except PUBLISH_ERRORS:
        logger.warning("Could not queue the 'already signed' notice of signature %s.", signature.pk, exc_info=True)


def _insert_signature(signature: Signature) -> Signature | None:
    """Insert ``signature`` unless its address already signed the petition: the saved signature,
    or ``None``. One statement (``INSERT ... ON CONFLICT DO NOTHING RETURNING``, PostgreSQL and
    SQLite alike): no exception nor savepoint on a duplicate, no BEGIN and COMMIT around it, and
    none of the query compiler's work on the busiest write of an instance (built once from the
    model's fields, each value prepared by its field as ``save()`` does)."""
    global _insert
    connection = connections[router.db_for_write(Signature)]
    if _insert is None:
        fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        _insert = fields, (
            f"INSERT INTO {quote(Signature._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT ({quote('petition_id')}, {quote('email')}) DO NOTHING RETURNING {quote('id')}"
        )
    fields, sql = _insert
    values = [f.get_db_prep_save(f.pre_save(signature, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    signature.pk = row[0]
    signature._state.adding, signature._state.db = False, connection.alias
    return signature


_insert: tuple[list, str] | None = None  # the fields and the statement, built on first use


def signature_for_token(token: str) -> Signature | None:
    return Signature.objects.select_related("petition__contribution").filter(token_hash=_hash_token(token)).first()


@dataclass
class Confirmation:
    signature: Signature
    receipt: str | None  # the ledger receipt, shown once and e-mailed


@transaction.atomic
def confirm_signature(token: str, user=None) -> Confirmation:
    """Confirm an online signature: it enters the participation record and the ledger.

    When the petition box has eligibility rules, ``user`` is the signed-in account confirming:
    it must be the account that signed (same address) and still be eligible;
    :func:`~core.participation.services.participate` checks it and records the account.
    """
    signature = signature_for_token(token)
    if signature is None:
        raise ValidationError(_("Ce lien de confirmation n'est pas valable. Copiez-le en entier depuis le message reçu."))
    signature = Signature.objects.select_for_update(of=("self",)).select_related("petition__contribution").get(pk=signature.pk)
    if signature.confirmed_at is not None:
        return Confirmation(signature, None)
    if not signature.petition.is_open:
        raise ValidationError(_("Cette pétition est close : la signature ne peut plus être confirmée."))
    if timezone.now() - signature.created_at > timedelta(days=7):
        raise ValidationError(_("Ce lien a expiré (7 jours). Signez de nouveau pour en recevoir un autre."))
    return _confirm(signature, user)


def _confirm(signature: Signature, user) -> Confirmation:
    """Confirm the pending ``signature``, locked by the caller's transaction: the participation
    record and the ledger entry are written, as for every channel."""
    from core.identity.services import has_rules
    from core.participation.identity import person_key_from_email
    from core.participation.services import AlreadyParticipated, flush_pending, participate

    if not signature.petition.is_open:
        raise ValidationError(_("Cette pétition est close : la signature ne peut plus être confirmée."))
    signer = None
    if has_rules(signature.petition.component):
        if user is None or not user.is_authenticated:
            raise ValidationError(_("Cette pétition est réservée aux personnes qui remplissent ses "
                                    "conditions : connectez-vous pour confirmer votre signature."))
        if normalise_email(user.email) != signature.email:
            raise ValidationError(_("Connectez-vous avec le compte qui a signé pour confirmer "
                                    "cette signature."))
        signer = user
    subject_key = signature.petition.subject_key
    try:
        participation = participate(
            subject_key=subject_key, person_key=person_key_from_email(signature.email), channel="web",
            append=False, user=signer,
        )
    except AlreadyParticipated as exc:
        # The same person already took part: on paper, or online under another form of the
        # address stored before addresses were normalised as person keys are. Only the
        # address's owner reads this: the holder of the link e-mailed to it, or the account
        # that verified it.
        raise ValidationError(exc.message, code="already_participated") from None
    # Append now, in this transaction, so that the receipt (which names the entry's position)
    # can be shown on the confirmation page.
    flush_pending(subject_key)
    signature.record = participation.record
    signature.confirmed_at = timezone.now()
    signature.save(update_fields=["record", "confirmed_at"])
    return Confirmation(signature, participation.receipt)


@transaction.atomic
def withdraw_signature(token: str) -> Signature:
    """Withdraw one's signature before the petition closes (a new ledger entry)."""
    from core.participation.services import withdraw

    signature = signature_for_token(token)
    if signature is None or signature.confirmed_at is None:
        raise ValidationError(_("Aucune signature confirmée ne correspond à ce lien."))
    if signature.withdrawn_at is not None:
        return signature
    if not signature.petition.is_open:
        raise ValidationError(_("La pétition est close : les signatures ne peuvent plus être retirées."))
    if signature.record is not None:
        withdraw(signature.record, by=None)
    signature.withdrawn_at = timezone.now()
    signature.save(update_fields=["withdrawn_at"])
    return signature


@transaction.atomic
def invalidate_signatures(petition: Petition, signatures, *, reason_code: str, by) -> int:
    """Invalidate a set of signatures (fraud, ineligible...) with a public reason: each one
    becomes an `invalidated` entry of the ledger; nothing is deleted."""
    from core.participation.services import invalidate

    if not has_role(by, petition.component.phase.space, ("admin", "moderator")):
        raise PermissionDenied(_("Seuls les modérateurs peuvent invalider des signatures."))
    now = timezone.now()
    count = 0
    for signature in signatures.filter(petition=petition, invalidated_at__isnull=True, confirmed_at__isnull=False).select_related("record"):
        if signature.record is not None:
            invalidate(petition.subject_key, signature.record, reason_code=reason_code, by=by)
        signature.invalidated_at = now
        signature.invalidation_reason = reason_code
        signature.save(update_fields=["invalidated_at", "invalidation_reason"])
        count += 1
    return count
