'use strict'
// JSON text in the wasm: parsing one Orchestrator webhook event (about 600 bytes) through
// checkWebhook, two builds side by side. Usage: node bench/json-path.js OLD_PKG NEW_PKG
// (each a pkg/ folder, e.g. one built before a change and one after). Figures only.
const crypto = require('crypto')
const fs = require('fs')
const path = require('path')
// A pkg/ folder of either glue: `nodejs` (instantiated on require) or `web` (initSync).
function load (dir) {
  const glue = require(path.resolve(dir, 'botpress_uipath.js'))
  if (typeof glue.initSync === 'function') glue.initSync({ module: new WebAssembly.Module(fs.readFileSync(path.resolve(dir, 'botpress_uipath_bg.wasm'))) })
  return glue
}
const old = load(process.argv[2])
const neu = load(process.argv[3])
const body = JSON.stringify({ Type: 'job.completed', EventId: '1', Timestamp: new Date().toISOString(), Job: { Id: 5, Key: '0f8fad5b-d9cb-469f-a165-70867728950e', State: 'Successful', Info: 'Job completed', Robot: { Id: 1, Name: 'r', MachineName: 'M' }, Release: { Id: 2, Key: 'k', ProcessKey: 'InvoiceBot', Name: 'InvoiceBot' }, InputArguments: { a: 1, b: 'two', c: [1, 2, 3] }, OutputArguments: { paid: true, invoice: 'INV-1', total: 1250.5 } }, TenantId: 1, OrganizationUnitId: 1, UserId: 1 })
const sig = crypto.createHmac('sha256', 'whsec-0123456789abcdef').update(body).digest('base64')
const input = { config: { webhookSecret: 'whsec-0123456789abcdef' }, signature: sig, contentType: 'application/json', body: body, now: 1, requestId: 'r', source: 'x' }
function run (pkg, n) { const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) pkg.checkWebhook(input); return Number(process.hrtime.bigint() - t) / n / 1000 }
for (const p of [old, neu]) run(p, 2000)
const res = { old: [], new: [] }
for (let r = 0; r < 7; r++) { res.old.push(run(old, 3000)); res.new.push(run(neu, 3000)) }
const med = (a) => a.sort((x, y) => x - y)[3].toFixed(1)
console.log(process.version, 'checkWebhook µs per call: ' + process.argv[2], med(res.old), '/ ' + process.argv[3], med(res.new))
