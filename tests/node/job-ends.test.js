'use strict'
// Hearing every job's end (API.md, "Hearing back when a job ends, without the robot's
// help"), with real parts: the packaged module on Knex over SQLite (Botpress v12's
// driver, sqlite3 4.2.0), the emulator sending signed webhooks when jobs end, robots that
// never call back. Tracking, the webhook and its refusals, the poller behind a lost
// webhook, a failed send retried and never doubled, action-only credentials.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { eventually } = require('../support/wait')
const { startWorld } = require('../support/fixture')
const { sqliteDatabase } = require('../support/database')
const { request, slowRequest } = require('../support/http')
const { robot } = require('../emulator/robot')
const uipath = require('../../js-shim')

const WEBHOOK_SECRET = 'whsec-emu-7f3a-0123456789'
const silent = robot({ messages: [], delayMs: 5, workMs: 150, output: { paid: true, invoice: 'INV-0042' } })
let w
let db
let failNextSend = 0

before(async () => {
  db = sqliteDatabase()
  w = await startWorld({
    module: 'ours',
    orchestrator: { onJobStarted: (job, input, emu) => input.mode !== 'hold' && silent(job, input, emu) },
    botpress: {
      database: db,
      globalConfig: { webhookSecret: WEBHOOK_SECRET, pollInterval: '1s', maxBodySize: '4kb', bodyTimeout: '1s' },
      sendEvent: () => { if (failNextSend > 0) { failNextSend--; throw new Error('event queue unavailable') } }
    }
  })
  w.botpress.bp.config.getModuleConfigForBot = async () => moduleConfig()
  w.orchestrator.webhooks.add({ url: w.botpress.url + '/api/v1/bots/___/mod/uipath/webhook', secret: WEBHOOK_SECRET })
  await w.module.ready
})
after(async () => {
  await w.close()
  await db.destroy()
})

function moduleConfig () {
  return {
    cloudUrl: w.orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared', processKey: 'InvoiceBot',
    messages: { Successful: '{{processKey}} finished: paid={{output.paid}} ({{output.invoice}})', Faulted: '{{processKey}} failed: {{info}}', Failed: '{{queueName}} failed: {{reason}}' }
  }
}

async function start (extra) {
  const args = Object.assign({ inputArguments: {} }, extra || {})
  return uipath.startUiPathJob(w.bp, w.event(), args)
}

const endsOf = (jobId) => w.botpress.events.filter((e) => e.type === 'uipath-job' && e.payload.jobId === jobId)

test('a started job is tracked in the database, with the conversation and nothing secret', async () => {
  const started = await start({ inputArguments: { mode: 'hold' } })
  assert.strictEqual(started.tracked, true)
  const row = await db('uipath_jobs').where({ job_id: started.jobs[0].id }).first()
  assert.strictEqual(row.job_key, started.jobs[0].key.toLowerCase())
  assert.deepStrictEqual([row.bot_id, row.channel, row.target, row.thread_id, row.folder, row.reference, row.process_key],
    ['bot-1', 'web', 'user-1', 'thread-1', 'path:Shared', started.reference, 'InvoiceBot'])
  assert.ok(row.pollable === 1 || row.pollable === true, 'the module config connection started it')
  assert.ok(row.expires_at - row.created_at === 86400000, 'trackFor defaults to 1d')
  const text = JSON.stringify(row)
  for (const s of w.secrets()) assert.ok(text.indexOf(s) < 0, 'secret in the row: ' + s.slice(0, 6))
})

