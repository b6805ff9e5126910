// The OpenID provider of the single sign-on tests (tests/sso/tst_sso.cpp): oidc-provider on loopback over HTTPS,
// with one client (client_secret_basic, PKCE S256 required, its redirect URIs), a fresh signing key at every start
// (so that a restart is a key rotation), accounts for any login name, and consent granted without asking.
//
//   node provider.mjs PORT CERT.pem KEY.pem REDIRECT_URI[,REDIRECT_URI...] CLIENT_ID CLIENT_SECRET rsa|ec
//
// Prints "listening https://127.0.0.1:PORT" once it accepts connections. POST /test/mode with a body of one word
// changes what the token endpoint does to the ID tokens it issues, for the cases a provider would never produce:
//   normal      as issued
//   audience    re-signed for another audience ("another-client")
//   expired     re-signed as issued two hours ago and expired one hour ago
//   tampered    a claim changed after signing (the signature no longer verifies)
//   nonce       re-signed with another nonce
//   subject     re-signed for another account with the same name (another "sub": a name the provider gave anew)
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

import Provider from 'oidc-provider';

const [port, certFile, keyFile, redirectUris, clientId, clientSecret, keyType] = process.argv.slice(2);

const pair = keyType === 'ec'
  ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const alg = keyType === 'ec' ? 'ES256' : 'RS256';
const jwk = { ...pair.privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg, use: 'sig' };

function makeProvider(issuer) {
  return new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris.split(','),
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
    }],
    jwks: { keys: [jwk] },
    pkce: { required: () => true, methods: ['S256'] },
    features: { devInteractions: { enabled: true } },
    // The claims of the scopes in the ID token itself, as most providers put them there.
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email', 'email_verified'] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    // Any login name is an account; its subject differs from the name, as at real providers.
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: `subject-${id}`, preferred_username: id, email: `${id}@example.org`, email_verified: true };
        },
      };
    },
    // Consent is granted at once (a first-party client).
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  });
}

let mode = 'normal';

const b64 = (data) => Buffer.from(data).toString('base64url');
function sign(header, payload) {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const signature = keyType === 'ec'
    ? crypto.sign('sha256', Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })
    : crypto.sign('sha256', Buffer.from(input), pair.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

function rewrite(idToken) {
  const [h, p, s] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'audience': return sign(header, { ...payload, aud: 'another-client' });
    case 'expired': return sign(header, { ...payload, iat: now - 7200, exp: now - 3600 });
    case 'nonce': return sign(header, { ...payload, nonce: 'another-nonce' });
    case 'subject': return sign(header, { ...payload, sub: 'another-subject' });
    case 'tampered': return `${h}.${b64(JSON.stringify({ ...payload, preferred_username: 'mallory' }))}.${s}`;
    default: return idToken;
  }
}

async function testHooks(ctx, next) {
  if (ctx.path === '/test/mode' && ctx.method === 'POST') {
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    mode = body.trim();
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token && mode !== 'normal') {
    ctx.body = { ...ctx.body, id_token: rewrite(ctx.body.id_token) };
  }
}

// Listening first: with port 0 the issuer names the port the kernel chose.
const server = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) });
server.listen(Number(port), '127.0.0.1', () => {
  const issuer = `https://127.0.0.1:${server.address().port}`;
  const provider = makeProvider(issuer);
  provider.use(testHooks);
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});
