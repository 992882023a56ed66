'use strict'
// Exactly once in a Botpress cluster: two servers (two `bp`s, two Knex pools) of the
// packaged module's job-end machinery sharing one real PostgreSQL, started by this test
// (initdb, pg_ctl, a free loopback port) and stopped after it. Every job end is raced by
// three webhook calls (two to one server, one to the other) and both servers' pollers,
// some webhook calls are lost; each job must reach its conversation exactly once. Then a
// restart: jobs tracked by a server that went away are delivered by a new one.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { startOrchestrator } = require('../emulator/orchestrator')
const { startBotpress } = require('../support/botpress-host')
const { jobEndsOf } = require('../support/module')
const { postgresDatabase, startPostgres } = require('../support/database')
const uipath = require('../../js-shim')

const SECRET = 'whsec-cluster-0123456789'
const JOBS = 60
let pg
let orchestrator
const servers = []

before(async () => {
  pg = await startPostgres()
  assert.ok(pg, 'PostgreSQL is not installed (initdb not found): this test needs it')
  orchestrator = await startOrchestrator({})
})
after(async () => {
  for (const s of servers) await s.close()
  if (orchestrator) await orchestrator.close()
  if (pg) pg.stop()
})

/** One Botpress server of the cluster: its own host, Knex pool and job-end machinery. */
async function server (name) {
  const db = postgresDatabase(pg.url)
  const host = await startBotpress({ database: db, globalConfig: { webhookSecret: SECRET, pollInterval: false } })
  host.bp.config.getModuleConfigForBot = async () => ({
    cloudUrl: orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared', processKey: 'InvoiceBot'
  })
  const ends = jobEndsOf(host)
  const router = host.bp.http.createRouterForBot('uipath', { checkAuthentication: false, enableJsonBodyParser: false, enableUrlEncoderBodyParser: false })
  router.post('/webhook', (req, res) => ends.webhook(req, res, 'test').catch((err) => res.status(500).json({ message: err.message })))
  host.finish()
  await ends.start()
  const s = {
    name: name,
    host: host,
    ends: ends,
    webhook: host.url + '/api/v1/bots/___/mod/uipath/webhook',
    async close () {
      if (s.closed) return
      s.closed = true
      await ends.stop()
      await host.close()
      await db.destroy()
    }
  }
  servers.push(s)
  return s
}

const event = (i) => ({ botId: 'bot-1', channel: 'web', target: 'user-' + i, threadId: 'thread-' + i })

async function startHeld (count) {
  const jobs = []
  for (let i = 0; i < count; i++) {
    const started = await uipath.startUiPathJob(servers[0].host.bp, event(i), { inputArguments: { n: i }, botpressToken: false })
    assert.strictEqual(started.tracked, true)
    jobs.push(started.jobs[0])
  }
  return jobs
}

function deliveredBy (list, jobs) {
  const ids = new Set(jobs.map((j) => j.id))
  const seen = new Map()
  for (const s of list) {
    for (const e of s.host.events) {
      if (e.type !== 'uipath-job' || !ids.has(e.payload.jobId)) continue
      seen.set(e.payload.jobId, (seen.get(e.payload.jobId) || []).concat(s.name))
    }
  }
  return seen
}

