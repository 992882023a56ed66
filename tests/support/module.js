'use strict'
// Installs the packaged uipath module (dist/uipath, from scripts/package-module.sh) into a
// Botpress-like host, and runs its actions the way Botpress v12 runs `uipath/…` actions:
// "trusted", a function built from the file's body, with `require` looking in the
// module's folder first.

const fs = require('fs')
const path = require('path')

const MODULE_ROOT = path.join(__dirname, '..', '..', 'dist', 'uipath')
const ACTION_SCOPE = ['bp', 'event', 'user', 'session', 'temp', 'bot', 'workflow', 'args', 'printObject', 'require', 'process']

function moduleRoot () {
  if (!fs.existsSync(path.join(MODULE_ROOT, 'package.json'))) {
    throw new Error('the packaged module is missing: run `bash scripts/package-module.sh` first')
  }
  return MODULE_ROOT
}

/** Loads the module's backend from its package.json `main` and starts it like Botpress. */
// One module instance per process, as in Botpress; a cluster's second server is
// `jobEndsOf(host)`, a second instance of the job-end machinery on its own `bp`.
function installModule (host) {
  const root = moduleRoot()
  const main = require(path.join(root, 'package.json')).main
  const loaded = require(path.join(root, main))
  const entry = loaded.default || loaded
  // As Botpress: onServerStarted, then onServerReady. Not awaited here, so the routes are
  // there at once; the job table is ready when `ready` resolves.
  const ready = Promise.all([entry.onServerStarted(host.bp), entry.onServerReady(host.bp)])
  return {
    name: entry.definition.name + ' module from ' + path.relative(process.cwd(), root),
    ready: ready,
    unmount: () => entry.onModuleUnmount(host.bp),
    runAction: (name, scope) => runTrusted(readAction(name), Object.assign({ require: actionRequire(root) }, scope))
  }
}

function readAction (name) {
  return fs.readFileSync(path.join(moduleRoot(), 'dist', 'actions', name.replace(/^uipath\//, '') + '.js'), 'utf8')
}

// Botpress's lookup for actions under actions/uipath/: the module folder, then plain require.
function actionRequire (root) {
  return (id) => {
    try {
      return require(require.resolve(path.join(root, id)))
    } catch (err) {
      if (err.code !== 'MODULE_NOT_FOUND') throw err
      return require(id)
    }
  }
}

/** Runs an action body like Botpress's trusted mode (no module, exports, __dirname). */
function runTrusted (body, scope) {
  const fn = new Function(...ACTION_SCOPE, body) // eslint-disable-line no-new-func
  const defaults = {
    user: {}, session: {}, bot: {}, workflow: {}, temp: {}, args: {},
    printObject: () => {},
    require: (id) => (id === 'botpress-uipath' ? require('../../js-shim') : require(id)),
    process: { EXTERNAL_URL: undefined, env: {} }
  }
  const s = Object.assign(defaults, scope)
  return fn.apply(null, ACTION_SCOPE.map((k) => s[k]))
}

/** The packaged module's job-end machinery for another server (`bp`) of a cluster. */
function jobEndsOf (host) {
  const { createJobEnds } = require(path.join(moduleRoot(), 'dist', 'backend', 'job-ends.js'))
  return createJobEnds(host.bp)
}

/**
 * A second server's questions machinery (tasks.js) on its own `bp`, sharing the job
 * ends' owner and round lease as the module does; `secret` as the module reads it.
 */
function tasksOf (host, ends) {
  const { createTasks } = require(path.join(moduleRoot(), 'dist', 'backend', 'tasks.js'))
  const shared = { owner: ends.owner, secret: async () => process.APP_SECRET || '', liveToken: (id, botId, target) => ends.liveToken(id, botId, target) }
  Object.defineProperty(shared, 'leases', { get: () => ends.leases })
  return createTasks(host.bp, shared)
}

module.exports = { installModule, jobEndsOf, tasksOf, runTrusted, readAction, MODULE_ROOT }
