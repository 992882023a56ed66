'use strict'
// The third review's findings (issue 19), each as an outsider or a careless action would
// meet it: secrets stay with the endpoint they were configured for, answers are bounded
// and every failure stays inside the call's promise, nothing is converted before the
// refusal, a short webhook secret is none, the refusal log cannot be flooded with minted
// sources, outside text is quoted, secrets echoed back encoded are redacted.

const assert = require('assert')
const crypto = require('crypto')
const http = require('http')
const { test, before, after } = require('../support/harness')
const { startWorld, rejection } = require('../support/fixture')
const { startBotpress } = require('../support/botpress-host')
const { installModule } = require('../support/module')
const { request } = require('../support/http')
const uipath = require('../../js-shim')

let w
let capture
before(async () => {
  w = await startWorld({ module: 'ours', connection: true, botpress: { reverseProxy: true } })
  // Anything that reaches this server went where it was never configured to go.
  capture = { seen: [] }
  capture.server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      capture.seen.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"access_token":"captured","expires_in":3600,"value":[]}')
    })
  })
  await new Promise((resolve) => capture.server.listen(0, '127.0.0.1', resolve))
  capture.url = 'http://127.0.0.1:' + capture.server.address().port
})
after(async () => {
  await new Promise((resolve) => capture.server.close(resolve))
  await w.close()
})

