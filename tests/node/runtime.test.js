'use strict'
// Where Botpress v12 runs the package: both action modes (trusted, and vm2's NodeVM with
// Botpress's own options), behind an HTTP proxy, with or without a native fetch.

const assert = require('assert')
const http = require('http')
const https = require('https')
const fs = require('fs')
const os = require('os')
const path = require('path')
const childProcess = require('child_process')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const { runTrusted } = require('../support/module')
const uipath = require('../../js-shim')

let w
before(async () => { w = await startWorld() })
after(async () => { await w.close() })

const ACTION = [
  "const uipath = require('botpress-uipath')",
  'const run = async () => {',
  '  temp.job = await uipath.startUiPathJob(bp, event, args)',
  '  temp.callbackToken = await uipath.getBotpressToken(bp, event, { expiresIn: 60 })',
  '}',
  'return run()'
].join('\n')

test('trusted mode: a function built from the action body, no module or __dirname', async () => {
  const temp = {}
  await runTrusted(ACTION, { bp: w.bp, event: w.event(), temp: temp, args: w.args({ processKey: 'InvoiceBot', jobsCount: '1' }) })
  assert.strictEqual(temp.job.jobs.length, 1)
  assert.ok(/^eyJ/.test(temp.callbackToken))
})

test("sandboxed mode: vm2 NodeVM with Botpress's options, require resolved on the host", async () => {
  const { NodeVM } = require('vm2')
  // As Botpress's action service: wrapper 'none', the action scope as sandbox, and a
  // `mock` proxy that resolves every require on the host from the lookup paths.
  const hostRequire = (name) => (name === 'botpress-uipath' ? require('../../js-shim') : require(name))
  const modRequire = new Proxy({}, { get: (_obj, prop) => hostRequire(prop) })
  const temp = {}
  const scope = { bp: w.bp, event: w.event(), user: {}, temp: temp, session: {}, bot: {}, workflow: {}, args: w.args({ processKey: 'InvoiceBot' }), printObject: () => {}, process: { env: {} } }
  const vm = new NodeVM({ wrapper: 'none', sandbox: scope, require: { external: true, mock: modRequire }, timeout: 5000 })
  await vm.run(ACTION, __dirname + '/action.js')
  assert.strictEqual(temp.job.jobs.length, 1, JSON.stringify(temp))
  assert.strictEqual(temp.job.processKey, 'InvoiceBot')
  assert.ok(/^eyJ/.test(temp.callbackToken))

  // Errors cross the sandbox with their code.
  const failing = 'const u = require("botpress-uipath"); return u.startUiPathJob(bp, event, { processKey: "" }).catch(e => { temp.code = e.code; temp.name = e.name })'
  await new NodeVM({ wrapper: 'none', sandbox: scope, require: { external: true, mock: modRequire } }).run(failing, __dirname + '/action.js')
  assert.strictEqual(temp.code, 'INVALID_CONFIG')
  assert.strictEqual(temp.name, 'UiPathError')
})

const JOBS_ACTION = [
  "const uipath = require('botpress-uipath')",
  'const run = async () => {',
  '  const started = await uipath.startUiPathJob(bp, event, args)',
  '  const id = started.jobs[0].id',
  '  temp.read = await uipath.getUiPathJob(bp, event, Object.assign({}, args, { jobId: id }))',
  '  temp.stopped = await uipath.stopUiPathJob(bp, event, Object.assign({}, args, { jobId: id }))',
  '  temp.done = await uipath.waitForUiPathJob(bp, event, Object.assign({}, args, { jobId: id }))',
  '}',
  'return run()'
].join('\n')

