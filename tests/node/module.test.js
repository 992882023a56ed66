'use strict'
// The uipath module as Botpress loads it from its package: callback tokens bound to the
// conversation, every refusal of the callback route, the Studio action, the full loop.

const assert = require('assert')
const fs = require('fs')
const path = require('path')
const jwt = require('jsonwebtoken')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const { robot } = require('../emulator/robot')
const { readAction, MODULE_ROOT } = require('../support/module')
const { callbackKey, request: httpRequest } = require('../support/http')
const uipath = require('../../js-shim')

let w
let player
before(async () => {
  player = robot({ messages: ['Step 1 done', 'All done'], delayMs: 5 })
  w = await startWorld({ module: 'ours', connection: true, orchestrator: { onJobStarted: (job, input, emu) => player(job, input, emu) }, botpress: { bots: { 'bot-1': {}, 'bot-2': {}, 'private-bot': { private: true } } } })
})
after(async () => { await w.close() })

const request = (method, urlPath, headers, body) => httpRequest(w.botpress.url, method, urlPath, headers, body)

async function issue (botId, query) {
  const q = new URLSearchParams(query || {}).toString()
  const r = await request('GET', '/api/v1/bots/' + botId + '/mod/uipath/auth/token?' + q, { Authorization: 'Bearer ' + w.botpress.serverToken() })
  assert.strictEqual(r.status, 200, r.text)
  assert.deepStrictEqual(Object.keys(r.json), ['token'], 'the original route\'s answer shape')
  return r.json.token
}

/** The Callback activity's exact request: `___`, lower-case bearer, no threadId. */
function callback (token, body, botInUrl) {
  const b = Object.assign({ message: { type: 'text', text: 'Robot says hi' }, target: 'user-1', channel: 'web', botId: 'bot-1' }, body || {})
  return request('POST', '/api/v1/bots/' + (botInUrl || '___') + '/mod/uipath/message', token === null ? {} : { Authorization: 'bearer ' + token }, b)
}

const conversation = { channel: 'web', target: 'user-1', threadId: 'thread-1' }

test('the Callback activity\'s request is delivered to the bound conversation, threadId filled in', async () => {
  const token = await issue('bot-1', Object.assign({ expiresIn: '10m' }, conversation))
  const n = w.botpress.replies.length
  const r = await callback(token)
  assert.strictEqual(r.status, 200, r.text)
  const got = w.botpress.replies.slice(n)
  assert.strictEqual(got.length, 1)
  assert.deepStrictEqual(got[0], { botId: 'bot-1', channel: 'web', target: 'user-1', threadId: 'thread-1', payload: { type: 'text', text: 'Robot says hi' } })
  const claims = jwt.decode(token)
  assert.strictEqual(claims.exp - claims.iat, 600)
  assert.strictEqual(claims.aud, 'botpress-uipath/callback')
})

test('each refusal has its status, a JSON error, and nothing reaches the user', async () => {
  const token = await issue('bot-1', conversation)
  const otherBot = await issue('bot-2', conversation)
  const [h, p] = token.split('.')
  const tampered = h + '.' + Buffer.from(JSON.stringify(Object.assign(jwt.decode(token), { target: 'user-2' }))).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') + '.' + token.split('.')[2]
  const algNone = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64').replace(/=+$/, '') + '.' + p + '.'
  const expired = jwt.sign({ aud: 'botpress-uipath/callback', botId: 'bot-1', channel: 'web', target: 'user-1', jti: 'x', iat: Math.floor(Date.now() / 1000) - 7200 }, callbackKey(w.botpress.secret), { expiresIn: '1h' })
  const foreignSecret = jwt.sign({ aud: 'botpress-uipath/callback', botId: 'bot-1', jti: 'x' }, 'another-secret', { expiresIn: '1h' })
  const cases = [
    ['tampered payload', callback(tampered), 401, /signature/],
    ['alg none', callback(algNone), 401, /HS256/],
    ['expired', callback(expired), 401, /expired/],
    ['signed with another secret', callback(foreignSecret), 401, /signature/],
    ['token of bot-2 used for bot-1', callback(otherBot), 403, /bot "bot-2"/],
    ['bot-1 token in the URL of bot-2', callback(token, {}, 'bot-2'), 403, /bot "bot-1", not "bot-2"/],
    ['another target', callback(token, { target: 'user-2' }), 403, /another target/],
    ['another channel', callback(token, { channel: 'telegram' }), 403, /another channel/],
    ['another thread', callback(token, { threadId: 'thread-2' }), 403, /another threadId/],
    ['no Authorization', callback(null), 401, /missing/],
    ['odd Authorization', request('POST', '/api/v1/bots/___/mod/uipath/message', { Authorization: 'Basic abc' }, { botId: 'bot-1' }), 401, /Bearer/],
    ['body over the limit', callback(token, { message: { type: 'text', text: 'x'.repeat(70 * 1024) } }), 413, /maxBodySize/],
    ['message without type', callback(token, { message: { text: 'hi' } }), 400, /message.type/],
    ['text message without text', callback(token, { message: { type: 'text' } }), 400, /text/],
    ['body not JSON', request('POST', '/api/v1/bots/___/mod/uipath/message', { Authorization: 'bearer ' + token }, '{oops'), 400, /JSON object/],
    ['missing target', callback(token, { target: '' }), 400, /target is missing/]
  ]
  for (const [name, pending, status, pattern] of cases) {
    const n = w.botpress.replies.length
    const r = await pending
    assert.strictEqual(r.status, status, name + ': ' + r.text)
    assert.ok(r.json && typeof r.json.message === 'string' && r.json.statusCode === status, name + ': ' + r.text)
    assert.ok(pattern.test(r.json.message), name + ': ' + r.json.message)
    assert.strictEqual(w.botpress.replies.length, n, name + ': replyToEvent must not be called')
  }
})

