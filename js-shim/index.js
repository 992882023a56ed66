'use strict'
// botpress-uipath: the thin CommonJS shim around the wasm core (see README).
// It loads pkg/ once, hands it the HTTP transport (keep-alive, proxies; js-shim/transport.js),
// and turns the core's errors into UiPathError. No UiPath logic lives here.

const fs = require('fs')
const { proxyAwareRequest } = require('./transport')

// What carries the requests: the shim's node:http/https transport, on every Node version.
const transportSource = 'node:http'
const glue = require('../pkg/botpress_uipath.js')

// The wasm is compiled in the background from `require` on (WebAssembly.compile runs off
// the main thread), so requiring the package does not block the event loop for the
// compile. The async exports wait for it; a synchronous export called before it is done
// compiles on the spot (the background result is then dropped).
let core = null
function loaded (module) {
  if (!core) {
    glue.initSync({ module: module || new WebAssembly.Module(fs.readFileSync(glue.wasmPath)) })
    glue.setTransport(proxyAwareRequest)
    core = glue
  }
  return core
}
// Node 12 resolves a background compile only while its event loop is alive: with nothing
// else pending it first waits for V8's whole optimizing tier (~150 ms more). A short
// timer keeps the loop alive until the compile is done (~25 ms), then goes away.
// A failed background compile is not reported here: the next call compiles on the spot
// and throws the real error to its caller.
const wake = setInterval(function () {}, 5)
const compiled = WebAssembly.compile(fs.readFileSync(glue.wasmPath)).then(
  function (module) { clearInterval(wake); loaded(module) },
  function () { clearInterval(wake) })

/** The stable error codes of the contract (API.md, "Errors"). */
const ERROR_CODES = Object.freeze([
  'INVALID_CONFIG', 'AUTH_FAILED', 'FOLDER_NOT_FOUND', 'PROCESS_NOT_FOUND',
  'BOTPRESS_TOKEN_FAILED', 'ORCHESTRATOR_ERROR', 'RATE_LIMITED', 'TIMEOUT', 'NETWORK',
  'JOB_NOT_FOUND', 'QUEUE_NOT_FOUND', 'QUEUE_ITEM_NOT_FOUND', 'DUPLICATE_REFERENCE',
  'TASK_NOT_FOUND'
])

class UiPathError extends Error {
  constructor (message, details) {
    super(message)
    this.name = 'UiPathError'
    const d = details || {}
    this.code = d.code
    for (const key of ['status', 'uipathErrorCode', 'traceId', 'reference', 'job', 'queueItem']) {
      if (d[key] !== undefined) this[key] = d[key]
    }
  }
}

function toUiPathError (err) {
  if (err instanceof UiPathError) return err
  if (err && err.name === 'UiPathError') {
    const wrapped = new UiPathError(err.message, err)
    wrapped.stack = err.stack
    return wrapped
  }
  // Not produced by the core's error path: a bug or a host object that threw where
  // it was not expected. Keep the original as `cause`.
  const message = err && err.message ? err.message : String(err)
  const wrapped = new UiPathError('INTERNAL: ' + message, { code: 'INTERNAL' })
  wrapped.cause = err
  return wrapped
}

/** Calls the core's async export `name` once the wasm is ready; errors become UiPathError. */
function call (name, args) {
  return compiled
    .then(function () { return loaded()[name].apply(null, args) })
    .catch(function (err) { throw toUiPathError(err) })
}

/**
 * Starts a UiPath Orchestrator job for the conversation in `event` (API.md).
 * @returns {Promise<{releaseKey, processKey, processVersion, reference, jobs}>}
 */
function startUiPathJob (bp, event, args) {
  return call('startUiPathJob', [bp, event, args === undefined ? {} : args])
}

/** Reads a job (API.md, "Jobs after the start"): `args.jobId` or `args.jobKey`. */
function getUiPathJob (bp, event, args) {
  return call('getUiPathJob', [bp, event, args === undefined ? {} : args])
}

