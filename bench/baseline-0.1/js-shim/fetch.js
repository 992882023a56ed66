'use strict'
// How the wasm code reaches the network.
//
// - The wasm sends every request through `proxyAwareFetch`, handed to it with `setFetch`.
//   The contract is plain data, so a request costs a handful of boundary crossings:
//   `(method, url, headers, body, timeoutMs)` with headers as `name: value` lines,
//   resolving to `{ status, headers, body }` (headers as lines again), rejecting with an
//   Error named `TimeoutError` when `timeoutMs` passes first (the request is destroyed
//   then, so no socket lingers). Nothing global is installed or replaced, on any Node.
// - Requests go over node:http/https with keep-alive agents (a bounded number of
//   sockets), on every Node version: connections are reused, Node 12 included. A reused
//   connection the server had closed fails as a network error, which the core retries
//   where that is safe.
// - Proxies: for each request proxy-from-env is asked (HTTPS_PROXY, HTTP_PROXY,
//   ALL_PROXY, NO_PROXY, either case, read at call time). An http URL goes to the proxy
//   in absolute form over kept-alive connections to the proxy; an https URL through a
//   CONNECT tunnel that the agent keeps and reuses (one TLS connection per target, as
//   without a proxy). `user:password@` in the proxy URL becomes Proxy-Authorization.
// - https and tls are loaded on the first https request or tunnel, not at require.

const http = require('http')
const { getProxyForUrl } = require('proxy-from-env')

// Loaded on first use: most of require's cost on Node 12 is otherwise spent here.
const https = () => require('https')
const tls = () => require('tls')
const transportOf = (protocol) => (protocol === 'https:' ? https() : http)

// Sockets per host and scheme: enough for many conversations at once, never unbounded.
const MAX_SOCKETS = 16
let keepAlive = null

const AGENT_OPTIONS = { keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS }

function agentOf (protocol) {
  if (!keepAlive) keepAlive = {}
  if (!keepAlive[protocol]) keepAlive[protocol] = new (transportOf(protocol)).Agent(AGENT_OPTIONS)
  return keepAlive[protocol]
}

/** `name: value` lines into an object (the request's headers). */
function headersOf (lines) {
  const out = {}
  for (const line of lines.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 2)
  }
  return out
}

/** A response's headers as `name: value` lines (repeated ones joined by commas). */
function linesOf (headers) {
  let out = ''
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    out += name + ': ' + (Array.isArray(value) ? value.join(', ') : value) + '\n'
  }
  return out
}

function timeoutError (ms) {
  const error = new Error('no answer within ' + ms + ' ms')
  error.name = 'TimeoutError'
  return error
}

/**
 * The wasm's request over node:http/https with keep-alive agents (see the top of this
 * file), through `via` when a proxy applies. Cheaper than a runtime's fetch, and the
 * same on every Node version.
 */
function httpFetch (method, url, headerLines, body, timeoutMs, via) {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const headers = headerLines ? headersOf(headerLines) : {}
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)
    const options = { method: method, headers: headers, agent: agentOf(target.protocol) }
    let to = target
    if (via) {
      // Through a proxy: the proxy's own connection (http URL, absolute form) or a tunnel.
      options.agent = via.agent
      if (!via.tunnel) {
        to = via.proxy
        options.path = url
        headers.host = target.host
        if (via.auth) headers['proxy-authorization'] = via.auth
      }
    }
    let timer = null
    let timedOut = null
    const fail = (err) => { clearTimeout(timer); reject(timedOut || err) }
    const req = transportOf(to.protocol).request(to, options, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      // An answer cut off midway (by the deadline or the server) is a failure, never a
      // short body: Node 12 even emits 'end' for it, with `complete` false.
      const cut = () => fail(new Error('the connection closed before the answer was complete'))
      res.on('end', () => {
        if (!res.complete) return cut()
        clearTimeout(timer)
        resolve({ status: res.statusCode, headers: linesOf(res.headers), body: Buffer.concat(chunks).toString('utf8') })
      })
      res.on('error', fail)
      res.on('close', () => { if (!res.complete) cut() })
    })
    req.on('error', fail)
    if (timeoutMs > 0) {
      timer = setTimeout(() => { timedOut = timeoutError(timeoutMs); req.destroy(timedOut) }, timeoutMs)
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
      agent = new (https()).Agent(AGENT_OPTIONS)
      agent.createConnection = (options, done) => { tunnel(proxy, auth, options, done) }
    } else {
      agent = new (transportOf(proxy.protocol)).Agent(AGENT_OPTIONS)
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
  const connect = transportOf(proxy.protocol).request({
    hostname: proxy.hostname, port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: authority, headers: headers, agent: false
  })
  connect.once('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy()
      return done(new Error('the proxy refused the tunnel to ' + authority + ': HTTP ' + res.statusCode))
    }
    done(null, tls().connect(Object.assign({}, options, { socket: socket, servername: options.servername || options.host })))
  })
  connect.once('error', done)
  connect.end()
}

/** The wasm's request (see httpFetch): through the proxy the environment names for its URL. */
function proxyAwareFetch (method, url, headers, body, timeoutMs) {
  const proxy = getProxyForUrl(url)
  if (!proxy) return httpFetch(method, url, headers, body, timeoutMs)
  return httpFetch(method, url, headers, body, timeoutMs, proxyRoute(new URL(url).protocol, proxy))
}

module.exports = { proxyAwareFetch, httpFetch }
