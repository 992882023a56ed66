'use strict'
// The packaged module in a real Botpress 12.31.10 (built from source, on Node 12.18.1 and
// PostgreSQL), installed as the README tells a user, driven over HTTP only. What a user
// would see is read where Botpress keeps it: the `events` table.

const assert = require('assert')
const fs = require('fs')
const path = require('path')
const { test, before, after } = require('node:test')
const jwt = require('jsonwebtoken')
const server = require('./server')
const { startOrchestrator } = require('../emulator/orchestrator')
const { robot } = require('../emulator/robot')
const { b64url, slowRequest } = require('../support/http')

const BOT = 'uipath-bot'
const USER = 'user-42'
const MODULE_DIR = path.join(server.ROOT, 'dist')
const ARCHIVE = path.join(server.ROOT, 'dist', 'uipath.tgz')

let db
let emu
let player
let bp

function connection () {
  return {
    cloudUrl: emu.origin,
    organization: 'acme',
    tenant: 'DefaultTenant',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' },
    folder: 'Shared'
  }
}

/**
 * A bot whose flow runs every Studio action of the module: start a job, read it, wait
 * for its end; then start a second one and stop it; then wait for the next message.
 */
function botFiles () {
  const action = (name, args) => 'uipath/' + name + ' ' + JSON.stringify(args)
  const entry = [
    action('startJob', { processKey: 'InvoiceBot', inputArguments: '{"invoice": "{{event.payload.text}}"}', expiresIn: '10m' }),
    action('getJob', {}),
    action('waitForJob', { timeoutMs: '20000', pollMs: '1000' })
  ]
  const second = [
    action('startJob', { processKey: 'InvoiceBot', inputArguments: '{"mode": "slow"}', resultVariable: 'slowJob' }),
    action('stopJob', { jobId: '{{temp.slowJob.jobs.0.id}}', strategy: 'Kill' })
  ]
  return {
    'bot.config.json': {
      $schema: '../../bot.config.schema.json', id: BOT, name: BOT, active: true, version: '1.0.0', description: '', author: 'tests', license: 'MIT',
      imports: { modules: [], incomingMiddleware: [], outgoingMiddleware: [] },
      dialog: { timeoutInterval: '5m' }, logs: { expiration: '1 week' }, defaultLanguage: 'en', languages: ['en']
    },
    'flows/main.flow.json': {
      version: '0.0.1',
      catchAll: { onReceive: [], next: [] },
      startNode: 'entry',
      nodes: [
        { id: 'n-entry', name: 'entry', onEnter: entry, onReceive: null, next: [{ condition: "temp.uipathJobResult.state === 'Successful'", node: 'second' }, { condition: 'true', node: 'wait' }] },
        { id: 'n-second', name: 'second', onEnter: second, onReceive: null, next: [{ condition: 'true', node: 'wait' }] },
        { id: 'n-wait', name: 'wait', onEnter: [], onReceive: [], next: [{ condition: 'true', node: 'entry' }] }
      ]
    },
    'flows/main.ui.json': { nodes: [{ id: 'n-entry', position: { x: 0, y: 0 } }, { id: 'n-second', position: { x: 0, y: 200 } }, { id: 'n-wait', position: { x: 0, y: 400 } }], links: [] }
  }
}

/** Outgoing events Botpress recorded for a user of the bot (its collector flushes every 5 s). */
function outgoingTexts (target) {
  const rows = server.sql(db, "select json_agg(event) from events where \"botId\" = '" + BOT + "' and direction = 'outgoing' and target = '" + target + "'")
  return (rows || []).map((e) => (typeof e === 'string' ? JSON.parse(e) : e)).map((e) => e.payload && e.payload.text)
}

const tokenUrl = (botId, query) => '/api/v1/bots/' + botId + '/mod/uipath/auth/token' + (query ? '?' + new URLSearchParams(query) : '')
const callbackPath = (botInUrl) => '/api/v1/bots/' + (botInUrl || '___') + '/mod/uipath/message'

