"""Signatures' addresses stored as person keys read them (Unicode NFKC, trimmed, lower case).

Before, signing only trimmed and lowered the address, so ``dup1@ｅｘａｍｐｌｅ.org`` (fullwidth
letters) was stored apart from ``dup1@example.org`` although both are one mailbox and one
person key. Only addresses with a character outside printable ASCII can change. A row whose
normalised address is already stored for the same petition is left as it is: it is the
duplicate, its confirmation now answers that the person already signed, and the purge of
unconfirmed signatures removes it.
"""

from django.db import migrations

from core.participation.identity import normalise_email


def normalise_addresses(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    rows = Signature.objects.filter(email__regex=r"[^ -~]").values_list("pk", "petition_id", "email")
    for pk, petition_id, email in rows.iterator():
        normalised = normalise_email(email)
        if normalised == email or Signature.objects.filter(petition_id=petition_id, email=normalised).exists():
            continue
        Signature.objects.filter(pk=pk).update(email=normalised, email_domain=normalised.rpartition("@")[2])


class Migration(migrations.Migration):
    dependencies = [("petitions", "0004_signature_fewer_indexes")]
    operations = [migrations.RunPython(normalise_addresses, migrations.RunPython.noop)]
