"""The standalone verifier, the ``parvis verify`` command, and the no-Django guarantee."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from core.ledger import public_key_b64, public_key_pem
from core.ledger.cli import main

from .helpers import build_log, first_cast, fixed_key

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = build_log(120, "petition", head_every=30, seed=5)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core.ledger", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def files(tmp_path):
    clean = tmp_path / "export.json"
    clean.write_text(SAMPLE.text, encoding="utf-8")
    document = SAMPLE.document()
    seq = first_cast(SAMPLE, 77)
    document["entries"][seq]["entry"]["channel"] = (
        "partner" if SAMPLE.entries[seq].channel != "partner" else "web"
    )
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document), encoding="utf-8")
    heads = tmp_path / "heads.json"
    heads.write_text(json.dumps([h.to_dict() for h in SAMPLE.heads[:2]]), encoding="utf-8")
    key = tmp_path / "key.pem"
    key.write_text(public_key_pem(SAMPLE.key.public_key()), encoding="ascii")
    broken = tmp_path / "broken.json"
    broken.write_text(SAMPLE.text[:500], encoding="utf-8")
    return {
        "clean": clean,
        "tampered": tampered,
        "heads": heads,
        "key": key,
        "broken": broken,
        "seq": seq,
        "missing": tmp_path / "missing.json",
    }


def test_cli_exit_codes(files):
    ok = run(
        "verify",
        str(files["clean"]),
        "--heads",
        str(files["heads"]),
        "--public-key",
        str(files["key"]),
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK") and "(pinned)" in ok.stdout

    bad = run("verify", str(files["tampered"]))
    assert bad.returncode == 1
    assert bad.stdout.startswith(
        f"FAILED: entry {files['seq']}: content does not match its running hash"
    )

    for args in (["verify", str(files["broken"])], ["verify", str(files["missing"])]):
        result = run(*args)
        assert result.returncode == 2, args
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("verify: error: ") and "Traceback" not in result.stderr


def test_cli_main_in_process(files, capsys):
    wrong_key = public_key_b64(fixed_key(9).public_key())
    assert main(["verify", str(files["clean"]), "--public-key", wrong_key]) == 1
    assert "signed by unknown key" in capsys.readouterr().out
    for args in (
        ["verify", str(files["clean"]), "--heads", str(files["broken"])],
        ["verify", str(files["clean"]), "--public-key", "not-a-key"],
        ["verify", str(files["clean"]), "--public-key", str(files["broken"])],
    ):
        assert main(args) == 2, args
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith("verify: error: ")
        assert len(captured.err.strip().splitlines()) == 1
    seq, receipt = next(
        (s, r) for s, r in SAMPLE.receipts.items() if SAMPLE.entries[s].kind == "cast"
    )
    assert main(["receipt", str(files["clean"]), receipt.encode()]) == 0
    assert f"receipt: entry {seq} found:" in capsys.readouterr().out
    assert main(["receipt", str(files["tampered"]), receipt.encode()]) == 1
    assert main(["receipt", str(files["clean"]), "pvr1.garbage"]) == 2


def test_verifier_imports_no_django(files):
    code = (
        "import runpy, sys\n"
        "import core.ledger, core.ledger.cli\n"
        f"sys.argv = ['core.ledger', 'verify', {str(files['clean'])!r}]\n"
        "try:\n"
        "    runpy.run_module('core.ledger', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    status = exit.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django' or m.startswith('django'))\n"
        "print('STATUS', status, 'DJANGO', loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "STATUS 0 DJANGO []"


def test_management_command_delegates_with_the_same_exit_codes(files):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "verify", str(files["clean"]), "--heads", str(files["heads"]), stdout=out, stderr=err
    )
    assert out.getvalue().startswith("OK")
    for name, status in (("tampered", 1), ("broken", 2), ("missing", 2)):
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command("verify", str(files[name]), stdout=out, stderr=err)
        assert exit_info.value.code == status
    assert err.getvalue().startswith("verify: error: ")
