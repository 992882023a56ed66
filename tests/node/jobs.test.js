'use strict'
// getUiPathJob, waitForUiPathJob and stopUiPathJob through the built package, against the
// Orchestrator emulator playing robots: output arguments, faults, stops, not-found jobs,
// bad input refused before any request, concurrent waits, no secret anywhere.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { startWorld, rejection } = require('../support/fixture')
const { robot } = require('../emulator/robot')
const uipath = require('../../js-shim')

let w
// Invoices succeed with output; 'slow' jobs run until stopped; 'fail' jobs fault.
const players = {
  ok: robot({ messages: [], delayMs: 5, workMs: 1200, output: { paid: true, invoice: 'INV-0042' } }),
  slow: robot({ messages: [], delayMs: 5, workMs: 60000 }),
  fail: robot({ messages: [], delayMs: 5, fault: 'Invoice INV-9 not found' })
}

before(async () => {
  w = await startWorld({
    orchestrator: {
      stopDelayMs: 300,
      onJobStarted: (job, input, emu) => input.mode !== 'none' && players[input.mode || 'ok'](job, input, emu)
    }
  })
})
after(async () => { await w.close() })

async function start (mode) {
  const started = await uipath.startUiPathJob(w.bp, w.event(), w.args({ inputArguments: { mode: mode } }))
  return started.jobs[0]
}

const conn = (extra) => {
  const a = w.args(extra)
  delete a.processKey
  delete a.externalUrl
  return a
}

test('getUiPathJob reads a job by id and by key, in the API.md shape', async () => {
  const job = await start('slow')
  const byId = await uipath.getUiPathJob(w.bp, w.event(), conn({ jobId: job.id }))
  assert.deepStrictEqual(Object.keys(byId).sort(), ['endTime', 'id', 'info', 'key', 'outputArguments', 'reference', 'releaseName', 'startTime', 'state'])
  assert.strictEqual(byId.id, job.id)
  assert.ok(['Pending', 'Running'].indexOf(byId.state) >= 0, byId.state)
  assert.strictEqual(byId.releaseName, 'InvoiceBot_Shared_v2')
  assert.ok(/^botpress:bot-1:/.test(byId.reference))
  const byKey = await uipath.getUiPathJob(w.bp, w.event(), conn({ jobKey: job.key, jobId: '' }))
  assert.strictEqual(byKey.id, job.id)
  const r = w.orchestrator.requestsTo('GetByKey').slice(-1)[0]
  assert.strictEqual(r.path, '/acme/DefaultTenant/orchestrator_/odata/Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier=' + job.key + ')')
  assert.strictEqual(r.headers['x-uipath-folderpath'], 'Shared')
  await uipath.stopUiPathJob(w.bp, w.event(), conn({ jobId: job.id, strategy: 'Kill' }))
})

test('waitForUiPathJob resolves when the job ends, with its output arguments parsed', async () => {
  const job = await start('ok')
  const t0 = Date.now()
  const reads = w.orchestrator.requestsTo('/odata/Jobs(' + job.id + ')').length
  const done = await uipath.waitForUiPathJob(w.bp, w.event(), conn({ jobId: job.id, pollMs: 1000 }))
  assert.strictEqual(done.state, 'Successful')
  assert.deepStrictEqual(done.outputArguments, { paid: true, invoice: 'INV-0042' })
  assert.strictEqual(done.info, 'Job completed')
  assert.ok(done.endTime)
  const mine = w.orchestrator.requestsTo('/odata/Jobs(' + job.id + ')').slice(reads)
  assert.ok(mine.length >= 2, mine.length + ' reads: at once, then after the job ended')
  const gaps = mine.slice(1).map((r, i) => r.at - mine[i].at)
  assert.ok(gaps.every((g) => g >= 950), 'never more than once a second: ' + gaps.join(', ') + ' ms')
  assert.ok(Date.now() - t0 >= 1000)
})

test('a faulted job resolves with its Info; waiting on it is not an error', async () => {
  const job = await start('fail')
  const done = await uipath.waitForUiPathJob(w.bp, w.event(), conn({ jobId: job.id }))
  assert.strictEqual(done.state, 'Faulted')
  assert.strictEqual(done.info, 'Invoice INV-9 not found')
  assert.strictEqual(done.outputArguments, null)
})

test('past timeoutMs, waitForUiPathJob rejects TIMEOUT with the last state in error.job', async () => {
  const job = await start('slow')
  const err = await rejection(uipath.waitForUiPathJob(w.bp, w.event(), conn({ jobId: job.id, timeoutMs: 2500 })))
  assert.strictEqual(err.name, 'UiPathError')
  assert.strictEqual(err.code, 'TIMEOUT')
  assert.strictEqual(err.job.id, job.id)
  assert.strictEqual(err.job.state, 'Running')
  w.assertNoSecrets(err)
  await uipath.stopUiPathJob(w.bp, w.event(), conn({ jobId: job.id, strategy: 'Kill' }))
})

test('stopUiPathJob: SoftStop goes Stopping then Stopped; Kill Terminating; a pending job stops at once', async () => {
  const soft = await start('slow')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const asked = await uipath.stopUiPathJob(w.bp, w.event(), conn({ jobId: soft.id }))
  assert.strictEqual(asked.state, 'Stopping')
  const stopped = await uipath.waitForUiPathJob(w.bp, w.event(), conn({ jobId: soft.id }))
  assert.strictEqual(stopped.state, 'Stopped')
  const body = w.orchestrator.requestsTo('StopJobs').slice(-1)[0].json
  assert.deepStrictEqual(body, { jobIds: [soft.id], strategy: 'SoftStop' })

  const hard = await start('slow')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const killed = await uipath.stopUiPathJob(w.bp, w.event(), conn({ jobKey: hard.key, strategy: 'Kill' }))
  assert.strictEqual(killed.state, 'Terminating')

  // A job nobody picks up stays Pending, and stops at once.
  const pending = await uipath.startUiPathJob(w.bp, w.event(), w.args({ inputArguments: { mode: 'none' } }))
  const p = await uipath.stopUiPathJob(w.bp, w.event(), conn({ jobId: pending.jobs[0].id }))
  assert.strictEqual(p.state, 'Stopped')
})