test('a robot that never calls back: its end reaches the conversation once, by webhook, with output and text', async () => {
  const started = await start()
  const job = started.jobs[0]
  const event = await eventually('the uipath-job event', () => endsOf(job.id)[0])
  assert.deepStrictEqual(
    { type: event.type, direction: event.direction, botId: event.botId, channel: event.channel, target: event.target, threadId: event.threadId },
    { type: 'uipath-job', direction: 'incoming', botId: 'bot-1', channel: 'web', target: 'user-1', threadId: 'thread-1' })
  assert.deepStrictEqual(event.payload, {
    type: 'uipath-job', jobId: job.id, jobKey: job.key.toLowerCase(), state: 'Successful', info: 'Job completed',
    outputArguments: { paid: true, invoice: 'INV-0042' }, processKey: 'InvoiceBot', reference: started.reference
  })
  const text = await eventually('the text', () => w.botpress.replies.find((r) => r.payload.text === 'InvoiceBot finished: paid=true (INV-0042)'))
  assert.strictEqual(text.threadId, 'thread-1')
  const call = w.orchestrator.webhooks.calls.find((c) => c.jobId === job.id)
  assert.strictEqual(call.type, 'job.completed')
  await eventually('the webhook answer', () => call.status === 200)
  assert.ok(w.botpress.logs.some((l) => l.message.indexOf('job ' + job.id + ' Successful: delivered to the conversation (webhook)') >= 0))
  // Webhook repeats and later polls change nothing.
  const payload = w.orchestrator.webhooks.payload(w.orchestrator.jobs.find((j) => j.Id === job.id))
  const hook = { url: w.botpress.url + '/api/v1/bots/___/mod/uipath/webhook', secret: WEBHOOK_SECRET }
  const again = await w.orchestrator.webhooks.send(hook, payload)
  assert.strictEqual(again.status, 200)
  await new Promise((resolve) => setTimeout(resolve, 1300))
  assert.strictEqual(endsOf(job.id).length, 1)
})

