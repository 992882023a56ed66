'use strict'
// Supplies `fetch`, `Request`, `Headers` and `Response` to the wasm code on Node
// versions that have none (Node < 18, including the Node 12 inside every Botpress v12
// binary). A runtime's own fetch is never replaced.

function ensureFetch () {
  if (typeof globalThis.fetch === 'function') {
    return 'native'
  }
  const nodeFetch = require('node-fetch')
  globalThis.fetch = nodeFetch
  if (typeof globalThis.Request !== 'function') globalThis.Request = nodeFetch.Request
  if (typeof globalThis.Headers !== 'function') globalThis.Headers = nodeFetch.Headers
  if (typeof globalThis.Response !== 'function') globalThis.Response = nodeFetch.Response
  return 'node-fetch'
}

module.exports = { ensureFetch }
