'use strict'
// Installs the uipath module into a Botpress-like host and runs its actions the way
// Botpress v12 runs `uipath/…` actions: "trusted", a function built from the file's
// body, with bp, event, user, session, temp, bot, workflow, args, require in scope.

const fs = require('fs')
const path = require('path')
const { installOriginalModule } = require('./botpress-host')

const ACTION_SCOPE = ['bp', 'event', 'user', 'session', 'temp', 'bot', 'workflow', 'args', 'printObject', 'require', 'process']

// Until the module ships its own action, this is the action body a bot developer writes.
const INLINE_ACTIONS = {
  'uipath/startJob': [
    "const uipath = require('botpress-uipath')",
    'const startJob = async () => {',
    '  temp.uipathJob = await uipath.startUiPathJob(bp, event, args)',
    '}',
    'return startJob()'
  ].join('\n')
}

function installModule (host) {
  installOriginalModule(host)
  return {
    name: 'original uipath module (emulated)',
    runAction: (name, scope) => runTrusted(INLINE_ACTIONS[name], scope)
  }
}

/** Runs an action body like Botpress's trusted mode (no module, exports, __dirname). */
function runTrusted (body, scope) {
  const fn = new Function(...ACTION_SCOPE, body) // eslint-disable-line no-new-func
  const requireForAction = (id) => (id === 'botpress-uipath' ? require('../../js-shim') : require(id))
  const s = Object.assign({ user: {}, session: {}, bot: {}, workflow: {}, printObject: () => {}, require: requireForAction, process: { env: {} } }, scope)
  return fn.apply(null, ACTION_SCOPE.map((k) => s[k]))
}

module.exports = { installModule, runTrusted, readAction: (file) => fs.readFileSync(path.resolve(file), 'utf8') }
