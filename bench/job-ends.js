'use strict'
// Job ends in a Botpress cluster, figures only (never fails on them): two servers of the
// packaged module's job-end machinery (two `bp`s, two Knex pools) on one throwaway
// PostgreSQL, the Orchestrator emulator sending signed webhooks to both.
// - tracking: jobs written per second through the tracker startUiPathJob calls;
// - N jobs ending at once, every end sent to both servers by webhook: jobs delivered per
//   second, and the latency from the job's end to its event (p50, p99);
// - N more with every webhook call lost, both pollers on: the latency by poll, the
//   requests a round costs, and that each job was still delivered once.
// Usage: node bench/job-ends.js [N=1000] [pollInterval=5s]

const { startOrchestrator } = require('../tests/emulator/orchestrator')
const { startBotpress } = require('../tests/support/botpress-host')
const { jobEndsOf } = require('../tests/support/module')
const { postgresDatabase, startPostgres } = require('../tests/support/database')

const N = Number(process.argv[2] || 1000)
const INTERVAL = process.argv[3] || '5s'
const SECRET = 'bench-webhook-secret-7f3a'
const pct = (xs, p) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function main () {
  const pg = await startPostgres()
  if (!pg) throw new Error('PostgreSQL is not installed')
  const orchestrator = await startOrchestrator({})
  const servers = []
  const globalConfig = { webhookSecret: SECRET, pollInterval: false }
  for (const name of ['A', 'B']) {
    const db = postgresDatabase(pg.url)
    const host = await startBotpress({ database: db, globalConfig: globalConfig })
    host.bp.config.getModuleConfigForBot = async () => ({
      cloudUrl: orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
      auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared'
    })
    const ends = jobEndsOf(host)
    host.bp.http.createRouterForBot('uipath', { checkAuthentication: false, enableJsonBodyParser: false, enableUrlEncoderBodyParser: false })
      .post('/webhook', (req, res) => ends.webhook(req, res, 'bench'))
    host.finish()
    await ends.start()
    servers.push({ name: name, host: host, ends: ends, db: db })
    orchestrator.webhooks.add({ url: host.url + '/api/v1/bots/___/mod/uipath/webhook', secret: SECRET })
  }
  const tracker = globalThis[Symbol.for('botpress-uipath/job-tracker')]
  const endedAt = new Map()
  const deliveredAt = new Map()
  for (const s of servers) {
    s.host.onEvent((e) => {
      if (e.type !== 'uipath-job') return
      deliveredAt.set(e.payload.jobId, (deliveredAt.get(e.payload.jobId) || []).concat(Date.now()))
    })
  }
  console.log('Node ' + process.version + ', PostgreSQL, 2 servers, ' + N + ' jobs per phase')

  // Jobs as the emulator holds them, tracked as startUiPathJob tracks them.
  async function makeJobs (count) {
    const jobs = []
    for (let i = 0; i < (count || N); i++) {
      const job = { Id: 100000 + orchestrator.jobs.length, Key: require('crypto').randomUUID ? require('crypto').randomUUID() : require('crypto').randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'), State: 'Running', ReleaseName: 'InvoiceBot_Shared', ReleaseKey: 'a0000000-0000-4000-8000-000000000012', InputArguments: null, OutputArguments: null, Info: null, OrganizationUnitId: 1, Source: 'Manual', StartTime: new Date().toISOString() }
      orchestrator.jobs.push(job)
      jobs.push(job)
    }
    const rows = jobs.map((j, i) => ({ botId: 'bot-1', channel: 'web', target: 'user-' + i, threadId: 'thread-' + i, jobId: j.Id, jobKey: j.Key.toLowerCase(), folder: 'path:Shared', orchestrator: orchestrator.origin + '/acme/DefaultTenant/orchestrator_', pollable: true, reference: 'bench', processKey: 'InvoiceBot' }))
    const t = Date.now()
    for (let i = 0; i < rows.length; i += 50) await Promise.all(rows.slice(i, i + 50).map((r) => tracker([r])))
    return { jobs: jobs, trackMs: Date.now() - t }
  }
  function endAll (jobs) {
    for (const j of jobs) {
      endedAt.set(j.Id, Date.now())
      orchestrator.endJob(j, 'Successful', 'Job completed', { ok: true })
    }
  }
  async function waitDelivered (jobs, ms) {
    const until = Date.now() + ms
    while (jobs.some((j) => !deliveredAt.has(j.Id)) && Date.now() < until) await sleep(20)
  }
  const report = (label, jobs, t0) => {
    const lat = jobs.filter((j) => deliveredAt.has(j.Id)).map((j) => deliveredAt.get(j.Id)[0] - endedAt.get(j.Id))
    const last = Math.max.apply(null, jobs.map((j) => (deliveredAt.get(j.Id) || [Infinity])[0]))
    const twice = jobs.filter((j) => (deliveredAt.get(j.Id) || []).length > 1).length
    console.log(label + ': ' + lat.length + '/' + jobs.length + ' delivered in ' + (last - t0) + ' ms (' + Math.round(lat.length / ((last - t0) / 1000)) + ' jobs/s); latency p50 ' + pct(lat, 0.5) + ' ms, p99 ' + pct(lat, 0.99) + ' ms; delivered twice: ' + twice)
  }

  // One job at a time: the webhook's own latency, without a burst in front of it.
  const single = []
  for (let i = 0; i < 20; i++) {
    const one = (await makeJobs(1)).jobs
    endAll(one)
    await waitDelivered(one, 10000)
    single.push(deliveredAt.get(one[0].Id)[0] - endedAt.get(one[0].Id))
  }
  console.log('one job at a time, by webhook: latency p50 ' + pct(single, 0.5) + ' ms, max ' + Math.max.apply(null, single) + ' ms (20 jobs)')

  const phase1 = await makeJobs()
  console.log('tracking: ' + N + ' jobs in ' + phase1.trackMs + ' ms (' + Math.round(N / (phase1.trackMs / 1000)) + ' jobs/s, 50 at a time)')
  let t0 = Date.now()
  endAll(phase1.jobs)
  await waitDelivered(phase1.jobs, 120000)
  report('by webhook (2 calls per end, one to each server)', phase1.jobs, t0)

  const phase2 = await makeJobs()
  globalConfig.pollInterval = INTERVAL
  for (const s of servers) { await s.ends.stop(); await s.ends.start() }
  const before = orchestrator.requests.length
  orchestrator.webhooks.drop(2 * N)
  t0 = Date.now()
  endAll(phase2.jobs)
  await waitDelivered(phase2.jobs, 120000)
  report('by poll only (every webhook call lost, pollInterval ' + INTERVAL + ', both servers\' pollers on, one polling per interval by the lease)', phase2.jobs, t0)
  const reads = orchestrator.requests.slice(before).filter((r) => /\/odata\/Jobs$/.test(r.path))
  console.log('poll reads to Orchestrator: ' + reads.length + ' (50 jobs each)')

  for (const s of servers) { await s.ends.stop(); await s.host.close(); await s.db.destroy() }
  await orchestrator.close()
  pg.stop()
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
