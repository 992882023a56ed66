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
const { startOrchestrator, defaultData, approvalRelease } = require('../emulator/orchestrator')
const { robot, orchestration } = require('../emulator/robot')
const { b64url, slowRequest } = require('../support/http')

const {
  BOT, USER, ENDS_BOT, TOKEN_BOT, INJECT_BOT, REQUIRE_BOT, QUEUE_BOT, ASK_BOT,
  botFiles, endsBotFiles, tokenBotFiles, ownAction, requireBotFiles, queueBotFiles, askBotFiles
} = require('./bots')
const WEBHOOK_SECRET = 'tier4-webhook-secret-7f3a'
const MODULE_DIR = path.join(server.ROOT, 'dist')
const ARCHIVE = path.join(server.ROOT, 'dist', 'uipath.tgz')

let db
let emu
let player
let asker
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

/** Events Botpress recorded for a user of a bot (its collector flushes every 5 s). */
function recordedEvents (target, direction, botId) {
  const rows = server.sql(db, "select json_agg(event) from events where \"botId\" = '" + (botId || BOT) + "' and direction = '" + direction + "' and target = '" + target + "'")
  return (rows || []).map((e) => (typeof e === 'string' ? JSON.parse(e) : e))
}

/** Outgoing texts Botpress recorded for a user of the bot. */
function outgoingTexts (target, botId) {
  return recordedEvents(target, 'outgoing', botId).map((e) => e.payload && e.payload.text)
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
  // A robot nobody edited for Botpress: it never calls back.
  const quiet = robot({ messages: [], delayMs: 10, workMs: 500, output: { status: 'paid' } })
  // An orchestration robot: Create External Task, a nudge, Wait For External Task And Resume.
  asker = orchestration({ nudge: true })
  const robots = { slow: slow, quiet: quiet, ask: asker }
  emu = await startOrchestrator({ stopDelayMs: 100, releases: defaultData().releases.concat(approvalRelease()), onJobStarted: (job, input, e) => (robots[input.mode] || player)(job, input, e) })
  // The module config in Botpress's own config file, as an administrator writes it.
  bp = await server.startBotpress({
    databaseUrl: db,
    modulesDir: MODULE_DIR,
    modules: ['uipath'],
    files: {
      'global/config/uipath.json': Object.assign({ bodyTimeout: '2s', webhookSecret: WEBHOOK_SECRET, pollInterval: '2s', taskPollInterval: '2s' }, connection()),
      // A global action of the bot developer's own, beside the module's.
      'global/actions/payInvoice.js': ownAction('global action')
    }
  })
  await server.importBot(bp, BOT, botFiles())
  await server.importBot(bp, ENDS_BOT, endsBotFiles())
  await server.importBot(bp, TOKEN_BOT, tokenBotFiles())
  await server.importBot(bp, REQUIRE_BOT, requireBotFiles())
  await server.importBot(bp, QUEUE_BOT, queueBotFiles())
  await server.importBot(bp, ASK_BOT, askBotFiles())
  // Orchestrator → Webhooks: the module's URL and secret, as an administrator registers it.
  emu.webhooks.add({ url: bp.url + '/api/v1/bots/___/mod/uipath/webhook', secret: WEBHOOK_SECRET })
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
  assert.deepStrictEqual(r.json.steps.map((st) => st.name), ['settings', 'token', 'folder', 'process', 'module', 'actions'])
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

// In the server that hosts the module, the token comes from the module's in-process issuer
// (tier 3's round-trips test counts the requests: none); here, that it works for real.
test('getBotpressToken in a bot\'s own action: a token bound to the conversation, which the robot can post with', async () => {
  const user = 'token-user-1'
  const r = await bp.call('POST', '/api/v1/bots/' + TOKEN_BOT + '/converse/' + user, {}, { type: 'text', text: 'token please' })
  assert.strictEqual(r.status, 200, r.text)
  const reply = await server.eventually('the token in a reply', () => outgoingTexts(user, TOKEN_BOT).find((t) => /^token /.test(t || '')))
  const token = reply.slice('token '.length)
  const claims = jwt.decode(token)
  assert.deepStrictEqual([claims.aud, claims.botId, claims.channel, claims.target, claims.exp - claims.iat], ['botpress-uipath/callback', TOKEN_BOT, 'api', user, 90])
  const posted = await bp.call('POST', callbackPath(), { Authorization: 'bearer ' + token }, { botId: TOKEN_BOT, channel: 'api', target: user, message: { type: 'text', text: 'from the robot, with that token' } })
  assert.strictEqual(posted.status, 200, posted.text)
  await server.eventually('the robot\'s message', () => outgoingTexts(user, TOKEN_BOT).indexOf('from the robot, with that token') >= 0, 30000)
  assert.ok(!/An error occurred while executing the action/.test(bp.log()), 'the action ran')
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

test('a job\'s end reaches the conversation that started it, by webhook and by poll; the waiting node takes its transition', async () => {
  const seen = []
  for (const [user, lose] of [['ends-user-1', false], ['ends-user-2', true]]) {
    if (lose) emu.webhooks.drop(1)
    const n = emu.jobs.length
    const r = await bp.call('POST', '/api/v1/bots/' + ENDS_BOT + '/converse/' + user, {}, { type: 'text', text: 'go' })
    assert.strictEqual(r.status, 200, r.text)
    const job = await server.eventually('the job started', () => emu.jobs[n])
    await server.eventually('the job ended', () => job.State === 'Successful', 10000)
    // The node after the transition reads the job the event names: the flow got the event.
    // Reads by id: the module's own read of a webhook's job (none when the webhook was
    // lost: the poller reads with a filter), then the flow's uipath/getJob.
    const byId = lose ? 1 : 2
    await server.eventually('the flow\'s uipath/getJob of job ' + job.Id, () => emu.requestsTo('/odata/Jobs(' + job.Id + ')').length >= byId, 30000)
    const texts = await server.eventually('the module\'s text in the events table', () => {
      const t = outgoingTexts(user, ENDS_BOT)
      return t.indexOf('InvoiceBot finished: paid') >= 0 && t
    }, 30000)
    assert.strictEqual(texts.filter((t) => t === 'InvoiceBot finished: paid').length, 1)
    assert.strictEqual(emu.requestsTo('/odata/Jobs(' + job.Id + ')').length, byId, 'the flow read the job once')
    const ends = recordedEvents(user, 'incoming', ENDS_BOT).filter((e) => e.type === 'uipath-job')
    assert.strictEqual(ends.length, 1, 'one uipath-job event')
    assert.deepStrictEqual([ends[0].channel, ends[0].payload.jobId, ends[0].payload.state, ends[0].payload.outputArguments],
      ['api', job.Id, 'Successful', { status: 'paid' }])
    assert.ok(bp.log().indexOf('job ' + job.Id + ' Successful: delivered to the conversation (' + (lose ? 'poll' : 'webhook') + ')') >= 0)
    seen.push(job.Id)
  }
  const calls = emu.webhooks.calls.filter((c) => seen.indexOf(c.jobId) >= 0).map((c) => c.status)
  assert.deepStrictEqual(calls, [200, 'dropped'])
  const open = server.sql(db, "select json_agg(job_id) from uipath_jobs where delivered_at is null and bot_id = '" + ENDS_BOT + "'")
  assert.strictEqual(open, null, 'every tracked job of the bot delivered')
  // What cannot be verified is refused in the real server too, and nothing is delivered.
  const body = JSON.stringify({ Type: 'job.completed', Job: { Id: seen[0], Key: emu.jobs.find((j) => j.Id === seen[0]).Key, State: 'Successful' } })
  for (const [urlPath, headers, status] of [
    ['/api/v1/bots/___/mod/uipath/webhook', { 'Content-Type': 'application/json' }, 401],
    ['/api/v1/bots/___/mod/uipath/webhook', { 'Content-Type': 'application/json', 'X-UiPath-Signature': 'bm9wZQ==' }, 401],
    ['/api/v1/bots/%5F%5F%5F/mod/uipath/webhook', { 'Content-Type': 'application/json', 'X-UiPath-Signature': require('crypto').createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64') }, 401]
  ]) {
    const r = await bp.call('POST', urlPath, headers, body)
    assert.strictEqual(r.status, status, urlPath + ': ' + r.text)
  }
})

test('require(\'botpress-uipath\') works in a global action, a bot\'s action and its subfolders, in both action modes', async () => {
  const user = 'require-user-1'
  const n = emu.jobs.length
  const r = await bp.call('POST', '/api/v1/bots/' + REQUIRE_BOT + '/converse/' + user, {}, { type: 'text', text: 'pay' })
  assert.strictEqual(r.status, 200, r.text)
  const said = await server.eventually('what the four actions said', () => {
    const t = outgoingTexts(user, REQUIRE_BOT).filter((x) => / started \d+/.test(x || ''))
    return t.length === 4 && t
  }, 40000)
  const labels = said.map((t) => t.replace(/ started .*/, '')).sort()
  assert.deepStrictEqual(labels, ['bot action', 'bot action in billing/', 'bot action in uipath/', 'global action'].sort())
  assert.ok(said.some((t) => /^bot action started \d+, ended Successful$/.test(t)), JSON.stringify(said))
  const invoices = emu.jobs.slice(n).map((j) => JSON.parse(j.InputArguments).invoice).sort()
  assert.deepStrictEqual(invoices, labels)
  assert.ok(!/not found\. Tried these locations/.test(bp.log()), 'every require resolved')
  // The check says so too.
  const check = await bp.call('GET', '/api/v1/bots/' + REQUIRE_BOT + '/mod/uipath/check', bp.admin)
  const step = check.json.steps.find((st) => st.name === 'actions')
  assert.ok(step && step.ok && /action code can require\('botpress-uipath'\)/.test(step.detail), check.text)
})

test('the module as the admin and the Studio show it: named UiPath, its actions with titles, categories, parameters, no links', async () => {
  const modules = await bp.call('GET', '/api/v1/modules/all', bp.admin)
  assert.strictEqual(modules.status, 200, modules.text)
  const mine = modules.json.find((m) => m.name === 'uipath')
  assert.ok(mine, modules.text.slice(0, 500))
  assert.strictEqual(mine.fullName, 'UiPath')
  assert.ok(/jobs/.test(mine.description), mine.description)
  const r = await bp.call('GET', '/api/v1/studio/' + BOT + '/actions', bp.admin)
  assert.strictEqual(r.status, 200, r.text.slice(0, 500))
  // The studio backend sends each action's metadata beside its name.
  const meta = (a) => a.metadata || a
  const ours = r.json.filter((a) => /^uipath\//.test(a.name)).map((a) => [a.name, meta(a).title, meta(a).category])
  for (const [name, title] of [['uipath/startJob', 'Start UiPath job'], ['uipath/getJob', 'Get UiPath job'], ['uipath/waitForJob', 'Wait for UiPath job'], ['uipath/stopJob', 'Stop UiPath job']]) {
    assert.ok(ours.some((a) => a[0] === name && a[1] === title && a[2] === 'UiPath'), name + ': ' + JSON.stringify(ours))
  }
  for (const action of r.json.filter((a) => /^uipath\/(start|get|waitFor|stop)Job$/.test(a.name))) {
    const m = meta(action)
    assert.ok(!/[[\]]/.test(m.description), action.name + ': the description has no Markdown link: ' + m.description)
    for (const p of m.params) assert.ok(!/[[\]]/.test(p.description || ''), action.name + '.' + p.name + ': ' + p.description)
    if (action.name === 'uipath/startJob') {
      const byName = Object.fromEntries(m.params.map((p) => [p.name, p]))
      assert.strictEqual(byName.processKey.required, true)
      assert.strictEqual(byName.processKey.type, 'string')
      assert.deepStrictEqual(m.params.map((p) => p.name), ['processKey', 'processVersion', 'folder', 'inputArguments', 'jobsCount', 'expiresIn', 'resultVariable'])
    }
  }
})

test('the Callback activity\'s exact bytes, with an object Message and with a plain string one', async () => {
  const user = 'activity-user-1'
  const tok = await bp.call('GET', tokenUrl(BOT, { channel: 'api', target: user }), bp.admin)
  const post = (body) => new Promise((resolve, reject) => {
    const data = Buffer.from(body, 'utf8')
    const req = require('http').request(bp.url + callbackPath(), {
      method: 'POST',
      headers: { Authorization: 'bearer ' + tok.json.token, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, Expect: '100-continue' },
      agent: false
    }, (res) => { let t = ''; res.on('data', (c) => { t += c }); res.on('end', () => resolve({ status: res.statusCode, text: t })) })
    req.on('continue', () => req.end(data))
    req.on('error', reject)
  })
  for (const message of ['{"type":"text","text":"an object Message"}', '"a plain string Message"']) {
    const r = await post('{"text":null,"message":' + message + ',"channel":"api","target":"' + user + '","botId":"' + BOT + '"}')
    assert.strictEqual(r.status, 200, r.text)
  }
  await server.eventually('both messages in the events table', () => {
    const t = outgoingTexts(user)
    return t.indexOf('an object Message') >= 0 && t.indexOf('a plain string Message') >= 0
  }, 30000)
})

test('a flow adds a queue item; the performer completes it; the uipath-queue-item event takes the transition once, by webhook and with the webhook lost', async () => {
  for (const [user, lose] of [['queue-user-1', false], ['queue-user-2', true]]) {
    const n = emu.items.length
    const r = await bp.call('POST', '/api/v1/bots/' + QUEUE_BOT + '/converse/' + user, {}, { type: 'text', text: 'INV-' + user })
    assert.strictEqual(r.status, 200, r.text)
    const item = await server.eventually('the item added', () => emu.items.slice(n).find((i) => i.SpecificContent.invoice === 'INV-' + user))
    assert.deepStrictEqual([item.SpecificContent.botId, item.SpecificContent.channel, item.SpecificContent.target], [QUEUE_BOT, 'api', user])
    assert.ok(/^eyJ/.test(item.SpecificContent.botpressToken), 'the performer can call back')
    if (lose) emu.webhooks.drop(10)
    emu.queueWork('Invoices', { IsSuccessful: true, Output: { paid: true } }, item.Id)
    const texts = await server.eventually('the module\'s text', () => {
      const t = outgoingTexts(user, QUEUE_BOT)
      return t.indexOf('Invoices done: paid=true') >= 0 && t
    }, 30000)
    assert.strictEqual(texts.filter((t) => t === 'Invoices done: paid=true').length, 1)
    await server.eventually('the flow\'s uipath/getQueueItem of the item', () => emu.requestsTo('/odata/QueueItems(' + item.Id + ')').length >= 1, 30000)
    const ends = recordedEvents(user, 'incoming', QUEUE_BOT).filter((e) => e.type === 'uipath-queue-item')
    assert.strictEqual(ends.length, 1, 'one uipath-queue-item event')
    assert.deepStrictEqual([ends[0].payload.status, ends[0].payload.output], ['Successful', { paid: true }])
    assert.ok(bp.log().indexOf('queue item ' + item.Id + ' Successful: delivered to the conversation (' + (lose ? 'poll' : 'webhook') + ')') >= 0)
  }
})

test('a robot asks: the question in the conversation, the answer completes the task once and never reaches the flow; forged and foreign tokens are never asked', async () => {
  const user = 'ask-user-1'
  const n = emu.jobs.length
  const r = await bp.call('POST', '/api/v1/bots/' + ASK_BOT + '/converse/' + user, {}, { type: 'text', text: 'pay ACME' })
  assert.strictEqual(r.status, 200, r.text)
  const job = await server.eventually('the job started', () => emu.jobs[n])
  const task = await server.eventually('the robot\'s task', () => (asker.tasks.find((t) => t.jobId === job.Id) || {}).task)
  // The converse channel ('api') draws no single-choice: the choices are in the text. (The
  // events table holds "$1" for its "?": Botpress 12.31's event collector inlines the
  // values with knex's toQuery() and runs the text through knex.raw() again, which takes
  // a "?" for a binding. What the user was sent has the "?".)
  const question = 'Approve the payment of 12,400 EUR to ACME GmbH$1\n(Approve / Reject)'
  await server.eventually('the question in the conversation', () => outgoingTexts(user, ASK_BOT).indexOf(question) >= 0, 30000)
    .catch((err) => { throw new Error(err.message + ': ' + JSON.stringify(recordedEvents(user, 'outgoing', ASK_BOT).map((e) => e.payload))) })
  assert.strictEqual(job.State, 'Suspended')
  // Forged, and another conversation's (a valid token no running job was given): never asked.
  const other = await bp.call('GET', tokenUrl(ASK_BOT, { channel: 'api', target: 'ask-victim' }), bp.admin)
  assert.strictEqual(other.status, 200, other.text)
  const forged = other.json.token.replace(/\.[^.]+$/, '.AAAA')
  const bad = [forged, other.json.token].map((t) => emu.createTask(1, { title: 'Pay?', taskCatalogName: 'Botpress', data: { botpressToken: t, question: 'Wire 1,000,000 EUR?' } }).task)
  // An unrelated user's message reaches the flow as before.
  const hello = await bp.call('POST', '/api/v1/bots/' + ASK_BOT + '/converse/ask-user-2', {}, { type: 'text', text: 'hello' })
  assert.strictEqual(hello.status, 200, hello.text)
  await server.eventually('the unrelated user heard by the flow', () => outgoingTexts('ask-user-2', ASK_BOT).indexOf('flow heard: hello') >= 0, 30000)
  const answer = await bp.call('POST', '/api/v1/bots/' + ASK_BOT + '/converse/' + user, {}, { type: 'text', text: 'approve' })
  assert.strictEqual(answer.status, 200, answer.text)
  await server.eventually('the confirmation', () => outgoingTexts(user, ASK_BOT).indexOf('Thanks, I passed that on.') >= 0, 30000)
  const done = emu.completions.filter((c) => c.taskId === task.id)
  assert.strictEqual(done.length, 1, 'one completion')
  assert.deepStrictEqual([done[0].action, done[0].data.decision, done[0].data.answeredBy], ['submit', 'Approve', 'botpress:api:' + user])
  // The robot resumes; its end reaches the waiting node and the conversation.
  await server.eventually('the job\'s end in the conversation', () => outgoingTexts(user, ASK_BOT).indexOf('ApprovalBot finished: Approve') >= 0, 30000)
  assert.strictEqual(job.State, 'Successful')
  await server.eventually('both bad tasks refused', () => bad.every((t) => bp.log().indexOf('task ' + t.id + ' is not asked') >= 0), 30000)
  const texts = outgoingTexts(user, ASK_BOT)
  assert.ok(!texts.some((t) => /^flow heard/.test(t || '')), 'the answer never reached the flow: ' + JSON.stringify(texts))
  assert.deepStrictEqual([texts.filter((t) => t === question).length, texts.filter((t) => t === 'Thanks, I passed that on.').length], [1, 1])
  assert.strictEqual(recordedEvents('ask-victim', 'outgoing', ASK_BOT).length, 0, 'nothing asked of the other conversation')
  assert.ok(bp.log().indexOf(other.json.token) < 0 && bp.log().indexOf(forged) < 0, 'no token in the log')
})

test('a webhook is a signal: a signed end with outputs of its sender\'s choice delivers Orchestrator\'s end, once', async () => {
  const user = 'ends-user-3'
  emu.webhooks.drop(1)
  const n = emu.jobs.length
  const r = await bp.call('POST', '/api/v1/bots/' + ENDS_BOT + '/converse/' + user, {}, { type: 'text', text: 'go' })
  assert.strictEqual(r.status, 200, r.text)
  const job = await server.eventually('the job started', () => emu.jobs[n])
  // A holder of the webhook secret claims the job ended, with outputs of their choice.
  const body = JSON.stringify({ Type: 'job.completed', Job: { Id: job.Id, Key: job.Key, State: 'Successful', OutputArguments: '{"status":"forged"}' } })
  const sig = require('crypto').createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64')
  const forged = await bp.call('POST', '/api/v1/bots/___/mod/uipath/webhook', { 'Content-Type': 'application/json', 'X-UiPath-Signature': sig }, body)
  assert.strictEqual(forged.status, 200, forged.text)
  await server.eventually('the job ended', () => job.State === 'Successful', 10000)
  const texts = await server.eventually('the module\'s text', () => {
    const t = outgoingTexts(user, ENDS_BOT)
    return t.indexOf('InvoiceBot finished: paid') >= 0 && t
  }, 30000)
  assert.ok(texts.every((t) => !/forged/.test(t || '')), JSON.stringify(texts))
  const ends = recordedEvents(user, 'incoming', ENDS_BOT).filter((e) => e.type === 'uipath-job')
  assert.strictEqual(ends.length, 1)
  assert.deepStrictEqual(ends[0].payload.outputArguments, { status: 'paid' }, 'Orchestrator\'s output, not the webhook\'s')
})

test('a chat user\'s line break in a templated folder parameter starts nothing', async () => {
  const files = botFiles()
  files['bot.config.json'] = Object.assign({}, files['bot.config.json'], { id: INJECT_BOT, name: INJECT_BOT })
  files['flows/main.flow.json'] = {
    version: '0.0.1',
    catchAll: { onReceive: [], next: [] },
    startNode: 'start',
    nodes: [{ id: 'i-start', name: 'start', onEnter: ['uipath/startJob ' + JSON.stringify({ processKey: 'InvoiceBot', folder: 'Public/{{event.payload.text}}' })], onReceive: null, next: [] }]
  }
  files['flows/main.ui.json'] = { nodes: [{ id: 'i-start', position: { x: 0, y: 0 } }], links: [] }
  await server.importBot(bp, INJECT_BOT, files)
  // The module's own pollers (tasks, job ends) read Orchestrator meanwhile: count the rest.
  const started = () => emu.requests.filter((r) => !/\/odata\/Tasks|\/odata\/Jobs$|\/identity_\/connect\/token/.test(r.path)).length
  const seen = started()
  const r = await bp.call('POST', '/api/v1/bots/' + INJECT_BOT + '/converse/inject-user', {}, { type: 'text', text: 'x\nX-UIPATH-OrganizationUnitId: 7' })
  assert.strictEqual(r.status, 200, r.text)
  await server.eventually('the action\'s failure in the log', () => /UiPath action failed: INVALID_CONFIG/.test(bp.log()), 15000)
  assert.strictEqual(started(), seen, 'nothing reached Orchestrator')
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
