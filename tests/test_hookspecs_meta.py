"""Every hookspec is documented with an example that runs, and is exercised by a test."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pluggy
import pytest

from core import hookspecs
from federation import hookspecs as federation_hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "hooks.md"


def hookspec_names() -> list[str]:
    names = []
    for module in (hookspecs, federation_hookspecs):
        names += [name for name, obj in vars(module).items() if hasattr(obj, "parvis_spec")]
    return sorted(names)


def test_there_are_hookspecs():
    assert len(hookspec_names()) >= 6


@pytest.mark.parametrize("name", hookspec_names())
def test_hookspec_is_documented(name):
    text = DOC.read_text()
    assert f"## `{name}`" in text, f"docs/hooks.md has no section for the hook {name!r}"
    section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
    assert "```python" in section, f"the section of {name!r} has no example"


@pytest.mark.parametrize("name", hookspec_names())
def test_hookspec_is_exercised_by_a_test(name):
    sources = [
        path for pattern in ("tests/**/*.py", "plugins/*/tests/**/*.py")
        for path in ROOT.glob(pattern) if path.name != Path(__file__).name
    ]
    pattern = re.compile(rf"\bdef {name}\(|call_each\(\s*\"{name}\"")
    users = [path for path in sources if pattern.search(path.read_text())]
    assert users, f"no test implements or calls the hook {name!r}"


def test_documentation_examples_run_and_match_the_hookspecs():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert blocks
    manager = pluggy.PluginManager("parvis")
    manager.add_hookspecs(hookspecs)
    manager.add_hookspecs(federation_hookspecs)
    for index, code in enumerate(blocks):
        module = types.ModuleType(f"doc_example_{index}")
        exec(compile(code, f"docs/hooks.md[{index}]", "exec"), module.__dict__)  # noqa: S102
        manager.register(module, name=module.__name__)
    manager.check_pending()
    for name in hookspec_names():
        assert getattr(manager.hook, name).get_hookimpls(), f"no example implements {name!r}"
