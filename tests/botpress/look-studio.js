'use strict'
// What a bot builder sees of the module's actions: the real Botpress 12.31.10 with its
// web UIs (../shared/botpress-server/build-ui.sh), the packaged module installed, a bot,
// and ../shared/botpress-server/look.js walking every UiPath action in the Studio with
// headless Chromium. Screenshots and the actions' parameters go to the folder given
// (default .tools/look-out). Not part of the test command: it needs the UIs (~10 min to
// build) and a Chromium.
// Usage: node tests/botpress/look-studio.js [out]

const childProcess = require('child_process')
const fs = require('fs')
const path = require('path')
const server = require('./server')

const BOT = 'uipath-look-bot'
const OUT = path.resolve(process.argv[2] || path.join(server.ROOT, '.tools', 'look-out'))

async function main () {
  const missing = server.missingPrerequisite()
  if (missing) throw new Error(missing)
  if (!fs.existsSync(path.join(server.HOME, '.ui-built'))) throw new Error('the web UIs are not built: bash ../shared/botpress-server/build-ui.sh ' + server.HOME)
  const db = server.startPostgres()
  const bp = await server.startBotpress({ databaseUrl: db, modulesDir: path.join(server.ROOT, 'dist'), modules: ['uipath'], files: {} })
  const flow = {
    version: '0.0.1',
    catchAll: { onReceive: [], next: [] },
    startNode: 'entry',
    nodes: [{ id: 'l-entry', name: 'entry', onEnter: [], onReceive: null, next: [] }]
  }
  await server.importBot(bp, BOT, {
    'bot.config.json': {
      $schema: '../../bot.config.schema.json', id: BOT, name: BOT, active: true, version: '1.0.0', description: '', author: 'look', license: 'MIT',
      imports: { modules: [], incomingMiddleware: [], outgoingMiddleware: [] }, dialog: { timeoutInterval: '5m' }, logs: { expiration: '1 week' }, defaultLanguage: 'en', languages: ['en']
    },
    'flows/main.flow.json': flow,
    'flows/main.ui.json': { nodes: [{ id: 'l-entry', position: { x: 0, y: 0 } }], links: [] }
  })
  const look = path.join(server.ROOT, '..', 'shared', 'botpress-server', 'look.js')
  const run = childProcess.spawnSync(process.execPath, [look, OUT], {
    stdio: 'inherit',
    env: Object.assign({}, process.env, { BOTPRESS_URL: bp.url, BP_ADMIN_EMAIL: server.ADMIN.email, BP_ADMIN_PASSWORD: server.ADMIN.password, BOT_ID: BOT, ACTION_CATEGORY: 'UiPath', PUPPETEER_DIR: path.join(server.ROOT, '.tools', 'look-deps') })
  })
  server.stopAll()
  process.exitCode = run.status
}

main().catch((err) => {
  console.error(err.message)
  server.stopAll()
  process.exitCode = 1
})