/** Reads the job until it is Successful, Faulted or Stopped (TIMEOUT past `timeoutMs`). */
function waitForUiPathJob (bp, event, args) {
  return call('waitForUiPathJob', [bp, event, args === undefined ? {} : args])
}

/** Stops the job (`strategy` 'SoftStop' or 'Kill') and resolves to it as read right after. */
function stopUiPathJob (bp, event, args) {
  return call('stopUiPathJob', [bp, event, args === undefined ? {} : args])
}

/** Adds a queue item (API.md, "Queue items"), never twice; the callback fields in its content. */
function addUiPathQueueItem (bp, event, args) {
  return call('addUiPathQueueItem', [bp, event, args === undefined ? {} : args])
}

/** Reads a queue item once: `args.queueItemId`. */
function getUiPathQueueItem (bp, event, args) {
  return call('getUiPathQueueItem', [bp, event, args === undefined ? {} : args])
}

/** Reads the queue item (through its retries) until it ends (TIMEOUT past `timeoutMs`). */
function waitForUiPathQueueItem (bp, event, args) {
  return call('waitForUiPathQueueItem', [bp, event, args === undefined ? {} : args])
}

/**
 * Completes an Action Center task (API.md, "A robot asks, the user answers in the
 * conversation"): `args.taskId`, `args.data` (over the task's own data), `args.action`.
 */
function answerUiPathTask (bp, event, args) {
  return call('answerUiPathTask', [bp, event, args === undefined ? {} : args])
}

/** The steps of `botpress-uipath check` for a module config (API.md, "Checking a configuration"). */
function checkSetup (config, options) {
  return call('checkSetup', [config === undefined ? {} : config, options === undefined ? {} : options])
}

/** Asks the bot's Botpress server for a callback token (API.md). */
function getBotpressToken (bp, event, options) {
  return call('getBotpressToken', [bp, event, options === undefined ? {} : options])
}

// The module backend's route rules (js-shim/module); synchronous.
function syncCall (name) {
  return function (input) {
    try {
      return loaded()[name](input)
    } catch (err) {
      throw toUiPathError(err)
    }
  }
}

module.exports = {
  startUiPathJob,
  getUiPathJob,
  waitForUiPathJob,
  stopUiPathJob,
  addUiPathQueueItem,
  getUiPathQueueItem,
  waitForUiPathQueueItem,
  answerUiPathTask,
  getBotpressToken,
  checkSetup,
  moduleConfig: syncCall('moduleConfig'),
  issueCallbackToken: syncCall('issueCallbackToken'),
  checkCallback: syncCall('checkCallback'),
  routeSettings: syncCall('routeSettings'),
  internalReply: syncCall('internalReply'),
  // Job ends (the module's webhook, poller and delivery).
  jobEndSettings: syncCall('jobEndSettings'),
  checkWebhook: syncCall('checkWebhook'),
  jobEndDelivery: syncCall('jobEndDelivery'),
  pollJobs: (input) => call('pollJobs', [input]),
  readSignalledJobs: (input) => call('readSignalledJobs', [input]),
  pollQueueItems: (input) => call('pollQueueItems', [input]),
  readSignalledQueueItems: (input) => call('readSignalledQueueItems', [input]),
  queueItemEndDelivery: syncCall('queueItemEndDelivery'),
  // A robot's questions (the module's poller, middleware and completion).
  taskSettings: syncCall('taskSettings'),
  findUiPathTasks: (input) => call('findUiPathTasks', [input]),
  taskQuestionDelivery: syncCall('taskQuestionDelivery'),
  taskConversationKey: syncCall('taskConversationKey'),
  taskAnswer: syncCall('taskAnswer'),
  taskText: syncCall('taskText'),
  completeTaskAnswer: (input) => call('completeTaskAnswer', [input]),
  UiPathError,
  ERROR_CODES,
  transportSource,
  // The name of `transportSource` up to 0.1; the same value.
  fetchSource: transportSource
}
// The core's version: read on first use, so it does not wait for the compile at require.
Object.defineProperty(module.exports, 'version', { enumerable: true, get: () => loaded().version() })
