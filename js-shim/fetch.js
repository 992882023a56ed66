'use strict'
// How the wasm code reaches the network.
//
// - Node < 18 has no `fetch`, `Request`, `Headers`, `Response`: node-fetch supplies them
//   on the global object (the wasm builds requests with `new Request`). A runtime's own
//   fetch is never replaced.
// - Proxies: the wasm sends every request through `proxyAwareFetch`, handed to it with
//   `setFetch`, so nothing global changes on Node 18+. For each request it asks
//   proxy-from-env (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, either case, read at
//   call time); with a proxy the request goes through node-fetch and a proxy agent
//   (CONNECT for https).
// - Without a proxy, requests go over node:http/https with keep-alive agents (a bounded
//   number of sockets), on every Node version: connections are reused, Node 12
//   included. A reused connection the server had closed fails as a network error,
//   which the core retries where that is safe.
// - node-fetch is loaded only where it is needed (Node < 18, or a proxy), so requiring
//   the package on a current Node does not pay for it.

const http = require('http')
const https = require('https')
const { getProxyForUrl } = require('proxy-from-env')

const nodeFetch = () => require('node-fetch')
// Sockets per host and scheme: enough for many conversations at once, never unbounded.
const MAX_SOCKETS = 16
let keepAlive = null

function ensureFetch () {
  if (typeof globalThis.fetch === 'function') return 'native'
  const f = nodeFetch()
  globalThis.fetch = f
  if (typeof globalThis.Request !== 'function') globalThis.Request = f.Request
  if (typeof globalThis.Headers !== 'function') globalThis.Headers = f.Headers
  if (typeof globalThis.Response !== 'function') globalThis.Response = f.Response
  return 'node-fetch'
}

function agentOf (protocol) {
  if (!keepAlive) {
    const options = { keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS }
    keepAlive = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) }
  }
  return keepAlive[protocol]
}

/** What the wasm reads of an answer: `status`, `headers.entries()`, `text()`. */
function answer (status, rawHeaders, body) {
  const pairs = Object.keys(rawHeaders).map((k) => [k, [].concat(rawHeaders[k]).join(', ')])
  return { status: status, headers: { entries: () => pairs[Symbol.iterator]() }, text: () => Promise.resolve(body) }
}

/**
 * The wasm's request over node:http/https with keep-alive agents, where no proxy applies,
 * on every Node version: `{ url, method, headers, body?, signal? }` (plain data) in,
 * `{ status, headers.entries(), text() }` out. Cheaper than a runtime's fetch, and on
 * Node below 18 it spares node-fetch, which leaks a socket listener per request on a
 * kept-alive connection there.
 */
function httpFetch (request) {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url)
    const body = request.body
    const headers = Object.assign({}, request.headers)
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)
    const transport = url.protocol === 'https:' ? https : http
    const req = transport.request(url, { method: request.method, headers: headers, agent: agentOf(url.protocol) }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve(answer(res.statusCode, res.headers, Buffer.concat(chunks).toString('utf8'))))
      res.on('error', reject)
    })
    req.on('error', reject)
    const signal = request.signal
    if (signal) {
      const abort = () => req.destroy(new Error('The request was aborted (timeoutMs)'))
      if (signal.aborted) abort(); else signal.addEventListener('abort', abort)
    }
    req.end(body)
  })
}

const agents = new Map()

function agentFor (url, proxy) {
  const secure = url.indexOf('https:') === 0
  const key = (secure ? 'https ' : 'http ') + proxy
  if (!agents.has(key)) {
    const Agent = secure ? require('https-proxy-agent') : require('http-proxy-agent')
    // These agents (agent-base 6) open a connection per request: through a proxy,
    // connections are not reused yet (README, "Limitations").
    agents.set(key, new Agent(proxy))
  }
  return agents.get(key)
}

/** The wasm's request (plain data, see httpFetch): through the proxy the environment names for its URL. */
function proxyAwareFetch (request) {
  const proxy = getProxyForUrl(request.url)
  if (!proxy) return httpFetch(request)
  return nodeFetch()(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    agent: agentFor(request.url, proxy)
  })
}

module.exports = { ensureFetch, proxyAwareFetch, httpFetch }
