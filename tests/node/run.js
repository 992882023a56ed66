'use strict'
// Runs the node tier on Node versions without `node --test` (12, 16): every
// *.test.js file here through the harness's minimal runner, each file in a process of
// its own (as `node --test` runs them: a file's process-wide state, such as the
// refusal log's budget, never leaks into the next). Prints each file's lines, then the
// closing line `N passed, N failed`. Exit code 1 on failure.
const childProcess = require('child_process')
const fs = require('fs')
const path = require('path')

const files = fs.readdirSync(__dirname).filter((f) => /\.test\.js$/.test(f)).sort()
const only = process.argv.slice(2)

if (process.env.UIPATH_MINI_RUNNER_FILE) {
  // One file, in this process.
  process.env.UIPATH_MINI_RUNNER = '1'
  const harness = require('../support/harness')
  require(path.join(__dirname, process.env.UIPATH_MINI_RUNNER_FILE))
  harness._run().then((failed) => { process.exitCode = failed ? 1 : 0 }, (err) => { console.error(err); process.exitCode = 1 })
} else {
  let passed = 0
  let failed = 0
  for (const f of files.filter((f) => only.length === 0 || only.some((o) => f.indexOf(o) >= 0))) {
    console.log('# ' + f)
    const run = childProcess.spawnSync(process.execPath, [__filename], {
      env: Object.assign({}, process.env, { UIPATH_MINI_RUNNER_FILE: f }),
      encoding: 'utf8',
      maxBuffer: 64 << 20
    })
    const out = run.stdout || ''
    const closing = /^(\d+) passed, (\d+) failed$/m.exec(out)
    process.stdout.write(out.replace(/^\d+ passed, \d+ failed\n?$/m, ''))
    if (run.stderr) process.stderr.write(run.stderr)
    if (closing) {
      passed += Number(closing[1])
      failed += Number(closing[2])
    } else {
      console.log('not ok - ' + f + ' ended without a result (exit ' + run.status + ', signal ' + run.signal + ')')
      failed++
    }
  }
  console.log(passed + ' passed, ' + failed + ' failed')
  process.exitCode = failed ? 1 : 0
}
