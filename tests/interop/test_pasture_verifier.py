"""fediverse-pasture's actor verifier checks a Parvis space's Group from outside.

Its actors fetch our actor document (unsigned, and signed), post to our inbox (unsigned: we must
refuse; signed: we must accept, fetching their keys, signed too, since two of them serve their
documents only to signed requests, like Mastodon's secure mode), and check that WebFinger
leads back to the actor. Run with ``tox -e interop``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.interop.servers import (
    COMMAND_TIMEOUT,
    ROOT,
    START_TIMEOUT,
    Instance,
    free_port,
    stop_process,
)

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    parvis = Instance("Parvis", tmp_path_factory.mktemp("parvis"))
    scratch = tmp_path_factory.mktemp("pasture")
    port = free_port()
    log = (scratch / "verifier.log").open("wb")
    verifier = subprocess.Popen([sys.executable, str(ROOT / "tests" / "interop" / "pasture_verifier.py"), str(port)],
                                cwd=scratch, stdout=log, stderr=subprocess.STDOUT)
    try:
        parvis.start()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert verifier.poll() is None, f"the verifier stopped; see {log.name}"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/bob", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the verifier did not start"
                time.sleep(0.25)
        yield parvis, f"127.0.0.1:{port}"
    finally:
        parvis.stop()
        stop_process(verifier)
        log.close()


def test_the_pasture_verifier_finds_our_actor_sound(servers):
    parvis, verifier = servers
    space = parvis.run(f"""
from core.models import Organisation
from core.testing import make_space
from federation.models import DomainRule
space = make_space(Organisation.objects.create(name="Commune P", slug="commune-p"), "centre-bourg")
DomainRule.objects.create(domain="{verifier}", kind="allow")
result = space.slug
""")
    group = f"{parvis.base}/federation/actors/{space}"
    query = urllib.parse.urlencode({"actor_uri": group})
    request = urllib.request.Request(f"http://{verifier}/?{query}", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=COMMAND_TIMEOUT) as response:
        answer = json.loads(response.read())
    result = answer["result"]
    # Unsigned POSTs (alice, dean) are refused; signed ones are accepted, including those of
    # actors whose documents need a signed fetch (claire, frank).
    assert {name: result[name] for name in ("alice", "dean")} == {
        name: {"get_actor": True, "post_inbox": False} for name in ("alice", "dean")}, answer["messages"]
    assert {name: result[name] for name in ("bob", "claire", "emily", "frank")} == {
        name: {"get_actor": True, "post_inbox": True} for name in ("bob", "claire", "emily", "frank")
    }, answer["messages"]
    assert result["webfinger"] is True, answer["messages"]
    # The signed posts were Likes of the verifier's own actors: stored, and not supports of ours.
    assert parvis.run("""
from federation.models import Activity, Support
result = {"likes": Activity.objects.filter(direction="in", type="Like").count(), "supports": Support.objects.count()}
""") == {"likes": 4, "supports": 0}
