'use strict'
// Every error code that can be produced locally: the code, a message that names the
// field or cause, no secret anywhere, and no job started.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { startWorld, rejection, closedPort } = require('../support/fixture')
const uipath = require('../../js-shim')

let w
before(async () => { w = await startWorld() })
after(async () => { await w.close() })

async function failing (args, opts) {
  const jobsBefore = w.orchestrator.jobs.length
  const startsBefore = w.orchestrator.requestsTo('StartJobs').length
  const err = await rejection(uipath.startUiPathJob((opts && opts.bp) || w.bp, (opts && opts.event) || w.event(), args))
  assert.ok(err instanceof uipath.UiPathError, 'a UiPathError: ' + err)
  assert.strictEqual(err.name, 'UiPathError')
  assert.ok(uipath.ERROR_CODES.indexOf(err.code) >= 0, err.code)
  assert.ok(err.message.indexOf(err.code + ': ') === 0, err.message)
  w.assertNoSecrets(err)
  assert.strictEqual(w.orchestrator.jobs.length, jobsBefore, 'no job started')
  if (!(opts && opts.startMayBeTried)) assert.strictEqual(w.orchestrator.requestsTo('StartJobs').length, startsBefore, 'StartJobs never sent')
  return err
}

test('INVALID_CONFIG names the field', async () => {
  const cases = [
    [{ processKey: '' }, 'processKey is missing'],
    [{ auth: { clientId: 'emu-app' } }, 'auth.clientSecret is missing'],
    [{ auth: {} }, 'auth is missing'],
    [{ organization: undefined, cloudUrl: undefined }, 'orchestratorUrl is missing'],
    [{ orchestratorUrl: 'orchestrator.acme.local' }, 'orchestratorUrl must be an http:// or https:// URL'],
    [{ jobsCount: 'many' }, 'jobsCount must be a whole number'],
    [{ strategy: 'Fastest' }, 'strategy must be one of'],
    [{ inputArguments: '{not json' }, 'inputArguments must be an object'],
    [{ botpressToken: { expiresIn: 'tomorrow' } }, 'botpressToken.expiresIn must be a duration'],
    [{ timeoutMs: 5 }, 'timeoutMs must be a whole number from 1000']
  ]
  for (const [patch, text] of cases) {
    const err = await failing(w.args(patch))
    assert.strictEqual(err.code, 'INVALID_CONFIG', JSON.stringify(patch))
    assert.ok(err.message.indexOf(text) >= 0, err.message + ' should say ' + text)
  }
  const noTarget = await failing(w.args(), { event: w.event({ target: undefined }) })
  assert.ok(/event\.target is missing/.test(noTarget.message))
  const notBp = await failing(w.args(), { bp: 'bp' })
  assert.ok(/bp must be the Botpress SDK object/.test(notBp.message))
})

