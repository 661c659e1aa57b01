"""fediverse-pasture's actor verifier (PyPI ``fediverse-pasture``), a fediverse test server that
is not Parvis, served on loopback for the interop tests.

Its six actors fetch a remote actor (unsigned, or signed as in "authorized fetch"), post to its
inbox (unsigned, or signed), and check its WebFinger; ``GET /?actor_uri=...`` with
``Accept: application/json`` answers the results. Usage, from a scratch directory (the verifier
writes its actors' keys to ``data.toml`` there):
``python tests/interop/pasture_verifier.py PORT``.
"""

from __future__ import annotations

import sys

import uvicorn
from fediverse_pasture.verify_actor import build_app

if __name__ == "__main__":
    port = int(sys.argv[1])
    # http, not https: everything stays on 127.0.0.1 (a 10 s timeout per request).
    app = build_app(False, f"127.0.0.1:{port}", False, 10)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
