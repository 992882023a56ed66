'use strict'
// A Botpress-v12-like host for tests and the demo: an express server that mounts
// per-bot module routers the way Botpress does, and a `bp` object with the SDK calls
// the package touches (shared/botpress-v12.md). `replyToEvent` records what users see.

const http = require('http')
const express = require('express')
const jwt = require('jsonwebtoken')

const ALL_BOTS = '___'

let project = null
/** A throwaway install folder for this test process, removed when it exits. */
function projectFolder () {
  if (!project) {
    const fs = require('fs')
    project = fs.mkdtempSync(require('path').join(require('os').tmpdir(), 'bp-host-'))
    process.on('exit', () => {
      try { fs.rmSync ? fs.rmSync(project, { recursive: true, force: true }) : fs.rmdirSync(project, { recursive: true }) } catch (err) {}
    })
  }
  return project
}

// Botpress's identity behind getAxiosConfigForBot (core/security/auth-service.ts).
const SERVER_USER = 'server::modules'
// core/routers/conditionalMiddleware: the module of a request, matched on the raw path.
const MODULE_PATH = /^\/api\/v1\/bots\/[A-Z0-9_-]+\/mod\/([A-Z0-9_-]+)\//i

/**
 * Starts the host. Options: `secret` (the server's APP_SECRET), `bots` ({ id: { private,
 * disabled, workspace } }, workspace 'default' unless given), `users` ({ workspace:
 * [{ email, strategy }] }), `moduleConfig` ({ botId: config } or a config for every bot),
 * `cookieAuth` (getAxiosConfigForBot answers with Cookie + CSRF-Token), `database` (a
 * Knex instance from support/database.js: `bp.database`), `sendEvent(event)` (a stand-in
 * for a failing event engine: throw to refuse an event), `reverseProxy` (as Botpress's
 * REVERSE_PROXY: express trusts X-Forwarded-For for `req.ip`).
 */
