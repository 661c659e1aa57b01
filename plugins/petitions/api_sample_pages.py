"""The petitions' endpoints of the public API, declared for the every-page gates.

JSON endpoints, not pages (``audit=False``). The write endpoints take a JSON body: the gates'
form-encoded POST without a body is refused (400, not JSON) the same way for every role, since signing
is open to everyone; the real submissions are tested in tests/test_api.py and by Schemathesis.
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import SamplePage, statuses
from plugins.petitions.sample_pages import _open, _petitions

#: JSON write endpoints: no GET; a POST without a JSON body is refused as invalid.
JSON_POST = statuses(400)


def api_pages() -> list[SamplePage]:
    return [
        SamplePage(name="api:petitions_list", url=lambda fx: reverse("api:petitions_list"), audit=False,
                   setup=_open, list_of=_petitions, label="API : pétitions publiques"),
        SamplePage(name="api:petitions_detail", setup=_open, audit=False,
                   url=lambda fx: reverse("api:petitions_detail", args=[_open(fx).pk]),
                   label="API : une pétition et ses compteurs"),
        SamplePage(name="api:petitions_sign", setup=_open, audit=False,
                   url=lambda fx: reverse("api:petitions_sign", args=[_open(fx).pk]),
                   get=statuses(405), post=JSON_POST, label="API : signer une pétition"),
        SamplePage(name="api:petitions_confirm", audit=False, url=lambda fx: reverse("api:petitions_confirm"),
                   get=statuses(405), post=JSON_POST, label="API : confirmer une signature"),
    ]
