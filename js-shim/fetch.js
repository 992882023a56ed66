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
//   (CONNECT for https), without one through the runtime's fetch.

const nodeFetch = require('node-fetch')
const { getProxyForUrl } = require('proxy-from-env')

function ensureFetch () {
  if (typeof globalThis.fetch === 'function') {
    return 'native'
  }
  globalThis.fetch = nodeFetch
  if (typeof globalThis.Request !== 'function') globalThis.Request = nodeFetch.Request
  if (typeof globalThis.Headers !== 'function') globalThis.Headers = nodeFetch.Headers
  if (typeof globalThis.Response !== 'function') globalThis.Response = nodeFetch.Response
  return 'node-fetch'
}

const agents = new Map()

function agentFor (url, proxy) {
  const secure = url.indexOf('https:') === 0
  const key = (secure ? 'https ' : 'http ') + proxy
  if (!agents.has(key)) {
    const Agent = secure ? require('https-proxy-agent') : require('http-proxy-agent')
    agents.set(key, new Agent(proxy))
  }
  return agents.get(key)
}

function headersOf (request) {
  const out = {}
  request.headers.forEach(function (value, name) { out[name] = value })
  return out
}

/** `fetch(request)` for the wasm: through the proxy the environment names for its URL. */
function proxyAwareFetch (request) {
  const proxy = getProxyForUrl(request.url)
  if (!proxy) return globalThis.fetch(request)
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  return (hasBody ? request.text() : Promise.resolve(undefined)).then(function (body) {
    return nodeFetch(request.url, {
      method: request.method,
      headers: headersOf(request),
      body: body,
      agent: agentFor(request.url, proxy)
    })
  })
}

module.exports = { ensureFetch, proxyAwareFetch }
