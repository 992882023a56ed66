'use strict'
// A robot's question exactly once in a Botpress cluster: two servers (two `bp`s, two Knex
// pools) of the packaged module's questions machinery sharing one real PostgreSQL,
// started by this test. Both look for the task at once: one question. The answer reaches
// the other server: one completion, one confirmation. Then a restart: a question asked
// by a server that went away is answered through a new one.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { eventually } = require('../support/wait')
const { startOrchestrator } = require('../emulator/orchestrator')
const { startBotpress } = require('../support/botpress-host')
const { jobEndsOf, tasksOf } = require('../support/module')
const { postgresDatabase, startPostgres } = require('../support/database')
const uipath = require('../../js-shim')

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

async function server (name) {
  const db = postgresDatabase(pg.url)
  const host = await startBotpress({ database: db, globalConfig: { pollInterval: false, taskPollInterval: false } })
  host.bp.config.getModuleConfigForBot = async () => ({
    cloudUrl: orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared', processKey: 'ApprovalBot'
  })
  host.finish()
  const ends = jobEndsOf(host)
  await ends.start()
  const tasks = tasksOf(host, ends)
  await tasks.start()
  const s = {
    name: name,
    host: host,
    tasks: tasks,
    async close () {
      if (s.closed) return
      s.closed = true
      await tasks.stop()
      await ends.stop()
      await host.close()
      await db.destroy()
    }
  }
  servers.push(s)
  return s
}

const conversation = (n) => ({ botId: 'bot-1', channel: 'web', target: 'user-' + n, threadId: 'thread-' + n })
const questions = (list, c) => list.reduce((n, s) => n + s.host.replies.filter((r) => r.target === c.target && r.payload.type === 'single-choice').length, 0)
const said = (list, c, text) => list.reduce((n, s) => n + s.host.replies.filter((r) => r.target === c.target && r.payload.text === text).length, 0)

/** The robot's task for conversation `c`, its token issued as the module issues one in process. */
async function taskFor (a, c) {
  const answer = uipath.issueCallbackToken({
    config: {}, secret: process.APP_SECRET, botId: c.botId, now: Date.now(), jti: 'jti-' + c.target, requestId: 'r', source: 'in-process',
    query: { channel: c.channel, target: c.target, threadId: c.threadId, expiresIn: '1h' },
    caller: { email: 'server::modules', strategy: 'default', isSuperAdmin: false, workspace: '' }
  })
  assert.strictEqual(answer.status, 200, JSON.stringify(answer.body))
  // The job that was given the token, tracked as startUiPathJob tracks it: the question
  // is asked only for a running job's token.
  const jti = JSON.parse(Buffer.from(answer.body.token.split('.')[1], 'base64').toString()).jti
  const track = globalThis[Symbol.for('botpress-uipath/job-tracker')]
  track([{ botId: c.botId, channel: c.channel, target: c.target, threadId: c.threadId, jobId: 7000 + c.target.length, jobKey: 'b0000000-0000-4000-8000-00000000' + String(7000 + Number(c.target.slice(5))), folder: 'path:Shared', orchestrator: orchestrator.cloudUrl, pollable: false, reference: 'r', processKey: 'ApprovalBot', tokenId: jti }])
  await new Promise((resolve) => setTimeout(resolve, 50))
  return orchestrator.createTask(1, { title: 'Approve?', taskCatalogName: 'Botpress', data: { botpressToken: answer.body.token, question: 'Approve the payment?', choices: 'Approve, Reject', answerField: 'decision' } }).task
}

test('two servers look at once: one question; the answer on the other server: one completion, one confirmation', async () => {
  const a = await server('A')
  const b = await server('B')
  const c = conversation(1)
  const task = await taskFor(a, c)
  await Promise.all([a.tasks.pollOnce({ now: true }), b.tasks.pollOnce({ now: true }), a.tasks.pollOnce({ now: true })])
  await Promise.all([a.tasks.pollOnce({ now: true }), b.tasks.pollOnce({ now: true })])
  assert.strictEqual(questions([a, b], c), 1, 'asked once across the cluster')
  const asker = a.host.replies.some((r) => r.target === c.target) ? a : b
  const other = asker === a ? b : a
  // The other server learns where questions are open within its refresh (2 s); a round does it too.
  await other.tasks.pollOnce({ now: true })
  const e = await other.host.userSays(c, 'Approve')
  assert.ok(!other.host.flows.includes(e), 'taken on the server it reached')
  await eventually('the confirmation', () => said([a, b], c, 'Thanks, I passed that on.') === 1)
  await Promise.all([a.tasks.pollOnce({ now: true }), b.tasks.pollOnce({ now: true })])
  assert.strictEqual(said([a, b], c, 'Thanks, I passed that on.'), 1, 'one confirmation')
  assert.deepStrictEqual(orchestrator.completions.filter((x) => x.taskId === task.id).map((x) => x.data.decision), ['Approve'])
  await a.close()
  await b.close()
})

test('a restart: a question asked by a server that went away is answered through a new one', async () => {
  const old = await server('old')
  const c = conversation(2)
  const task = await taskFor(old, c)
  await old.tasks.pollOnce({ now: true })
  assert.strictEqual(questions([old], c), 1)
  await old.close()
  const fresh = await server('new')
  await fresh.tasks.pollOnce({ now: true })
  assert.strictEqual(questions([old, fresh], c), 1, 'not asked again')
  const e = await fresh.host.userSays(c, 'reject')
  assert.ok(!fresh.host.flows.includes(e))
  await eventually('the confirmation', () => said([fresh], c, 'Thanks, I passed that on.') === 1)
  assert.deepStrictEqual(orchestrator.completions.filter((x) => x.taskId === task.id).map((x) => x.data.decision), ['Reject'])
  await fresh.close()
})
