'use strict'
// A robot asks, the user answers in the conversation (API.md), with real parts: the
// packaged module on Knex over SQLite, the emulator's Action Center and an orchestration
// robot that creates an external task and waits on it. The question asked once in the
// token's conversation; the answer taken by the module's middleware (never reaching the
// flows), the task completed once with it, the user told once, the robot resumed; a
// wrong answer asked again twice; forged and foreign tokens never asked; a task answered
// in Action Center first, or taken there by a person; a question whose token expired; a
// completion retried after a 503 and one refused for good;
// `tasks.ask: 'flow'` with answerUiPathTask from action code.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { eventually } = require('../support/wait')
const { startWorld, rejection } = require('../support/fixture')
const { sqliteDatabase } = require('../support/database')
const { defaultData, approvalRelease } = require('../emulator/orchestrator')
const { orchestration } = require('../emulator/robot')
const uipath = require('../../js-shim')

let w
let db
let asker = orchestration({ nudge: true })
let ask = 'module'
before(async () => {
  db = sqliteDatabase()
  w = await startWorld({
    module: 'ours',
    orchestrator: { releases: defaultData().releases.concat(approvalRelease()), onJobStarted: (job, input, emu) => asker(job, input, emu) },
    botpress: { database: db, globalConfig: { pollInterval: '1s', taskPollInterval: '1s' } }
  })
  w.botpress.bp.config.getModuleConfigForBot = async (m, botId) => moduleConfig(botId)
  await w.module.ready
})
after(async () => {
  await w.close()
  await db.destroy()
})

function moduleConfig (botId) {
  return {
    cloudUrl: w.orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared', processKey: 'ApprovalBot',
    // bot-2 reads another tenant's tasks: a token of its own found here is not its bot's.
    taskCatalog: botId === 'bot-2' ? false : 'Botpress',
    tasks: { ask: ask },
    messages: { Successful: 'ApprovalBot finished: {{output.decision}}' }
  }
}

let conversationNo = 0
function conversation () {
  conversationNo++
  return { botId: 'bot-1', channel: 'web', target: 'user-' + conversationNo, threadId: 'thread-' + conversationNo }
}

const repliesTo = (c) => w.botpress.replies.filter((r) => r.target === c.target)
const texts = (c) => repliesTo(c).map((r) => r.payload.text)

async function startAsking (c) {
  const started = await uipath.startUiPathJob(w.bp, w.event(c), { inputArguments: {}, externalUrl: w.botpress.url })
  const job = started.jobs[0]
  const task = await eventually('the task', () => asker.tasks.find((t) => t.jobId === job.id))
  await eventually('the question', () => repliesTo(c).find((r) => r.payload.type === 'single-choice'))
  return { job: job, task: task.task }
}

test('the robot\'s question is asked once in its conversation; the answer completes the task once and the robot resumes', async () => {
  const c = conversation()
  const { job, task } = await startAsking(c)
  const question = repliesTo(c).find((r) => r.payload.type === 'single-choice')
  assert.deepStrictEqual(question.payload.choices, [{ title: 'Approve', value: 'Approve' }, { title: 'Reject', value: 'Reject' }])
  assert.strictEqual(question.threadId, c.threadId)
  // Rounds after the question ask nothing more.
  await new Promise((resolve) => setTimeout(resolve, 1300))
  assert.strictEqual(repliesTo(c).filter((r) => r.payload.type === 'single-choice').length, 1, 'asked once')
  const answer = await w.botpress.userSays(c, { type: 'quick_reply', text: 'Approve', payload: 'approve' })
  assert.ok(!w.botpress.flows.includes(answer), 'the answer does not reach the flows')
  await eventually('the confirmation', () => texts(c).includes('Thanks, I passed that on.'))
  const done = w.orchestrator.completions.filter((x) => x.taskId === task.id)
  assert.strictEqual(done.length, 1, 'one completion')
  assert.strictEqual(done[0].action, 'submit')
  assert.strictEqual(done[0].data.decision, 'Approve')
  assert.strictEqual(done[0].data.answeredBy, 'botpress:web:' + c.target)
  assert.ok(!isNaN(Date.parse(done[0].data.answeredAt)))
  assert.ok(!('botpressToken' in done[0].data), 'no token written back to Orchestrator')
  // The robot resumes and ends; its end reaches the conversation as any job's.
  await eventually('the job end', () => texts(c).includes('ApprovalBot finished: Approve'))
  assert.strictEqual(w.orchestrator.jobs.find((j) => j.Id === job.id).State, 'Successful')
  // The next message is the user's own again.
  const next = await w.botpress.userSays(c, 'thanks')
  assert.ok(w.botpress.flows.includes(next))
  assert.strictEqual(texts(c).filter((t) => t === 'Thanks, I passed that on.').length, 1, 'one confirmation')
})