test('a lost webhook: the poller finds the end and delivers it once', async () => {
  w.orchestrator.webhooks.drop(1)
  const job = (await start()).jobs[0]
  const event = await eventually('the polled end', () => endsOf(job.id)[0], 5000)
  assert.strictEqual(event.payload.state, 'Successful')
  assert.strictEqual(w.orchestrator.webhooks.calls.find((c) => c.jobId === job.id).status, 'dropped')
  assert.ok(w.botpress.logs.some((l) => l.message.indexOf('job ' + job.id + ' Successful: delivered to the conversation (poll)') >= 0))
  const polls = w.orchestrator.requests.filter((r) => r.method === 'GET' && /\/odata\/Jobs$/.test(r.path) && /Id in \(/.test(r.query.$filter || ''))
  assert.ok(polls.length >= 1, 'one batched read per round')
  assert.ok(polls.every((r) => r.headers['x-uipath-folderpath'] === 'Shared'))
  await new Promise((resolve) => setTimeout(resolve, 1200))
  assert.strictEqual(endsOf(job.id).length, 1)
})

test('a send that fails after the claim is given back, retried by the poller, and never doubled', async () => {
  failNextSend = 1
  const job = (await start()).jobs[0]
  await eventually('the retried end', () => endsOf(job.id)[0], 5000)
  assert.ok(w.botpress.logs.some((l) => l.level === 'warn' && l.message.indexOf('could not deliver the end of job ' + job.id) >= 0))
  await new Promise((resolve) => setTimeout(resolve, 1200))
  assert.strictEqual(endsOf(job.id).length, 1)
})

test('a faulted job gets the Faulted text; a stopped one its event', async () => {
  const world = w
  const held = (await start({ inputArguments: { mode: 'hold' } })).jobs[0]
  const emuJob = world.orchestrator.jobs.find((j) => j.Id === held.id)
  world.orchestrator.endJob(emuJob, 'Faulted', 'Invoice INV-9 not found')
  await eventually('the faulted end', () => endsOf(held.id)[0])
  await eventually('the Faulted text', () => world.botpress.replies.find((r) => r.payload.text === 'InvoiceBot failed: Invoice INV-9 not found'))
  const other = (await start({ inputArguments: { mode: 'hold' } })).jobs[0]
  await uipath.stopUiPathJob(w.bp, w.event(), { jobId: other.id, strategy: 'Kill' })
  const stopped = await eventually('the stopped end', () => endsOf(other.id)[0])
  assert.strictEqual(stopped.payload.state, 'Stopped')
  assert.strictEqual(stopped.payload.outputArguments, null)
})

test('the webhook refuses what it cannot verify, and delivers nothing then', async () => {
  const held = (await start({ inputArguments: { mode: 'hold' } })).jobs[0]
  const emuJob = w.orchestrator.jobs.find((j) => j.Id === held.id)
  const forged = w.orchestrator.webhooks.payload(Object.assign({}, emuJob, { State: 'Successful', OutputArguments: '{"paid":true}' }))
  const body = JSON.stringify(forged)
  const base = w.botpress.url
  const path = '/api/v1/bots/___/mod/uipath/webhook'
  const sign = (text, secret) => require('crypto').createHmac('sha256', secret || WEBHOOK_SECRET).update(text).digest('base64')
  const json = { 'Content-Type': 'application/json' }
  const cases = [
    ['unsigned', { headers: json, body: body }, 401],
    ['signed with another secret', { headers: Object.assign({ 'X-UiPath-Signature': sign(body, 'guess') }, json), body: body }, 401],
    ['signature of another body', { headers: Object.assign({ 'X-UiPath-Signature': sign(body + ' ') }, json), body: body }, 401],
    ['malformed, signed', { headers: Object.assign({ 'X-UiPath-Signature': sign('{"Type":') }, json), body: '{"Type":' }, 400],
    ['form-encoded, signed', { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-UiPath-Signature': sign('Type=job.completed') }, body: 'Type=job.completed' }, 415],
    ['oversized', { headers: Object.assign({ 'X-UiPath-Signature': sign('x') }, json), body: JSON.stringify({ Type: 'job.completed', pad: 'x'.repeat(5000) }) }, 413]
  ]
  for (const [name, req, status] of cases) {
    const r = await request(base, 'POST', path, req.headers, req.body)
    assert.strictEqual(r.status, status, name + ': ' + r.text)
    assert.strictEqual(JSON.parse(r.text).statusCode, status, name)
  }
  // Percent-encoded bot id: a Botpress parser consumed the body, so it cannot be verified.
  const encoded = await request(base, 'POST', '/api/v1/bots/%5F%5F%5F/mod/uipath/webhook', Object.assign({ 'X-UiPath-Signature': sign(body) }, json), body)
  assert.strictEqual(encoded.status, 401)
  const slow = await slowRequest(base, path, { 'X-UiPath-Signature': sign(body), 'Content-Type': 'application/json' }, 500, '{"Type":"job.completed"', 5000)
  assert.ok(/^HTTP\/1\.1 408/.test(slow), slow)
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.strictEqual(endsOf(held.id).length, 0, 'nothing delivered')
  // Signed, but an event that ends no job, and an untracked job: 200, nothing happens.
  for (const event of [{ Type: 'job.started', Job: { Id: held.id, Key: held.key, State: 'Running' } }, { Type: 'job.completed', Job: { Id: 999999, Key: '0f8fad5b-d9cb-469f-a165-70867728950e', State: 'Successful' } }]) {
    const text = JSON.stringify(event)
    const r = await request(base, 'POST', path, Object.assign({ 'X-UiPath-Signature': sign(text) }, json), text)
    assert.strictEqual(r.status, 200, r.text)
    assert.strictEqual(JSON.parse(r.text).delivered, 0)
  }
  const lines = w.botpress.logs.map((l) => l.message).join('\n')
  assert.ok(lines.indexOf(WEBHOOK_SECRET) < 0, 'the secret is never logged')
  assert.ok(lines.indexOf('x'.repeat(100)) < 0, 'attacker text is not echoed')
  // Signed with the real secret, but Orchestrator says the job is still running: a
  // webhook is only a signal, so nothing is delivered.
  const early = await request(base, 'POST', path, Object.assign({ 'X-UiPath-Signature': sign(body) }, json), body)
  assert.strictEqual(early.status, 200, early.text)
  assert.strictEqual(JSON.parse(early.text).delivered, 0)
  assert.strictEqual(endsOf(held.id).length, 0, 'a running job is not ended by a webhook')
  // The job ends (its own webhook call lost); a holder of the secret then sends an end
  // with outputs of their choice: the outputs delivered are Orchestrator's.
  w.orchestrator.webhooks.drop(1)
  w.orchestrator.endJob(emuJob, 'Successful', 'Job completed', { paid: false })
  const lie = await request(base, 'POST', path, Object.assign({ 'X-UiPath-Signature': sign(body) }, json), body)
  assert.strictEqual(lie.status, 200, lie.text)
  const real = await eventually('the real end', () => endsOf(held.id)[0])
  assert.deepStrictEqual(real.payload.outputArguments, { paid: false })
  assert.strictEqual(endsOf(held.id).length, 1, 'once')
})

test('jobs started with action-only credentials are delivered by webhook only', async () => {
  w.orchestrator.webhooks.drop(1)
  const other = await start({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs OR.Execution.Read OR.Folders.Read' }, inputArguments: {} })
  const row = await db('uipath_jobs').where({ job_id: other.jobs[0].id }).first()
  assert.ok(!row.pollable, 'not the module config connection: not pollable')
  await new Promise((resolve) => setTimeout(resolve, 2500))
  assert.strictEqual(endsOf(other.jobs[0].id).length, 0, 'the poller does not read it')
  const payload = w.orchestrator.webhooks.payload(w.orchestrator.jobs.find((j) => j.Id === other.jobs[0].id))
  await w.orchestrator.webhooks.send({ url: w.botpress.url + '/api/v1/bots/___/mod/uipath/webhook', secret: WEBHOOK_SECRET }, payload)
  assert.strictEqual(endsOf(other.jobs[0].id).length, 1)
})

const itemEndsOf = (itemKey) => w.botpress.events.filter((e) => e.type === 'uipath-queue-item' && e.payload.queueItemKey === itemKey)

test('a queue item\'s end reaches the conversation once, by webhook, with Orchestrator\'s output and the text', async () => {
  const item = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Invoices', specificContent: { invoice: 'INV-Q1' } })
  assert.strictEqual(item.tracked, true)
  const row = await db('uipath_queue_items').where({ item_id: item.id }).first()
  assert.strictEqual(row.queue_name, 'Invoices')
  assert.strictEqual(row.item_key, item.key.toLowerCase())
  w.orchestrator.queueWork('Invoices', { IsSuccessful: true, Output: { paid: true, invoice: 'INV-Q1' } }, item.id)
  const end = await eventually('the uipath-queue-item event', () => itemEndsOf(item.key.toLowerCase())[0])
  assert.deepStrictEqual([end.payload.status, end.payload.output, end.payload.queueName, end.threadId], ['Successful', { paid: true, invoice: 'INV-Q1' }, 'Invoices', 'thread-1'])
  await new Promise((resolve) => setTimeout(resolve, 1500))
  assert.strictEqual(itemEndsOf(item.key.toLowerCase()).length, 1, 'once, webhook and poller alike')
})

test('with the webhook lost, the poller delivers a retried item\'s last attempt, once', async () => {
  const item = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Invoices', specificContent: { invoice: 'INV-Q2' } })
  w.orchestrator.webhooks.drop(2)
  w.orchestrator.queueWork('Invoices', { IsSuccessful: false, ProcessingException: { Reason: 'Portal down', Type: 'ApplicationException' } }, item.id)
  w.orchestrator.queueWork('Invoices', { IsSuccessful: false, ProcessingException: { Reason: 'No such invoice', Type: 'BusinessException' } }, item.id)
  const end = await eventually('the polled end', () => itemEndsOf(item.key.toLowerCase())[0], 8000)
  assert.strictEqual(end.payload.status, 'Failed')
  assert.notStrictEqual(end.payload.queueItemId, item.id, 'the retry\'s end')
  assert.strictEqual(end.payload.processingException.reason, 'No such invoice', JSON.stringify(end.payload))
  assert.ok(w.botpress.replies.some((r) => r.payload.text === 'Invoices failed: No such invoice'), JSON.stringify(w.botpress.replies.slice(-3)))
  await new Promise((resolve) => setTimeout(resolve, 1500))
  assert.strictEqual(itemEndsOf(item.key.toLowerCase()).length, 1)
})

test('unmounting stops the poller and removes the tracker; a start is then untracked', async () => {
  await w.module.unmount()
  assert.strictEqual(globalThis[Symbol.for('botpress-uipath/job-tracker')], undefined)
  const started = await start({ inputArguments: { mode: 'hold' } })
  assert.strictEqual(started.tracked, false)
  const before = w.orchestrator.requests.length
  await new Promise((resolve) => setTimeout(resolve, 1500))
  assert.strictEqual(w.orchestrator.requests.length, before, 'no poll after unmount')
  w.module = null
})
