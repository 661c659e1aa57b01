"""One-time codes: single-use, expiring, hashed, bound to an account, brute force limited."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.utils import timezone

from core.identity.codes import ALPHABET, normalise_code
from core.identity.models import OneTimeCode, Verification
from core.identity.services import code_attributes, issue_code, redeem_code, verify_in_person

IP = "192.0.2.20"


def issue(commune, agent, **kwargs):
    kwargs.setdefault("attributes", code_attributes(areas=["Centre-bourg"], birth_date=date(2000, 1, 2)))
    return issue_code(kwargs.pop("kind", "in_person"), commune, issued_by=agent, **kwargs)


def test_a_code_is_stored_hashed_and_verifies_once(person, neighbour, commune, agent):
    code, row = issue(commune, agent)
    assert len(normalise_code(code)) == 12 and set(normalise_code(code)) <= set(ALPHABET)
    assert normalise_code(code) not in (row.code_hash, row.selector * 3)
    assert row.selector == normalise_code(code)[:4]
    result = redeem_code(person, code.lower().replace("-", " "), ip=IP)
    assert result.ok, result.message
    verification = Verification.objects.get(user=person)
    assert verification.method == "in_person" and verification.verified_by == agent
    assert set(verification.proves) == {"identity", "residence", "age"}
    assert verification.birth_date == date(2000, 1, 2) and verification.identity_level == 3
    row.refresh_from_db()
    assert row.used_by == person and row.used_at
    again = redeem_code(neighbour, code, ip=IP)
    assert not again.ok and "déjà été utilisé" in again.message
    assert not Verification.objects.filter(user=neighbour).exists()


def test_an_expired_code_is_refused(person, commune, agent):
    code, _row = issue(commune, agent)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        result = redeem_code(person, code, ip=IP)
    assert not result.ok and "a expiré" in result.message
    assert not Verification.objects.exists()


def test_a_postal_code_lasts_longer_and_proves_residence_only(person, commune, agent):
    code, row = issue(commune, agent, kind="postal", attributes=code_attributes(areas=["35190", "Saint-Aubin"]))
    assert row.expires_at - row.issued_at == timedelta(days=60)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert redeem_code(person, code, ip=IP).ok
    verification = Verification.objects.get()
    assert verification.method == "postal" and verification.proves == ["residence"]
    assert verification.areas == ["35190", "Saint-Aubin"] and verification.birth_date is None


def test_a_code_for_another_account_is_refused(person, neighbour, commune, agent):
    code, _row = issue(commune, agent, user=neighbour)
    result = redeem_code(person, code, ip=IP)
    assert not result.ok and "un autre compte" in result.message
    assert redeem_code(neighbour, code, ip="192.0.2.21").ok


def test_wrong_guesses_on_a_known_selector_lock_the_code(person, neighbour, commune, agent, settings):
    settings.PARVIS_IDENTITY_MAX_CODE_ATTEMPTS = 3
    code, row = issue(commune, agent)
    plain = normalise_code(code)
    for i in range(3):
        wrong = plain[:4] + ("A" if plain[4] != "A" else "B") + plain[5:-1] + ALPHABET[i]
        assert not redeem_code(neighbour, wrong, ip=f"192.0.2.{30 + i}").ok
    row.refresh_from_db()
    assert row.attempts == 3
    result = redeem_code(person, code, ip="192.0.2.40")
    assert not result.ok and "bloqué" in result.message
    assert not Verification.objects.exists()


def test_brute_force_is_limited_per_account(person, commune, agent, settings):
    settings.PARVIS_IDENTITY_MAX_FAILURES_PER_ACCOUNT = 5
    code, _row = issue(commune, agent)
    for i in range(5):
        assert "pas valide" in redeem_code(person, f"ZZZZ-ZZZZ-ZZZ{ALPHABET[i]}", ip=f"192.0.2.{50 + i}").message
    result = redeem_code(person, code, ip="192.0.2.99")
    assert not result.ok and "Trop d'essais" in result.message
    assert not Verification.objects.exists()
    assert OneTimeCode.objects.get().used_at is None  # still usable once the window has passed
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        from django.core.cache import cache

        cache.clear()  # locmem entries expire by wall clock; the window is an hour
        assert redeem_code(person, code, ip="192.0.2.99").ok


def test_brute_force_is_limited_per_ip(person, neighbour, commune, agent, settings):
    settings.PARVIS_IDENTITY_MAX_FAILURES_PER_IP = 3
    code, _row = issue(commune, agent)
    for user in (person, neighbour, person):
        redeem_code(user, "not a code", ip=IP)
    assert "Trop d'essais" in redeem_code(neighbour, code, ip=IP).message
    assert redeem_code(neighbour, code, ip="198.51.100.1").ok


def test_garbage_input_is_refused_without_error(person):
    for value in ("", "A" * 5000, "ÀÉÎ-ÕÜ", "' OR 1=1 --", "<script>", "0000-0000-0000"):
        result = redeem_code(person, value, ip=IP)
        assert not result.ok
    assert not Verification.objects.exists()


def test_verify_in_person_records_who_and_when_and_no_document(person, commune, agent):
    verification = verify_in_person(agent, commune, person, areas=["Les Prés"], birth_date=date(1950, 5, 5),
                                    membership=True)
    assert verification.verified_by == agent and verification.organisation == commune
    assert set(verification.proves) == {"identity", "residence", "age", "membership"}
    assert verification.expires_at - verification.verified_at > timedelta(days=700)
    field_names = {f.name for f in Verification._meta.get_fields()}
    assert not {"document", "document_number", "document_copy", "name"} & field_names
