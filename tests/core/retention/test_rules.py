"""Each retention rule: nothing goes one second early, nothing stays one second late, and
other organisations are untouched (frozen clock)."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from core.participation.models import ParticipationRecord
from core.retention.rules import all_rules, run
from core.retention.services import save_privacy_settings
from plugins.petitions.models import Signature
from plugins.petitions.retention import ANONYMOUS_DOMAIN
from tests.core.retention.conftest import T0, close, link_record, make_signature, second


def _counts(results, organisation, rule):
    return sum(r.count for r in results if r.organisation == organisation.slug and r.rule == rule)


def test_the_core_and_petitions_declare_their_rules(db):
    assert {"core.participation_account_links", "petitions.unconfirmed_signatures",
            "petitions.ip_addresses", "petitions.signer_identities"} <= set(all_rules())


def test_unconfirmed_signatures_go_after_7_days_exactly(petitions, commune, association):
    mine = make_signature(petitions["commune"], "a@example.org", confirmed=False)
    confirmed = make_signature(petitions["commune"], "b@example.org")
    theirs = make_signature(petitions["association"], "c@example.org", confirmed=False)
    deadline = T0 + timedelta(days=7)

    results = run(now=deadline - second())
    assert _counts(results, commune, "petitions.unconfirmed_signatures") == 0
    assert Signature.objects.filter(pk=mine.pk).exists()

    results = run(now=deadline)
    assert _counts(results, commune, "petitions.unconfirmed_signatures") == 1
    assert not Signature.objects.filter(pk=mine.pk).exists()
    assert Signature.objects.filter(pk=confirmed.pk).exists()
    # The association's own delay is the same default: its signature went at the same time,
    # by its own run, never by the commune's.
    assert _counts(results, association, "petitions.unconfirmed_signatures") == 1
    assert not Signature.objects.filter(pk=theirs.pk).exists()


def test_ip_addresses_are_dropped_after_48_hours(petitions, commune):
    signature = make_signature(petitions["commune"], "a@example.org")
    theirs = make_signature(petitions["association"], "b@example.org")
    deadline = T0 + timedelta(hours=48)

    run(now=deadline - second(), organisations=[commune])
    assert Signature.objects.get(pk=signature.pk).ip_address == "203.0.113.7"

    results = run(now=deadline, organisations=[commune])
    assert _counts(results, commune, "petitions.ip_addresses") == 1
    kept = Signature.objects.get(pk=signature.pk)
    assert kept.ip_address is None and kept.email == "a@example.org"  # only the address goes
    assert Signature.objects.get(pk=theirs.pk).ip_address == "203.0.113.7"  # other organisation


def test_signers_are_anonymised_90_days_after_the_petition_closes(petitions, commune):
    signature = make_signature(petitions["commune"], "a@example.org")
    theirs = make_signature(petitions["association"], "b@example.org")
    closed_at = T0 + timedelta(days=10)
    with time_machine.travel(closed_at, tick=False):
        close(petitions["commune"])
        close(petitions["association"])
    deadline = closed_at + timedelta(days=90)

    run(now=deadline - second(), organisations=[commune])
    assert Signature.objects.get(pk=signature.pk).name == "Nom de a@example.org"

    results = run(now=deadline, organisations=[commune])
    assert _counts(results, commune, "petitions.signer_identities") == 1
    anonymous = Signature.objects.get(pk=signature.pk)
    assert anonymous.email == f"signature-{signature.pk}@{ANONYMOUS_DOMAIN}"
    assert (anonymous.name, anonymous.postcode, anonymous.email_domain) == ("", "", "")
    assert not anonymous.show_name and not anonymous.wants_updates and anonymous.ip_address is None
    assert anonymous.confirmed_at is not None  # it still counts
    assert Signature.objects.get(pk=theirs.pk).name == "Nom de b@example.org"


def test_an_open_petition_keeps_its_signers(petitions, commune):
    signature = make_signature(petitions["commune"], "a@example.org")
    run(now=T0 + timedelta(days=2000), organisations=[commune])
    assert Signature.objects.get(pk=signature.pk).email == "a@example.org"


def test_participation_records_lose_their_account_60_days_after_closing(petitions, commune, citizen):
    record = link_record(petitions["commune"], citizen)
    theirs = link_record(petitions["association"], citizen)
    closed_at = T0 + timedelta(days=3)
    with time_machine.travel(closed_at, tick=False):
        close(petitions["commune"])
        close(petitions["association"])
    deadline = closed_at + timedelta(days=60)

    run(now=deadline - second(), organisations=[commune])
    assert ParticipationRecord.objects.get(pk=record.pk).user == citizen

    results = run(now=deadline, organisations=[commune])
    assert _counts(results, commune, "core.participation_account_links") == 1
    unlinked = ParticipationRecord.objects.get(pk=record.pk)
    assert unlinked.user is None and unlinked.withdrawn_by is None
    assert unlinked.person_key == record.person_key  # still counted, still unique
    assert ParticipationRecord.objects.get(pk=theirs.pk).user == citizen


def test_an_organisation_chooses_its_own_delay(petitions, commune, association):
    save_privacy_settings(commune, delays={"petitions.ip_addresses": timedelta(hours=2)})
    mine = make_signature(petitions["commune"], "a@example.org")
    theirs = make_signature(petitions["association"], "b@example.org")

    run(now=T0 + timedelta(hours=2) - second())
    assert Signature.objects.get(pk=mine.pk).ip_address is not None
    run(now=T0 + timedelta(hours=2))
    assert Signature.objects.get(pk=mine.pk).ip_address is None
    assert Signature.objects.get(pk=theirs.pk).ip_address is not None  # the default, 48 h


def test_a_second_run_changes_nothing(petitions, commune):
    make_signature(petitions["commune"], "a@example.org", confirmed=False)
    make_signature(petitions["commune"], "b@example.org")
    later = T0 + timedelta(days=8)
    first = run(now=later)
    assert sum(r.count for r in first) == 2  # one deleted, one IP dropped
    assert sum(r.count for r in run(now=later)) == 0


def test_a_dry_run_counts_and_changes_nothing(petitions, commune):
    signature = make_signature(petitions["commune"], "a@example.org", confirmed=False)
    results = run(now=T0 + timedelta(days=8), dry_run=True)
    assert _counts(results, commune, "petitions.unconfirmed_signatures") == 1
    assert Signature.objects.get(pk=signature.pk).ip_address == "203.0.113.7"


def test_a_failing_rule_does_not_stop_the_others(petitions, commune, monkeypatch):
    from plugins.petitions import retention

    def broken(organisation, delay, now):
        Signature.objects.update(name="changed by a failing rule")
        raise RuntimeError("disk full")

    rules = retention.retention_rules()
    monkeypatch.setattr(retention, "retention_rules",
                        lambda: [r if r.key != "ip_addresses" else type(r)(**{**r.__dict__, "apply": broken})
                                 for r in rules])
    make_signature(petitions["commune"], "a@example.org", confirmed=False)
    results = run(now=T0 + timedelta(days=8), organisations=[commune])
    failed = [r for r in results if r.error]
    assert [r.rule for r in failed] == ["petitions.ip_addresses"] and "disk full" in failed[0].error
    assert _counts(results, commune, "petitions.unconfirmed_signatures") == 1
    assert not Signature.objects.filter(name="changed by a failing rule").exists()  # rolled back


def test_a_petition_subject_says_when_it_closed(petitions):
    from core.participation.registry import get_subject

    petition = petitions["commune"]
    assert get_subject(petition.subject_key).info.closed_at is None
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        close(petition)
    assert get_subject(petition.subject_key).info.closed_at == T0 + timedelta(days=5)
