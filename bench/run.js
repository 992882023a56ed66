'use strict'
// Prints figures, never fails on them (bench/run.sh runs it on Node 12.18.1 and 20):
// - the .wasm size, raw and gzipped, and `require` time in fresh processes;
// - per job start, against an emulator whose every answer waits L ms (a network round
//   trip's stand-in): requests to Orchestrator and to Botpress, new TCP connections, and
//   the wall time in units of L (sequential round trips) — cold, warm, and warm inside
//   the Botpress server that hosts the uipath module (token issued in process);
// - CPU per warm start (L = 0) beside a plain node:http client sending the same StartJobs;
// - 200 concurrent conversations: errors, p50 and p99, token requests.
// Usage: node bench/run.js [L=50]

const fs = require('fs')
const crypto = require('crypto')
const http = require('http')
const path = require('path')
const zlib = require('zlib')
const { execFileSync } = require('child_process')
const { startWorld } = require('../tests/support/fixture')

const L = Number(process.argv[2] || 50)
const root = path.join(__dirname, '..')
const ms = (ns) => Number(ns) / 1e6
const pct = (xs, p) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] }

async function main () {
  console.log('Node ' + process.version + ', L = ' + L + ' ms')
  const wasm = fs.readFileSync(path.join(root, 'pkg/botpress_uipath_bg.wasm'))
  console.log('wasm: ' + (wasm.length / 1024).toFixed(1) + ' KiB raw, ' + (zlib.gzipSync(wasm, { level: 9 }).length / 1024).toFixed(1) + ' KiB gzipped')
  // require (what blocks the caller), and until a first call has answered (the wasm is
  // compiled in the background from require on), each in fresh processes.
  const requireTimes = []
  const readyTimes = []
  const probe = 'const h = () => Number(process.hrtime.bigint()) / 1e6; const t = h(); const u = require(process.argv[1]); const r = h() - t; u.checkSetup({}).then(() => console.log(r + " " + (h() - t)))'
  for (let i = 0; i < 11; i++) {
    const [r, ready] = String(execFileSync(process.execPath, ['-e', probe, path.join(root, 'js-shim')])).trim().split(' ').map(Number)
    requireTimes.push(r)
    readyTimes.push(ready)
  }
  console.log('require, fresh process: median ' + pct(requireTimes, 0.5).toFixed(1) + ' ms; until a first call has answered: ' + pct(readyTimes, 0.5).toFixed(1) + ' ms (11 runs)')
  const uipath = require('../js-shim')

  console.log('\nper job start          Orchestrator  Botpress  new connections  wall / L')
  const scopes = { 'HTTP token route': 'OR.Jobs OR.Folders.Read OR.Execution.Read', 'in-process token': 'OR.Folders.Read OR.Jobs OR.Execution.Read' }
  for (const [label, module] of [['HTTP token route', 'original'], ['in-process token', 'ours']]) {
    const w = await startWorld({ module: module, orchestrator: { answerDelayMs: L }, botpress: { answerDelayMs: L } })
    // Credentials of their own: the token cache of this process is cold for them.
    const args = w.args({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: scopes[label] } })
    // Warm the code (and this world's connections) with other credentials first, so
    // "cold" means no token or release remembered, not a first call in the process.
    await uipath.startUiPathJob(w.bp, w.event(), w.args({ processKey: "O'Brien.Report" }))
    for (const phase of ['cold', 'warm']) {
      const before = [w.orchestrator.requests.length, w.botpress.requests.length, w.orchestrator.connections + w.botpress.connections]
      const t = process.hrtime.bigint()
      await uipath.startUiPathJob(w.bp, w.event(), args)
      const wall = ms(process.hrtime.bigint() - t)
      const row = [w.orchestrator.requests.length - before[0], w.botpress.requests.length - before[1], w.orchestrator.connections + w.botpress.connections - before[2]]
      console.log('  ' + (phase + ', ' + label).padEnd(26) + String(row[0]).padStart(6) + String(row[1]).padStart(10) + String(row[2]).padStart(14) + (wall / L).toFixed(2).padStart(14))
    }
    await w.close()
  }

  const w = await startWorld({ module: 'ours' })
  try {
    const args = w.args()
    await uipath.startUiPathJob(w.bp, w.event(), args)
    // CPU per warm start, interleaved in rounds (this VM's CPU figures drift), beside:
    // - plain: a node:http client sending the very StartJobs body the package sent;
    // - plain + token: the same, also signing a fresh callback JWT (node:crypto HMAC)
    //   and building that body, i.e. the work a start does beyond the request.
    const token = Object.keys(w.orchestrator.tokens)[0]
    const agent = new http.Agent({ keepAlive: true })
    const url = new URL(w.orchestrator.cloudUrl + '/odata/Jobs/UiPath.Server.Configuration.OData.StartJobs')
    const sent = w.orchestrator.requests.filter((r) => /StartJobs$/.test(r.path)).pop()
    const body = sent.body
    const post = (text) => new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent: agent, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'X-UIPATH-FolderPath': 'Shared' } }, (res) => { res.resume(); res.on('end', resolve) })
      req.on('error', reject)
      req.end(text)
    })
    const key = crypto.randomBytes(32)
    const b64 = (x) => Buffer.from(x).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
    const withToken = () => {
      const now = Math.floor(Date.now() / 1000)
      const claims = { aud: 'botpress-uipath/callback', botId: 'bot-1', channel: 'web', exp: now + 3600, iat: now, jti: crypto.randomBytes(12).toString('hex'), target: 'user-1', threadId: 'thread-1' }
      const input = b64('{"alg":"HS256","typ":"JWT"}') + '.' + b64(JSON.stringify(claims))
      const jwt = input + '.' + crypto.createHmac('sha256', key).update(input).digest('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
      const args = { botId: 'bot-1', botpressToken: jwt, botpressUrl: 'http://127.0.0.1', channel: 'web', target: 'user-1', threadId: 'thread-1' }
      return post(JSON.stringify({ startInfo: { InputArguments: JSON.stringify(args), JobsCount: 1, Reference: 'botpress:bot-1:' + crypto.randomBytes(8).toString('hex'), ReleaseKey: 'a0000000-0000-4000-8000-000000000012', Strategy: 'ModernJobsCount' } }))
    }
    // - ours without a token (botpressToken: false): what the callback token costs us.
    const noToken = w.args({ botpressToken: false })
    const contenders = { ours: () => uipath.startUiPathJob(w.bp, w.event(), args), 'ours, no token': () => uipath.startUiPathJob(w.bp, w.event(), noToken), plain: () => post(body), 'plain + token': withToken }
    const N = 100
    const per = (u) => (u.user + u.system) / N / 1000
    const rounds = {}
    for (let round = 0; round < 15; round++) {
      for (const [name, run] of Object.entries(contenders)) {
        const cpu = process.cpuUsage()
        for (let i = 0; i < N; i++) await run()
        ;(rounds[name] = rounds[name] || []).push(per(process.cpuUsage(cpu)))
      }
    }
    const med = (name) => pct(rounds[name], 0.5)
    console.log('\nCPU per warm start, token issued in process (this process, emulator included; medians of 15 interleaved rounds of ' + N + '): ' + med('ours').toFixed(2) + ' ms; plain node:http StartJobs: ' + med('plain').toFixed(2) + ' ms (' + (med('ours') / med('plain')).toFixed(1) + 'x); plain + callback token: ' + med('plain + token').toFixed(2) + ' ms (' + (med('ours') / med('plain + token')).toFixed(1) + 'x); ours with botpressToken: false: ' + med('ours, no token').toFixed(2) + ' ms')
    agent.destroy()

    // UiPath's npm client (uipath-orchestrator 1.1.3, on-premises login): the same StartJobs.
    const Orchestrator = require('uipath-orchestrator')
    const client = new Orchestrator({ tenancyName: 'Default', usernameOrEmailAddress: 'admin', password: 'emu-password', hostname: '127.0.0.1', isSecure: false, port: Number(new URL(w.orchestrator.origin).port) })
    client.switchOrganizationUnitId(1)
    const start = () => new Promise((resolve, reject) => client.v2.odata.postStartJobs(JSON.parse(body), (err) => (err ? reject(err) : resolve())))
    await start()
    const connections = w.orchestrator.connections
    const cpu = process.cpuUsage()
    for (let i = 0; i < N; i++) await start()
    const npm = process.cpuUsage(cpu)
    console.log('uipath-orchestrator 1.1.3, the same StartJobs: ' + per(npm).toFixed(2) + ' ms CPU, ' + ((w.orchestrator.connections - connections) / N).toFixed(2) + ' new connections per start')

    const tokensBefore = w.orchestrator.requestsTo('connect/token').length
    const fresh = w.args({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Execution.Read OR.Folders.Read OR.Jobs' } })
    const times = []
    let errors = 0
    await Promise.all(Array.from({ length: 200 }, async () => {
      const t = process.hrtime.bigint()
      try { await uipath.startUiPathJob(w.bp, w.event(), fresh) } catch (e) { errors++ }
      times.push(ms(process.hrtime.bigint() - t))
    }))
    console.log('200 concurrent conversations, cold: ' + errors + ' errors, p50 ' + pct(times, 0.5).toFixed(0) + ' ms, p99 ' + pct(times, 0.99).toFixed(0) + ' ms, ' + (w.orchestrator.requestsTo('connect/token').length - tokensBefore) + ' token request(s)')
  } finally {
    await w.close()
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
