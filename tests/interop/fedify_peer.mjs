// A fediverse server that is not Parvis, for the interop tests: one Person actor, "peer",
// served by Fedify (npm @fedify/fedify) on a loopback port.
//
// Fedify verifies the HTTP signature of every activity it receives before its inbox listeners
// run, fetching the signer's key from Parvis: an activity recorded below is one that Fedify
// verified. The test drives the peer through a small control API under /_peer/:
//
//   GET  /_peer/received              the activities received and verified, in order (JSON)
//   POST /_peer/follow?target=URL     look up an actor and send it a Follow
//   POST /_peer/undo-follow?target=URL
//   POST /_peer/like?object=URL&to=ACTOR_URL
//   POST /_peer/forge?inbox=URL&kind=unsigned|altered|stale|other-key|wrong-actor&object=URL
//        a request to a Parvis inbox signed (or not) by Fedify's own signer, then spoiled;
//        answers the status and the body Parvis gave.
//
// Usage: node tests/interop/fedify_peer.mjs PORT   (prints "ready" once listening)

import http from "node:http";
import {
  Accept,
  createFederation,
  Create,
  Endpoints,
  exportJwk,
  Follow,
  generateCryptoKeyPair,
  importJwk,
  Like,
  MemoryKvStore,
  Person,
  signRequest,
  Undo,
  Update,
  Delete,
} from "@fedify/fedify";

const port = Number(process.argv[2]);
const origin = `http://127.0.0.1:${port}`;
const received = [];

// Two key pairs made at start: the actor's own, and a stranger's for the forgery tests.
const own = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const stranger = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const ownJwk = { privateKey: await exportJwk(own.privateKey), publicKey: await exportJwk(own.publicKey) };

const federation = createFederation({
  kv: new MemoryKvStore(),
  // Test-only: the Parvis instance is on 127.0.0.1.
  allowPrivateAddress: true,
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "peer") return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify peer",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
    });
  })
  .setKeyPairsDispatcher(async (ctx, identifier) => {
    if (identifier !== "peer") return [];
    return [{
      privateKey: await importJwk(ownJwk.privateKey, "private"),
      publicKey: await importJwk(ownJwk.publicKey, "public"),
    }];
  });

function record(kind, activity, extra = {}) {
  received.push({
    type: kind,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null,
    ...extra,
  });
}

async function describe(activity) {
  const object = await activity.getObject();
  if (object == null) return {};
  const name = object.name?.toString() ?? null;
  const described = { objectType: object.constructor.typeId?.href ?? null, name };
  if (typeof object.getExclusiveOptions === "function") {
    const options = [];
    for await (const option of object.getExclusiveOptions()) options.push(option.name?.toString());
    for await (const option of object.getInclusiveOptions()) options.push(option.name?.toString());
    described.options = options;
    described.closed = object.closed != null;
  }
  return described;
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    record("Follow", follow);
    const follower = await follow.getActor();
    if (follower == null || follow.objectId?.href !== ctx.getActorUri("peer").href) return;
    await ctx.sendActivity(
      { identifier: "peer" },
      follower,
      new Accept({ id: new URL(`${origin}/activities/${crypto.randomUUID()}`), actor: ctx.getActorUri("peer"), object: follow }),
    );
  })
  .on(Accept, async (ctx, accept) => record("Accept", accept))
  .on(Create, async (ctx, create) => record("Create", create, await describe(create)))
  .on(Update, async (ctx, update) => record("Update", update, await describe(update)))
  .on(Delete, async (ctx, del) => record("Delete", del))
  .on(Undo, async (ctx, undo) => record("Undo", undo))
  .onError(async (ctx, error) => {
    received.push({ type: "error", message: String(error) });
  });

async function lookup(ctx, url) {
  const found = await ctx.lookupObject(url);
  if (found == null) throw new Error(`cannot look up ${url}`);
  return found;
}

const follows = new Map();

async function control(url, request) {
  const ctx = federation.createContext(new URL(origin), undefined);
  const me = ctx.getActorUri("peer");
  const query = url.searchParams;
  const newId = () => new URL(`${origin}/activities/${crypto.randomUUID()}`);
  if (url.pathname === "/_peer/received" && request.method === "GET") {
    return Response.json(received);
  }
  if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
  if (url.pathname === "/_peer/follow") {
    const target = await lookup(ctx, query.get("target"));
    const follow = new Follow({ id: newId(), actor: me, object: target.id });
    follows.set(target.id.href, follow);
    await ctx.sendActivity({ identifier: "peer" }, target, follow);
    return Response.json({ id: follow.id.href });
  }
  if (url.pathname === "/_peer/undo-follow") {
    const target = await lookup(ctx, query.get("target"));
    const follow = follows.get(target.id.href);
    const undo = new Undo({ id: newId(), actor: me, object: follow });
    await ctx.sendActivity({ identifier: "peer" }, target, undo);
    return Response.json({ id: undo.id.href });
  }
  if (url.pathname === "/_peer/like") {
    const to = await lookup(ctx, query.get("to"));
    const like = new Like({ id: newId(), actor: me, object: new URL(query.get("object")) });
    await ctx.sendActivity({ identifier: "peer" }, to, like);
    return Response.json({ id: like.id.href });
  }
  if (url.pathname === "/_peer/forge") {
    return Response.json(await forge(ctx, query));
  }
  return new Response("not found", { status: 404 });
}

// Requests an honest peer would never send; the Parvis inbox must refuse each one.
async function forge(ctx, query) {
  const inbox = new URL(query.get("inbox"));
  const kind = query.get("kind");
  const me = ctx.getActorUri("peer");
  const actor = kind === "wrong-actor" ? new URL(`${origin}/users/someone-else`) : me;
  const like = new Like({
    id: new URL(`${origin}/activities/${crypto.randomUUID()}`),
    actor,
    object: new URL(query.get("object")),
  });
  const body = JSON.stringify(await like.toJsonLd({ format: "compact" }));
  const headers = { "Content-Type": "application/activity+json" };
  if (kind === "stale") headers.Date = new Date(Date.now() - 3 * 3600 * 1000).toUTCString();
  let request = new Request(inbox, { method: "POST", headers, body });
  if (kind !== "unsigned") {
    const key = kind === "other-key" ? stranger.privateKey : own.privateKey;
    // The stranger's key is published nowhere; it claims the peer's key id.
    request = await signRequest(request, key, new URL(`${me.href}#main-key`));
  }
  let sent = body;
  if (kind === "altered") sent = JSON.stringify({ ...JSON.parse(body), object: `${query.get("object")}-other` });
  const response = await fetch(inbox, { method: "POST", headers: request.headers, body: sent });
  return { status: response.status, answer: await response.text() };
}

async function toRequest(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return new Request(new URL(req.url, origin), {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
  });
}

const server = http.createServer(async (req, res) => {
  let response;
  try {
    const request = await toRequest(req);
    const url = new URL(request.url);
    response = url.pathname.startsWith("/_peer/")
      ? await control(url, request)
      : await federation.fetch(request, { contextData: undefined });
  } catch (error) {
    response = new Response(String(error?.stack ?? error), { status: 500 });
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});

server.listen(port, "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