before(async () => {
  const missing = server.missingPrerequisite()
  if (missing) throw new Error('the real-Botpress tier cannot run: ' + missing)
  if (!fs.existsSync(ARCHIVE)) throw new Error('the packaged module is missing: run scripts/package-module.sh')
  db = server.startPostgres()
  player = robot({ messages: ['Invoice found.', 'Payment scheduled.'], delayMs: 50, output: { paid: true } })
  const slow = robot({ messages: [], delayMs: 10, workMs: 60000 })
  emu = await startOrchestrator({ stopDelayMs: 100, onJobStarted: (job, input, e) => (input.mode === 'slow' ? slow : player)(job, input, e) })
  // The module config in Botpress's own config file, as an administrator writes it.
  bp = await server.startBotpress({
    databaseUrl: db,
    modulesDir: MODULE_DIR,
    modules: ['uipath'],
    files: { 'global/config/uipath.json': Object.assign({ bodyTimeout: '2s' }, connection()) }
  })
  await server.importBot(bp, BOT, botFiles())
})

after(async () => {
  if (emu) await emu.close()
  server.stopAll()
})

test('the unpacked module loads in Botpress 12.31 with no error in the log', () => {
  const log = bp.log()
  assert.ok(!/Error while loading module|invalid configuration|Error in module "uipath"/.test(log), log.slice(-3000))
  assert.ok(/⦿ uipath/.test(log), 'the module is listed as loaded')
})

test('the token route: an administrator gets a bound token, nobody else does', async () => {
  const r = await bp.call('GET', tokenUrl(BOT, { channel: 'api', target: USER, expiresIn: '400d' }), bp.admin)
  assert.strictEqual(r.status, 200, r.text)
  const claims = jwt.decode(r.json.token)
  assert.deepStrictEqual([claims.aud, claims.botId, claims.channel, claims.target], ['botpress-uipath/callback', BOT, 'api', USER])
  assert.strictEqual(claims.exp - claims.iat, 86400, '400d capped to maxExpiresIn')
  assert.strictEqual((await bp.call('GET', tokenUrl(BOT), {})).status, 401)
  assert.strictEqual((await bp.call('GET', tokenUrl(BOT), { Authorization: 'Bearer ' + r.json.token })).status, 401, 'a callback token is no login')
  assert.strictEqual((await bp.call('GET', tokenUrl('___'), bp.admin)).status, 400)
})

test('the check route: the same report as the command, for a super-admin only', async () => {
  const url = '/api/v1/bots/' + BOT + '/mod/uipath/check?process=InvoiceBot'
  const r = await bp.call('GET', url, bp.admin)
  assert.strictEqual(r.status, 200, r.text)
  assert.strictEqual(r.json.ok, true, r.text)
  assert.deepStrictEqual(r.json.steps.map((st) => st.name), ['settings', 'token', 'folder', 'process', 'module'])
  assert.ok(r.text.indexOf('emu-app-secret') < 0)
  assert.strictEqual((await bp.call('GET', url, {})).status, 401)
})

