'use strict'
// This build beside 0.1 (commit 428ea11: hand-written JSON, base64, percent-encoding and
// HKDF), kept built in bench/baseline-0.1/ so both run in one process. Prints figures,
// never fails on them (bench/run.sh runs it on Node 12.18.1 and 20):
// - the .wasm, raw and gzipped; lines of Rust;
// - `require` in a fresh process, and until a first call has answered (medians of 11);
// - CPU per warm start inside the Botpress server that hosts the module (token issued in
//   process), interleaved in rounds;
// - what one call may cost the wasm's memory: a 3.9 MiB answer (under the 4 MiB cap of
//   maxAnswerSize) and a 40 MiB one (refused while it streams).
// Usage: node bench/compare.js

const fs = require('fs')
const path = require('path')
const zlib = require('zlib')
const { execFileSync } = require('child_process')
const { startWorld } = require('../tests/support/fixture')

const root = path.join(__dirname, '..')
const baseline = path.join(__dirname, 'baseline-0.1')
const BASELINE = { commit: '428ea11', rustLines: { src: 9924, tests: 1560 } }
const pct = (xs, p) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] }
const kib = (n) => (n / 1024).toFixed(1)

function rustLines (dir) {
  let n = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) n += rustLines(p)
    else if (/\.rs$/.test(entry.name)) n += fs.readFileSync(p, 'utf8').split('\n').length - 1
  }
  return n
}

function requireTimes (shim) {
  const probe = 'const h = () => Number(process.hrtime.bigint()) / 1e6; const t = h(); const u = require(process.argv[1]); const r = h() - t; u.checkSetup({}).then(() => console.log(r + " " + (h() - t)))'
  const req = []
  const ready = []
  for (let i = 0; i < 11; i++) {
    const [r, a] = String(execFileSync(process.execPath, ['-e', probe, shim])).trim().split(' ').map(Number)
    req.push(r)
    ready.push(a)
  }
  return [pct(req, 0.5), pct(ready, 0.5)]
}

async function main () {
  console.log('Node ' + process.version + ': this build beside 0.1 (' + BASELINE.commit + ')')
  const sizes = (dir) => { const w = fs.readFileSync(path.join(dir, 'pkg/botpress_uipath_bg.wasm')); return kib(w.length) + ' KiB raw, ' + kib(zlib.gzipSync(w, { level: 9 }).length) + ' KiB gz' }
  console.log('  .wasm            0.1: ' + sizes(baseline) + ';  now: ' + sizes(root))
  console.log('  lines of Rust    0.1: src ' + BASELINE.rustLines.src + ', tests ' + BASELINE.rustLines.tests + ';  now: src ' + rustLines(path.join(root, 'src')) + ', tests ' + rustLines(path.join(root, 'tests')))
  const [oldReq, oldReady] = requireTimes(path.join(baseline, 'js-shim'))
  const [newReq, newReady] = requireTimes(path.join(root, 'js-shim'))
  console.log('  require          0.1: ' + oldReq.toFixed(1) + ' ms (first answer ' + oldReady.toFixed(1) + ' ms);  now: ' + newReq.toFixed(1) + ' ms (first answer ' + newReady.toFixed(1) + ' ms)')

  const now = require('../js-shim')
  const old = require(path.join(baseline, 'js-shim'))
  const w = await startWorld({ module: 'ours' })
  try {
    const args = w.args()
    await now.startUiPathJob(w.bp, w.event(), args)
    await old.startUiPathJob(w.bp, w.event(), args)
    const N = 100
    const rounds = { old: [], now: [] }
    for (let round = 0; round < 15; round++) {
      for (const [name, pkg] of [['old', old], ['now', now]]) {
        const cpu = process.cpuUsage()
        for (let i = 0; i < N; i++) await pkg.startUiPathJob(w.bp, w.event(), args)
        const u = process.cpuUsage(cpu)
        rounds[name].push((u.user + u.system) / N / 1000)
      }
    }
    const o = pct(rounds.old, 0.5)
    const n = pct(rounds.now, 0.5)
    console.log('  CPU / warm start 0.1: ' + o.toFixed(3) + ' ms;  now: ' + n.toFixed(3) + ' ms (' + (n / o).toFixed(2) + 'x; medians of 15 interleaved rounds of ' + N + ', emulator included)')

    // Memory: the wasm's linear memory, before and after one read whose answer is large.
    const glue = require('../pkg/botpress_uipath.js')
    const memory = glue.initSync({ module: new WebAssembly.Module(fs.readFileSync(glue.wasmPath)) }).memory
    const job = (await now.startUiPathJob(w.bp, w.event(), args)).jobs[0]
    const read = w.args({ jobId: job.id })
    delete read.processKey
    for (const mib of [3.9, 40]) {
      const pad = 'x'.repeat(Math.floor(mib * 1024 * 1024))
      w.orchestrator.fail('Jobs(' + job.id + ')', { status: 200, body: { Id: job.id, Key: job.key, State: 'Running', Info: pad } })
      const before = memory.buffer.byteLength
      const rss = process.memoryUsage().rss
      let outcome = 'read'
      try { await now.getUiPathJob(w.bp, w.event(), read) } catch (e) { outcome = e.code + ' (' + e.message.slice(0, 60) + '…)' }
      console.log('  a ' + mib + ' MiB answer: ' + outcome + '; wasm memory ' + kib(before / 1024) + ' → ' + kib(memory.buffer.byteLength / 1024) + ' MiB; process RSS +' + kib((process.memoryUsage().rss - rss) / 1024) + ' MiB')
    }
  } finally {
    await w.close()
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