test('AUTH_FAILED for a wrong secret, a wrong scope, a wrong password, a refused token', async () => {
  let err = await failing(w.args({ auth: { clientId: 'emu-app', clientSecret: 'wrong-secret-value' } }))
  assert.strictEqual(err.code, 'AUTH_FAILED')
  assert.ok(/invalid_client/.test(err.message) && /auth\.clientSecret/.test(err.message), err.message)
  assert.strictEqual(err.status, 400)
  assert.ok(err.message.indexOf('wrong-secret-value') < 0)

  err = await failing(w.args({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Admin' } }))
  assert.ok(/invalid_scope/.test(err.message) && /auth\.scope/.test(err.message), err.message)

  err = await failing({ orchestratorUrl: w.orchestrator.origin, auth: { username: 'admin', password: 'not-the-password' }, folder: 'Shared', processKey: 'InvoiceBot' })
  assert.strictEqual(err.code, 'AUTH_FAILED')
  assert.ok(/Invalid user name or password/.test(err.message) && /auth\.password/.test(err.message), err.message)

  err = await failing(w.args({ auth: { accessToken: 'expired-or-made-up-token' } }))
  assert.strictEqual(err.code, 'AUTH_FAILED')
  assert.strictEqual(err.status, 401)
  assert.ok(err.message.indexOf('expired-or-made-up-token') < 0)

  err = await failing(w.args({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs' } }))
  assert.strictEqual(err.code, 'AUTH_FAILED', 'a token without OR.Execution.Read cannot list releases')
  assert.strictEqual(err.status, 403)
  assert.ok(/permission or scope/.test(err.message))
})

test('FOLDER_NOT_FOUND lists the folders there are', async () => {
  const err = await failing(w.args({ folder: 'Finance/Invoicez' }))
  assert.strictEqual(err.code, 'FOLDER_NOT_FOUND')
  assert.strictEqual(err.uipathErrorCode, 1100)
  assert.ok(typeof err.traceId === 'string' && err.traceId.length > 0)
  assert.ok(/"Finance\/Invoicez"/.test(err.message) && /found: Finance\/Invoices, Finanzen\/Büro, Shared/.test(err.message), err.message)
})

test('PROCESS_NOT_FOUND names the process, the folder and what exists', async () => {
  let err = await failing(w.args({ processKey: 'InvoiceBott' }))
  assert.strictEqual(err.code, 'PROCESS_NOT_FOUND')
  assert.strictEqual(err.message, 'PROCESS_NOT_FOUND: no release with process key or name "InvoiceBott" in folder "Shared"; found: InvoiceBot, O\'Brien.Report')
  err = await failing(w.args({ processVersion: '9.9.9' }))
  assert.ok(/found versions: 1\.0\.9, 1\.0\.10/.test(err.message), err.message)
})

test('BOTPRESS_TOKEN_FAILED when the uipath module is not installed', async () => {
  const bare = await startWorld({ module: false })
  try {
    const jobs = w.orchestrator.jobs.length
    const err = await rejection(uipath.startUiPathJob(bare.bp, bare.event(), w.args()))
    assert.strictEqual(err.code, 'BOTPRESS_TOKEN_FAILED')
    assert.strictEqual(err.status, 404)
    assert.ok(/uipath module enabled/.test(err.message), err.message)
    assert.strictEqual(w.orchestrator.jobs.length, jobs)
    bare.assertNoSecrets(err)
  } finally {
    await bare.close()
  }
})

test('ORCHESTRATOR_ERROR keeps status, errorCode and traceId', async () => {
  w.orchestrator.fail('StartJobs', { status: 409, body: { message: 'The process is not available on any robot.', errorCode: 2818, traceId: 'trace-409' } })
  const err = await failing(w.args(), { startMayBeTried: true })
  assert.strictEqual(err.code, 'ORCHESTRATOR_ERROR')
  assert.strictEqual(err.status, 409)
  assert.strictEqual(err.uipathErrorCode, 2818)
  assert.strictEqual(err.traceId, 'trace-409')
  assert.ok(/not available on any robot/.test(err.message))
})

test('RATE_LIMITED when Retry-After is longer than the deadline', async () => {
  w.orchestrator.fail('/odata/Releases', { status: 429, headers: { 'Retry-After': '60' }, body: { message: 'Too Many Requests', errorCode: 0 } }, 3)
  const err = await failing(w.args({ timeoutMs: 3000, releaseCacheTtl: false }))
  assert.strictEqual(err.code, 'RATE_LIMITED')
  assert.strictEqual(err.status, 429)
  w.orchestrator.faults.length = 0
})

test('a 429 with a short Retry-After is waited out', async () => {
  w.orchestrator.fail('/odata/Releases', { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'Too Many Requests' } }, 1)
  const started = await uipath.startUiPathJob(w.bp, w.event(), w.args({ releaseCacheTtl: false }))
  assert.strictEqual(started.jobs.length, 1)
})

test('TIMEOUT when Orchestrator does not answer within timeoutMs', async () => {
  w.orchestrator.fail('/odata/Releases', { status: 200, delayMs: 2500, body: { value: [] } })
  const t0 = Date.now()
  const err = await failing(w.args({ timeoutMs: 1000, releaseCacheTtl: false }))
  assert.strictEqual(err.code, 'TIMEOUT')
  assert.ok(/timeoutMs \(1000 ms\)/.test(err.message), err.message)
  assert.ok(Date.now() - t0 < 2400, 'gave up at the deadline')
})

test('a StartJobs answer lost in transit is found by Reference, not started twice', async () => {
  w.orchestrator.fail('StartJobs', { hangUp: true })
  // The emulator drops the connection before handling it, so no job exists and the
  // package retries after checking; the job is started exactly once.
  const jobs = w.orchestrator.jobs.length
  const started = await uipath.startUiPathJob(w.bp, w.event(), w.args())
  assert.strictEqual(w.orchestrator.jobs.length, jobs + 1)
  const lookups = w.orchestrator.requestsTo('GET /acme/DefaultTenant/orchestrator_/odata/Jobs').filter((r) => r.query.$filter === "Reference eq '" + started.reference + "'")
  assert.strictEqual(lookups.length, 1)
})

test('NETWORK when nothing listens at orchestratorUrl', async () => {
  const port = await closedPort()
  const err = await failing({ orchestratorUrl: 'http://127.0.0.1:' + port, auth: { accessToken: 'x-token' }, folder: 'Shared', processKey: 'P', timeoutMs: 8000 })
  assert.strictEqual(err.code, 'NETWORK')
  assert.ok(/ECONNREFUSED/.test(err.message), err.message)
})

test('an Orchestrator that rejects undeclared input arguments: the cause reaches the bot', async () => {
  const declared = JSON.stringify(['channel', 'target', 'botId', 'threadId', 'botpressToken', 'botpressUrl'].map((n) => ({ name: n, type: 'System.String', required: false, hasDefault: false })))
  const strict = await startWorld({ orchestrator: { strictArguments: true } })
  try {
    strict.orchestrator.data.releases.forEach((r) => { r.Arguments = { Input: declared, Output: null } })
    const args = Object.assign(w.args(), { cloudUrl: strict.orchestrator.origin, externalUrl: strict.botpress.url })
    const ok = await require('../../js-shim').startUiPathJob(strict.bp, strict.event(), args)
    assert.strictEqual(ok.jobs.length, 1, 'the callback fields are declared, so the start passes')
    const err = await rejection(require('../../js-shim').startUiPathJob(strict.bp, strict.event(), Object.assign(args, { inputArguments: { amount: 3 } })))
    assert.strictEqual(err.code, 'ORCHESTRATOR_ERROR')
    assert.strictEqual(err.status, 400)
    assert.ok(/not defined by the process: amount/.test(err.message), err.message)
  } finally {
    await strict.close()
  }
})
