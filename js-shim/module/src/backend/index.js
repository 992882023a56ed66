'use strict'
// The Botpress v12 module `uipath` (a drop-in for the original): the callback-token route
// and the robots' callback route. Every decision is made by the wasm core
// (issueCallbackToken, checkCallback); this file reads requests, looks up what the rules
// need, and does what the answer says.

const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

const core = loadCore()
const ALL_BOTS = '___'
// Botpress's own identity behind getAxiosConfigForBot (core/security/auth-service.ts).
const SERVER_USER = 'server::modules'
// Past this, a route that has not answered answers 503 (body reading has its own, shorter
// deadline: bodyTimeout).
const ROUTE_DEADLINE_MS = 30000

// Packaged: dist/backend/core.js (the shim bundled with its dependencies and the wasm
// glue). In the repository: the shim itself.
function loadCore () {
  const packaged = path.join(__dirname, 'core.js')
  return require(fs.existsSync(packaged) ? packaged : '../../../index.js')
}

async function globalConfig (bp) {
  if (bp.config && typeof bp.config.getModuleConfig === 'function') {
    return (await bp.config.getModuleConfig('uipath')) || {}
  }
  return {}
}

// The secret is global: the callback route must know it before the token says which bot
// it is for. The core derives the signing key from it; it is never used as a key itself.
function secretOf (config) {
  return (config && config.callbackSecret) || process.APP_SECRET || ''
}

function requestId () {
  return crypto.randomBytes(8).toString('hex')
}

function sourceOf (req) {
  return String(req.ip || (req.socket && req.socket.remoteAddress) || 'unknown')
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

/** The caller's workspace facts the token route's rule needs (bp.workspaces, 12.x). */
async function workspaceOf (bp, botId, user) {
  const ws = bp.workspaces
  if (!ws || typeof ws.getBotWorkspaceId !== 'function' || !user || user.isSuperAdmin) return {}
  try {
    const botWorkspace = await ws.getBotWorkspaceId(botId)
    const users = typeof ws.getWorkspaceUsers === 'function' ? await ws.getWorkspaceUsers(botWorkspace) : []
    const members = (users || []).map((u) => ({ email: String(u.email || ''), strategy: String(u.strategy || '') }))
    return { botWorkspace: botWorkspace, workspaceMembers: members }
  } catch (err) {
    // An unknown bot has no workspace: the rule refuses it.
    return {}
  }
}

/** What the core's token rule needs, for the token route and the in-process issuer alike. */
async function tokenInput (bp, botId, query, caller, id, source) {
  return {
    config: Object.assign({}, await bp.config.getModuleConfigForBot('uipath', botId)),
    secret: secretOf(await globalConfig(bp)),
    botId: botId,
    query: query,
    now: Date.now(),
    jti: crypto.randomBytes(12).toString('hex'),
    requestId: id,
    source: source,
    caller: caller
  }
}

function registerRoutes (bp) {
  // Both global body parsers off for our routes: the routes read bodies themselves.
  const parsersOff = { enableJsonBodyParser: false, enableUrlEncoderBodyParser: false }

  const auth = bp.http.createRouterForBot('uipath/auth', Object.assign({ checkAuthentication: true }, parsersOff))
  auth.get('/token', route(bp, async (req, res, id) => {
    const botId = req.params.botId
    const user = req.tokenUser || {}
    const caller = { email: String(user.email || ''), strategy: String(user.strategy || ''), isSuperAdmin: user.isSuperAdmin === true, workspace: req.workspace ? String(req.workspace) : '' }
    const input = Object.assign(await tokenInput(bp, botId, req.query, caller, id, sourceOf(req)),
      user.email === SERVER_USER ? {} : await workspaceOf(bp, botId, user))
    send(bp, req, res, core.issueCallbackToken(input))
  }))

  const open = bp.http.createRouterForBot('uipath', Object.assign({ checkAuthentication: false }, parsersOff))
  open.post('/message', route(bp, async (req, res, id) => {
    const config = await globalConfig(bp)
    const limits = core.routeSettings(config)
    const read = await readBody(req, limits.maxBodyBytes, limits.bodyTimeoutMs)
    const answer = core.checkCallback(Object.assign({
      config: config,
      secret: secretOf(config),
      urlBotId: req.params.botId,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      now: Date.now(),
      requestId: id,
      source: sourceOf(req)
    }, read))
    if (answer.delivery) {
      const d = answer.delivery
      await bp.events.replyToEvent(d.destination, [d.message])
    }
    // A body left unread (too large, too slow) ends the connection with the answer.
    if (read.tooLarge || read.timedOut) res.set('Connection', 'close')
    send(bp, req, res, answer)
  }))

  // The same steps as `botpress-uipath check`, for this bot's config: super-admins only
  // (the report names the Orchestrator, folder and process).
  // Mounted after the open router, so the robots' /message never meets its authentication.
  const checked = bp.http.createRouterForBot('uipath', Object.assign({ checkAuthentication: true }, parsersOff))
  checked.get('/check', route(bp, async (req, res) => {
    if (!(req.tokenUser && req.tokenUser.isSuperAdmin === true)) {
      return send(bp, req, res, { status: 403, body: { statusCode: 403, errorCode: 'UIPATH_FORBIDDEN', type: 'ForbiddenError', message: 'Forbidden: the check is for super-admins' } })
    }
    const config = Object.assign({}, await bp.config.getModuleConfigForBot('uipath', req.params.botId))
    const report = await core.checkSetup(config, { process: typeof req.query.process === 'string' ? req.query.process : undefined, externalUrl: process.EXTERNAL_URL })
    send(bp, req, res, { status: 200, body: report })
  }))
}

// The package, running in this same server (an action), asks for callback tokens here
// instead of over HTTP: one round trip less per job start. The issuer applies the token
// route's rules for the server's own identity (what getAxiosConfigForBot's token
// already grants any action); the signing secret stays inside this file and the core.
const ISSUER = Symbol.for('botpress-uipath/callback-tokens')
let issuer = null

function registerIssuer (bp) {
  issuer = async (request) => {
    const query = { expiresIn: request.expiresIn, channel: request.channel, target: request.target, threadId: request.threadId }
    const caller = { email: SERVER_USER, strategy: 'default', isSuperAdmin: false, workspace: '' }
    const answer = core.issueCallbackToken(await tokenInput(bp, String(request.botId || ''), query, caller, requestId(), 'in-process'))
    if (answer.status !== 200) throw new Error(answer.body.message)
    return answer.body.token
  }
  globalThis[ISSUER] = issuer
}

const entryPoint = {
  onServerStarted: async () => {},
  onServerReady: async (bp) => {
    registerRoutes(bp)
    registerIssuer(bp)
  },
  onBotMount: async () => {},
  onBotUnmount: async () => {},
  onModuleUnmount: async () => {
    if (globalThis[ISSUER] === issuer) delete globalThis[ISSUER]
    issuer = null
  },
  definition: {
    name: 'uipath',
    fullName: 'UiPath',
    menuText: 'UiPath',
    noInterface: true,
    homepage: 'https://github.com/botpress-uipath/botpress-uipath',
    experimental: false
  }
}

// Botpress validates this object against its module schema, which refuses unknown keys:
// export the entry point alone (no `default` beside it).
module.exports = entryPoint
