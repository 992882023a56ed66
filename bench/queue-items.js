'use strict'
// Queue items polled within UiPath's rate limit, figures only (never fails on them):
// 5,000 tracked items in 40 folders, every webhook lost, two servers of the packaged
// module on one throwaway PostgreSQL, one polling per interval by the round's lease in it,
// pollBudget at its default (60 filtered reads a minute per tenant, UiPath's
// limit being 100). Printed: the filtered QueueItems reads in the busiest minute (a
// sliding 60 s window over the emulator's own request log), the time until every item's
// end was delivered, that none was delivered twice, the rounds' CPU, and a 429 waited out.
// Usage: node bench/queue-items.js [items=5000] [folders=40] [pollInterval=5s]

const { startOrchestrator } = require('../tests/emulator/orchestrator')
const { startBotpress } = require('../tests/support/botpress-host')
const { jobEndsOf } = require('../tests/support/module')
const { postgresDatabase, startPostgres } = require('../tests/support/database')

const ITEMS = Number(process.argv[2] || 5000)
const FOLDERS = Number(process.argv[3] || 40)
const INTERVAL = process.argv[4] || '5s'
const BUDGET = 60
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const pad = (n) => String(n).padStart(2, '0')

/** The most requests in any `windowMs` of `times` (sorted). */
function busiest (times, windowMs) {
  let most = 0
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

async function main () {
  const pg = await startPostgres()
  if (!pg) throw new Error('PostgreSQL is not installed')
  const folders = []
  const queues = []
  for (let f = 1; f <= FOLDERS; f++) {
    folders.push({ Id: 100 + f, Key: 'f0000000-0000-4000-8000-000000000' + (100 + f), DisplayName: 'F' + pad(f), FullyQualifiedName: 'Bench/F' + pad(f), FolderType: 'Standard' })
    queues.push({ Id: 300 + f, Key: 'c0000000-0000-4000-8000-000000000' + (300 + f), Name: 'Invoices', MaxNumberOfRetries: 0, AcceptAutomaticallyRetry: false, EnforceUniqueReference: false, OrganizationUnitId: 100 + f })
  }
  const orchestrator = await startOrchestrator({ folders: folders, queues: queues })
  const globalConfig = { pollInterval: INTERVAL, pollBudget: BUDGET }
  const servers = []
  const delivered = new Map()
  for (const name of ['A', 'B']) {
    const db = postgresDatabase(pg.url)
    const host = await startBotpress({ database: db, globalConfig: globalConfig })
    host.bp.config.getModuleConfigForBot = async () => ({
      cloudUrl: orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
      auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared', pollInterval: INTERVAL, pollBudget: BUDGET
    })
    host.onEvent((e) => {
      if (e.type === 'uipath-queue-item') delivered.set(e.payload.queueItemId, (delivered.get(e.payload.queueItemId) || 0) + 1)
    })
    host.finish()
    servers.push({ name: name, host: host, ends: jobEndsOf(host), db: db })
  }
  await servers[0].ends.start()
  const tracker = globalThis[Symbol.for('botpress-uipath/queue-item-tracker')]
  console.log('Node ' + process.version + ', PostgreSQL, 2 servers sharing the round\'s lease, ' + ITEMS + ' queue items in ' + FOLDERS + ' folders, pollInterval ' + INTERVAL + ', pollBudget ' + BUDGET + ' (UiPath: 100 a minute per tenant)')

  // The items as Orchestrator holds them, tracked as addUiPathQueueItem tracks them.
  const rows = []
  for (let i = 0; i < ITEMS; i++) {
    const folder = folders[i % FOLDERS]
    const item = { Id: 50000 + i, Key: 'e0000000-0000-4000-8000-' + String(i).padStart(12, '0'), QueueDefinitionId: 300 + (i % FOLDERS) + 1, QueueDefinitionName: 'Invoices', Status: 'InProgress', Reference: 'inv-' + i, Priority: 'Normal', RetryNumber: 0, AncestorId: null, SpecificContent: { n: i }, Output: null, ProcessingException: null, CreationTime: new Date().toISOString(), OrganizationUnitId: folder.Id }
    orchestrator.items.push(item)
    rows.push({ botId: 'bot-1', channel: 'web', target: 'user-' + i, threadId: 'thread-' + i, itemId: item.Id, itemKey: item.Key, queueName: 'Invoices', folder: 'path:' + folder.FullyQualifiedName, orchestrator: orchestrator.origin + '/acme/DefaultTenant/orchestrator_', pollable: true, reference: 'inv-' + i })
  }
  let t = Date.now()
  for (let i = 0; i < rows.length; i += 100) await tracker(rows.slice(i, i + 100))
  console.log('tracking: ' + ITEMS + ' items in ' + (Date.now() - t) + ' ms')
  await servers[1].ends.start()

  // Every item ends at once; the webhooks are lost (none is registered), so only the
  // pollers hear of them. Half a minute in, Orchestrator answers one read with a 429.
  const before = orchestrator.requests.length
  const t0 = Date.now()
  for (const item of orchestrator.items) { item.Status = 'Successful'; item.Output = { paid: true } }
  setTimeout(() => orchestrator.fail('/odata/QueueItems', { status: 429, headers: { 'Retry-After': '10' }, body: { message: 'Too Many Requests', errorCode: 0 } }, 1), 30000).unref()
  const cpu0 = process.cpuUsage()
  const limit = t0 + 15 * 60 * 1000
  while (delivered.size < ITEMS && Date.now() < limit) await sleep(200)
  const took = Date.now() - t0
  const cpu = process.cpuUsage(cpu0)

  const reads = orchestrator.requests.slice(before).filter((r) => r.method === 'GET' && r.path.endsWith('/odata/QueueItems') && r.query.$filter)
  const times = reads.map((r) => r.at)
  const twice = Array.from(delivered.values()).filter((n) => n > 1).length
  const sentBy = servers.map((s) => s.name + ' ' + s.host.logs.filter((l) => /delivered to the conversation \(poll\)/.test(l.message)).length)
  console.log('delivered: ' + delivered.size + '/' + ITEMS + ' in ' + (took / 1000).toFixed(1) + ' s by poll (' + sentBy.join(', ') + '); delivered twice: ' + twice)
  console.log('filtered QueueItems reads: ' + reads.length + ' (' + Math.ceil(ITEMS / FOLDERS / 50) * FOLDERS + ' pages of up to 50 for ' + FOLDERS + ' folders, and the one read answered 429 sent again); busiest minute ' + busiest(times, 60000) + ' (budget ' + BUDGET + ', ' + (BUDGET - 6) + ' of it for jobs and items: 6 a minute set aside for the look for open tasks, taskPollInterval 10s), busiest ' + INTERVAL + ' window ' + busiest(times, parseFloat(INTERVAL) * 1000))
  // The read answered 429 (the first after the fault was set) and the next read after it.
  const limitedAt = times.find((t) => t >= t0 + 30000)
  const nextAt = times.find((t) => t > limitedAt)
  console.log('a 429 with Retry-After 10 at ' + ((limitedAt - t0) / 1000).toFixed(1) + ' s: the next read ' + ((nextAt - limitedAt) / 1000).toFixed(1) + ' s later; CPU of both servers while polling: ' + Math.round((cpu.user + cpu.system) / 1000) + ' ms')

  for (const s of servers) { await s.ends.stop(); await s.host.close(); await s.db.destroy() }
  await orchestrator.close()
  pg.stop()
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
