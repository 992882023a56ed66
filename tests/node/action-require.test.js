'use strict'
// require('botpress-uipath') from a bot's own action code, with only the module
// installed (API.md, "Loading"): the module makes its own bundled package resolvable
// where Botpress looks, in a global action, a bot's action and one in a subfolder, in
// both action modes; it is the object the module's actions use; nothing a user put there
// is touched; it is gone after an unmount.

const assert = require('assert')
const fs = require('fs')
const os = require('os')
const path = require('path')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const { actionRequire } = require('../support/botpress-require')
const { runTrusted, MODULE_ROOT } = require('../support/module')

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-project-'))
// fs.rmSync is Node 14.14+; rmdirSync's recursive option is there from Node 12.10.
const rmrf = (p) => (fs.rmSync ? fs.rmSync(p, { recursive: true, force: true }) : fs.rmdirSync(p, { recursive: true }))
const saved = process.PROJECT_LOCATION
let w
before(async () => {
  process.PROJECT_LOCATION = project
  w = await startWorld({ module: 'ours', connection: true })
})
after(async () => {
  await w.close()
  process.PROJECT_LOCATION = saved
  rmrf(project)
})

const ACTION = [
  "const uipath = require('botpress-uipath')",
  'const run = async () => {',
  "  temp.job = await uipath.startUiPathJob(bp, event, { processKey: 'InvoiceBot', inputArguments: { invoice: 'INV-7' } })",
  '  temp.version = uipath.version',
  '}',
  'return run()'
].join('\n')

const places = {
  'a global action': path.join(project, 'data', 'global', 'actions', 'payInvoice.js'),
  'a bot\'s action': path.join(project, 'data', 'bots', 'bot-1', 'actions', 'botPay.js'),
  'a bot\'s action in a subfolder': path.join(project, 'data', 'bots', 'bot-1', 'actions', 'billing', 'botPay.js')
}

test('every place an action sits resolves the module\'s own package, the object its actions use', async () => {
  const moduleCore = require(path.join(MODULE_ROOT, 'dist', 'backend', 'core.js'))
  for (const [where, file] of Object.entries(places)) {
    const req = actionRequire(project, file, where === 'a global action' ? undefined : 'bot-1', {})
    assert.strictEqual(req('botpress-uipath'), moduleCore, where + ': the same object as the module\'s')
    const temp = {}
    await runTrusted(ACTION, { bp: w.bp, event: w.event(), temp: temp, require: req })
    assert.strictEqual(temp.job.jobs.length, 1, where)
    assert.strictEqual(temp.version, require('../../package.json').version)
  }
})

test('in vm2\'s NodeVM, as Botpress runs actions outside uipath/', async () => {
  const { NodeVM } = require('vm2')
  const req = actionRequire(project, places['a bot\'s action'], 'bot-1', {})
  const temp = {}
  const scope = { bp: w.bp, event: w.event(), user: {}, temp: temp, session: {}, bot: {}, workflow: {}, args: {}, printObject: () => {}, process: { env: {} } }
  const vm = new NodeVM({ wrapper: 'none', sandbox: scope, require: { external: true, mock: new Proxy({}, { get: (_o, name) => req(name) }) }, timeout: 5000 })
  await vm.run(ACTION, places['a bot\'s action'])
  assert.strictEqual(temp.job.jobs.length, 1)
})

test('the package is the module\'s: marked, pointing at the module, rewritten at start, removed on unmount', async () => {
  const link = path.join(project, 'data', 'node_modules', 'botpress-uipath')
  const pkg = JSON.parse(fs.readFileSync(path.join(link, 'package.json'), 'utf8'))
  assert.strictEqual(pkg['botpress-uipath-module-link'], true)
  assert.ok(fs.readFileSync(path.join(link, 'index.js'), 'utf8').indexOf(path.join(MODULE_ROOT, 'dist', 'backend', 'core.js')) >= 0)
  await w.module.unmount()
  assert.ok(!fs.existsSync(link), 'removed on unmount')
  // A restart writes it again.
  const again = startWorld({ module: 'ours', connection: true })
  const w2 = await again
  assert.ok(fs.existsSync(path.join(link, 'package.json')))
  await w2.close()
})

test('what a user put there is left alone, and a copy from the libraries module is not shadowed', async () => {
  const link = path.join(project, 'data', 'node_modules', 'botpress-uipath')
  fs.mkdirSync(link, { recursive: true })
  fs.writeFileSync(path.join(link, 'package.json'), JSON.stringify({ name: 'botpress-uipath', version: '9.9.9', main: 'mine.js' }))
  fs.writeFileSync(path.join(link, 'mine.js'), 'module.exports = { mine: true }')
  const w2 = await startWorld({ module: 'ours', connection: true })
  assert.strictEqual(JSON.parse(fs.readFileSync(path.join(link, 'package.json'), 'utf8')).version, '9.9.9', 'not clobbered')
  assert.ok(w2.botpress.logs.some((l) => /was not made resolvable for action code: .* is not this module's/.test(l.message)))
  await w2.close()
  assert.ok(fs.existsSync(path.join(link, 'mine.js')), 'not removed on unmount either')
  rmrf(link)
  const shared = path.join(project, 'shared_libs', 'node_modules', 'botpress-uipath')
  fs.mkdirSync(shared, { recursive: true })
  fs.writeFileSync(path.join(shared, 'package.json'), JSON.stringify({ name: 'botpress-uipath', version: '0.0.9', main: 'index.js' }))
  const w3 = await startWorld({ module: 'ours', connection: true })
  assert.ok(!fs.existsSync(link), 'nothing written in front of the libraries module\'s copy')
  await w3.close()
  rmrf(path.join(project, 'shared_libs'))
})
