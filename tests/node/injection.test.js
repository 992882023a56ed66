'use strict'
// Nothing is smuggled into a request (API.md): a value that goes into a header, a URL or
// an OData literal is refused with INVALID_CONFIG naming its field when it holds a
// control character, before any request, through the package and through the Studio
// action with a Mustache-templated parameter; the Orchestrator stand-in sees nothing.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const uipath = require('../../js-shim')

let w
before(async () => { w = await startWorld({ module: 'ours', connection: true }) })
after(async () => { await w.close() })

const injected = [
  'Shared\nAuthorization: Bearer injected',
  'x\r\nX-UIPATH-OrganizationUnitId: 7',
  'Shared\r\nHost: evil.example',
  'Shared\nContent-Length: 0',
  'nul\u0000byte'
]

async function refused (call, field) {
  const seen = w.orchestrator.requests.length
  await assert.rejects(call(), (err) => {
    assert.strictEqual(err.name, 'UiPathError')
    assert.strictEqual(err.code, 'INVALID_CONFIG', err.message)
    assert.ok(err.message.indexOf(field + ' must not hold control characters') >= 0, err.message)
    assert.ok(!/injected|evil\.example|OrganizationUnitId/.test(err.message), 'the value is not echoed: ' + err.message)
    return true
  })
  assert.strictEqual(w.orchestrator.requests.length, seen, field + ': nothing reached Orchestrator')
}

test('a control character in folder, tenant, organization, processKey or processVersion starts nothing', async () => {
  for (const value of injected) {
    await refused(() => uipath.startUiPathJob(w.bp, w.event(), w.args({ folder: value })), 'folder')
    await refused(() => uipath.startUiPathJob(w.bp, w.event(), w.args({ processKey: value })), 'processKey')
    await refused(() => uipath.startUiPathJob(w.bp, w.event(), w.args({ processVersion: value })), 'processVersion')
    await refused(() => uipath.startUiPathJob(w.bp, w.event(), w.args({ tenant: value })), 'tenant')
    await refused(() => uipath.startUiPathJob(w.bp, w.event(), w.args({ orchestratorUrl: undefined, organization: value, tenant: 'T' })), 'organization')
  }
  // The jobs calls too, and their own fields.
  await refused(() => uipath.getUiPathJob(w.bp, w.event(), w.args({ jobId: 1, folder: injected[1] })), 'folder')
  await refused(() => uipath.stopUiPathJob(w.bp, w.event(), w.args({ jobId: 1, strategy: 'Kill\nX: 1' })), 'strategy')
})

test('a chat user\'s text in a templated folder parameter cannot move the job (the Studio action)', async () => {
  // A flow whose folder parameter is `Public/{{event.payload.text}}`: Mustache keeps the
  // newline the user typed.
  const typed = 'x\nX-UIPATH-OrganizationUnitId: 7'
  const temp = {}
  const seen = w.orchestrator.requests.length
  await assert.rejects(w.module.runAction('uipath/startJob', {
    bp: w.bp, event: w.event(), temp: temp, args: { processKey: 'InvoiceBot', folder: 'Public/' + typed }
  }))
  assert.strictEqual(temp.uipathError.code, 'INVALID_CONFIG')
  assert.ok(/folder must not hold control characters/.test(temp.uipathError.message), temp.uipathError.message)
  assert.ok(temp.uipathError.message.indexOf('\n') < 0, 'the message the flow says to the user has no line break')
  assert.strictEqual(w.orchestrator.requests.length, seen, 'nothing reached Orchestrator')
})

test('a line break in the event (target, threadId) is refused as well', async () => {
  const event = Object.assign(w.event(), { threadId: 'thread-1\r\nX-Injected: 1' })
  await refused(() => uipath.startUiPathJob(w.bp, event, w.args({})), 'event.threadId')
})
