'use strict'
// The packaged module attacked as an outsider would, in a host that runs Botpress v12's
// two global body parsers and its workspace check (tests/support/botpress-host.js).
// Each test is one point of the hardening issue and fails on the module before it.

const assert = require('assert')
const crypto = require('crypto')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const { request, slowRequest, callbackKey, signJwt, hmac, b64url } = require('../support/http')

let w
const conversation = { channel: 'web', target: 'user-1', threadId: 'thread-1' }

before(async () => {
  w = await startWorld({
    module: 'ours',
    botpress: {
      bots: { 'bot-1': {}, 'bot-b': { workspace: 'ws-b' } },
      users: { default: [{ email: 'dev-a@acme.com', strategy: 'default' }], 'ws-b': [{ email: 'dev-b@acme.com', strategy: 'default' }] },
      globalConfig: { bodyTimeout: '1s' }
    }
  })
})
after(async () => { await w.close() })

const call = (method, urlPath, headers, body, from) => request(w.botpress.url, method, urlPath, headers, body, from)

async function issue (botId, query, token) {
  const q = new URLSearchParams(query || {}).toString()
  const r = await call('GET', '/api/v1/bots/' + botId + '/mod/uipath/auth/token?' + q, { Authorization: 'Bearer ' + (token || w.botpress.serverToken()) })
  assert.strictEqual(r.status, 200, r.text)
  return r.json.token
}

function callback (token, body, botInUrl, from) {
  const b = Object.assign({ message: { type: 'text', text: 'Robot says hi' }, target: 'user-1', channel: 'web', botId: 'bot-1' }, body || {})
  return call('POST', '/api/v1/bots/' + (botInUrl || '___') + '/mod/uipath/message', { Authorization: 'bearer ' + token }, b, from)
}

/** Runs `fn` and asserts that nothing reached the user meanwhile. */
async function nothingDelivered (fn) {
  const n = w.botpress.replies.length
  const out = await fn()
  assert.strictEqual(w.botpress.replies.length, n, 'replyToEvent must not be called')
  return out
}

const warnings = () => w.botpress.logs.filter((l) => l.level === 'warn' || l.level === 'error')

test('1. a form-encoded callback is answered 415, not left hanging', async () => {
  const token = await issue('bot-1', conversation)
  const r = await nothingDelivered(() => call('POST', '/api/v1/bots/___/mod/uipath/message',
    { Authorization: 'bearer ' + token, 'Content-Type': 'application/x-www-form-urlencoded' },
    'botId=bot-1&channel=web&target=user-1&message[type]=text&message[text]=hi'))
  assert.strictEqual(r.status, 415, r.text)
  assert.ok(/application\/json/.test(r.json.message))
})

test('1. a percent-encoded bot id (Botpress parsed the body already) is answered, and works', async () => {
  const token = await issue('bot-1', conversation)
  const r = await nothingDelivered(() => call('POST', '/api/v1/bots/%5F%5F%5F/mod/uipath/message', {}, { botId: 'bot-1' }))
  assert.strictEqual(r.status, 401, 'no token: refused, not hung')
  const form = await nothingDelivered(() => call('POST', '/api/v1/bots/%5F%5F%5F/mod/uipath/message',
    { Authorization: 'bearer ' + token, 'Content-Type': 'application/x-www-form-urlencoded' }, 'botId=bot-1'))
  assert.strictEqual(form.status, 415, form.text)
  const n = w.botpress.replies.length
  const ok = await callback(token, {}, '%5F%5F%5F')
  assert.strictEqual(ok.status, 200, ok.text)
  assert.strictEqual(w.botpress.replies.length, n + 1)
  const big = await nothingDelivered(() => callback(token, { message: { type: 'text', text: 'x'.repeat(70 * 1024) } }, '%5F%5F%5F'))
  assert.strictEqual(big.status, 413, 'our limit applies to what Botpress parsed')
})

