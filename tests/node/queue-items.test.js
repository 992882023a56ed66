'use strict'
// Queue items through the built package and the module's Studio actions, against the
// emulator's queues and its performer: the add (flat content, the callback fields, the
// package's own reference), never twice when the answer is lost, the error codes, a read,
// a wait that follows a retry and resolves a failed item.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { startWorld, rejection } = require('../support/fixture')
const uipath = require('../../js-shim')

let w
before(async () => { w = await startWorld({ module: 'ours', connection: true }) })
after(async () => { await w.close() })

const adds = () => w.orchestrator.requestsTo('AddQueueItem')

test('an item is added flat, with the callback fields, the package\'s own reference and a token fitted to its due date', async () => {
  const due = new Date(Date.now() + 2 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z')
  const item = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'invoices', specificContent: { invoice: 'INV-0042', amount: 1250.5 }, dueDate: due, priority: 'High' })
  assert.strictEqual(item.status, 'New')
  assert.strictEqual(item.queueName, 'Invoices')
  assert.ok(/^botpress:bot-1:[0-9a-f]+$/.test(item.reference), item.reference)
  const stored = w.orchestrator.items.find((i) => i.Id === item.id)
  assert.strictEqual(stored.SpecificContent.invoice, 'INV-0042')
  assert.deepStrictEqual([stored.SpecificContent.channel, stored.SpecificContent.target, stored.SpecificContent.threadId, stored.SpecificContent.botId], ['web', 'user-1', 'thread-1', 'bot-1'])
  const claims = JSON.parse(Buffer.from(stored.SpecificContent.botpressToken.split('.')[1], 'base64').toString())
  assert.ok(Math.abs(claims.exp - (Date.parse(due) / 1000 + 3600)) <= 5, 'an hour past the due date: ' + JSON.stringify(claims))
  assert.strictEqual(stored.Priority, 'High')
  const read = await uipath.getUiPathQueueItem(w.bp, w.event(), { queueItemId: item.id })
  assert.deepStrictEqual([read.id, read.status, read.reference], [item.id, 'New', item.reference])
})

test('an add whose answer was lost after Orchestrator committed it is not made twice', async () => {
  const before = w.orchestrator.items.length
  w.orchestrator.fail('AddQueueItem', { hangUpAfter: true })
  const item = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Refunds', specificContent: { refund: 'R-1' } })
  assert.strictEqual(w.orchestrator.items.length, before + 1, 'one item, in a queue that does not enforce unique references')
  assert.strictEqual(item.id, w.orchestrator.items[before].Id)
  // On a unique-reference queue the lost add's retry meets 1016: still the one item.
  w.orchestrator.fail('AddQueueItem', { hangUpAfter: true })
  w.orchestrator.fail('QueueItems?', { status: 200, body: { value: [] } })
  const again = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Invoices', specificContent: { invoice: 'INV-7' } })
  assert.strictEqual(w.orchestrator.items.filter((i) => i.Reference === again.reference).length, 1)
})