test('other tokens of the server are refused: another key, and another audience', async () => {
  const key = callbackKey(w.botpress.secret)
  const cases = [
    ['server token', w.botpress.serverToken(), /signature/],
    ['login token', w.botpress.loginToken(), /signature/],
    ['original module token', jwt.sign({}, w.botpress.secret, { expiresIn: '1h' }), /signature/],
    ['login claims under the callback key', jwt.sign({ email: 'admin@acme.com', botId: 'bot-1' }, key, { expiresIn: '1h', audience: 'collaborators' }), /not a UiPath callback token/],
    ['no audience under the callback key', jwt.sign({ botId: 'bot-1', jti: 'x' }, key, { expiresIn: '1h' }), /not a UiPath callback token/]
  ]
  for (const [name, token, why] of cases) {
    const n = w.botpress.replies.length
    const r = await callback(token)
    assert.strictEqual(r.status, 401, name)
    assert.ok(why.test(r.json.message), name + ': ' + r.json.message)
    assert.strictEqual(w.botpress.replies.length, n)
  }
})

test('the token route needs Botpress authentication and a real bot id', async () => {
  let r = await request('GET', '/api/v1/bots/bot-1/mod/uipath/auth/token?expiresIn=1h', {})
  assert.strictEqual(r.status, 401)
  r = await request('GET', '/api/v1/bots/___/mod/uipath/auth/token', { Authorization: 'Bearer ' + w.botpress.serverToken() })
  assert.strictEqual(r.status, 400)
  r = await request('GET', '/api/v1/bots/bot-1/mod/uipath/auth/token?expiresIn=soon', { Authorization: 'Bearer ' + w.botpress.serverToken() })
  assert.strictEqual(r.status, 400)
  assert.ok(/expiresIn/.test(r.json.message))
  const capped = jwt.decode(await issue('bot-1', { expiresIn: '30d' }))
  assert.strictEqual(capped.exp - capped.iat, 86400, 'capped by maxExpiresIn')
})

test('a private bot: its own URL needs a collaborator token, ___ does not', async () => {
  const token = await issue('private-bot', { channel: 'web', target: 'user-1' })
  let r = await callback(token, { botId: 'private-bot' }, 'private-bot')
  assert.strictEqual(r.status, 401, 'Botpress refuses before the module sees it')
  r = await callback(token, { botId: 'private-bot' })
  assert.strictEqual(r.status, 200, r.text)
})

test('getBotpressToken works against this module (and the original one, see start-job tests)', async () => {
  const token = await uipath.getBotpressToken(w.bp, w.event(), { expiresIn: '90s' })
  const claims = jwt.decode(token)
  assert.strictEqual(claims.exp - claims.iat, 90)
  assert.strictEqual(claims.threadId, 'thread-1')
  assert.strictEqual(claims.botId, 'bot-1')
})

