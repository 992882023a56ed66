'use strict'
// What the module's routes share: answering (with the core's log line), the deadline and
// the generic 500 of every route, and reading a body without ever waiting forever.

const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

const corePath = resolveCore()
const core = require(corePath)
const ALL_BOTS = '___'
// Past this, a route that has not answered answers 503 (body reading has its own, shorter
// deadline: bodyTimeout).
const ROUTE_DEADLINE_MS = 30000

// Packaged: dist/backend/core.js (the shim bundled with its dependencies and the wasm
// glue). In the repository: the shim itself.
function resolveCore () {
  const packaged = path.join(__dirname, 'core.js')
  return fs.existsSync(packaged) ? packaged : require.resolve('../../../index.js')
}

/** The module's global config (data/global/config/uipath.json and its environment). */
async function globalConfig (bp) {
  if (bp.config && typeof bp.config.getModuleConfig === 'function') {
    return (await bp.config.getModuleConfig('uipath')) || {}
  }
  return {}
}

// Random ids come from a pooled CSPRNG buffer: one randomFillSync per 4 KiB instead of
// one per id (a call costs microseconds; the in-process issuer takes two per token).
// Each byte is used once.
const pool = Buffer.alloc(4096)
let poolAt = pool.length

/** `bytes` random bytes as hex. */
function randomHex (bytes) {
  if (poolAt + bytes > pool.length) {
    crypto.randomFillSync(pool)
    poolAt = 0
  }
  poolAt += bytes
  return pool.toString('hex', poolAt - bytes, poolAt)
}

function requestId () {
  return randomHex(8)
}

// The refusal log's limit is per source: the connection's own address, never `req.ip`,
// which a client sets itself (X-Forwarded-For) when Botpress trusts a reverse proxy.
function sourceOf (req) {
  return String((req.socket && req.socket.remoteAddress) || 'unknown')
}

// The bot a route's log line goes to: the URL's, unless it is "all bots".
function loggerFor (bp, req) {
  const id = req.params && req.params.botId
  return bp.logger.forBot(id && id !== ALL_BOTS ? id : 'global')
}

/** Writes the answer's log line (already quoted and rate-limited by the core) and sends it. */
function send (bp, req, res, answer) {
  if (answer.log) {
    const logger = loggerFor(bp, req)
    const line = '[uipath] ' + req.method + ' ' + req.baseUrl.replace(/^.*\/mod\//, '/mod/') + req.path + ' ' + answer.log
    if (answer.status >= 500) logger.error(line)
    else if (answer.status >= 400) logger.warn(line)
    else logger.info(line)
  }
  if (res.headersSent) return
  res.status(answer.status).json(answer.body)
}

/**
 * Wraps a route: a failure answers a generic 500 with a correlation id (the detail goes
 * to the log only), and a route that has not answered by ROUTE_DEADLINE_MS answers 503.
 */
function route (bp, handler) {
  return function (req, res) {
    const id = requestId()
    const timer = setTimeout(() => {
      if (res.headersSent) return
      res.set('Connection', 'close')
      send(bp, req, res, internal(id, 'the route did not answer within ' + ROUTE_DEADLINE_MS + ' ms', 503))
    }, ROUTE_DEADLINE_MS)
    res.on('finish', () => clearTimeout(timer))
    res.on('close', () => clearTimeout(timer))
    Promise.resolve()
      .then(() => handler(req, res, id))
      .catch((err) => {
        clearTimeout(timer)
        const detail = err && err.message ? err.message : String(err)
        send(bp, req, res, internal(id, detail))
      })
  }
}

function internal (id, detail, status) {
  let answer
  try {
    answer = core.internalReply({ requestId: id, detail: detail })
  } catch (e) {
    answer = { status: 500, body: { statusCode: 500, errorCode: 'UIPATH_INTERNAL', type: 'InternalError', message: 'internal error (correlation id ' + id + ')' } }
  }
  if (status) {
    answer.status = status
    answer.body.statusCode = status
  }
  return answer
}

/**
 * Reads a request body for the core, never waiting forever:
 * - `{ parsedBody }` when one of Botpress's global parsers already consumed the stream
 *   (it does for a percent-encoded bot id, which its module pattern does not match);
 * - `{ tooLarge: true }` past `limit` bytes (declared or received);
 * - `{ timedOut: true }` when the body is not complete within `timeoutMs`;
 * - `{ body }`, the raw text, otherwise.
 */
function readBody (req, limit, timeoutMs) {
  if (req._body) return Promise.resolve({ parsedBody: req.body === undefined ? null : req.body })
  if (req.readableEnded) return Promise.resolve({ body: '' })
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'])
    if (declared > limit) return resolve({ tooLarge: true })
    const chunks = []
    let size = 0
    let done = false
    const finish = (result) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(result)
    }
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs)
    req.on('data', (chunk) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        req.pause()
        return finish({ tooLarge: true })
      }
      chunks.push(chunk)
    })
    req.on('end', () => finish({ body: Buffer.concat(chunks).toString('utf8') }))
    req.on('error', () => finish({ timedOut: true }))
    req.on('aborted', () => finish({ timedOut: true }))
  })
}

module.exports = { core, corePath, globalConfig, randomHex, requestId, sourceOf, send, route, readBody }
