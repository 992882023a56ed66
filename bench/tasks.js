'use strict'
// The questions' middleware, figures only (never fails on them): the packaged module on
// Knex over SQLite with 1,000 questions open in 1,000 conversations, and what it costs
// every other message (an in-memory check, no database read) beside a middleware chain
// without it; then what an answer costs (database reads and writes, requests to
// Orchestrator, the time until the user's confirmation).
// Usage: node bench/tasks.js [messages=20000]

const { startWorld } = require('../tests/support/fixture')
const { sqliteDatabase } = require('../tests/support/database')
const uipath = require('../js-shim')

const N = Number(process.argv[2] || 20000)
const OPEN = 1000
const us = (ns) => Number(ns) / 1e3

async function main () {
  const db = sqliteDatabase()
  let queries = 0
  db.on('query', () => { queries++ })
  const w = await startWorld({ module: 'ours', connection: true, botpress: { database: db, globalConfig: { pollInterval: false, taskPollInterval: false } } })
  await w.module.ready
  const host = w.botpress
  // 1,000 open questions, as the module's claim writes them.
  const rows = []
  for (let i = 0; i < OPEN; i++) {
    const q = { taskId: 1000 + i, taskKey: 'k-' + i, folderId: 1, botId: 'bot-1', channel: 'web', target: 'asked-' + i, threadId: 't-' + i, text: 'Approve?', choices: ['Approve', 'Reject'], answerField: 'answer', expiresAtMs: Date.now() + 3600000, tokenId: 'j' + i }
    rows.push({ task_key: q.taskKey, task_id: q.taskId, bot_id: q.botId, target: q.target, conversation: JSON.stringify([q.botId, q.channel, q.target, q.threadId]), question: JSON.stringify(q), state: 'asked', asked_again: 0, created_at: Date.now(), updated_at: Date.now(), expires_at: q.expiresAtMs })
  }
  for (let i = 0; i < rows.length; i += 50) await db('uipath_tasks').insert(rows.slice(i, i + 50))
  // The module reads where questions are open every 2 s; wait for it.
  await new Promise((resolve) => setTimeout(resolve, 2500))
  const mw = host.middleware.find((m) => m.name === 'uipath.tasks')
  const event = (i) => host.bp.IO.Event({ type: 'text', direction: 'incoming', botId: 'bot-1', channel: 'web', target: 'other-' + (i % 500), threadId: 't', payload: { type: 'text', text: 'hello' } })
  const run = (handler, i) => new Promise((resolve) => handler(event(i), () => resolve()))
  const noop = (e, next) => next()
  for (let i = 0; i < 2000; i++) { await run(mw.handler, i); await run(noop, i) }
  const measure = async (handler) => {
    const t = process.hrtime.bigint()
    for (let i = 0; i < N; i++) await run(handler, i)
    return us(process.hrtime.bigint() - t) / N
  }
  const before = queries
  const withIt = await measure(mw.handler)
  const read = queries - before
  const without = await measure(noop)
  console.log('Node ' + process.version + ', ' + OPEN + ' questions open: an unrelated message through the middleware ' + withIt.toFixed(2) + ' µs, a no-op middleware ' + without.toFixed(2) + ' µs (' + N + ' messages); database queries for them: ' + read)

  // An answer: the conversation's open question read, the answer taken, the task read and completed, the user told.
  const task = w.orchestrator.createTask(1, { title: 'x', taskCatalogName: 'Botpress', data: { question: 'Approve?' } }).task
  const q = JSON.parse(rows[0].question)
  q.taskId = task.id
  await db('uipath_tasks').where('task_key', q.taskKey).update({ task_id: task.id, question: JSON.stringify(q) })
  const q0 = queries
  const r0 = w.orchestrator.requests.length
  const t0 = Date.now()
  const conversation = { botId: 'bot-1', channel: 'web', target: q.target, threadId: q.threadId }
  await host.userSays(conversation, 'approve')
  const answeredIn = Date.now() - t0
  while (!host.replies.some((r) => r.target === q.target && r.payload.text === 'Thanks, I passed that on.')) await new Promise((resolve) => setTimeout(resolve, 5))
  console.log('an answer: taken in ' + answeredIn + ' ms (the middleware), confirmed in ' + (Date.now() - t0) + ' ms; database queries ' + (queries - q0) + ', requests to Orchestrator ' + (w.orchestrator.requests.length - r0) + ' (token, GetTaskDataById, CompleteTask)')
  await w.close()
  await db.destroy()
  void uipath
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