test('two servers, webhook repeats, lost calls and racing pollers: every job delivered exactly once', async () => {
  const a = await server('A')
  const b = await server('B')
  orchestrator.webhooks.add({ url: a.webhook, secret: SECRET })
  orchestrator.webhooks.add({ url: a.webhook, secret: SECRET })
  orchestrator.webhooks.add({ url: b.webhook, secret: SECRET })
  const jobs = await startHeld(JOBS)
  // The first 10 jobs' three calls each are lost: only the pollers can deliver them.
  orchestrator.webhooks.drop(30)
  for (const j of jobs) orchestrator.endJob(orchestrator.jobs.find((x) => x.Id === j.id), 'Successful', 'Job completed', { n: j.id })
  const until = Date.now() + 20000
  let seen = deliveredBy([a, b], jobs)
  while (seen.size < JOBS && Date.now() < until) {
    await Promise.all([a.ends.pollOnce(), b.ends.pollOnce(), a.ends.pollOnce()])
    seen = deliveredBy([a, b], jobs)
  }
  // More rounds and a repeat of every call after everything was delivered change nothing.
  await Promise.all([a.ends.pollOnce(), b.ends.pollOnce()])
  for (const j of jobs.slice(0, 5)) {
    const payload = orchestrator.webhooks.payload(orchestrator.jobs.find((x) => x.Id === j.id))
    await Promise.all([orchestrator.webhooks.send({ url: a.webhook, secret: SECRET }, payload), orchestrator.webhooks.send({ url: b.webhook, secret: SECRET }, payload)])
  }
  seen = deliveredBy([a, b], jobs)
  assert.strictEqual(seen.size, JOBS, 'every job delivered')
  const twice = [...seen].filter(([, by]) => by.length !== 1)
  assert.deepStrictEqual(twice, [], 'a job delivered more than once')
  for (const j of jobs.slice(0, 10)) {
    assert.ok(orchestrator.webhooks.calls.filter((c) => c.jobId === j.id && c.status !== 'dropped').length <= 2, 'lost calls')
  }
  const calls = orchestrator.webhooks.calls
  const answered = () => calls.every((c) => c.status !== null)
  for (let i = 0; i < 200 && !answered(); i++) await new Promise((resolve) => setTimeout(resolve, 25))
  const statuses = orchestrator.webhooks.calls.filter((c) => c.status !== 'dropped').map((c) => c.status)
  assert.ok(statuses.every((s) => s === 200), 'every webhook call answered 200: ' + statuses.filter((s) => s !== 200).join(','))
  // The conversation of each job is its own.
  for (const s of [a, b]) {
    for (const e of s.host.events) {
      const i = jobs.findIndex((j) => j.id === e.payload.jobId)
      assert.deepStrictEqual([e.target, e.threadId], ['user-' + i, 'thread-' + i])
    }
  }
  const rows = await postgresDatabase(pg.url)
  try {
    const open = await rows('uipath_jobs').whereNull('delivered_at').count('* as n')
    assert.strictEqual(Number(open[0].n), 0)
  } finally {
    await rows.destroy()
  }
  await a.close()
  await b.close()
})

test('a restart: a new server on the same database delivers jobs the old one tracked', async () => {
  const old = await server('old')
  const jobs = await startHeld(8)
  await old.close()
  // Ended while no server was up: no webhook reaches anyone.
  for (const j of jobs) orchestrator.endJob(orchestrator.jobs.find((x) => x.Id === j.id), 'Faulted', 'Machine lost')
  const fresh = await server('new')
  const round = await fresh.ends.pollOnce()
  assert.strictEqual(round.delivered, 8, JSON.stringify(fresh.host.logs))
  const seen = deliveredBy([fresh], jobs)
  assert.strictEqual(seen.size, 8)
  assert.ok(fresh.host.events.every((e) => e.payload.state === 'Faulted' && e.payload.info === 'Machine lost'))
  assert.strictEqual((await fresh.ends.pollOnce()).delivered, 0)
  await fresh.close()
})

test('one server polls per interval: a lease in the database they share (CE has no lock across servers)', async () => {
  const a = await server('lease-A')
  const b = await server('lease-B')
  const jobs = await startHeld(3)
  orchestrator.webhooks.drop(100)
  for (const j of jobs) orchestrator.endJob(orchestrator.jobs.find((x) => x.Id === j.id), 'Successful', 'Job completed')
  const reads = () => orchestrator.requests.filter((r) => /\/odata\/Jobs$/.test(r.path)).length
  const before = reads()
  const [ra, rb] = await Promise.all([a.ends.pollOnce(), b.ends.pollOnce()])
  assert.deepStrictEqual([ra.skipped || false, rb.skipped || false].sort(), [false, true], 'one of the two polled')
  assert.strictEqual(reads() - before, 1, 'one batched read for the cluster')
  assert.strictEqual(ra.delivered + rb.delivered, 3)
  assert.strictEqual(deliveredBy([a, b], jobs).size, 3)
  const [holder, other] = ra.skipped ? [b, a] : [a, b]
  assert.strictEqual((await other.ends.pollOnce()).skipped, true, 'the lease lasts the interval')
  assert.ok(!(await holder.ends.pollOnce()).skipped, 'its holder may poll again')
  await holder.close()
  assert.ok(!(await other.ends.pollOnce()).skipped, 'a server that stops gives the lease back')
  await other.close()
})