test('the full loop: the Studio action starts a job, the robot\'s messages reach the conversation', async () => {
  const done = new Promise((resolve) => {
    const prev = player.outcomes.length
    const timer = setInterval(() => { if (player.outcomes.length >= prev + 2) { clearInterval(timer); resolve() } }, 10)
  })
  const n = w.botpress.replies.length
  const temp = {}
  await w.module.runAction('uipath/startJob', {
    bp: w.bp, event: w.event({ threadId: 'conv-42' }), temp: temp,
    args: { processKey: 'InvoiceBot', inputArguments: '{"invoice":"INV-1"}', jobsCount: '1', expiresIn: '5m', resultVariable: 'job', folder: '' },
    process: { EXTERNAL_URL: w.botpress.url, env: {} }
  })
  assert.strictEqual(temp.job.jobs.length, 1)
  await done
  await new Promise((resolve) => setTimeout(resolve, 50))
  const got = w.botpress.replies.slice(n).map((r) => [r.threadId, r.payload.text])
  assert.deepStrictEqual(got, [['conv-42', 'Step 1 done'], ['conv-42', 'All done']])
  const job = w.orchestrator.jobs.find((j) => j.Id === temp.job.jobs[0].id)
  assert.strictEqual(job.State, 'Successful')
  const input = JSON.parse(job.InputArguments)
  assert.strictEqual(input.botpressUrl, w.botpress.url, 'from process.EXTERNAL_URL')
  assert.strictEqual(input.invoice, 'INV-1')
})

test('the Studio action records the error for the flow and rethrows', async () => {
  const temp = {}
  let thrown = null
  try {
    await w.module.runAction('uipath/startJob', { bp: w.bp, event: w.event(), temp: temp, args: { processKey: 'Nope' } })
  } catch (err) { thrown = err }
  assert.ok(thrown && thrown.code === 'PROCESS_NOT_FOUND')
  assert.strictEqual(temp.uipathError.code, 'PROCESS_NOT_FOUND')
})

test('the Studio actions get, wait for and stop the job that uipath/startJob started', async () => {
  const temp = {}
  const event = w.event({ threadId: 'conv-jobs' })
  const scope = { bp: w.bp, event: event, temp: temp, process: { EXTERNAL_URL: w.botpress.url, env: {} } }
  await w.module.runAction('uipath/startJob', Object.assign({ args: { processKey: 'InvoiceBot', inputArguments: '{"invoice":"INV-7"}' } }, scope))
  const id = temp.uipathJob.jobs[0].id
  // No jobId: the job this conversation started (temp.uipathJob).
  await w.module.runAction('uipath/getJob', Object.assign({ args: { jobId: '', jobKey: '' } }, scope))
  assert.strictEqual(temp.uipathJobResult.id, id)
  await w.module.runAction('uipath/waitForJob', Object.assign({ args: { jobId: String(id), timeoutMs: '10000', pollMs: '1000', resultVariable: 'ended' } }, scope))
  assert.strictEqual(temp.ended.state, 'Successful', 'the robot of this world finishes')
  assert.deepStrictEqual(temp.ended.outputArguments, { status: 'ok' })
  await w.module.runAction('uipath/stopJob', Object.assign({ args: { jobKey: temp.uipathJob.jobs[0].key, strategy: 'Kill' } }, scope))
  assert.strictEqual(temp.uipathJobResult.state, 'Successful', 'stopping an ended job changes nothing')
  let thrown = null
  try {
    await w.module.runAction('uipath/stopJob', Object.assign({ args: { jobId: '123456789' } }, scope))
  } catch (err) { thrown = err }
  assert.strictEqual(thrown && thrown.code, 'JOB_NOT_FOUND')
  assert.strictEqual(temp.uipathError.code, 'JOB_NOT_FOUND')
})