test('1. a slow body gets 408 within bodyTimeout, without a token', async () => {
  const t0 = Date.now()
  const status = await slowRequest(w.botpress.url, '/api/v1/bots/___/mod/uipath/message', { 'Content-Type': 'application/json' }, 100, '{"botId":', 5000)
  assert.ok(/^HTTP\/1\.1 408/.test(status), status)
  assert.ok(Date.now() - t0 < 4000, 'answered within the 1 s bodyTimeout (plus slack)')
})

test('2. a token forged with Botpress\'s message signatures (HMAC under APP_SECRET) is refused', async () => {
  const secret = w.botpress.secret
  const now = Math.floor(Date.now() / 1000)
  const claims = { aud: 'botpress-uipath/callback', botId: 'bot-1', iat: now, exp: now + 600, jti: 'forged' }
  // bp.security.getMessageSignature(text) = hex HMAC-SHA256(APP_SECRET, text): the
  // attacker asks for the signing input, or for the key label itself.
  const oracle = (text) => crypto.createHmac('sha256', secret).update(text).digest('hex')
  const input = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(claims))
  const viaSignature = input + '.' + b64url(Buffer.from(oracle(input), 'hex'))
  const viaLabel = signJwt(claims, Buffer.from(oracle('botpress-uipath/callback/v1'), 'hex'))
  for (const forged of [viaSignature, viaLabel]) {
    const r = await nothingDelivered(() => callback(forged))
    assert.strictEqual(r.status, 401, r.text)
    assert.ok(/signature/.test(r.json.message))
  }
  // The key of this purpose signs tokens the route accepts: the test's own HKDF agrees.
  const r = await callback(signJwt(claims, callbackKey(secret)))
  assert.strictEqual(r.status, 200, r.text)
  assert.notDeepStrictEqual(callbackKey(secret), hmac(secret, 'botpress-uipath/callback/v1'))
})

test('3. a member of workspace A gets no token for a bot of workspace B, whatever workspace it names', async () => {
  const devA = w.botpress.loginToken('dev-a@acme.com')
  const r = await call('GET', '/api/v1/bots/bot-b/mod/uipath/auth/token', { Authorization: 'Bearer ' + devA, 'X-BP-Workspace': 'default' })
  assert.strictEqual(r.status, 403, r.text)
  assert.strictEqual(r.json.token, undefined)
  assert.ok(/workspace/.test(r.json.message))
  const own = await call('GET', '/api/v1/bots/bot-1/mod/uipath/auth/token', { Authorization: 'Bearer ' + devA })
  assert.strictEqual(own.status, 200, own.text)
  const devB = w.botpress.loginToken('dev-b@acme.com')
  const b = await call('GET', '/api/v1/bots/bot-b/mod/uipath/auth/token', { Authorization: 'Bearer ' + devB })
  assert.strictEqual(b.status, 200, b.text)
})

test('4. a token bound to no thread refuses a threadId in the body', async () => {
  const token = await issue('bot-1', { channel: 'web', target: 'user-1' })
  const r = await nothingDelivered(() => callback(token, { threadId: 'someone-elses-thread' }))
  assert.strictEqual(r.status, 403, r.text)
  assert.ok(/not bound to a thread/.test(r.json.message))
  const n = w.botpress.replies.length
  const ok = await callback(token)
  assert.strictEqual(ok.status, 200)
  assert.strictEqual(w.botpress.replies[n].threadId, undefined, 'the user\'s default conversation')
})

test('5. a __proto__ key in the message does not become the payload\'s prototype', async () => {
  const token = await issue('bot-1', conversation)
  const n = w.botpress.replies.length
  const body = '{"botId":"bot-1","channel":"web","target":"user-1","message":{"type":"text","text":"hi","__proto__":{"polluted":"yes","type":"file"}}}'
  const r = await call('POST', '/api/v1/bots/___/mod/uipath/message', { Authorization: 'bearer ' + token }, body)
  assert.strictEqual(r.status, 200, r.text)
  const payload = w.botpress.replies[n].payload
  assert.strictEqual(Object.getPrototypeOf(payload), Object.prototype)
  assert.strictEqual(payload.polluted, undefined)
  assert.deepStrictEqual(Object.keys(payload).sort(), ['text', 'type'])
  assert.strictEqual({}.polluted, undefined)
})