function startBotpress (options) {
  const opts = Object.assign({ secret: 'bp-app-secret', bots: { 'bot-1': {}, 'bot-2': {} }, users: { default: [{ email: 'admin@acme.com', strategy: 'default' }] }, moduleConfig: {}, globalConfig: {} }, options || {})
  const workspaceOf = (botId) => (opts.bots[botId] ? opts.bots[botId].workspace || 'default' : undefined)
  // Botpress keeps its signing secret here; modules read it from there.
  process.APP_SECRET = opts.secret
  // And its install folder (data/, shared_libs/ live under it): one throwaway folder per
  // test process unless a test set its own.
  if (!process.PROJECT_LOCATION) process.PROJECT_LOCATION = projectFolder()
  const app = express()
  if (opts.reverseProxy) app.set('trust proxy', true)
  const replies = []
  const logs = []
  const listeners = []
  const eventListeners = []
  const events = []
  const host = { replies: replies, events: events, logs: logs, secret: opts.secret, requests: [] }

  app.use((req, res, next) => { host.requests.push({ method: req.method, path: req.path }); next() })
  // `answerDelayMs`: every request waits that long first, a network round trip's stand-in.
  if (opts.answerDelayMs) app.use((req, res, next) => setTimeout(next, opts.answerDelayMs))

  // Botpress's two global body parsers, each skipped for a module whose router asked.
  const disabled = { json: new Set(), urlencoded: new Set() }
  const unlessModuleAsked = (kind, parser) => (req, res, next) => {
    const m = MODULE_PATH.exec(req.path)
    return m && disabled[kind].has(m[1]) ? next() : parser(req, res, next)
  }
  app.use(unlessModuleAsked('json', express.json({ limit: '10mb' })))
  app.use(unlessModuleAsked('urlencoded', express.urlencoded({ extended: true })))

  const logger = {
    forBot () { return logger },
    attachError () { return logger },
    debug (m, meta) { logs.push({ level: 'debug', message: m, meta: meta }) },
    info (m, meta) { logs.push({ level: 'info', message: m, meta: meta }) },
    warn (m, meta) { logs.push({ level: 'warn', message: m, meta: meta }) },
    error (m, meta) { logs.push({ level: 'error', message: m, meta: meta }) },
    critical (m, meta) { logs.push({ level: 'critical', message: m, meta: meta }) }
  }

  /** A token like the ones Botpress signs for collaborators and for itself. */
  function serverToken () {
    return jwt.sign({ email: SERVER_USER, strategy: 'default', tokenVersion: 1, isSuperAdmin: false }, opts.secret, { expiresIn: '5m', audience: 'collaborators' })
  }

  function checkAuthentication (req, res, next) {
    let token = null
    const header = /^bearer (.+)$/i.exec(req.headers.authorization || '')
    if (header) token = header[1]
    const cookie = /(?:^|;\s*)jwtToken=([^;]+)/.exec(req.headers.cookie || '')
    if (!token && cookie && req.headers['csrf-token']) token = cookie[1]
    try {
      if (!token) throw new Error('No authorization token')
      req.tokenUser = jwt.verify(token, opts.secret, { audience: 'collaborators' })
    } catch (err) {
      return res.status(401).json({ statusCode: 401, errorCode: 'BP_0041', type: 'UnauthorizedError', message: 'Unauthorized: ' + err.message })
    }
    // As Botpress 12.31 does: the workspace is the one the request names (X-BP-Workspace),
    // else the bot's; the user must be a member of *that* workspace.
    req.workspace = req.headers['x-bp-workspace'] || workspaceOf(req.params.botId)
    const u = req.tokenUser
    if (u.email === SERVER_USER || u.isSuperAdmin) return next()
    const members = opts.users[req.workspace] || []
    if (!members.some((m) => m.email === u.email && m.strategy === u.strategy)) {
      return res.status(403).json({ statusCode: 403, errorCode: 'BP_0043', type: 'ForbiddenError', message: 'User "' + u.email + '" doesn\'t have access to workspace "' + req.workspace + '"' })
    }
    next()
  }

  // Botpress's check before any module router: disabled bots 404, private bots need a
  // collaborator token, and botId ___ skips the check.
  function botVisibility (req, res, next) {
    const id = req.params.botId
    if (id === ALL_BOTS) return next()
    const bot = opts.bots[id]
    if (!bot || bot.disabled) return res.status(404).json({ statusCode: 404, errorCode: 'BP_0040', type: 'NotFoundError', message: 'Bot not found' })
    if (bot.private) return checkAuthentication(req, res, next)
    next()
  }

  const flag = (value, req) => (typeof value === 'function' ? value(req) : value)

  let nextEventId = 1
  // Botpress's incoming middleware chain (core/events/middleware-chain.ts): sorted by
  // `order`, stopped by a handler that swallows; then the dialog engine, unless the
  // event carries SKIP_DIALOG_ENGINE. `host.flows` records what reached the flows.
  const middleware = []
  const flows = []
  const WellKnownFlags = { SKIP_DIALOG_ENGINE: Symbol.for('skipDialogEngine'), SKIP_QNA_PROCESSING: Symbol.for('skipQnaProcessing'), SKIP_NATIVE_NLU: Symbol.for('skipNativeNlu') }
  async function runIncoming (event) {
    for (const mw of middleware) {
      const [swallow] = await new Promise((resolve, reject) => mw.handler(event, (err, swallowed, skipped) => (err ? reject(err) : resolve([swallowed, skipped]))))
      if (swallow) break
    }
    if (!event.hasFlag(WellKnownFlags.SKIP_DIALOG_ENGINE)) flows.push(event)
  }
  const bp = {
    database: opts.database,
    // sdk.IO.Event: the fields Botpress's event engine validates (core/events/event-engine.ts).
    IO: {
      WellKnownFlags: WellKnownFlags,
      Event (args) {
        for (const key of ['type', 'channel', 'target', 'direction', 'botId']) {
          if (typeof args[key] !== 'string' || !args[key]) throw new Error('"' + key + '" is required')
        }
        if (!args.payload || typeof args.payload !== 'object') throw new Error('"payload" is required')
        const flags = {}
        return Object.assign({
          id: nextEventId++,
          createdOn: new Date(),
          flags: flags,
          setFlag (flag, value) { flags[flag] = value },
          hasFlag (flag) { return Boolean(flags[flag]) }
        }, args)
      }
    },
    bots: {
      async getAllBots () {
        return new Map(Object.keys(opts.bots).map((id) => [id, { id: id }]))
      }
    },
    http: {
      async getAxiosConfigForBot (botId, o) {
        const token = serverToken()
        const headers = opts.cookieAuth
          ? { Cookie: 'jwtToken=' + token + ';', 'CSRF-Token': 'csrf-' + token.slice(-8) }
          : { Authorization: 'Bearer ' + token }
        return { baseURL: host.url + '/api/v1/bots/' + botId, headers: headers }
      },
      createRouterForBot (name, o) {
        const routerOptions = Object.assign({ checkAuthentication: true, enableJsonBodyParser: true, enableUrlEncoderBodyParser: true }, o || {})
        const moduleName = name.split('/')[0]
        if (routerOptions.enableJsonBodyParser === false) disabled.json.add(moduleName)
        if (routerOptions.enableUrlEncoderBodyParser === false) disabled.urlencoded.add(moduleName)
        const router = express.Router({ mergeParams: true })
        const guard = express.Router({ mergeParams: true })
        guard.use((req, res, next) => (flag(routerOptions.checkAuthentication, req) ? checkAuthentication(req, res, next) : next()))
        guard.use(router)
        app.use('/api/v1/bots/:botId/mod/' + name, botVisibility, guard)
        return router
      }
    },
    config: {
      async getModuleConfig (moduleName) {
        return moduleName === 'uipath' ? Object.assign({}, opts.globalConfig) : {}
      },
      async getModuleConfigForBot (moduleName, botId) {
        if (moduleName !== 'uipath') return {}
        const perBot = opts.moduleConfig[botId]
        return Object.assign({}, perBot && typeof perBot === 'object' && !Array.isArray(perBot) ? perBot : opts.moduleConfig)
      }
    },
    workspaces: {
      async getBotWorkspaceId (botId) {
        const ws = workspaceOf(botId)
        if (!ws) throw new Error('Bot not found')
        return ws
      },
      async getWorkspaceUsers (workspace) {
        return (opts.users[workspace] || []).map((u) => Object.assign({ workspace: workspace, role: 'admin' }, u))
      }
    },
    events: {
      async sendEvent (event) {
        if (opts.sendEvent) await opts.sendEvent(event)
        events.push(event)
        eventListeners.forEach((l) => l(event))
        if (event.direction === 'incoming' && typeof event.hasFlag === 'function') await runIncoming(event)
      },
      registerMiddleware (mw) {
        bp.events.removeMiddleware(mw.name)
        if (mw.direction !== 'incoming') return
        middleware.push(mw)
        middleware.sort((a, b) => (a.order || 0) - (b.order || 0))
      },
      removeMiddleware (name) {
        const i = middleware.findIndex((m) => m.name === name)
        if (i >= 0) middleware.splice(i, 1)
      },
      replyToEvent (dest, payloads, incomingEventId) {
        for (const key of ['botId', 'channel', 'target']) {
          if (typeof dest[key] !== 'string' || !dest[key]) throw new Error('"' + key + '" is required')
        }
        if (dest.threadId !== undefined && typeof dest.threadId !== 'string') throw new Error('"threadId" must be a string')
        payloads.forEach((payload) => {
          const reply = { botId: dest.botId, channel: dest.channel, target: dest.target, threadId: dest.threadId, payload: payload }
          replies.push(reply)
          listeners.forEach((l) => l(reply))
        })
      }
    },
    logger: logger
  }
  host.bp = bp
  host.serverToken = serverToken
  /** A collaborator's login token, signed with the same secret. */
  host.loginToken = (email) => jwt.sign({ email: email || 'admin@acme.com', strategy: 'default' }, opts.secret, { expiresIn: '6h', audience: 'collaborators' })
  host.onReply = (fn) => listeners.push(fn)
  /** Incoming events sent through bp.events.sendEvent (what the dialog engine would get). */
  host.onEvent = (fn) => eventListeners.push(fn)
  /** Events that went through the incoming middleware and reached the dialog engine. */
  host.flows = flows
  host.middleware = middleware
  /**
   * A user's message in a conversation (`{ botId, channel, target, threadId }`), through
   * the incoming middleware: `payload` a text, or `{ type: 'quick_reply', text, payload }`.
   */
  host.userSays = async (conversation, payload) => {
    const p = typeof payload === 'string' ? { type: 'text', text: payload } : payload
    const event = bp.IO.Event(Object.assign({ direction: 'incoming', type: p.type, payload: p, preview: p.text }, conversation))
    await runIncoming(event)
    return event
  }

  // Express's final error handler answers JSON, like Botpress.
  host.finish = () => {
    app.use((err, req, res, next) => {
      const status = err.status || err.statusCode || 500
      res.status(status).json({ statusCode: status, errorCode: 'BP_0000', type: err.type || 'Error', message: err.message })
    })
  }

  return new Promise((resolve) => {
    const server = http.createServer(app)
    host.connections = 0
    const sockets = new Set()
    server.on('connection', (socket) => {
      host.connections++
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    server.listen(0, '127.0.0.1', () => {
      host.url = 'http://127.0.0.1:' + server.address().port
      // Kept-alive client connections would hold close() for seconds: end them.
      host.close = () => new Promise((done) => { server.close(() => done()); sockets.forEach((socket) => socket.destroy()) })
      resolve(host)
    })
  })
}

/**
 * The original Botpress `uipath` module (12.3+), as its source behaves: the token route
 * signs `{}` with the server secret, `expiresIn` from the query passed to jsonwebtoken as
 * is (default '1m'); the message route checks the signature only and replies wherever
 * the body says.
 */
function installOriginalModule (host) {
  const auth = host.bp.http.createRouterForBot('uipath/auth', { checkAuthentication: true })
  auth.get('/token', (req, res) => {
    const raw = req.query.expiresIn || '1m'
    // passed on as is: jsonwebtoken reads a string of digits as milliseconds
    try {
      res.send({ token: jwt.sign({}, host.secret, { expiresIn: raw }) })
    } catch (err) {
      res.status(400).send({ message: err.message })
    }
  })
  const open = host.bp.http.createRouterForBot('uipath', { checkAuthentication: false })
  open.post('/message', (req, res) => {
    const m = /^bearer (.+)$/i.exec(req.headers.authorization || '')
    try {
      jwt.verify(m ? m[1] : '', host.secret)
    } catch (err) {
      return res.status(401).json({ statusCode: 401, errorCode: 'BP_0041', type: 'UnauthorizedError', message: 'Unauthorized: ' + err.message })
    }
    const b = req.body
    host.bp.events.replyToEvent({ channel: b.channel, target: b.target, botId: b.botId, threadId: b.threadId }, [b.message])
    res.sendStatus(200)
  })
}

module.exports = { startBotpress, installOriginalModule, ALL_BOTS, SERVER_USER }
