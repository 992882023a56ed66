'use strict'
// How the wasm code reaches the network.
//
// - The wasm sends every request through the transport below (handed to it with
//   `setFetch`, as plain data), so it needs no `fetch`, `Request` or `Headers` of the
//   runtime: Node 12 and 16, which have none, need no polyfill, and nothing global is
//   installed or replaced on any version.
// - Requests go over node:http/https with keep-alive agents (a bounded number of
//   sockets), on every Node version: connections are reused, Node 12 included. A reused
//   connection the server had closed fails as a network error, which the core retries
//   where that is safe.
// - Proxies: the wasm sends every request through `proxyAwareFetch`, handed to it with
//   `setFetch`, so nothing global changes. For each request it asks proxy-from-env
//   (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, either case, read at call time). An
//   http URL goes to the proxy in absolute form over kept-alive connections to the
//   proxy; an https URL through a CONNECT tunnel that the agent keeps and reuses (one
//   TLS connection per target, as without a proxy). `user:password@` in the proxy URL
//   becomes Proxy-Authorization.

const http = require('http')
const https = require('https')
const tls = require('tls')
const { getProxyForUrl } = require('proxy-from-env')

// Sockets per host and scheme: enough for many conversations at once, never unbounded.
const MAX_SOCKETS = 16
let keepAlive = null

const AGENT_OPTIONS = { keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS }

function agentOf (protocol) {
  if (!keepAlive) keepAlive = { 'http:': new http.Agent(AGENT_OPTIONS), 'https:': new https.Agent(AGENT_OPTIONS) }
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
 * `{ status, headers.entries(), text() }` out. Cheaper than a runtime's fetch, and the
 * same on every Node version.
 */
function httpFetch (request, via) {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url)
    const body = request.body
    const headers = Object.assign({}, request.headers)
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)
    let target = url
    let options = { method: request.method, headers: headers, agent: agentOf(url.protocol) }
    if (via) {
      // Through a proxy: the proxy's own connection (http URL, absolute form) or a tunnel.
      options.agent = via.agent
      if (!via.tunnel) {
        target = via.proxy
        options = Object.assign(options, { path: request.url, headers: Object.assign(headers, { host: url.host }, via.auth ? { 'proxy-authorization': via.auth } : {}) })
      }
    }
    const transport = target.protocol === 'https:' ? https : http
    const req = transport.request(target, options, (res) => {
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

const proxies = new Map()

/**
 * How to reach `protocol` URLs through `proxyUrl`, kept per proxy: an http URL over a
 * kept-alive agent to the proxy itself; an https URL over an agent whose connections are
 * CONNECT tunnels, kept alive and reused like any other.
 */
function proxyRoute (protocol, proxyUrl) {
  const key = protocol + ' ' + proxyUrl
  if (!proxies.has(key)) {
    const proxy = new URL(proxyUrl)
    const auth = proxy.username
      ? 'Basic ' + Buffer.from(decodeURIComponent(proxy.username) + ':' + decodeURIComponent(proxy.password)).toString('base64')
      : null
    let agent
    if (protocol === 'https:') {
      agent = new https.Agent(AGENT_OPTIONS)
      agent.createConnection = (options, done) => { tunnel(proxy, auth, options, done) }
    } else {
      agent = new (proxy.protocol === 'https:' ? https : http).Agent(AGENT_OPTIONS)
    }
    proxies.set(key, { proxy: proxy, auth: auth, agent: agent, tunnel: protocol === 'https:' })
  }
  return proxies.get(key)
}

/** Opens a CONNECT tunnel through the proxy and TLS inside it; `done(err, socket)`. */
function tunnel (proxy, auth, options, done) {
  const authority = options.host + ':' + options.port
  const headers = { host: authority }
  if (auth) headers['proxy-authorization'] = auth
  const connect = (proxy.protocol === 'https:' ? https : http).request({
    hostname: proxy.hostname, port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: authority, headers: headers, agent: false
  })
  connect.once('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy()
      return done(new Error('the proxy refused the tunnel to ' + authority + ': HTTP ' + res.statusCode))
    }
    done(null, tls.connect(Object.assign({}, options, { socket: socket, servername: options.servername || options.host })))
  })
  connect.once('error', done)
  connect.end()
}

/** The wasm's request (plain data, see httpFetch): through the proxy the environment names for its URL. */
function proxyAwareFetch (request) {
  const proxy = getProxyForUrl(request.url)
  if (!proxy) return httpFetch(request)
  return httpFetch(request, proxyRoute(new URL(request.url).protocol, proxy))
}

module.exports = { proxyAwareFetch, httpFetch }