test('6. allowedMessageTypes narrows what robots may post; the default lets every type through', async () => {
  const token = await issue('bot-1', conversation)
  const custom = { message: { type: 'custom', module: 'x', component: 'y' } }
  const r = await callback(token, custom)
  assert.strictEqual(r.status, 200, 'default: every type, as the original module')
  const narrow = await startWorld({ module: 'ours', botpress: { globalConfig: { allowedMessageTypes: 'text,image' } } })
  try {
    const t = await request(narrow.botpress.url, 'GET', '/api/v1/bots/bot-1/mod/uipath/auth/token', { Authorization: 'Bearer ' + narrow.botpress.serverToken() })
    const post = (message) => request(narrow.botpress.url, 'POST', '/api/v1/bots/___/mod/uipath/message', { Authorization: 'bearer ' + t.json.token },
      { botId: 'bot-1', channel: 'web', target: 'user-1', message: message })
    const refused = await post(custom.message)
    assert.strictEqual(refused.status, 400, refused.text)
    assert.ok(/allowedMessageTypes/.test(refused.json.message))
    assert.strictEqual(narrow.botpress.replies.length, 0)
    assert.strictEqual((await post({ type: 'text', text: 'ok' })).status, 200)
  } finally {
    await narrow.close()
  }
})

test('7. an internal failure answers a generic 500 with a correlation id; the detail goes to the log', async () => {
  const token = await issue('bot-1', conversation)
  const original = w.bp.events.replyToEvent
  w.bp.events.replyToEvent = () => { throw new Error('knex: connect ECONNREFUSED 10.1.2.3:5432 user=botpress') }
  try {
    const r = await callback(token)
    assert.strictEqual(r.status, 500)
    assert.ok(!/knex|ECONNREFUSED|10\.1\.2\.3/.test(r.text), r.text)
    assert.ok(/^[0-9a-f]{16}$/.test(r.json.correlationId), r.text)
    const logged = warnings().filter((l) => l.message.indexOf(r.json.correlationId) >= 0)
    assert.strictEqual(logged.length, 1)
    assert.ok(/ECONNREFUSED/.test(logged[0].message))
  } finally {
    w.bp.events.replyToEvent = original
  }
})

test('8. attacker text is quoted in logs, and refusals are logged at a bounded rate per source', async () => {
  const token = await issue('bot-1', conversation)
  const before = warnings().length
  // A source of its own (127.0.0.8): the other tests' refusals count against 127.0.0.1.
  await nothingDelivered(() => callback(token, { target: 'user-2\n[uipath] callback delivered to admin' }, '___', '127.0.0.8'))
  const line = warnings()[before].message
  assert.ok(line.indexOf('\n') < 0, line)
  assert.ok(line.indexOf('"user-2\\n[uipath] callback delivered to admin"') >= 0, line)
  // A flood without a token: the log gets a handful of lines, not fifty.
  const from = warnings().length
  for (let i = 0; i < 50; i++) {
    const r = await call('POST', '/api/v1/bots/bot-1/mod/uipath/message', { Authorization: 'bearer nope' }, { botId: 'bot-1' }, '127.0.0.9')
    assert.strictEqual(r.status, 401)
  }
  const logged = warnings().length - from
  assert.ok(logged <= 5, logged + ' refusal lines logged for 50 refusals')
})

test('9. expiresIn past 365 days is capped to maxExpiresIn, and the cap is logged', async () => {
  const before = w.botpress.logs.length
  const token = await issue('bot-1', Object.assign({ expiresIn: '400d' }, conversation))
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64').toString())
  assert.strictEqual(claims.exp - claims.iat, 86400)
  const said = w.botpress.logs.slice(before).filter((l) => /capped to maxExpiresIn/.test(l.message))
  assert.strictEqual(said.length, 1)
})