test('a conversation runs every Studio action; the robot\'s Callback messages reach that user', async () => {
  const started = emu.requestsTo('StartJobs').length
  const r = await bp.call('POST', '/api/v1/bots/' + BOT + '/converse/' + USER, {}, { type: 'text', text: 'INV-0042' })
  assert.strictEqual(r.status, 200, r.text)
  const start = await server.eventually('StartJobs at the emulator', () => emu.requestsTo('StartJobs')[started])
  const info = JSON.parse(start.body).startInfo
  const input = JSON.parse(info.InputArguments)
  assert.deepStrictEqual([input.invoice, input.botId, input.channel, input.target], ['INV-0042', BOT, 'api', USER])
  assert.strictEqual(input.botpressUrl, bp.url, 'process.EXTERNAL_URL')
  assert.strictEqual(start.headers['x-uipath-folderpath'], 'Shared', 'the module config from data/global/config/uipath.json')
  const token = jwt.decode(input.botpressToken)
  assert.deepStrictEqual([token.botId, token.channel, token.target], [BOT, 'api', USER])
  // The robot posts the Callback activity's exact request; Botpress records the replies.
  const texts = await server.eventually('the robot\'s messages in the events table', () => {
    const t = outgoingTexts(USER)
    return t.indexOf('Payment scheduled.') >= 0 && t
  }, 30000)
  assert.deepStrictEqual(texts.filter((t) => /Invoice found|Payment scheduled/.test(t)), ['Invoice found.', 'Payment scheduled.'])
  assert.ok(player.outcomes.every((o) => o.status === 200), JSON.stringify(player.outcomes))
  // uipath/getJob and uipath/waitForJob read the first job; the flow went on because
  // temp.uipathJobResult.state was Successful; uipath/stopJob killed the second.
  const [first, second] = emu.jobs.slice(-2)
  assert.strictEqual(first.State, 'Successful')
  assert.ok(emu.requestsTo('/odata/Jobs(' + first.Id + ')').length >= 2, 'getJob and waitForJob read it')
  const stop = await server.eventually('StopJobs for the second job', () => emu.requestsTo('StopJobs').slice(-1)[0])
  assert.deepStrictEqual(stop.json, { jobIds: [second.Id], strategy: 'Kill' })
  await server.eventually('the second job stopped', () => second.State === 'Stopped')
  assert.ok(!/UiPath action failed/.test(bp.log()), 'no action failed')
})

