'use strict'
// The README's action example, run as Botpress runs an action body.

const assert = require('assert')
const fs = require('fs')
const path = require('path')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const { runTrusted } = require('../support/module')
const uipath = require('../../js-shim')

let w
before(async () => { w = await startWorld({ connection: true }) })
after(async () => { await w.close() })

function readmeBlock (heading) {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf(heading))
  return /```js\n([\s\S]*?)```/.exec(section)[1]
}

test('the README action example starts a job', async () => {
  const temp = {}
  await runTrusted(readmeBlock('## Using it from a Botpress action'), { bp: w.bp, event: w.event(), temp: temp, args: { invoice: 'INV-7' } })
  assert.strictEqual(temp.job.processKey, 'InvoiceBot')
  assert.strictEqual(temp.job.jobs.length, 1)
  const input = JSON.parse(w.orchestrator.jobs.find((j) => j.Id === temp.job.jobs[0].id).InputArguments)
  assert.strictEqual(input.invoice, 'INV-7')
})

test('the README example of the jobs calls waits for the job the action started', async () => {
  const temp = {}
  await runTrusted(readmeBlock('## Using it from a Botpress action'), { bp: w.bp, event: w.event(), temp: temp, args: { invoice: 'INV-8' } })
  // The README's lines, in an action body after the start above; the job is stopped
  // meanwhile (no robot plays in this world), so the wait ends.
  await uipath.stopUiPathJob(w.bp, w.event(), { jobId: temp.job.jobs[0].id })
  const body = "const uipath = require('botpress-uipath')\nconst run = async () => {\n" + readmeBlock('### Jobs after the start') + '\n temp.ended = job\n}\nreturn run()'
  await runTrusted(body, { bp: w.bp, event: w.event(), temp: temp })
  assert.strictEqual(temp.ended.id, temp.job.jobs[0].id)
  assert.strictEqual(temp.ended.state, 'Stopped')
})
