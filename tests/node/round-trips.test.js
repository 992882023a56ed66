'use strict'
// What one job start costs on the wire, counted (never timed): requests to Orchestrator
// and to Botpress, new connections, token requests under concurrency. On every Node
// version of the matrix, Node 12 included.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const uipath = require('../../js-shim')

let w
before(async () => { w = await startWorld() })
after(async () => { await w.close() })

const counts = () => ({
  orchestrator: w.orchestrator.requests.length,
  botpress: w.botpress.requests.length,
  connections: w.orchestrator.connections + w.botpress.connections,
  tokens: w.orchestrator.requestsTo('connect/token').length
})
const since = (a) => { const b = counts(); return { orchestrator: b.orchestrator - a.orchestrator, botpress: b.botpress - a.botpress, connections: b.connections - a.connections, tokens: b.tokens - a.tokens } }

test('a warm start: StartJobs alone to Orchestrator, one Botpress request, no new connection', async () => {
  const args = w.args({ releaseCacheTtl: '5m' })
  await uipath.startUiPathJob(w.bp, w.event(), args)
  const cold = counts()
  const started = await uipath.startUiPathJob(w.bp, w.event(), args)
  assert.strictEqual(started.jobs.length, 1)
  const warm = since(cold)
  assert.deepStrictEqual(warm, { orchestrator: 1, botpress: 1, connections: 0, tokens: 0 })
  assert.ok(/StartJobs$/.test(w.orchestrator.requests.slice(-1)[0].path))
})

test('without the release cache, a warm start lists the releases first', async () => {
  const args = w.args({ releaseCacheTtl: false })
  await uipath.startUiPathJob(w.bp, w.event(), args)
  const before = counts()
  await uipath.startUiPathJob(w.bp, w.event(), args)
  const warm = since(before)
  assert.deepStrictEqual([warm.orchestrator, warm.botpress, warm.connections], [2, 1, 0])
})

test('in the server that hosts the uipath module, the callback token is issued in process: StartJobs is the only request', async () => {
  const world = await startWorld({ module: 'ours', connection: true })
  try {
    const jwt = require('jsonwebtoken')
    const args = { processKey: 'InvoiceBot', externalUrl: world.botpress.url }
    await uipath.startUiPathJob(world.bp, world.event(), args)
    const before = { o: world.orchestrator.requests.length, b: world.botpress.requests.length }
    await uipath.startUiPathJob(world.bp, world.event(), args)
    assert.strictEqual(world.orchestrator.requests.length - before.o, 1, 'StartJobs alone')
    assert.strictEqual(world.botpress.requests.length - before.b, 0, 'no request to Botpress')
    const input = JSON.parse(world.orchestrator.requestsTo('StartJobs').slice(-1)[0].json.startInfo.InputArguments)
    const claims = jwt.decode(input.botpressToken)
    assert.deepStrictEqual([claims.aud, claims.botId, claims.channel, claims.target, claims.threadId], ['botpress-uipath/callback', 'bot-1', 'web', 'user-1', 'thread-1'])
    assert.strictEqual(claims.exp - claims.iat, 3600)
    // The token works on the module's callback route, like one from the HTTP route.
    const { request } = require('../support/http')
    const r = await request(world.botpress.url, 'POST', '/api/v1/bots/___/mod/uipath/message', { Authorization: 'bearer ' + input.botpressToken },
      { botId: 'bot-1', channel: 'web', target: 'user-1', message: { type: 'text', text: 'from the robot' } })
    assert.strictEqual(r.status, 200, r.text)
    // getBotpressToken too: no request to Botpress, the same kind of token.
    const b0 = world.botpress.requests.length
    const token = await uipath.getBotpressToken(world.bp, world.event(), { expiresIn: '90s' })
    assert.strictEqual(world.botpress.requests.length - b0, 0, 'no request to Botpress')
    const c = jwt.decode(token)
    assert.deepStrictEqual([c.aud, c.botId, c.threadId, c.exp - c.iat], ['botpress-uipath/callback', 'bot-1', 'thread-1', 90])
  } finally {
    await world.close()
  }
  assert.strictEqual(globalThis[Symbol.for('botpress-uipath/callback-tokens')], undefined, 'removed on unmount')
})

test('50 concurrent cold starts with one set of credentials make one token request', async () => {
  // A scope of its own makes these credentials new to the process-wide token cache.
  const args = w.args({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs OR.Execution.Read OR.Folders.Read OR.Jobs' } })
  const before = counts()
  const started = await Promise.all(Array.from({ length: 50 }, () => uipath.startUiPathJob(w.bp, w.event(), args)))
  assert.strictEqual(started.length, 50)
  assert.strictEqual(new Set(started.map((s) => s.jobs[0].id)).size, 50)
  const d = since(before)
  assert.strictEqual(d.tokens, 1, 'one token request for 50 starts')
  assert.strictEqual(w.orchestrator.requestsTo('/odata/Releases').length >= 1, true)
  assert.ok(d.orchestrator <= 50 + 2, d.orchestrator + ' Orchestrator requests: one token, one listing, 50 starts')
})
