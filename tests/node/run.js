'use strict'
// Runs the node tier on Node versions without `node --test` (12, 16): every
// *.test.js file here, through the harness's minimal runner. Exit code 1 on failure.
process.env.UIPATH_MINI_RUNNER = '1'
const fs = require('fs')
const path = require('path')
const harness = require('../support/harness')

const only = process.argv.slice(2)
const files = fs.readdirSync(__dirname).filter((f) => /\.test\.js$/.test(f)).sort()
  .filter((f) => only.length === 0 || only.some((o) => f.indexOf(o) >= 0))
for (const f of files) {
  console.log('# ' + f)
  require(path.join(__dirname, f))
  harness._nextFile()
}
harness._run().then((failed) => { process.exitCode = failed ? 1 : 0 }, (err) => { console.error(err); process.exitCode = 1 })