test('a job that does not exist is JOB_NOT_FOUND, for each call', async () => {
  for (const fn of [uipath.getUiPathJob, uipath.waitForUiPathJob, uipath.stopUiPathJob]) {
    const err = await rejection(fn(w.bp, w.event(), conn({ jobId: 999999 })))
    assert.strictEqual(err.code, 'JOB_NOT_FOUND', err.message)
    assert.strictEqual(err.status, 404)
    assert.strictEqual(err.uipathErrorCode, 1002)
    assert.ok(/job 999999 does not exist in folder "Shared"/.test(err.message), err.message)
    w.assertNoSecrets(err)
  }
  // The job exists, but in another folder.
  const job = await start('fail')
  const err = await rejection(uipath.getUiPathJob(w.bp, w.event(), conn({ jobId: job.id, folder: 'Finance/Invoices' })))
  assert.strictEqual(err.code, 'JOB_NOT_FOUND')
})

test('bad input is INVALID_CONFIG before any request', async () => {
  const cases = [
    [uipath.getUiPathJob, {}, /jobId is missing/],
    [uipath.getUiPathJob, { jobId: 0 }, /jobId must be a whole number/],
    [uipath.getUiPathJob, { jobId: '12abc' }, /jobId must be a whole number/],
    [uipath.getUiPathJob, { jobId: 1.5 }, /jobId must be a whole number/],
    [uipath.getUiPathJob, { jobKey: "x') or ('1" }, /jobKey must be the job's GUID/],
    [uipath.stopUiPathJob, { jobId: 5, strategy: 'Nuke' }, /strategy must be "SoftStop" or "Kill"/],
    [uipath.waitForUiPathJob, { jobId: 5, pollMs: 10 }, /pollMs must be a whole number from 1000/],
    [uipath.waitForUiPathJob, { jobId: 5, timeoutMs: 900001 }, /timeoutMs/]
  ]
  const before = w.orchestrator.requests.length
  for (const [fn, extra, pattern] of cases) {
    const err = await rejection(fn(w.bp, w.event(), conn(extra)))
    assert.strictEqual(err.code, 'INVALID_CONFIG', err.message)
    assert.ok(pattern.test(err.message), err.message)
  }
  assert.strictEqual(w.orchestrator.requests.length, before, 'no request was sent')
})

test('concurrent waits on one process each resolve to their own job', async () => {
  const jobs = await Promise.all([start('ok'), start('fail'), start('ok')])
  const done = await Promise.all(jobs.map((j) => uipath.waitForUiPathJob(w.bp, w.event(), conn({ jobId: j.id }))))
  assert.deepStrictEqual(done.map((d) => d.id), jobs.map((j) => j.id))
  assert.deepStrictEqual(done.map((d) => d.state), ['Successful', 'Faulted', 'Successful'])
})

test('a malformed OutputArguments is null with a warning in the bot\'s log, never a crash', async () => {
  const job = await start('fail')
  const emuJob = w.orchestrator.jobs.find((j) => j.Id === job.id)
  await uipath.waitForUiPathJob(w.bp, w.event(), conn({ jobId: job.id }))
  emuJob.OutputArguments = '{"paid": tru'
  const got = await uipath.getUiPathJob(w.bp, w.event(), conn({ jobId: job.id }))
  assert.strictEqual(got.outputArguments, null)
  assert.ok(w.botpress.logs.some((l) => l.level === 'warn' && /OutputArguments of job \d+ is not JSON/.test(l.message)))
})

test('the module config supplies the connection, field by field', async () => {
  const world = await startWorld({ connection: true, orchestrator: { onJobStarted: (job, input, emu) => players.fail(job, input, emu) } })
  try {
    const started = await uipath.startUiPathJob(world.bp, world.event(), { processKey: 'InvoiceBot', externalUrl: world.botpress.url })
    const done = await uipath.waitForUiPathJob(world.bp, world.event(), { jobId: started.jobs[0].id })
    assert.strictEqual(done.state, 'Faulted')
  } finally {
    await world.close()
  }
})

test('a robot\'s __proto__ output argument stays an ordinary own key, and no prototype is set', async () => {
  const job = await start('none')
  const emuJob = w.orchestrator.jobs.find((j) => j.Id === job.id)
  w.orchestrator.endJob(emuJob, 'Successful', 'Job completed', JSON.parse('{"__proto__": {"polluted": "yes"}, "paid": true}'))
  const read = await uipath.getUiPathJob(w.bp, w.event(), conn({ jobId: job.id }))
  const out = read.outputArguments
  assert.ok(Object.prototype.hasOwnProperty.call(out, '__proto__'), 'an own key')
  assert.deepStrictEqual(out.__proto__ === Object.prototype ? null : Object.getOwnPropertyDescriptor(out, '__proto__').value, { polluted: 'yes' })
  assert.strictEqual(out.polluted, undefined, 'no prototype was set')
  assert.strictEqual(Object.getPrototypeOf(out), Object.prototype)
  assert.strictEqual({}.polluted, undefined, 'nothing global was polluted')
  assert.strictEqual(out.paid, true)
})
