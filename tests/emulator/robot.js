'use strict'
// Plays the UiPath robot of a started job: it reads the callback fields from the job's
// InputArguments and sends what the Botpress component's `Callback` activity sends —
// `POST {botpressUrl}/api/v1/bots/___/mod/uipath/message`, `Authorization: bearer …`
// (lower-case scheme), body `{message, target, channel, botId}` and no threadId —
// then ends the job Successful (or Faulted if a callback was refused). A job asked to
// stop (Stopping, Terminating) sends nothing more and is left to the emulator to end.

const http = require('http')

/**
 * Returns an `onJobStarted` handler for the emulator. `messages` are Botpress payloads
 * (or strings, sent as text); `outcomes` collects each callback's HTTP status.
 */
function robot (options) {
  const o = Object.assign({ messages: ['Working on it…', 'Done.'], delayMs: 20, output: { status: 'ok' } }, options || {})
  const outcomes = []
  const stopping = (job) => job.State !== 'Running'
  const handler = async function (job, input, emu) {
    if (job.State !== 'Pending') return
    job.State = 'Running'
    job.StartTime = new Date().toISOString()
    let refused = null
    for (const m of o.messages) {
      await sleep(o.delayMs)
      if (stopping(job)) return
      const message = typeof m === 'string' ? { type: 'text', text: m } : m
      const body = { message: message, target: input.target, channel: input.channel, botId: input.botId }
      const url = (input.botpressUrl || o.botpressUrl) + '/api/v1/bots/___/mod/uipath/message'
      const status = await post(url, body, input.botpressToken).catch((e) => 'network: ' + e.message)
      outcomes.push({ jobId: job.Id, status: status })
      if (status !== 200 && !refused) refused = status
    }
    if (o.workMs) await sleep(o.workMs)
    if (stopping(job)) return
    const fault = refused ? 'Callback refused: ' + refused : o.fault
    emu.endJob(job, fault ? 'Faulted' : 'Successful', fault || 'Job completed', fault ? undefined : o.output)
    if (o.onDone) o.onDone(job)
  }
  handler.outcomes = outcomes
  return handler
}

function post (url, body, token) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body))
    const req = http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, Authorization: 'bearer ' + token }
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)) })
    req.on('error', reject)
    req.end(data)
  })
}

// A robot at work does not keep the test process alive after its tests.
function sleep (ms) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    if (ms > 1000 && t.unref) t.unref()
  })
}

/**
 * Plays a queue's performer: takes the item the handler is given (the emulator's
 * `onItemAdded`), posts `messages` with the Callback activity from the item's content
 * (the callback fields the package put there), then completes it with `output`.
 */
function performer (options) {
  const o = Object.assign({ messages: [], delayMs: 20, output: { status: 'ok' } }, options || {})
  const outcomes = []
  const handler = async function (item, emu) {
    await sleep(o.delayMs)
    const c = item.SpecificContent || {}
    for (const m of o.messages) {
      const message = typeof m === 'function' ? m(item) : typeof m === 'string' ? { type: 'text', text: m } : m
      const status = await post(c.botpressUrl + '/api/v1/bots/___/mod/uipath/message', { message: message, target: c.target, channel: c.channel, botId: c.botId }, c.botpressToken).catch((e) => 'network: ' + e.message)
      outcomes.push({ itemId: item.Id, status: status })
      await sleep(o.delayMs)
    }
    emu.queueWork(item.QueueDefinitionName, { IsSuccessful: true, Output: typeof o.output === 'function' ? o.output(item) : o.output }, item.Id)
  }
  handler.outcomes = outcomes
  return handler
}

/**
 * Plays an orchestration robot that stops to ask (UiPath's *Create External Task*, then
 * *Wait For External Task And Resume*): it creates an external task in the job's folder
 * in catalog `catalog` (default `Botpress`) whose TaskData holds the job's
 * `botpressToken`, `question`, `choices` and `answerField`; with `nudge`, posts `{ type:
 * 'uipath-task', taskId }` to the callback route; the job is `Suspended` until the task
 * is completed, then `Resumed`, and ends `Successful` with the answer, the action and who
 * answered in its output. `token(input)` may replace the token it puts in the data;
 * `takenBy` (a user id) has a person take the task in Action Center as soon as it exists.
 */
function orchestration (options) {
  const o = Object.assign({ question: 'Approve the payment of 12,400 EUR to ACME GmbH?', choices: ['Approve', 'Reject'], answerField: 'decision', catalog: 'Botpress', nudge: false, delayMs: 20 }, options || {})
  const tasks = []
  const handler = async function (job, input, emu) {
    if (job.State !== 'Pending') return
    job.State = 'Running'
    job.StartTime = new Date().toISOString()
    await sleep(o.delayMs)
    const data = { botpressToken: o.token ? o.token(input) : input.botpressToken, question: o.question, answerField: o.answerField }
    if (o.choices) data.choices = o.choices
    const made = emu.createTask(job.OrganizationUnitId, { type: 'ExternalTask', title: o.question.slice(0, 512), priority: 'High', taskCatalogName: o.catalog, data: data })
    if (made.error) { emu.endJob(job, 'Faulted', made.error); return }
    const task = made.task
    if (o.takenBy) emu.assignInActionCenter(task, o.takenBy)
    tasks.push({ jobId: job.Id, task: task })
    if (o.nudge) {
      await post((input.botpressUrl || o.botpressUrl) + '/api/v1/bots/___/mod/uipath/message', { type: 'uipath-task', taskId: task.id }, input.botpressToken).catch(() => {})
    }
    job.State = 'Suspended'
    while (task.status !== 2) {
      // A suspended job does not keep the test process alive.
      await new Promise((resolve) => { const t = setTimeout(resolve, 20); if (t.unref) t.unref() })
      if (job.State !== 'Suspended') return
    }
    job.State = 'Resumed'
    await sleep(o.delayMs)
    job.State = 'Running'
    emu.endJob(job, 'Successful', 'Job completed', { decision: task.data[o.answerField] || null, action: task.action, answeredBy: task.data.answeredBy || null })
  }
  handler.tasks = tasks
  return handler
}

module.exports = { robot, performer, orchestration }
