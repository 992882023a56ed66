'use strict'
// Waiting in the node tier: `eventually(what, fn, ms)` asks `fn` (sync or async) every
// 25 ms until it answers something truthy, and returns that; after `ms` (default 8 s)
// it fails, naming `what`. `sleep(ms)`.

const assert = require('assert')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function eventually (what, fn, ms) {
  const until = Date.now() + (ms || 8000)
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) assert.fail('timed out waiting for ' + what)
    await sleep(25)
  }
}

module.exports = { eventually, sleep }
