'use strict'
// The README's action example, run as Botpress runs an action body.

const assert = require('assert')
const fs = require('fs')
const path = require('path')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const { runTrusted } = require('../support/module')

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
