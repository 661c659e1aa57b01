"""One search box across every enabled plugin's public content."""

from __future__ import annotations

import pytest

from core.contributions.services import register_contribution
from core.moderation.models import ModerationReason
from core.moderation.services import decide
from core.search.models import SearchDocument
from core.search.services import index_space, reindex_all
from tests.conftest import make_space


def results(client, **params) -> str:
    """The part of the search page after the search form: the results."""
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode().split('role="search"', 1)[1].split("</form>", 1)[1]


def test_search_finds_public_contributions_and_filters(client, space, commune, author):
    register_contribution(plugin="suggestions", kind="suggestion", space=space, author=author,
                          title="Des bancs sur la place", summary="tilleuls ombragés")
    other_space = make_space(commune, "ecoles")
    register_contribution(plugin="suggestions", kind="suggestion", space=other_space, author=author,
                          title="Un préau pour l'école", summary="abri contre la pluie")
    html = results(client, q="bancs")
    assert "Des bancs sur la place" in html and "préau" not in html
    assert "Un préau pour l&#x27;école" in results(client, q="pluie")
    assert "préau" not in results(client, q="pluie", space=space.pk)
    assert "bancs" not in results(client, q="bancs", plugin="core")


def test_hidden_and_premoderated_contributions_are_not_found(client, space, author, moderator):
    hidden = register_contribution(plugin="suggestions", kind="suggestion", space=space, title="Zzsecret caché")
    decide(hidden, "hide", moderator=moderator, reason=ModerationReason.objects.get(code="spam", organisation=None))
    register_contribution(plugin="suggestions", kind="suggestion", space=space, title="Zzsecret en attente",
                          premoderated=True)
    assert "Zzsecret" not in results(client, q="Zzsecret")
    assert "0 résultat" in results(client, q="Zzsecret")


def test_spaces_are_found_and_reindex_rebuilds_everything(client, space, author):
    register_contribution(plugin="suggestions", kind="suggestion", space=space, title="Jardins partagés")
    index_space(space)
    assert f"{space.title}" in results(client, q="Espace")
    SearchDocument.objects.all().delete()
    assert reindex_all() >= 2
    assert "Jardins partagés" in results(client, q="jardins")


def test_bad_search_input_is_answered_cleanly(client, space):
    assert "trop longue" in results(client, q="x" * 500)
    for params in ({"q": "a", "space": "abc"}, {"q": "a", "plugin": "<script>"}, {"q": "a", "page": "999999"},
                   {"q": '"\'<>%_\\'}, {"q": "NaN", "space": "-1"}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()


def test_plugins_contribute_documents_through_the_hook(client, db):
    import types

    from core.plugin_host import get_manager
    from core.plugins import SearchDocumentData, hookimpl

    module = types.ModuleType("search_probe")

    @hookimpl
    def search_documents(organisation_ids):
        assert organisation_ids is None
        return [SearchDocumentData(key="results-2027", title="Résultats du vote citoyen",
                                   body="Douze projets financés", url="/bp/results/")]

    module.search_documents = search_documents
    get_manager().register(module, name="search_probe")
    try:
        reindex_all()
    finally:
        get_manager().unregister(module)
    assert SearchDocument.objects.get(key="search_probe:results-2027").url == "/bp/results/"
    assert "Résultats du vote citoyen" in results(client, q="projets financés")


def test_unpublishing_a_space_removes_its_contributions_from_the_search(client, space):
    register_contribution(plugin="suggestions", kind="suggestion", space=space, title="Fontaine publique")
    assert "Fontaine publique" in results(client, q="fontaine")
    space.is_published = False
    space.save()
    index_space(space)
    assert "Fontaine publique" not in results(client, q="fontaine")
    space.is_published = True
    space.save()
    index_space(space)
    assert "Fontaine publique" in results(client, q="fontaine")


@pytest.mark.integration
def test_french_stemming_on_postgresql(client, space):
    register_contribution(plugin="suggestions", kind="suggestion", space=space,
                          title="Planter des arbres", summary="Des arbres fruitiers le long des écoles")
    assert "Planter des arbres" in results(client, q="arbre")
    assert "Planter des arbres" in results(client, q="fruitier")
