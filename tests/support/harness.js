'use strict'
// `test`, `before`, `after` from node:test where Node has it (18+, run with `node --test`),
// else a minimal runner with the same calls, for Node 12 and 16 (run by tests/node/run.js).
// The minimal runner prints TAP-like lines and the closing line `N passed, N failed`.

let nodeTest = null
try { nodeTest = require('node:test') } catch (e) { nodeTest = null }

if (nodeTest && !process.env.UIPATH_MINI_RUNNER) {
  module.exports = { test: nodeTest.test, before: nodeTest.before, after: nodeTest.after }
} else {
  const state = global.__uipathMiniRunner || (global.__uipathMiniRunner = { files: [] })
  let current = null
  const file = () => {
    if (!current) {
      current = { tests: [], before: [], after: [] }
      state.files.push(current)
    }
    return current
  }
  module.exports = {
    test (name, fn) { file().tests.push({ name: name, fn: fn }) },
    before (fn) { file().before.push(fn) },
    after (fn) { file().after.push(fn) },
    /** Called by run.js after each test file is required. */
    _nextFile () { current = null },
    async _run () {
      let passed = 0
      let failed = 0
      for (const f of state.files) {
        try {
          for (const b of f.before) await b()
        } catch (err) {
          failed += f.tests.length
          console.log('not ok - before hook: ' + (err && err.stack))
          continue
        }
        for (const t of f.tests) {
          try {
            await t.fn()
            passed++
            console.log('ok ' + (passed + failed) + ' - ' + t.name)
          } catch (err) {
            failed++
            console.log('not ok ' + (passed + failed) + ' - ' + t.name + '\n  ' + String(err && err.stack).split('\n').join('\n  '))
          }
        }
        for (const a of f.after) await a()
      }
      console.log(passed + ' passed, ' + failed + ' failed')
      return failed
    }
  }
}