test('the jobs calls in both action modes: read, stop, wait', async () => {
  const { NodeVM } = require('vm2')
  const hostRequire = (name) => (name === 'botpress-uipath' ? require('../../js-shim') : require(name))
  const modRequire = new Proxy({}, { get: (_obj, prop) => hostRequire(prop) })
  const trusted = {}
  await runTrusted(JOBS_ACTION, { bp: w.bp, event: w.event(), temp: trusted, args: w.args() })
  const sandboxed = {}
  const scope = { bp: w.bp, event: w.event(), user: {}, temp: sandboxed, session: {}, bot: {}, workflow: {}, args: w.args(), printObject: () => {}, process: { env: {} } }
  await new NodeVM({ wrapper: 'none', sandbox: scope, require: { external: true, mock: modRequire }, timeout: 5000 }).run(JOBS_ACTION, __dirname + '/action.js')
  for (const temp of [trusted, sandboxed]) {
    assert.strictEqual(temp.read.state, 'Pending', 'no robot plays in this world')
    assert.strictEqual(temp.stopped.state, 'Stopped', 'a pending job stops at once')
    assert.strictEqual(temp.done.state, 'Stopped')
    assert.strictEqual(temp.done.id, temp.read.id)
  }
})

test('the package installs nothing global; its own transport carries every request', () => {
  assert.strictEqual(uipath.transportSource, 'node:http')
  assert.strictEqual(uipath.fetchSource, 'node:http', 'the old name stays')
  const major = Number(process.versions.node.split('.')[0])
  // Node 12 and 16 have no fetch classes, and the package adds none.
  if (major < 18) {
    assert.strictEqual(typeof globalThis.fetch, 'undefined')
    assert.strictEqual(typeof globalThis.Request, 'undefined')
  }
  assert.strictEqual(Object.keys(require.cache).some((k) => /node_modules[\\/]node-fetch[\\/]/.test(k)), false, 'node-fetch is not loaded')
})

test('require does not compile the wasm on the spot; calls right after it work, sync ones too', () => {
  const shim = path.join(__dirname, '..', '..', 'js-shim')
  // A fresh process each: require, then at once an async call, a sync one, and the version.
  const script = [
    'let sync = 0',
    'WebAssembly.Module = new Proxy(WebAssembly.Module, { construct: (C, args) => { sync++; return Reflect.construct(C, args) } })',
    'const u = require(process.argv[1])',
    'const afterRequire = sync',
    'const route = u.routeSettings({}).maxBodyBytes',
    'u.checkSetup({}).then((r) => console.log(JSON.stringify({ afterRequire, route, check: r.steps[0].code, version: u.version })))'
  ].join('\n')
  const out = JSON.parse(childProcess.execFileSync(process.execPath, ['-e', script, shim]))
  assert.strictEqual(out.afterRequire, 0, 'require compiled nothing synchronously')
  assert.strictEqual(out.route, 65536, 'a sync export right after require compiles on the spot')
  assert.strictEqual(out.check, 'INVALID_CONFIG')
  assert.strictEqual(out.version, require('../../package.json').version)
  // And the async path alone: the background compile is used, nothing compiled on the spot.
  const background = "let sync = 0; WebAssembly.Module = new Proxy(WebAssembly.Module, { construct: (C, args) => { sync++; return Reflect.construct(C, args) } }); const u = require(process.argv[1]); u.checkSetup({}).then(() => console.log(sync))"
  assert.strictEqual(String(childProcess.execFileSync(process.execPath, ['-e', background, shim])).trim(), '0')
})

/**
 * A forward HTTP proxy on loopback that records the absolute URLs it was asked for, the
 * CONNECT tunnels it opened (with their Proxy-Authorization) and its client connections.
 */
function startProxy () {
  const seen = []
  const tunnels = []
  const server = http.createServer((req, res) => {
    seen.push(req.method + ' ' + req.url)
    const target = new URL(req.url)
    const upstream = http.request({ hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => { res.writeHead(502); res.end() })
    req.pipe(upstream)
  })
  const stats = { connections: 0 }
  const sockets = new Set()
  server.on('connection', (socket) => { stats.connections++; sockets.add(socket); socket.on('close', () => sockets.delete(socket)) })
  server.on('connect', (req, client) => {
    tunnels.push({ authority: req.url, auth: req.headers['proxy-authorization'] })
    const [host, port] = req.url.split(':')
    const upstream = require('net').connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: 'http://127.0.0.1:' + server.address().port,
    seen: seen,
    tunnels: tunnels,
    stats: stats,
    close: () => new Promise((done) => { server.close(done); sockets.forEach((s) => s.destroy()) })
  })))
}