test('each action carries the metadata Botpress reads from its first comment block', () => {
  const expected = {
    startJob: ['Start UiPath job', ['processKey', 'processVersion', 'folder', 'inputArguments', 'jobsCount', 'expiresIn', 'resultVariable']],
    getJob: ['Get UiPath job', ['jobId', 'jobKey', 'folder', 'resultVariable']],
    waitForJob: ['Wait for UiPath job', ['jobId', 'jobKey', 'folder', 'timeoutMs', 'pollMs', 'resultVariable']],
    stopJob: ['Stop UiPath job', ['jobId', 'jobKey', 'folder', 'strategy', 'resultVariable']],
    addQueueItem: ['Add UiPath queue item', ['queueName', 'specificContent', 'reference', 'priority', 'dueDate', 'deferDate', 'folder', 'expiresIn', 'resultVariable']],
    getQueueItem: ['Get UiPath queue item', ['queueItemId', 'folder', 'resultVariable']],
    waitForQueueItem: ['Wait for UiPath queue item', ['queueItemId', 'folder', 'timeoutMs', 'pollMs', 'resultVariable']]
  }
  for (const [name, [title, params]] of Object.entries(expected)) {
    const block = /\/\*\*([\s\S]*?)\*\//.exec(readAction('uipath/' + name))[1]
    assert.ok(block.indexOf('@title ' + title) >= 0, name)
    assert.ok(/@category UiPath/.test(block), name)
    const got = block.split('\n').filter((l) => /@param/.test(l)).map((l) => /@param \{(\w+)\} \[?(\w+)/.exec(l)[2])
    assert.deepStrictEqual(got, params, name)
    // The Studio renders descriptions as Markdown: a bracket would become a link.
    const description = block.split('@')[0]
    const paramTexts = block.split('\n').filter((l) => /@param/.test(l)).map((l) => l.split(' - ').slice(1).join(' - '))
    for (const text of [description].concat(paramTexts)) {
      assert.ok(!/[[\]]/.test(text), name + ': no brackets in ' + JSON.stringify(text))
    }
  }
})

test('uipath/startJob saved with an empty processKey fails with INVALID_CONFIG naming it, and starts nothing', async () => {
  const temp = {}
  const before = w.orchestrator.requests.length
  await assert.rejects(w.module.runAction('uipath/startJob', { bp: w.bp, event: w.event(), temp: temp, args: { processKey: '', processVersion: '', folder: '' } }))
  assert.deepStrictEqual(temp.uipathError, { code: 'INVALID_CONFIG', message: 'INVALID_CONFIG: processKey is missing' })
  assert.strictEqual(w.orchestrator.requests.length, before)
})

test('the entry point has only the keys Botpress 12.31\'s module schema allows (no `default`)', () => {
  // Keys of MODULE_SCHEMA in core/modules/module-loader.ts (12.31.10); joi refuses others.
  const allowed = ['onServerStarted', 'onServerReady', 'onBotMount', 'onBotUnmount', 'onModuleUnmount', 'onTopicChanged',
    'onFlowChanged', 'onFlowRenamed', 'onElementChanged', 'skills', 'translations', 'botTemplates', 'dialogConditions', 'definition']
  const definitionKeys = ['name', 'fullName', 'plugins', 'noInterface', 'moduleView', 'menuIcon', 'menuText', 'homepage', 'experimental', 'workspaceApp']
  const loaded = require(path.join(MODULE_ROOT, 'dist/backend/index.js'))
  // Botpress takes `default` when there is one (core/modules/utils/resolver.ts).
  const entry = loaded.default ? loaded.default : loaded
  assert.deepStrictEqual(Object.keys(entry).filter((k) => allowed.indexOf(k) < 0), [])
  assert.deepStrictEqual(Object.keys(entry.definition).filter((k) => definitionKeys.indexOf(k) < 0), [])
  assert.strictEqual(entry.definition.name, 'uipath')
  for (const k of Object.keys(entry).filter((k) => k !== 'definition')) assert.strictEqual(typeof entry[k], 'function', k)
})

test('the package has the layout Botpress loads, the wasm outside the actions folder', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(MODULE_ROOT, 'package.json'), 'utf8'))
  assert.strictEqual(pkg.name, 'uipath')
  assert.strictEqual(pkg.main, 'dist/backend/index.js')
  for (const f of ['dist/backend/index.js', 'dist/backend/core.js', 'dist/backend/studio-actions.js', 'dist/backend/botpress_uipath_bg.wasm', 'assets/config.schema.json']) {
    assert.ok(fs.existsSync(path.join(MODULE_ROOT, f)), f)
  }
  assert.deepStrictEqual(fs.readdirSync(path.join(MODULE_ROOT, 'dist/actions')).sort(), ['addQueueItem.js', 'getJob.js', 'getQueueItem.js', 'startJob.js', 'stopJob.js', 'waitForJob.js', 'waitForQueueItem.js'])
  const schema = JSON.parse(fs.readFileSync(path.join(MODULE_ROOT, 'assets/config.schema.json'), 'utf8'))
  assert.strictEqual(schema.properties.maxExpiresIn.default, '1d')
  assert.strictEqual(schema.properties.maxBodySize.default, '64kb')
})
