'use strict'
// The robots' questions within UiPath's rate limits and the module's `pollBudget`
// (API.md, "A robot asks…"; the queue issue's budget): a robot's nudge looks up only the
// task it named, once; the timer's look for open tasks is set aside from the job and
// queue-item pollers' budget; a 429 to a task look makes every poller of the tenant wait.
// The packaged module on Knex over SQLite, the emulator, an orchestration robot.

const assert = require('assert')
const { test, after } = require('../support/harness')
const { eventually, sleep } = require('../support/wait')
const { startWorld } = require('../support/fixture')
const { sqliteDatabase } = require('../support/database')
const { request } = require('../support/http')
const { defaultData, approvalRelease } = require('../emulator/orchestrator')
const { orchestration } = require('../emulator/robot')
const uipath = require('../../js-shim')

const open = []
after(async () => {
  for (const o of open) await o.close()
})

/** A world whose bot reads tasks; `settings` is merged into its module config, and the
 * module's timers run by `timers` (the global config). */
async function world (settings, timers, robot) {
  const db = sqliteDatabase()
  const w = await startWorld({
    module: 'ours',
    orchestrator: { releases: defaultData().releases.concat(approvalRelease()), onJobStarted: (job, input, emu) => robot(job, input, emu) },
    botpress: { database: db, globalConfig: timers }
  })
  w.settings = Object.assign({
    cloudUrl: w.orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared', processKey: 'ApprovalBot',
    taskCatalog: 'Botpress'
  }, timers, settings)
  w.botpress.bp.config.getModuleConfigForBot = async () => w.settings
  await w.module.ready
  const closing = w.close
  open.push({ close: async () => { await closing.call(w); await db.destroy() } })
  return w
}

const c = { botId: 'bot-1', channel: 'web', target: 'user-1', threadId: 'thread-1' }
const looks = (w) => w.orchestrator.requestsTo('GetTasksAcrossFolders')
const jobReads = (w) => w.orchestrator.requestsTo('GET /acme/DefaultTenant/orchestrator_/odata/Jobs').filter((r) => /^Id in/.test(r.query.$filter || ''))

test('a robot\'s nudge looks up only the task it named, once; a nudge repeated or for a task of no catalog asks nothing', async () => {
  const asker = orchestration({ nudge: true })
  const w = await world({}, { pollInterval: false, taskPollInterval: false }, asker)
  // The robot posts its nudge to the callback URL the job was given.
  const started = await uipath.startUiPathJob(w.bp, w.event(c), { inputArguments: {}, externalUrl: w.botpress.url })
  const made = await eventually('the task', () => asker.tasks.find((t) => t.jobId === started.jobs[0].id))
  await eventually('the question', () => w.botpress.replies.find((r) => r.payload.type === 'single-choice'))
  assert.strictEqual(looks(w).length, 1, 'one look')
  assert.ok(looks(w)[0].query.$filter.endsWith(' and (Id eq ' + made.task.id + ')'), looks(w)[0].query.$filter)
  // The robot says it again, then names a task that is not an open task of the catalog.
  const nudge = (taskId) => request(w.botpress.url, 'POST', '/api/v1/bots/___/mod/uipath/message',
    { Authorization: 'bearer ' + made.task.data.botpressToken }, { type: 'uipath-task', taskId: taskId })
  assert.strictEqual((await nudge(made.task.id)).status, 200)
  await sleep(300)
  assert.strictEqual(looks(w).length, 1, 'a repeated nudge costs no request')
  assert.strictEqual((await nudge(987654)).status, 200)
  await eventually('the second look', () => looks(w).length >= 2)
  assert.strictEqual(looks(w).length, 2)
  assert.ok(looks(w)[1].query.$filter.endsWith(' and (Id eq 987654)'))
  await sleep(200)
  assert.strictEqual(w.botpress.replies.filter((r) => r.payload.type === 'single-choice').length, 1, 'asked once')
  assert.ok(!w.botpress.logs.some((l) => /987654/.test(l.message)), 'nothing to log')
})

test('the task look\'s reads are set aside from pollBudget', async () => {
  const asker = orchestration({ nudge: false })
  // pollBudget 7 with a look every 10 s (6 a minute): the job poller keeps 1 a minute.
  const w = await world({ pollBudget: 7 }, { pollInterval: '1s', taskPollInterval: '10s' }, asker)
  await uipath.startUiPathJob(w.bp, w.event(c), { inputArguments: {} })
  await eventually('the job poller\'s first read', () => jobReads(w).length >= 1)
  await sleep(3200)
  assert.strictEqual(jobReads(w).length, 1, 'one read a minute is left for the jobs')
  // The bot stops reading tasks: the whole budget is the job poller's (7 a minute, one a round).
  w.settings = Object.assign({}, w.settings, { taskCatalog: false })
  await eventually('reads every round again', () => jobReads(w).length >= 3, 5000)
})

test('a 429 to a task look makes every poller of the tenant wait, the job poller too', async () => {
  const asker = orchestration({ nudge: false })
  // A look every second (60 a minute set aside from 100): 40 a minute for the jobs.
  const w = await world({ pollBudget: 100 }, { pollInterval: '1s', taskPollInterval: '1s' }, asker)
  await uipath.startUiPathJob(w.bp, w.event(c), { inputArguments: {} })
  await eventually('the job poller reads every round', () => jobReads(w).length >= 2, 5000)
  // Orchestrator answers a task look 429 with a wait the look cannot sit out.
  w.orchestrator.fail('GetTasksAcrossFolders', { status: 429, headers: { 'Retry-After': '40' }, body: { message: 'Too many requests', errorCode: 0 } }, 1)
  await eventually('the 429', () => w.orchestrator.faults[0].left === 0)
  await sleep(300)
  const at = Date.now()
  const before = jobReads(w).length
  await sleep(3200)
  assert.strictEqual(jobReads(w).length, before, 'no job read while Orchestrator asked to wait')
  assert.strictEqual(looks(w).filter((r) => r.at > at).length, 0, 'no task look either')
  assert.ok(w.botpress.logs.some((l) => /rate-limited the call to list the open tasks/.test(l.message)), 'the 429 is logged')
})
