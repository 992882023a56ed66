'use strict'
// What the module's Studio actions share (dist/actions/*.js are function bodies that
// Botpress runs; each requires this file): reading the Studio parameters (strings, empty
// when not filled in), calling the package, writing the result to `temp`, and on failure
// `temp.uipathError = { code, message }` and a rethrow so the flow takes its error path.

const fs = require('fs')
const path = require('path')

const packaged = path.join(__dirname, 'core.js')
const uipath = require(fs.existsSync(packaged) ? packaged : '../../../index.js')

const given = (v) => v !== undefined && v !== null && String(v).trim() !== ''

/** The parameters that were filled in, by name. */
function pick (args, names) {
  const out = {}
  for (const name of names) if (given(args[name])) out[name] = args[name]
  return out
}

/**
 * Runs one action: `call(jobArgs)` with the parameters `names` picked from `scope.args`,
 * plus `extra`; the result goes to `temp[resultVariable || fallback]`.
 */
async function run (scope, names, fallback, call, extra) {
  const { bp, event, args, temp } = scope
  const jobArgs = Object.assign(pick(args || {}, names), extra || {})
  const target = given(args && args.resultVariable) ? args.resultVariable : fallback
  delete temp.uipathError
  try {
    temp[target] = await call(jobArgs)
    return temp[target]
  } catch (err) {
    temp.uipathError = { code: err.code, message: err.message }
    bp.logger.forBot(event.botId).attachError(err).error('UiPath action failed: ' + err.code)
    throw err
  }
}

/** The item of a queue-item action: its `queueItemId`, else the one `uipath/addQueueItem` added. */
function itemOf (scope) {
  const { args, temp } = scope
  if (given(args.queueItemId)) return {}
  return temp.uipathQueueItem && temp.uipathQueueItem.id ? { queueItemId: temp.uipathQueueItem.id } : {}
}

/** The job of a jobs action: its `jobId`/`jobKey`, else the first job `uipath/startJob` started. */
function jobOf (scope) {
  const { args, temp } = scope
  if (given(args.jobId) || given(args.jobKey)) return {}
  const started = temp.uipathJob && temp.uipathJob.jobs && temp.uipathJob.jobs[0]
  return started ? { jobId: started.id } : {}
}

module.exports = {
  startJob (scope) {
    const extra = { externalUrl: scope.process && scope.process.EXTERNAL_URL }
    if (given(scope.args.expiresIn)) extra.botpressToken = { expiresIn: scope.args.expiresIn }
    return run(scope, ['processKey', 'processVersion', 'folder', 'inputArguments', 'jobsCount'], 'uipathJob',
      (a) => uipath.startUiPathJob(scope.bp, scope.event, a), extra)
  },
  getJob (scope) {
    return run(scope, ['jobId', 'jobKey', 'folder'], 'uipathJobResult',
      (a) => uipath.getUiPathJob(scope.bp, scope.event, a), jobOf(scope))
  },
  waitForJob (scope) {
    return run(scope, ['jobId', 'jobKey', 'folder', 'timeoutMs', 'pollMs'], 'uipathJobResult',
      (a) => uipath.waitForUiPathJob(scope.bp, scope.event, a), jobOf(scope))
  },
  stopJob (scope) {
    return run(scope, ['jobId', 'jobKey', 'folder', 'strategy'], 'uipathJobResult',
      (a) => uipath.stopUiPathJob(scope.bp, scope.event, a), jobOf(scope))
  },
  addQueueItem (scope) {
    const extra = { externalUrl: scope.process && scope.process.EXTERNAL_URL }
    if (given(scope.args.expiresIn)) extra.botpressToken = { expiresIn: scope.args.expiresIn }
    return run(scope, ['queueName', 'specificContent', 'reference', 'priority', 'dueDate', 'deferDate', 'folder'], 'uipathQueueItem',
      (a) => uipath.addUiPathQueueItem(scope.bp, scope.event, a), extra)
  },
  getQueueItem (scope) {
    return run(scope, ['queueItemId', 'folder'], 'uipathQueueItemResult',
      (a) => uipath.getUiPathQueueItem(scope.bp, scope.event, a), itemOf(scope))
  },
  waitForQueueItem (scope) {
    return run(scope, ['queueItemId', 'folder', 'timeoutMs', 'pollMs'], 'uipathQueueItemResult',
      (a) => uipath.waitForUiPathQueueItem(scope.bp, scope.event, a), itemOf(scope))
  }
}
