'use strict'
// Prints figures, never fails on them: .wasm size raw and gzipped, time to require the
// package in a fresh process, time per startUiPathJob against the local emulator (cold
// and with a cached access token), and the HTTP requests one start makes.
// Usage: node bench/run.js [runs]   (scripts: bench/run.sh for Node 12.18.1 and 20)

const fs = require('fs')
const path = require('path')
const zlib = require('zlib')
const { execFileSync } = require('child_process')
const { startWorld } = require('../tests/support/fixture')

const RUNS = Number(process.argv[2] || 200)
const root = path.join(__dirname, '..')

function ms (ns) { return Number(ns) / 1e6 }
function median (xs) { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
function p95 (xs) { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] }
function fmt (x) { return x.toFixed(2) + ' ms' }

async function main () {
  console.log('Node ' + process.version)
  const wasm = fs.readFileSync(path.join(root, 'pkg/botpress_uipath_bg.wasm'))
  console.log('wasm size: ' + (wasm.length / 1024).toFixed(1) + ' KiB raw, ' + (zlib.gzipSync(wasm, { level: 9 }).length / 1024).toFixed(1) + ' KiB gzipped')

  const requireTimes = []
  for (let i = 0; i < 15; i++) {
    const out = execFileSync(process.execPath, ['-e',
      "const t = process.hrtime.bigint(); require(process.argv[1]); console.log(String(process.hrtime.bigint() - t))",
      path.join(root, 'js-shim')])
    requireTimes.push(ms(BigInt(String(out).trim())))
  }
  console.log('require(botpress-uipath), fresh process: median ' + fmt(median(requireTimes)) + ', p95 ' + fmt(p95(requireTimes)) + ' (15 runs)')

  const uipath = require('../js-shim')
  const w = await startWorld()
  try {
    const args = w.args()
    const one = async () => {
      const before = w.orchestrator.requests.length + w.botpress.requests.length
      const t = process.hrtime.bigint()
      await uipath.startUiPathJob(w.bp, w.event(), args)
      return { time: ms(process.hrtime.bigint() - t), requests: w.orchestrator.requests.length + w.botpress.requests.length - before }
    }
    const cold = await one()
    console.log('first startUiPathJob: ' + fmt(cold.time) + ', ' + cold.requests + ' HTTP requests (token, releases, callback token, StartJobs)')
    const times = []
    let requests = 0
    for (let i = 0; i < RUNS; i++) {
      const r = await one()
      times.push(r.time)
      requests = r.requests
    }
    console.log('startUiPathJob, token cached: median ' + fmt(median(times)) + ', p95 ' + fmt(p95(times)) + ' (' + RUNS + ' runs), ' + requests + ' HTTP requests each')
    const mem = process.memoryUsage()
    console.log('process memory after the runs: rss ' + (mem.rss / 1048576).toFixed(1) + ' MiB, heap used ' + (mem.heapUsed / 1048576).toFixed(1) + ' MiB')
  } finally {
    await w.close()
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