test('the transport keeps its deadline (no answer, or one that stalls midway: TimeoutError) and fails at once on an answer cut off', async () => {
  const { proxyAwareRequest } = require('../../js-shim/transport')
  const server = http.createServer((req, res) => {
    if (req.url === '/silent') return // never answers
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    res.write('{"value": [') // ... and stalls, or is cut off
    if (req.url === '/cut') setTimeout(() => res.socket.destroy(), 20)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = 'http://127.0.0.1:' + server.address().port
  try {
    for (const where of ['/silent', '/stalls']) {
      await assert.rejects(proxyAwareRequest('GET', base + where, ['accept', 'application/json'], undefined, 200, 1 << 20), (err) => {
        assert.strictEqual(err.name, 'TimeoutError', where + ': ' + err.message)
        return true
      })
    }
    // Cut off by the server: a network error, not a short body, and not a wait for the
    // deadline (which would end in a TimeoutError).
    await assert.rejects(proxyAwareRequest('GET', base + '/cut', [], undefined, 30000, 1 << 20), (err) => {
      assert.notStrictEqual(err.name, 'TimeoutError', err.message)
      assert.ok(/closed before the answer was complete|aborted|socket hang up/.test(err.message), err.message)
      return true
    })
    // A whole answer: status, header pairs and body.
    const cut = http.createServer((req, res) => res.end('{"ok":true}'))
    await new Promise((resolve) => cut.listen(0, '127.0.0.1', resolve))
    const ok = await proxyAwareRequest('GET', 'http://127.0.0.1:' + cut.address().port + '/', [], undefined, 1000, 1 << 20)
    assert.strictEqual(ok.status, 200)
    assert.strictEqual(ok.body, '{"ok":true}')
    const at = ok.headers.findIndex((h) => /^content-length$/i.test(h))
    assert.strictEqual(ok.headers[at + 1], '11', JSON.stringify(ok.headers))
    await new Promise((resolve) => cut.close(resolve))
  } finally {
    server.closeAllConnections ? server.closeAllConnections() : null
    await new Promise((resolve) => { server.close(() => resolve()); setTimeout(resolve, 500) })
  }
})

test('the transport stops reading an answer past maxBytes (declared or streamed) and refuses a header with a line break', async () => {
  const { proxyAwareRequest } = require('../../js-shim/transport')
  const seen = []
  const server = http.createServer((req, res) => {
    seen.push(req.headers)
    if (req.url === '/declared') {
      res.writeHead(200, { 'content-length': String(64 << 20) })
      return res.write('x')
    }
    // Streamed without a length: chunks of 64 KiB, far past the cap, then more.
    res.writeHead(200, { 'content-type': 'application/json' })
    const chunk = Buffer.alloc(64 << 10, 0x20)
    let sent = 0
    const pump = () => {
      while (sent < 256 && res.write(chunk)) sent++
      if (sent < 256) res.once('drain', pump); else res.end()
    }
    pump()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = 'http://127.0.0.1:' + server.address().port
  try {
    for (const where of ['/declared', '/streamed']) {
      const before = process.memoryUsage().rss
      await assert.rejects(proxyAwareRequest('GET', base + where, [], undefined, 10000, 1 << 20), (err) => {
        assert.strictEqual(err.name, 'AnswerTooLarge', where + ': ' + err.message)
        return true
      })
      assert.ok(process.memoryUsage().rss - before < (64 << 20), where + ': the answer was not kept')
    }
    const count = seen.length
    await assert.rejects(
      proxyAwareRequest('GET', base + '/x', ['X-UIPATH-FolderPath', 'Shared\r\nAuthorization: Bearer injected'], undefined, 1000, 1 << 20),
      /refused to send the "X-UIPATH-FolderPath" header/)
    assert.strictEqual(seen.length, count, 'nothing was sent')
  } finally {
    server.closeAllConnections ? server.closeAllConnections() : null
    await new Promise((resolve) => { server.close(() => resolve()); setTimeout(resolve, 500) })
  }
})

test('HTTP_PROXY is honoured and NO_PROXY bypasses it', async () => {
  const proxy = await startProxy()
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy }
  try {
    delete process.env.http_proxy
    delete process.env.no_proxy
    process.env.HTTP_PROXY = proxy.url
    delete process.env.NO_PROXY
    const started = await uipath.startUiPathJob(w.bp, w.event(), w.args({ botpressToken: false, auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs OR.Execution.Read' } }))
    assert.strictEqual(started.jobs.length, 1)
    assert.ok(proxy.seen.some((l) => /^POST http:\/\/127\.0\.0\.1:\d+\/identity_\/connect\/token$/.test(l)), proxy.seen.join('\n'))
    assert.ok(proxy.seen.some((l) => /StartJobs$/.test(l)), proxy.seen.join('\n'))
    const body = w.orchestrator.requestsTo('StartJobs').slice(-1)[0]
    assert.strictEqual(body.headers['x-uipath-folderpath'], 'Shared', 'headers survive the proxy path')
    assert.strictEqual(typeof body.json.startInfo.InputArguments, 'string', 'body survives the proxy path')

    // Kept-alive connections to the proxy: a second start opens none.
    const connections = proxy.stats.connections
    await uipath.startUiPathJob(w.bp, w.event(), w.args({ botpressToken: false, auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs OR.Execution.Read' } }))
    assert.ok(connections >= 1 && connections <= 2, 'connections to the proxy: ' + connections)
    assert.strictEqual(proxy.stats.connections, connections, 'the second start reused the connection to the proxy')

    const count = proxy.seen.length
    process.env.NO_PROXY = '127.0.0.1'
    await uipath.startUiPathJob(w.bp, w.event(), w.args({ botpressToken: false }))
    assert.strictEqual(proxy.seen.length, count, 'NO_PROXY host bypasses the proxy')
  } finally {
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]
    }
    await proxy.close()
  }
})

test('https through a proxy: one CONNECT tunnel, kept and reused, with Proxy-Authorization', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uipath-tls-'))
  const made = childProcess.spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' })
  assert.strictEqual(made.status, 0, 'openssl is needed to make a test certificate: ' + made.stderr)
  const tlsStats = { connections: 0 }
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ path: req.url, method: req.method }))
  })
  server.on('secureConnection', () => tlsStats.connections++)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const proxy = await startProxy()
  try {
    // A fresh process: NODE_EXTRA_CA_CERTS is read when Node starts.
    const script = "const f = require(process.argv[1]); (async () => { const out = []; for (let i = 0; i < 3; i++) { const r = await f.proxyAwareRequest('GET', process.argv[2] + '/odata/Jobs(' + i + ')', ['accept', 'application/json'], undefined, 5000, 1 << 20); out.push([r.status, r.body]) } console.log(JSON.stringify(out)); process.exit(0) })().catch((e) => { console.error(e.message); process.exit(1) })"
    const proxyUrl = proxy.url.replace('http://', 'http://bot%40acme:p%3Ass@')
    const child = childProcess.spawn(process.execPath, ['-e', script, path.join(__dirname, '..', '..', 'js-shim', 'transport.js'), 'https://localhost:' + server.address().port],
      { env: Object.assign({}, process.env, { NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'), HTTPS_PROXY: proxyUrl, https_proxy: '', NO_PROXY: '', no_proxy: '' }) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    const code = await new Promise((resolve) => child.on('close', resolve))
    assert.strictEqual(code, 0, stderr)
    const out = JSON.parse(stdout)
    assert.deepStrictEqual(out.map((r) => r[0]), [200, 200, 200])
    assert.strictEqual(JSON.parse(out[2][1]).path, '/odata/Jobs(2)')
    assert.strictEqual(proxy.tunnels.length, 1, 'one tunnel for three requests: ' + JSON.stringify(proxy.tunnels))
    assert.strictEqual(proxy.tunnels[0].authority, 'localhost:' + server.address().port)
    assert.strictEqual(proxy.tunnels[0].auth, 'Basic ' + Buffer.from('bot@acme:p:ss').toString('base64'))
    assert.strictEqual(tlsStats.connections, 1, 'one TLS connection, reused')
  } finally {
    await proxy.close()
    await new Promise((resolve) => server.close(resolve))
    fs.rmSync ? fs.rmSync(dir, { recursive: true, force: true }) : childProcess.spawnSync('rm', ['-rf', dir])
  }
})
