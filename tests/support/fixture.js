'use strict'
// One Orchestrator emulator and one Botpress-like host per test file, and helpers to
// assert that nothing secret leaked and nothing was started.

const assert = require('assert')
const { startOrchestrator } = require('../emulator/orchestrator')
const { startBotpress, installOriginalModule } = require('./botpress-host')
const { installModule } = require('./module')

const SECRETS = ['emu-app-secret', 'emu-refresh-token', 'emu-password', 'bp-app-secret']

async function startWorld (options) {
  const o = options || {}
  const orchestrator = await startOrchestrator(o.orchestrator)
  // `connection: true` puts working connection settings in the bot's module config.
  const botpressOptions = Object.assign({}, o.botpress)
  if (o.connection) {
    botpressOptions.moduleConfig = {
      cloudUrl: orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
      auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Shared'
    }
  }
  const botpress = await startBotpress(botpressOptions)
  // 'original': the original Botpress module's routes; 'ours': the packaged module; false: none.
  let moduleInfo = null
  if (o.module === 'ours') moduleInfo = installModule(botpress)
  else if (o.module !== false) installOriginalModule(botpress)
  botpress.finish()
  const world = {
    orchestrator: orchestrator,
    botpress: botpress,
    bp: botpress.bp,
    module: moduleInfo,
    event (extra) {
      return Object.assign({ id: 'evt-1', type: 'text', direction: 'incoming', botId: 'bot-1', channel: 'web', target: 'user-1', threadId: 'thread-1', payload: { type: 'text', text: 'start' }, state: {} }, extra || {})
    },
    /** Cloud-layout arguments with a client-credentials app; `extra` overrides. */
    args (extra) {
      return Object.assign({
        cloudUrl: orchestrator.origin,
        organization: 'acme',
        tenant: 'DefaultTenant',
        auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' },
        folder: 'Shared',
        processKey: 'InvoiceBot',
        externalUrl: botpress.url,
        timeoutMs: 5000
      }, extra || {})
    },
    /** Every secret this world knows of, including tokens issued so far. */
    secrets () {
      return SECRETS.concat(Object.keys(orchestrator.tokens), [botpress.serverToken().split('.')[0] + '.'])
    },
    /** Fails if any secret is in the error's message, stack or properties, or in a log line. */
    assertNoSecrets (err) {
      const shown = [err && err.message, err && err.stack, JSON.stringify(err), JSON.stringify(botpress.logs)].join('\n')
      for (const s of world.secrets()) {
        assert.ok(shown.indexOf(s) < 0, 'secret ' + s.slice(0, 6) + '… leaked: ' + shown)
      }
      // Botpress tokens are JWTs; none may appear either.
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\./.test(shown), 'a JWT leaked: ' + shown)
    },
    async close () {
      if (moduleInfo) await moduleInfo.unmount()
      await orchestrator.close()
      await botpress.close()
    }
  }
  return world
}

/** Awaits a rejection and returns the error (fails if the promise resolves). */
async function rejection (promise) {
  try {
    const value = await promise
    assert.fail('expected a rejection, got ' + JSON.stringify(value))
  } catch (err) {
    if (err && err.code === 'ERR_ASSERTION') throw err
    return err
  }
}

/** A loopback port that nothing listens on (bound, then released). */
function closedPort () {
  return new Promise((resolve) => {
    const server = require('net').createServer()
    server.listen(0, '127.0.0.1', () => {
      const port = server.address().port
      server.close(() => resolve(port))
    })
  })
}

module.exports = { startWorld, rejection, closedPort, SECRETS }
