"""Census lists: an agent uploads one, people match themselves against it.

An organisation has one current list: a new upload replaces the previous one, carrying over
who already claimed which entry and the open conflicts. One entry is claimed by one account;
a second account is refused and the case goes to the agents' queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identity import conf, ratelimit
from core.identity.census_file import CensusReport, parse_census
from core.identity.methods import CENSUS
from core.identity.models import CensusEntry, CensusList, ConflictCase, IdentityLevel, Verification
from core.identity.normalise import identity_hash
from core.identity.verifications import record_verification
from core.plugins import PROOF_AGE, PROOF_IDENTITY, PROOF_MEMBERSHIP, PROOF_RESIDENCE

BATCH = 2000


@dataclass
class CensusImport:
    census: CensusList | None
    report: CensusReport


def import_census(organisation, raw: bytes, *, uploaded_by, kind: str = CensusList.Kind.RESIDENTS,
                  area_name: str = "", purge_after: datetime | None = None) -> CensusImport:
    """Check ``raw`` (CSV bytes) and, only if every row is right, make it the organisation's
    list, replacing the previous one. Returns the list (``None`` if refused) and the report."""
    report = parse_census(raw, area_required=kind == CensusList.Kind.RESIDENTS)
    if not report.ok:
        return CensusImport(None, report)
    now = timezone.now()
    longest = now + timedelta(days=conf.get_int("PARVIS_IDENTITY_CENSUS_RETENTION_DAYS"))
    purge_after = min(purge_after or longest, longest)
    with transaction.atomic():
        previous = list(CensusList.objects.filter(organisation=organisation).values_list("pk", flat=True))
        census = CensusList.objects.create(
            organisation=organisation, kind=kind, area_name=area_name.strip(),
            uploaded_by=uploaded_by, uploaded_at=now, purge_after=purge_after,
            row_count=len(report.rows),
        )
        claims = {
            h: (user_id, at, blocked) for h, user_id, at, blocked in CensusEntry.objects.filter(
                Q(claimed_by__isnull=False) | Q(blocked=True), census_id__in=previous,
            ).values_list("identity_hash", "claimed_by_id", "claimed_at", "blocked")
        }
        entries = []
        for row in report.rows:
            user_id, at, blocked = claims.get(row.identity_hash, (None, None, False))
            entries.append(CensusEntry(census=census, identity_hash=row.identity_hash,
                                       area=row.area, birth_date=row.birth_date,
                                       claimed_by_id=user_id, claimed_at=at, blocked=blocked))
        CensusEntry.objects.bulk_create(entries, batch_size=BATCH)
        _carry_over_conflicts(previous, census)
        CensusList.objects.filter(pk__in=previous).delete()
    return CensusImport(census, report)


def _carry_over_conflicts(previous: list[int], census: CensusList) -> None:
    open_cases = ConflictCase.objects.filter(entry__census_id__in=previous, resolved_at__isnull=True)
    by_hash = dict(open_cases.values_list("pk", "entry__identity_hash"))
    if not by_hash:
        return
    new_ids = dict(CensusEntry.objects.filter(census=census, identity_hash__in=set(by_hash.values()))
                   .values_list("identity_hash", "pk"))
    for case_pk, old_hash in by_hash.items():
        if old_hash in new_ids:
            ConflictCase.objects.filter(pk=case_pk).update(entry_id=new_ids[old_hash])


def current_list(organisation) -> CensusList | None:
    return CensusList.objects.filter(organisation=organisation).order_by("-uploaded_at").first()


@dataclass
class MatchResult:
    status: str  # verified | already | conflict | no_match | limited | other_identity | blocked
    message: str
    verification: Verification | None = None

    @property
    def ok(self) -> bool:
        return self.status in {"verified", "already"}


def _verify_from_entry(user, entry: CensusEntry) -> Verification:
    census = entry.census
    proves = {PROOF_IDENTITY, PROOF_AGE}
    areas = [entry.area]
    if census.kind == CensusList.Kind.MEMBERS:
        proves.add(PROOF_MEMBERSHIP)
    else:
        proves.add(PROOF_RESIDENCE)
        areas.append(census.area_name or census.organisation.name)
    return record_verification(
        user, CENSUS, proves=proves, areas=areas, birth_date=entry.birth_date,
        organisation=census.organisation, identity_level=IdentityLevel.MATCHED,
        census_entry=entry,
    )


def match_census(user, organisation, *, family_name: str, given_names: str, birth_date: date,
                 ip: str) -> MatchResult:
    """Match ``user`` against the organisation's list; verify them, or say why not."""
    if ratelimit.is_limited(user, ip):
        return MatchResult("limited", _("Trop d'essais infructueux. Réessayez dans une heure, ou "
                                        "présentez-vous à la mairie."))
    census = current_list(organisation)
    key = identity_hash(family_name, given_names, birth_date)
    entry = census and CensusEntry.objects.select_related("census__organisation").filter(
        census=census, identity_hash=key).first()
    if entry is None:
        ratelimit.record_failure(user, ip)
        return MatchResult("no_match", _(
            "Aucune personne de la liste ne correspond à ces nom, prénom et date de naissance. "
            "Vérifiez l'orthographe (nom de naissance, premier prénom) et la date, ou présentez-"
            "vous à la mairie avec une pièce d'identité."))
    if entry.blocked:
        ratelimit.record_failure(user, ip)
        return MatchResult("blocked", _(
            "Cette identité ne peut plus être vérifiée en ligne : présentez-vous à l'accueil de "
            "%(name)s avec une pièce d'identité.") % {"name": organisation.name})
    if entry.claimed_by_id == user.pk:
        active = Verification.objects.active().filter(user=user, method=CENSUS,
                                                      organisation=organisation)
        verification = active.first() or _verify_from_entry(user, entry)
        return MatchResult("already", _("Vous êtes déjà vérifié sur cette liste."), verification)
    other = CensusEntry.objects.filter(census=census, claimed_by=user).exclude(pk=entry.pk)
    if other.exists():
        ratelimit.record_failure(user, ip)
        return MatchResult("other_identity", _(
            "Votre compte est déjà rattaché à une autre personne de cette liste. Un compte "
            "correspond à une seule personne."))
    if entry.claimed_by_id is None:
        with transaction.atomic():
            claimed = CensusEntry.objects.filter(pk=entry.pk, claimed_by__isnull=True).update(
                claimed_by=user, claimed_at=timezone.now())
            if claimed:
                entry.claimed_by = user
                verification = _verify_from_entry(user, entry)
                return MatchResult("verified", _("Vous êtes vérifié : vous figurez sur la liste de "
                                                 "%(name)s.") % {"name": organisation.name},
                                   verification)
        entry.refresh_from_db()
    ratelimit.record_failure(user, ip)
    open_conflict(organisation, claimant=user, holder_id=entry.claimed_by_id, entry=entry)
    return MatchResult("conflict", _(
        "Cette identité est déjà rattachée à un autre compte : votre compte n'est pas vérifié. "
        "La situation a été transmise aux agents de %(name)s, qui vérifieront qui est qui ; "
        "vous pouvez aussi vous présenter à l'accueil avec une pièce d'identité."
    ) % {"name": organisation.name})


def open_conflict(organisation, *, claimant, holder_id, entry=None, method: str = CENSUS,
                  subject_hash: str = "") -> ConflictCase:
    """The open case for this claim (one per claimant and identity), created if needed."""
    existing = ConflictCase.objects.filter(
        organisation=organisation, method=method, entry=entry, subject_hash=subject_hash,
        claimant=claimant, resolved_at__isnull=True,
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return ConflictCase.objects.create(
                organisation=organisation, method=method, entry=entry, subject_hash=subject_hash,
                claimant=claimant, holder_id=holder_id,
            )
    except IntegrityError:  # created meanwhile by a concurrent request
        return ConflictCase.objects.get(organisation=organisation, method=method, entry=entry,
                                        subject_hash=subject_hash, claimant=claimant,
                                        resolved_at__isnull=True)