test('errors have their codes, and bad input is refused before any request', async () => {
  const taken = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Invoices', reference: 'INV-DUP' })
  assert.ok(taken.id)
  let err = await rejection(uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Invoices', reference: 'INV-DUP' }))
  assert.strictEqual(err.code, 'DUPLICATE_REFERENCE', err.message)
  err = await rejection(uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Nope' }))
  assert.strictEqual(err.code, 'QUEUE_NOT_FOUND', err.message)
  err = await rejection(uipath.getUiPathQueueItem(w.bp, w.event(), { queueItemId: 424242 }))
  assert.strictEqual(err.code, 'QUEUE_ITEM_NOT_FOUND', err.message)
  const n = w.orchestrator.requests.length
  for (const [args, field] of [[{ queueName: 'Invoices', specificContent: { nested: { a: 1 } } }, 'specificContent.nested'], [{ queueName: '' }, 'queueName'], [{ queueName: 'Invoices', dueDate: 'soon' }, 'dueDate'], [{ queueName: 'Invoices\r\nX: 1' }, 'queueName']]) {
    err = await rejection(uipath.addUiPathQueueItem(w.bp, w.event(), args))
    assert.strictEqual(err.code, 'INVALID_CONFIG')
    assert.ok(err.message.indexOf(field) >= 0, err.message)
  }
  assert.strictEqual(w.orchestrator.requests.length, n, 'nothing was sent')
})

test('a wait follows a retried item to its last attempt; a failed item resolves with its exception', async () => {
  const item = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Invoices', specificContent: { invoice: 'INV-9' } })
  setTimeout(() => {
    w.orchestrator.queueWork('Invoices', { IsSuccessful: false, ProcessingException: { Reason: 'Portal down', Type: 'ApplicationException' } }, item.id)
    setTimeout(() => w.orchestrator.queueWork('Invoices', { IsSuccessful: true, Output: { paid: true } }, item.id), 300)
  }, 200)
  const done = await uipath.waitForUiPathQueueItem(w.bp, w.event(), { queueItemId: item.id, timeoutMs: 10000, pollMs: 1000 })
  assert.deepStrictEqual([done.status, done.retryNumber, done.ancestorId, done.output], ['Successful', 1, item.id, { paid: true }])
  const failing = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Refunds', specificContent: { refund: 'R-9' } })
  w.orchestrator.queueWork('Refunds', { IsSuccessful: false, ProcessingException: { Reason: 'No such order', Details: 'R-9', Type: 'BusinessException' } }, failing.id)
  const failed = await uipath.waitForUiPathQueueItem(w.bp, w.event(), { queueItemId: failing.id, timeoutMs: 5000 })
  assert.strictEqual(failed.status, 'Failed')
  assert.deepStrictEqual(failed.processingException, { reason: 'No such order', details: 'R-9', type: 'BusinessException' })
  const open = await uipath.addUiPathQueueItem(w.bp, w.event(), { queueName: 'Refunds' })
  const t0 = Date.now()
  const late = await rejection(uipath.waitForUiPathQueueItem(w.bp, w.event(), { queueItemId: open.id, timeoutMs: 3000 }))
  assert.strictEqual(late.code, 'TIMEOUT')
  assert.strictEqual(late.queueItem.status, 'New')
  assert.ok(Date.now() - t0 >= 2400, 'the wait used its timeout, not a third of it')
})

test('the Studio actions add, read and wait for an item; an empty queueName adds nothing', async () => {
  const temp = {}
  const scope = { bp: w.bp, event: w.event(), temp: temp }
  await w.module.runAction('uipath/addQueueItem', Object.assign({ args: { queueName: 'Refunds', specificContent: '{"refund": "R-{{x}}", "amount": 3}', priority: 'Low', reference: '' } }, scope))
  assert.strictEqual(temp.uipathQueueItem.status, 'New')
  assert.strictEqual(w.orchestrator.items.find((i) => i.Id === temp.uipathQueueItem.id).SpecificContent.amount, 3)
  await w.module.runAction('uipath/getQueueItem', Object.assign({ args: { queueItemId: '' } }, scope))
  assert.strictEqual(temp.uipathQueueItemResult.id, temp.uipathQueueItem.id)
  w.orchestrator.queueWork('Refunds', { IsSuccessful: true, Output: { refunded: true } }, temp.uipathQueueItem.id)
  await w.module.runAction('uipath/waitForQueueItem', Object.assign({ args: { timeoutMs: '5000', pollMs: '1000' } }, scope))
  assert.deepStrictEqual(temp.uipathQueueItemResult.output, { refunded: true })
  const n = adds().length
  await assert.rejects(w.module.runAction('uipath/addQueueItem', Object.assign({ args: { queueName: '' } }, scope)))
  assert.deepStrictEqual(temp.uipathError, { code: 'INVALID_CONFIG', message: 'INVALID_CONFIG: queueName is missing' })
  assert.strictEqual(adds().length, n)
})
