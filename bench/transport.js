'use strict'
// Why the package's requests go through its own node:http transport and not gloo-net
// (which sends through the host's WHATWG `fetch`). Prints, for this Node:
// - whether there is a global `fetch` at all (the package may not add one);
// - whether that `fetch` honours HTTP_PROXY the way the package must (a proxy server
//   on loopback counts what reaches it);
// - CPU per request, `fetch` + `text()` beside the package's transport, against a
//   loopback server (interleaved rounds; figures only).
// Usage: node bench/transport.js

const http = require('http')
const { proxyAwareRequest } = require('../js-shim/transport')

const pct = (xs, p) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))] }

async function main () {
  const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"value":[{"Id":1,"Key":"k","State":"Running"}]}') })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = 'http://127.0.0.1:' + server.address().port + '/odata/Jobs(1)'
  const hasFetch = typeof globalThis.fetch === 'function'
  console.log('Node ' + process.version + ': global fetch ' + (hasFetch ? 'present' : 'absent (gloo-net cannot send a request here)'))

  // A proxy on loopback, named in HTTP_PROXY: which transport goes through it?
  let proxied = 0
  const proxy = http.createServer((req, res) => {
    proxied++
    const target = new URL(req.url)
    const out = http.request(target, { method: req.method, headers: req.headers }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res) })
    req.pipe(out)
  })
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy }
  process.env.HTTP_PROXY = 'http://127.0.0.1:' + proxy.address().port
  delete process.env.NO_PROXY
  delete process.env.no_proxy
  delete process.env.http_proxy
  const via = async (send) => { const n = proxied; await send(); return proxied > n ? 'through the proxy' : 'NOT through the proxy' }
  const ours = await via(() => proxyAwareRequest('GET', url, [], undefined, 5000, 1 << 20))
  const theirs = hasFetch ? await via(() => globalThis.fetch(url).then((r) => r.text())) : '—'
  for (const k of Object.keys(saved)) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k] }
  console.log('  HTTP_PROXY set: the package\'s transport goes ' + ours + '; global fetch goes ' + theirs)
  await new Promise((resolve) => proxy.close(resolve))

  const N = 500
  const contenders = { 'node:http transport': () => proxyAwareRequest('GET', url, ['Accept', 'application/json'], undefined, 5000, 1 << 20) }
  if (hasFetch) contenders['global fetch + text()'] = () => globalThis.fetch(url, { headers: { Accept: 'application/json' } }).then((r) => r.text())
  const rounds = {}
  for (const run of Object.values(contenders)) for (let i = 0; i < 50; i++) await run()
  for (let round = 0; round < 9; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const cpu = process.cpuUsage()
      for (let i = 0; i < N; i++) await run()
      const u = process.cpuUsage(cpu)
      ;(rounds[name] = rounds[name] || []).push((u.user + u.system) / N)
    }
  }
  console.log('  CPU per GET (server included, medians of 9 rounds of ' + N + '): ' + Object.keys(rounds).map((k) => k + ' ' + pct(rounds[k], 0.5).toFixed(0) + ' µs').join('; '))
  await new Promise((resolve) => server.close(resolve))
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