test('an unrelated conversation\'s messages reach the flows as before', async () => {
  const other = { botId: 'bot-1', channel: 'web', target: 'someone-else', threadId: 't-x' }
  const e = await w.botpress.userSays(other, 'Approve')
  assert.ok(w.botpress.flows.includes(e))
  assert.strictEqual(repliesTo(other).length, 0)
})

test('an answer that matches no choice is asked again twice, then the task is left for Action Center', async () => {
  const c = conversation()
  const { task } = await startAsking(c)
  for (let i = 0; i < 2; i++) {
    const e = await w.botpress.userSays(c, 'maybe')
    assert.ok(!w.botpress.flows.includes(e))
  }
  const again = repliesTo(c).filter((r) => r.payload.type === 'single-choice')
  assert.strictEqual(again.length, 3, 'the question and twice again')
  assert.ok(again[1].payload.text.startsWith('Please answer with one of: Approve, Reject.\n'))
  await w.botpress.userSays(c, 'later')
  assert.ok(texts(c).includes("I'll leave that question for UiPath Action Center."))
  assert.strictEqual(w.orchestrator.completions.filter((x) => x.taskId === task.id).length, 0)
  const after = await w.botpress.userSays(c, 'approve')
  assert.ok(w.botpress.flows.includes(after), 'the question is no longer open')
  w.orchestrator.completeInActionCenter(task, { decision: 'Reject' })
})

test('a forged token, another bot\'s and a token no running job was given are never asked, and logged once', async () => {
  const tokenOf = async (botId) => uipath.getBotpressToken(w.bp, w.event({ botId: botId, target: 'victim' }))
  const forged = (await tokenOf('bot-1')).replace(/\.[^.]+$/, '.AAAA')
  const foreign = await tokenOf('bot-2')
  // Valid, for this bot and a conversation of it, but no running job was given it.
  const noJob = await tokenOf('bot-1')
  const made = [forged, foreign, noJob].map((t) => w.orchestrator.createTask(1, { title: 'x', taskCatalogName: 'Botpress', data: { botpressToken: t, question: 'Pay?' } }).task)
  const refused = (id) => w.botpress.logs.filter((l) => l.message.indexOf('task ' + id + ' is not asked') >= 0)
  // The last only after a grace of three rounds (at least 5 s): a job's row may be written after its robot's task.
  await eventually('all refused', () => made.every((t) => refused(t.id).length > 0), 15000)
  await new Promise((resolve) => setTimeout(resolve, 2300))
  for (const t of made) assert.strictEqual(refused(t.id).length, 1, 'logged once: ' + JSON.stringify(refused(t.id)))
  assert.ok(refused(made[0].id)[0].message.indexOf('does not verify') >= 0)
  assert.ok(refused(made[1].id)[0].message.indexOf('"bot-2"') >= 0)
  assert.ok(refused(made[2].id)[0].message.indexOf('not the callback token of a running job') >= 0)
  assert.strictEqual(w.botpress.replies.filter((r) => r.target === 'victim').length, 0, 'nothing asked')
  w.assertNoSecrets(null)
})

test('a task someone took in Action Center is not asked while they have it; given back, it is', async () => {
  const usual = asker
  asker = orchestration({ nudge: true, takenBy: 31 })
  try {
    const c = conversation()
    const started = await uipath.startUiPathJob(w.bp, w.event(c), { inputArguments: {}, externalUrl: w.botpress.url })
    const made = await eventually('the task', () => asker.tasks.find((t) => t.jobId === started.jobs[0].id))
    await new Promise((resolve) => setTimeout(resolve, 2500))
    assert.strictEqual(repliesTo(c).length, 0, 'not asked while a person has it')
    w.orchestrator.assignInActionCenter(made.task, null)
    await eventually('the question, once given back', () => repliesTo(c).find((r) => r.payload.type === 'single-choice'))
    await w.botpress.userSays(c, 'Approve')
    await eventually('the confirmation', () => texts(c).includes('Thanks, I passed that on.'))
    assert.deepStrictEqual(w.orchestrator.completions.filter((x) => x.taskId === made.task.id).map((x) => x.data.decision), ['Approve'])
  } finally {
    asker = usual
  }
})

