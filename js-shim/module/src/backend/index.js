'use strict'
// The Botpress v12 module `uipath` (a drop-in for the original): the callback-token route,
// the robots' callback route, Orchestrator's webhook with the job-end poller
// (job-ends.js), and the robots' questions (tasks.js). Every decision is made by the wasm core (issueCallbackToken,
// checkCallback, checkWebhook); this file reads requests, looks up what the rules need,
// and does what the answer says.

const { core, corePath, globalConfig, randomHex, requestId, sourceOf, send, route, readBody } = require('./http-kit')
const { createJobEnds } = require('./job-ends')
const { createTasks } = require('./tasks')
const packageLink = require('./package-link')

// Botpress's own identity behind getAxiosConfigForBot (core/security/auth-service.ts).
const SERVER_USER = 'server::modules'

// The secret is global: the callback route must know it before the token says which bot
// it is for. The core derives the signing key from it; it is never used as a key itself.
function secretOf (config) {
  return (config && config.callbackSecret) || process.APP_SECRET || ''
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
    jti: randomHex(12),
    requestId: id,
    source: source,
    caller: caller
  }
}

function registerRoutes (bp, ends) {
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
    // A robot created a task: look it up now (`answer.nudge` is `{ botId, taskId }`;
    // `tasks` is the server's, set once onServerStarted has made its table).
    if (answer.nudge && tasks) tasks.nudge(answer.nudge)
    // A body left unread (too large, too slow) ends the connection with the answer.
    if (read.tooLarge || read.timedOut) res.set('Connection', 'close')
    send(bp, req, res, answer)
  }))

  // Orchestrator's webhook calls: signed, so open; job ends are delivered from here.
  open.post('/webhook', route(bp, ends.webhook))

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
    // Where action code's require('botpress-uipath') leads, in this server.
    const actions = packageLink.status(process.PROJECT_LOCATION, core.version)
    report.steps.push({ name: 'actions', ok: actions.ok, detail: actions.detail, warnings: actions.warning ? [actions.warning] : [] })
    report.ok = report.ok && actions.ok
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

// Job ends: the table in onServerStarted (before any bot runs an action), the routes and
// the in-process helpers in onServerReady, everything stopped on unmount.
let ends = null
let tasks = null

/** Makes require('botpress-uipath') resolve for action code (package-link.js), and says so. */
function linkPackage (bp) {
  try {
    const linked = packageLink.install(process.PROJECT_LOCATION, corePath, core.version)
    if (linked.linked) bp.logger.info('[uipath] action code can require(\'botpress-uipath\') (' + core.version + ', ' + linked.dir + ')')
    else bp.logger.warn('[uipath] the package was not made resolvable for action code: ' + linked.reason)
  } catch (err) {
    bp.logger.warn('[uipath] the package could not be made resolvable for action code: ' + err.message)
  }
}

const entryPoint = {
  onServerStarted: async (bp) => {
    linkPackage(bp)
    ends = createJobEnds(bp)
    await ends.start()
    const shared = { owner: ends.owner, secret: async () => secretOf(await globalConfig(bp)), liveToken: (id, botId, target) => ends.liveToken(id, botId, target) }
    Object.defineProperty(shared, 'leases', { get: () => ends && ends.leases })
    tasks = createTasks(bp, shared)
    await tasks.start()
  },
  onServerReady: async (bp) => {
    if (!ends) await entryPoint.onServerStarted(bp)
    registerRoutes(bp, ends)
    registerIssuer(bp)
  },
  onBotMount: async () => {},
  onBotUnmount: async () => {},
  onModuleUnmount: async () => {
    try { packageLink.uninstall(process.PROJECT_LOCATION) } catch (err) {}
    if (globalThis[ISSUER] === issuer) delete globalThis[ISSUER]
    issuer = null
    if (tasks) await tasks.stop()
    tasks = null
    if (ends) await ends.stop()
    ends = null
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
