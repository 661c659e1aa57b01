"""A small OpenID Connect provider for the tests, served on 127.0.0.1 (random port) by wsgiref.

It serves discovery, JWKS, authorize (auto-approving one test person), token (code single-use,
PKCE S256 checked, client secret checked) and userinfo, and signs ID tokens with a test RSA
key. Knobs let a test make it misbehave: claims overridden, another signing key, slowness.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "parvis-test"
CLIENT_SECRET = "secret-de-test-" + "x" * 20


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class TestProvider:
    __test__ = False  # not a test class for pytest

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "alg": "RS256", "use": "sig"})
        # Same key id, other key: a token signed with it must be refused.
        self.rogue_key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "alg": "RS256"})
        self.server: WSGIServer | None = None
        self.thread: threading.Thread | None = None
        self.reset()

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> TestProvider:
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_QuietHandler)
        self.server.timeout = 2
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def reset(self) -> None:
        self.person = {"sub": "personne-42", "given_name": "Camille", "family_name": "Martin",
                       "birthdate": "1990-07-14", "address": {"postal_code": "35190"}}
        self.codes: dict[str, dict] = {}
        self.used_codes: set[str] = set()
        self.claim_changes: dict = {}
        self.sign_with_rogue_key = False
        self.unsigned = False
        self.token_delay = 0.0
        self.discovery_redirect = ""
        self.requests: list[tuple[str, dict]] = []

    def config(self, **extra) -> dict:
        """An entry of PARVIS_OIDC_PROVIDERS for this provider."""
        return {"key": "testid", "label": "Identité Test", "issuer": self.issuer,
                "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "scopes": ["openid", "birthdate", "address"],
                "claims": {"birth_date": "birthdate", "postcode": "address.postal_code"},
                "userinfo": True, "identity_level": 3, "timeout": 2, **extra}

    # --- WSGI --------------------------------------------------------------------------------
    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
        body = b""
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
        form = dict(urllib.parse.parse_qsl(body.decode()))
        self.requests.append((path, {**query, **form}))
        routes = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": self.jwks,
            "/authorize": self.authorize,
            "/token": self.token,
            "/userinfo": self.userinfo,
        }
        handler = routes.get(path)
        if handler is None:
            return self._reply(start_response, "404 Not Found", {"error": "not_found"})
        return handler(environ, start_response, query, form)

    def _reply(self, start_response, status, payload, headers=()):
        data = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data))), *headers])
        return [data]

    def discovery(self, environ, start_response, query, form):
        if self.discovery_redirect:
            start_response("302 Found", [("Location", self.discovery_redirect)])
            return [b""]
        return self._reply(start_response, "200 OK", {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    def jwks(self, environ, start_response, query, form):
        return self._reply(start_response, "200 OK", {"keys": [self.key.as_dict(private=False)]})

    def authorize(self, environ, start_response, query, form):
        if (query.get("client_id") != CLIENT_ID or query.get("response_type") != "code"
                or query.get("code_challenge_method") != "S256" or not query.get("code_challenge")):
            return self._reply(start_response, "400 Bad Request", {"error": "invalid_request"})
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"redirect_uri": query["redirect_uri"], "nonce": query.get("nonce"),
                            "challenge": query["code_challenge"]}
        location = query["redirect_uri"] + "?" + urllib.parse.urlencode(
            {"code": code, "state": query.get("state", "")})
        start_response("302 Found", [("Location", location)])
        return [b""]

    def _client_ok(self, environ, form) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic "):
            pair = base64.b64decode(header[6:]).decode()
            client, _sep, secret = pair.partition(":")
            return (urllib.parse.unquote(client), urllib.parse.unquote(secret)) == (CLIENT_ID, CLIENT_SECRET)
        return form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET

    def token(self, environ, start_response, query, form):
        if self.token_delay:
            time.sleep(self.token_delay)
        if not self._client_ok(environ, form):
            return self._reply(start_response, "401 Unauthorized", {"error": "invalid_client"})
        code = form.get("code", "")
        grant = self.codes.get(code)
        if grant is None or code in self.used_codes:
            return self._reply(start_response, "400 Bad Request", {"error": "invalid_grant"})
        self.used_codes.add(code)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"] or form.get("redirect_uri") != grant["redirect_uri"]:
            return self._reply(start_response, "400 Bad Request", {"error": "invalid_grant"})
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": self.person["sub"], "iat": now,
                  "exp": now + 300, "nonce": grant["nonce"], "acr": "eidas1", **self.claim_changes}
        claims = {k: v for k, v in claims.items() if v is not None}
        return self._reply(start_response, "200 OK", {
            "access_token": "at-" + code, "token_type": "Bearer", "expires_in": 300,
            "id_token": self.sign(claims),
        })

    def sign(self, claims: dict) -> str:
        if self.unsigned:
            header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
            payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            return f"{header}.{payload}."
        key = self.rogue_key if self.sign_with_rogue_key else self.key
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)

    def userinfo(self, environ, start_response, query, form):
        if not environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer at-"):
            return self._reply(start_response, "401 Unauthorized", {"error": "invalid_token"})
        return self._reply(start_response, "200 OK", self.person)
