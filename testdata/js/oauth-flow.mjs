// The official MCP TypeScript SDK client's OAuth support against
// oncehub-mcp in oauth mode: discovery (401 → protected resource metadata →
// authorization server metadata), dynamic client registration,
// authorization with PKCE (the person's part, the key-entry form, is done
// here with fetch), token exchange, tools/call list_bookings, refresh, and
// revocation after which calls fail and the SDK asks to authorize again.
//
// MCP_URL is the server's MCP endpoint, ONCEHUB_KEY the key to paste. Each
// step is printed as one JSON line; the Go test (oauth_e2e_test.go) checks them.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const serverUrl = new URL(process.env.MCP_URL);
const key = process.env.ONCEHUB_KEY;
const redirectUrl = 'http://127.0.0.1:9/callback'; // never served: the browser step reads the redirect
const state = 'ts-state-42';

const log = (step, data = {}) => console.log(JSON.stringify({ step, ...data }));

// An in-memory OAuthClientProvider, as a host would implement it.
class Provider {
  constructor() {
    this.client = undefined;
    this.saved = undefined;
    this.verifier = undefined;
    this.authUrl = undefined;
    this.redirects = 0;
  }
  get redirectUrl() { return redirectUrl; }
  get clientMetadata() {
    return {
      client_name: 'TypeScript SDK test',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() { return state; }
  clientInformation() { return this.client; }
  saveClientInformation(info) { this.client = info; }
  tokens() { return this.saved; }
  saveTokens(tokens) { this.saved = tokens; }
  redirectToAuthorization(url) { this.authUrl = url; this.redirects++; }
  saveCodeVerifier(v) { this.verifier = v; }
  codeVerifier() { return this.verifier; }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'client') this.client = undefined;
  }
}

// The person's browser: open the authorization URL, land on the key-entry
// page, submit the key, and read where the server sends the browser back.
async function browse(authUrl) {
  let res = await fetch(authUrl, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const pageUrl = new URL(res.headers.get('location'), authUrl);
  res = await fetch(pageUrl, { redirect: 'manual' });
  const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  const html = await res.text();
  const m = html.match(/name="request" value="([^"]+)"/);
  if (!m) throw new Error(`no form on the page (${res.status})`);
  const form = html.match(/<form method="post" action="([^"]+)"/)[1];
  res = await fetch(new URL(form, pageUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ request: m[1], api_key: key, action: 'connect' }),
  });
  if (res.status !== 303) throw new Error(`the form answered ${res.status}`);
  return new URL(res.headers.get('location'));
}

async function listBookings(client) {
  const r = await client.callTool({ name: 'list_bookings', arguments: {} });
  return { isError: !!r.isError, items: r.structuredContent?.items?.length ?? -1 };
}

const provider = new Provider();
let transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
const first = new Client({ name: 'ts-oauth-test', version: '1.0.0' });
try {
  await first.connect(transport);
  log('connected_without_authorization');
  process.exit(1);
} catch (e) {
  if (!(e instanceof UnauthorizedError)) throw e;
}
const asked = provider.authUrl;
log('discovered', {
  registered: !!provider.client?.client_id,
  authorization_endpoint: asked.origin + asked.pathname,
  resource: asked.searchParams.get('resource'),
  code_challenge_method: asked.searchParams.get('code_challenge_method'),
  scope: asked.searchParams.get('scope'),
});

const back = await browse(asked);
log('authorized', { state_ok: back.searchParams.get('state') === state, has_code: !!back.searchParams.get('code') });
await transport.finishAuth(back.searchParams.get('code'));
const issued = provider.saved;
log('token', { token_type: issued.token_type, has_refresh: !!issued.refresh_token, expires_in: issued.expires_in });

transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
const client = new Client({ name: 'ts-oauth-test', version: '1.0.0' });
await client.connect(transport);
log('called', await listBookings(client));

const result = await auth(provider, { serverUrl });
log('refreshed', {
  result,
  new_access_token: provider.saved.access_token !== issued.access_token,
  rotated_refresh_token: provider.saved.refresh_token !== issued.refresh_token,
});
log('called_after_refresh', await listBookings(client));

const meta = await (await fetch(new URL('/.well-known/oauth-authorization-server', serverUrl))).json();
const rv = await fetch(meta.revocation_endpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ token: provider.saved.refresh_token, client_id: provider.client.client_id }),
});
log('revoked', { status: rv.status });

const redirectsBefore = provider.redirects;
try {
  const r = await listBookings(client);
  log('called_after_revocation', { failed: false, ...r });
} catch (e) {
  log('called_after_revocation', { failed: true, error: e.constructor.name, asked_to_authorize_again: provider.redirects > redirectsBefore });
}
await client.close();