test('refusals are answered, and nothing reaches any user', async () => {
  const tok = await bp.call('GET', tokenUrl(BOT, { channel: 'api', target: USER }), bp.admin)
  const token = tok.json.token
  const message = (n) => ({ type: 'text', text: 'refused-' + n })
  const body = (n, extra) => Object.assign({ botId: BOT, channel: 'api', target: USER, message: message(n) }, extra || {})
  // A forgery through Botpress itself: getMessageSignature is HMAC-SHA256 under
  // APP_SECRET, open to any holder of an SDK token (actions, hooks, the action server).
  const appSecret = JSON.parse(fs.readFileSync(bp.dataFile('global/botpress.config.json'), 'utf8')).appSecret
  const sdkToken = jwt.sign({ scopes: ['*'], botId: BOT }, appSecret, { audience: 'api_user', expiresIn: '5m' })
  const now = Math.floor(Date.now() / 1000)
  const input = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify({ aud: 'botpress-uipath/callback', botId: BOT, channel: 'api', target: USER, iat: now, exp: now + 600, jti: 'forged' }))
  const sig = await bp.call('POST', '/api/v1/sdk/security/getMessageSignature', { Authorization: 'Bearer ' + sdkToken }, { message: input })
  assert.strictEqual(sig.status, 200, 'the oracle is reachable: ' + sig.text)
  const forged = input + '.' + b64url(Buffer.from(sig.text.replace(/"/g, ''), 'hex'))

  const cases = [
    ['forged through getMessageSignature', callbackPath(), { Authorization: 'bearer ' + forged }, body(1), 401],
    ['another conversation', callbackPath(), { Authorization: 'bearer ' + token }, body(2, { target: 'user-7' }), 403],
    ['a thread the token does not name', callbackPath(), { Authorization: 'bearer ' + token }, body(3, { threadId: 'other' }), 403],
    ['malformed message', callbackPath(), { Authorization: 'bearer ' + token }, body(4, { message: { text: 'no type' } }), 400],
    ['form-encoded', callbackPath(), { Authorization: 'bearer ' + token, 'Content-Type': 'application/x-www-form-urlencoded' }, 'botId=' + BOT + '&channel=api&target=' + USER + '&message[type]=text&message[text]=refused-5', 415],
    ['form-encoded, percent-encoded bot id', callbackPath('%5F%5F%5F'), { Authorization: 'bearer ' + token, 'Content-Type': 'application/x-www-form-urlencoded' }, 'botId=' + BOT + '&message[text]=refused-6', 415],
    ['percent-encoded bot id, no token', callbackPath('%5F%5F%5F'), {}, body(7), 401],
    ['oversized', callbackPath(), { Authorization: 'bearer ' + token }, body(8, { message: { type: 'text', text: 'refused-8 ' + 'x'.repeat(70 * 1024) } }), 413],
    ['oversized, percent-encoded bot id', callbackPath('%5F%5F%5F'), { Authorization: 'bearer ' + token }, body(9, { message: { type: 'text', text: 'refused-9 ' + 'x'.repeat(70 * 1024) } }), 413]
  ]
  for (const [name, urlPath, headers, payload, status] of cases) {
    const r = await bp.call('POST', urlPath, headers, payload)
    assert.strictEqual(r.status, status, name + ': ' + r.text)
    assert.strictEqual(r.json && r.json.statusCode, status, name + ': a JSON error')
  }
  // A slow body, without a token: answered 408 after bodyTimeout (2 s here), not left hanging.
  const t0 = Date.now()
  const slow = await slowRequest(bp.url, callbackPath(), { 'Content-Type': 'application/json' }, 200, '{"botId":', 8000)
  assert.ok(/^HTTP\/1\.1 408/.test(slow), slow)
  assert.ok(Date.now() - t0 < 6000, 'within bodyTimeout, plus slack')

  // A legitimate callback after them: once it is recorded, the refused ones would be too.
  const ok = await bp.call('POST', callbackPath('%5F%5F%5F'), { Authorization: 'bearer ' + token }, body('marker', { message: { type: 'text', text: 'after the refusals' } }))
  assert.strictEqual(ok.status, 200, ok.text)
  const texts = await server.eventually('the marker message', () => {
    const t = outgoingTexts(USER)
    return t.indexOf('after the refusals') >= 0 && t
  }, 30000)
  assert.deepStrictEqual(texts.filter((t) => /refused-/.test(t)), [])
  assert.deepStrictEqual(outgoingTexts('user-7'), [])
  const log = bp.log()
  assert.ok(log.indexOf(token) < 0 && log.indexOf(forged) < 0 && log.indexOf(appSecret) < 0, 'no token or secret in the log')
})

test('the archive uploaded and enabled by an administrator (a fresh server, no restart) takes callbacks', async () => {
  bp.stop()
  // A Botpress binary looks for modules in data/modules first, where an upload lands
  // (core/modules/utils/resolver.ts); a server run from source only where
  // BP_MODULES_PATH says, so it is told the same place.
  const fresh = await server.startBotpress({
    databaseUrl: server.startPostgres(),
    modulesDir: server.dataDir('modules'),
    modules: [],
    files: { 'global/config/uipath.json': connection(), 'modules/.keep': '' }
  })
  const form = server.multipart('file', 'uipath.tgz', fs.readFileSync(ARCHIVE))
  const up = await server.rawPost(fresh.url + '/api/v2/admin/management/modules/upload', Object.assign({ 'Content-Type': form.contentType }, fresh.admin), form.body)
  assert.strictEqual(up.status, 200, up.text)
  assert.strictEqual(up.json.name, 'uipath')
  const unpack = await server.rawPost(fresh.url + '/api/v2/admin/management/modules/uipath/unpack', fresh.admin, Buffer.alloc(0))
  assert.strictEqual(unpack.status, 200, unpack.text)
  const enable = await server.rawPost(fresh.url + '/api/v2/admin/management/modules/uipath/enabled/true', fresh.admin, Buffer.alloc(0))
  assert.strictEqual(enable.status, 200, enable.text)
  await server.importBot(fresh, BOT, botFiles())
  const r = await server.eventually('the token route of the enabled module', async () => {
    const t = await fresh.call('GET', tokenUrl(BOT, { channel: 'api', target: USER }), fresh.admin)
    return t.status === 200 && t
  })
  const sent = await fresh.call('POST', callbackPath(), { Authorization: 'bearer ' + r.json.token, 'Content-Type': 'application/json' }, { botId: BOT, channel: 'api', target: USER, message: { type: 'text', text: 'hello from the uploaded module' } })
  assert.strictEqual(sent.status, 200, sent.text)
  assert.ok(!/Error while loading module|invalid configuration/.test(fresh.log()), fresh.log().slice(-3000))
})