test('secrets go only where they were configured: args that name an endpoint must bring their own auth', async () => {
  const configs = {
    'client credentials': { auth: { clientId: 'cfg-app', clientSecret: 'CFG-CLIENT-SECRET' } },
    'refresh token': { auth: { refreshToken: 'CFG-REFRESH-TOKEN' } },
    'user and password': { orchestratorUrl: w.orchestrator.origin, auth: { username: 'admin', password: 'CFG-PASSWORD' } },
    'access token': { orchestratorUrl: w.orchestrator.origin, auth: { accessToken: 'CFG-ACCESS-TOKEN' } },
    'identity server token': { orchestratorUrl: w.orchestrator.origin, tokenUrl: w.orchestrator.origin + '/identity_/connect/token', auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' } }
  }
  const endpoints = [{ orchestratorUrl: capture.url }, { cloudUrl: capture.url }, { tokenUrl: capture.url + '/token' }]
  for (const [mode, connection] of Object.entries(configs)) {
    const config = Object.assign({ cloudUrl: w.orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant', folder: 'Shared' }, connection)
    const bp = Object.assign({}, w.bp, { config: { getModuleConfigForBot: async () => config } })
    for (const endpoint of endpoints) {
      for (const call of [uipath.startUiPathJob, uipath.getUiPathJob, uipath.stopUiPathJob]) {
        const err = await rejection(call(bp, w.event(), Object.assign({ processKey: 'InvoiceBot', jobId: 1, botpressToken: false }, endpoint)))
        assert.strictEqual(err.code, 'INVALID_CONFIG', mode + ' ' + JSON.stringify(endpoint) + ': ' + err.message)
        assert.ok(/args name the endpoint .* must bring its credentials/.test(err.message), err.message)
      }
    }
  }
  assert.deepStrictEqual(capture.seen, [], 'nothing reached the capture server')
  // With credentials of their own, args may go anywhere: only those credentials travel.
  const bp = Object.assign({}, w.bp, { config: { getModuleConfigForBot: async () => configs['client credentials'] } })
  await rejection(uipath.getUiPathJob(bp, w.event(), { orchestratorUrl: capture.url, auth: { accessToken: 'args-own-token' }, jobId: 1 }))
  const sent = JSON.stringify(capture.seen)
  assert.ok(sent.indexOf('args-own-token') >= 0 && sent.indexOf('CFG-') < 0, sent)
})

test('an answer past maxAnswerSize is refused while it streams, inside the promise; the process lives on', async () => {
  const huge = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    const chunk = Buffer.alloc(1 << 20, 0x20)
    let sent = 0
    const pump = () => {
      while (sent < 64 && res.write(chunk)) sent++
      if (sent < 64) res.once('drain', pump); else res.end()
    }
    res.write('{"access_token":"')
    pump()
  })
  await new Promise((resolve) => huge.listen(0, '127.0.0.1', resolve))
  const url = 'http://127.0.0.1:' + huge.address().port
  let uncaught = 0
  const count = () => { uncaught++ }
  process.on('uncaughtException', count)
  try {
    for (const args of [{ orchestratorUrl: url, tokenUrl: url + '/token', auth: { clientId: 'x-app', clientSecret: 'x-secret' } }, { orchestratorUrl: url, auth: { accessToken: 'x-token' } }]) {
      const err = await rejection(uipath.getUiPathJob(w.bp, w.event(), Object.assign({ jobId: 1 }, args)))
      assert.strictEqual(err.code, 'ORCHESTRATOR_ERROR', err.message)
      assert.ok(/larger than maxAnswerSize \(4194304 bytes\)/.test(err.message), err.message)
    }
    const err = await rejection(uipath.getUiPathJob(w.bp, w.event(), { orchestratorUrl: url, auth: { accessToken: 'x-token' }, maxAnswerSize: '64kb', jobId: 1 }))
    assert.ok(/maxAnswerSize \(65536 bytes\)/.test(err.message), err.message)
    const bad = await rejection(uipath.getUiPathJob(w.bp, w.event(), { orchestratorUrl: url, auth: { accessToken: 'x-token' }, maxAnswerSize: 'lots', jobId: 1 }))
    assert.ok(/^INVALID_CONFIG: maxAnswerSize must be a size/.test(bad.message), bad.message)
  } finally {
    process.removeListener('uncaughtException', count)
    await new Promise((resolve) => huge.close(resolve))
  }
  assert.strictEqual(uncaught, 0)
})

test('nothing unauthenticated is converted: a 9.8 MB array or a body 5,000 deep gets 401 on both routes', async () => {
  const big = '[' + '1,'.repeat(4900000) + '1]'
  assert.ok(big.length > 9.7e6)
  const deep = '['.repeat(5000) + ']'.repeat(5000)
  for (const body of [big, deep]) {
    for (const route of ['webhook', 'message']) {
      for (const bot of ['%5F%5F%5F', '___']) {
        const r = await request(w.botpress.url, 'POST', '/api/v1/bots/' + bot + '/mod/uipath/' + route, { 'Content-Type': 'application/json' }, body)
        const expected = bot === '___' && body.length > 65536 ? 413 : 401
        assert.strictEqual(r.status, expected, route + ' ' + bot + ' ' + body.length + ': ' + r.text.slice(0, 200))
      }
    }
  }
})

test('a webhookSecret shorter than 16 characters counts as none: a correctly signed call is refused', async () => {
  const host = await startBotpress({ globalConfig: { webhookSecret: 'k' } })
  const mod = installModule(host)
  host.finish()
  try {
    await mod.ready
    const body = JSON.stringify({ Type: 'job.completed', Job: { Id: 1, Key: '0f8fad5b-d9cb-469f-a165-70867728950e', State: 'Successful' } })
    const sig = crypto.createHmac('sha256', 'k').update(body).digest('base64')
    const r = await request(host.url, 'POST', '/api/v1/bots/___/mod/uipath/webhook', { 'X-UiPath-Signature': sig }, body)
    assert.strictEqual(r.status, 401, r.text)
    assert.ok(/shorter than 16 characters/.test(r.json.message), r.text)
    const report = await uipath.checkSetup({ webhookSecret: 7, orchestratorUrl: w.orchestrator.origin, auth: { accessToken: 'x-token' }, externalUrl: 'https://bot.example' }, {})
    assert.strictEqual(report.ok, false)
  } finally {
    await mod.unmount()
    await host.close()
  }
})

test('refusals are logged per connection, not per X-Forwarded-For, and all sources together are bounded', async () => {
  const lines = () => w.botpress.logs.filter((l) => /refused \(401\)/.test(l.message)).length
  const before = lines()
  for (let i = 0; i < 40; i++) {
    await request(w.botpress.url, 'POST', '/api/v1/bots/___/mod/uipath/message', { 'X-Forwarded-For': '203.0.113.' + i, Authorization: 'bearer nope' }, { botId: 'bot-1' })
  }
  const logged = lines() - before
  assert.ok(logged <= 5, 'at most 5 lines for one connection: ' + logged)
  // Many real sources (loopback addresses stand for them): all together stay bounded.
  for (let i = 2; i < 60; i++) {
    await request(w.botpress.url, 'POST', '/api/v1/bots/___/mod/uipath/message', { Authorization: 'bearer nope' }, { botId: 'bot-1' }, '127.0.0.' + i)
  }
  assert.ok(lines() - before <= 20, 'at most 20 lines a minute in all: ' + (lines() - before))
})

test('an identity server\'s text is quoted, a secret it echoes back encoded is redacted, and a secret too short to redact is refused', async () => {
  const secret = 'p@ss w+rd/&=ü'
  const formEncoded = new URLSearchParams({ s: secret }).toString().slice(2)
  w.orchestrator.fail('connect/token', { status: 400, body: { error: 'invalid_client', error_description: 'no client with client_secret=' + formEncoded + ' or ' + encodeURIComponent(secret) + '\n[uipath] forged line' } })
  const err = await rejection(uipath.getUiPathJob(w.bp, w.event(), w.args({ jobId: 1, auth: { clientId: 'emu-app', clientSecret: secret } })))
  assert.strictEqual(err.code, 'AUTH_FAILED', err.message)
  assert.ok(err.message.indexOf('p%40ss') < 0 && err.message.indexOf('p@ss') < 0, err.message)
  assert.ok(/\[redacted\]/.test(err.message), err.message)
  assert.ok(err.message.indexOf('\n') < 0, 'no raw line break: ' + err.message)
  const short = await rejection(uipath.getUiPathJob(w.bp, w.event(), w.args({ jobId: 1, auth: { clientId: 'emu-app', clientSecret: 'abc' } })))
  assert.ok(/^INVALID_CONFIG: auth.clientSecret is too short/.test(short.message), short.message)
})
