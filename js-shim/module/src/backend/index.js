'use strict'
// The Botpress v12 module `uipath` (a drop-in for the original): the callback-token route
// and the robots' callback route. Every decision is made by the wasm core
// (issueCallbackToken, checkCallback); this file reads requests and sends replies.

const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

const core = loadCore()
const ALL_BOTS = '___'

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

// The secret is global: the callback route must know it before the token says which bot it is for.
function secretOf (config) {
  return (config && config.callbackSecret) || process.APP_SECRET || ''
}

function reply (res, answer) {
  res.status(answer.status).json(answer.body)
}

function failure (bp, res, err) {
  bp.logger.attachError(err).error('[uipath] route failed: ' + err.message)
  res.status(500).json({ statusCode: 500, errorCode: 'UIPATH_CONFIG', type: 'InternalError', message: err.message })
}

/** Reads the raw body, stopping once it is longer than `limit` bytes. */
function readBody (req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (declared > limit) return resolve({ tooLarge: true })
    const chunks = []
    let size = 0
    let done = false
    req.on('data', (chunk) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        req.pause()
        return resolve({ tooLarge: true })
      }
      chunks.push(chunk)
    })
    req.on('end', () => { if (!done) { done = true; resolve({ text: Buffer.concat(chunks).toString('utf8') }) } })
    req.on('error', (err) => { if (!done) { done = true; reject(err) } })
  })
}

function registerRoutes (bp) {
  const auth = bp.http.createRouterForBot('uipath/auth', { checkAuthentication: true })
  auth.get('/token', async (req, res) => {
    try {
      const botId = req.params.botId
      const config = Object.assign({}, await bp.config.getModuleConfigForBot('uipath', botId))
      const answer = core.issueCallbackToken({
        config: config,
        secret: secretOf(await globalConfig(bp)),
        botId: botId,
        query: req.query,
        now: Date.now(),
        jti: crypto.randomBytes(12).toString('hex')
      })
      reply(res, answer)
    } catch (err) {
      failure(bp, res, err)
    }
  })

  const open = bp.http.createRouterForBot('uipath', { checkAuthentication: false, enableJsonBodyParser: false })
  open.post('/message', async (req, res) => {
    try {
      const config = await globalConfig(bp)
      const limits = core.routeSettings(config)
      const body = await readBody(req, limits.maxBodyBytes)
      const answer = core.checkCallback({
        config: config,
        secret: secretOf(config),
        urlBotId: req.params.botId,
        authorization: req.headers.authorization,
        body: body.text,
        tooLarge: !!body.tooLarge,
        now: Date.now()
      })
      if (answer.delivery) {
        const d = answer.delivery
        await bp.events.replyToEvent(d.destination, [d.message])
      } else {
        bp.logger.forBot(logBotOf(req)).warn('[uipath] callback refused (' + answer.status + '): ' + answer.body.message)
      }
      if (body.tooLarge) res.set('Connection', 'close')
      reply(res, answer)
    } catch (err) {
      failure(bp, res, err)
    }
  })
}

// The bot a refused callback's log line goes to: the URL's, unless it is "all bots".
function logBotOf (req) {
  return req.params.botId === ALL_BOTS ? 'global' : req.params.botId
}

const entryPoint = {
  onServerStarted: async () => {},
  onServerReady: async (bp) => registerRoutes(bp),
  onBotMount: async () => {},
  onBotUnmount: async () => {},
  onModuleUnmount: async () => {},
  definition: {
    name: 'uipath',
    fullName: 'UiPath',
    menuText: 'UiPath',
    noInterface: true,
    homepage: 'https://github.com/botpress-uipath/botpress-uipath',
    experimental: false
  }
}

module.exports = entryPoint
module.exports.default = entryPoint