test('a question whose token expires before the answer is left for Action Center, logged once; the next message is the flows\' again', async () => {
  const c = conversation()
  const started = await uipath.startUiPathJob(w.bp, w.event(c), { inputArguments: {}, externalUrl: w.botpress.url, botpressToken: { expiresIn: '3s' } })
  const made = await eventually('the task', () => asker.tasks.find((t) => t.jobId === started.jobs[0].id))
  await eventually('the question', () => repliesTo(c).find((r) => r.payload.type === 'single-choice'))
  const expired = () => w.botpress.logs.filter((l) => l.message.indexOf('task ' + made.task.id + ': its botpressToken expired') >= 0)
  await eventually('the expiry logged', () => expired().length > 0, 10000)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  assert.strictEqual(expired().length, 1, 'logged once')
  const e = await w.botpress.userSays(c, 'Approve')
  assert.ok(w.botpress.flows.includes(e), 'no longer taken as an answer')
  assert.strictEqual(w.orchestrator.completions.filter((x) => x.taskId === made.task.id).length, 0, 'left for Action Center')
  w.orchestrator.completeInActionCenter(made.task, { decision: 'Reject' })
})

test('a task answered in Action Center first is dropped and the user told', async () => {
  const c = conversation()
  const { task } = await startAsking(c)
  w.orchestrator.completeInActionCenter(task, { decision: 'Reject' })
  await eventually('the user told', () => texts(c).includes('That question was answered in UiPath Action Center already.'))
  const e = await w.botpress.userSays(c, 'Approve')
  assert.ok(w.botpress.flows.includes(e))
  assert.strictEqual(w.orchestrator.completions.filter((x) => x.taskId === task.id).length, 1, 'Action Center\'s only')
})

test('a completion that meets a 503 is retried without asking again; one refused for good (the task a person took in Action Center) is reported', async () => {
  const c = conversation()
  const { task } = await startAsking(c)
  w.orchestrator.fail('/tasks/GenericTasks/CompleteTask', { status: 503, body: { message: 'Service unavailable', errorCode: 0 } }, 3)
  await w.botpress.userSays(c, 'reject')
  await eventually('the confirmation after a retry', () => texts(c).includes('Thanks, I passed that on.'), 20000)
  assert.strictEqual(repliesTo(c).filter((r) => r.payload.type === 'single-choice').length, 1, 'not asked again')
  assert.deepStrictEqual(w.orchestrator.completions.filter((x) => x.taskId === task.id).map((x) => x.data.decision), ['Reject'])

  const d = conversation()
  const second = await startAsking(d)
  // A person took the task in Action Center meanwhile: only their account may complete it.
  w.orchestrator.assignInActionCenter(second.task, 31)
  await w.botpress.userSays(d, 'approve')
  await eventually('the refusal told', () => texts(d).includes('UiPath did not take that answer; the question stays open in UiPath Action Center.'))
  assert.ok(w.botpress.logs.some((l) => l.level === 'error' && l.message.indexOf('refused to complete task ' + second.task.id) >= 0))
  w.orchestrator.completeInActionCenter(second.task, { decision: 'Reject' })
})

test('with tasks.ask \'flow\', a uipath-task event goes to the flow, and answerUiPathTask completes the task', async () => {
  ask = 'flow'
  try {
    const c = conversation()
    const started = await uipath.startUiPathJob(w.bp, w.event(c), { inputArguments: {}, externalUrl: w.botpress.url })
    const event = await eventually('the uipath-task event', () => w.botpress.events.find((e) => e.type === 'uipath-task' && e.target === c.target))
    assert.deepStrictEqual([event.payload.question, event.payload.choices, event.payload.answerField], ['Approve the payment of 12,400 EUR to ACME GmbH?', ['Approve', 'Reject'], 'decision'])
    assert.strictEqual(repliesTo(c).length, 0, 'the module asks nothing itself')
    const answered = await uipath.answerUiPathTask(w.bp, w.event(c), { taskId: event.payload.taskId, data: { decision: 'Approve', note: 'ok' } })
    assert.deepStrictEqual([answered.status, answered.action, answered.data.decision, answered.data.note], ['Completed', 'submit', 'Approve', 'ok'])
    const again = await rejection(uipath.answerUiPathTask(w.bp, w.event(c), { taskId: event.payload.taskId, data: { decision: 'Reject' }, folderId: event.payload.folderId }))
    assert.ok(/completed already/.test(again.message), again.message)
    const missing = await rejection(uipath.answerUiPathTask(w.bp, w.event(c), { taskId: 999999, data: {} }))
    assert.strictEqual(missing.code, 'TASK_NOT_FOUND')
    const bad = await rejection(uipath.answerUiPathTask(w.bp, w.event(c), { taskId: 'x' }))
    assert.ok(bad.code === 'INVALID_CONFIG' && /taskId/.test(bad.message), bad.message)
    await eventually('the job end', () => w.orchestrator.jobs.find((j) => j.Id === started.jobs[0].id).State === 'Successful')
  } finally {
    ask = 'module'
  }
})
