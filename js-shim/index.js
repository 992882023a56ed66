'use strict'
// botpress-uipath: the thin CommonJS shim around the wasm core (see README).
// It loads pkg/ once, hands it the HTTP transport (keep-alive, proxies; js-shim/fetch.js),
// and turns the core's errors into UiPathError. No UiPath logic lives here.

const { proxyAwareFetch } = require('./fetch')

// What carries the requests: the shim's node:http/https transport, on every Node version.
const fetchSource = 'node:http'
const core = require('../pkg/botpress_uipath.js')
core.setFetch(proxyAwareFetch)

/** The stable error codes of the contract (API.md, "Errors"). */
const ERROR_CODES = Object.freeze([
  'INVALID_CONFIG', 'AUTH_FAILED', 'FOLDER_NOT_FOUND', 'PROCESS_NOT_FOUND',
  'BOTPRESS_TOKEN_FAILED', 'ORCHESTRATOR_ERROR', 'RATE_LIMITED', 'TIMEOUT', 'NETWORK',
  'JOB_NOT_FOUND'
])

class UiPathError extends Error {
  constructor (message, details) {
    super(message)
    this.name = 'UiPathError'
    const d = details || {}
    this.code = d.code
    for (const key of ['status', 'uipathErrorCode', 'traceId', 'reference', 'job']) {
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

function call (fn, args) {
  try {
    return Promise.resolve(fn.apply(null, args)).catch(function (err) { throw toUiPathError(err) })
  } catch (err) {
    return Promise.reject(toUiPathError(err))
  }
}

/**
 * Starts a UiPath Orchestrator job for the conversation in `event` (API.md).
 * @returns {Promise<{releaseKey, processKey, processVersion, reference, jobs}>}
 */
function startUiPathJob (bp, event, args) {
  return call(core.startUiPathJob, [bp, event, args === undefined ? {} : args])
}

/** Reads a job (API.md, "Jobs after the start"): `args.jobId` or `args.jobKey`. */
function getUiPathJob (bp, event, args) {
  return call(core.getUiPathJob, [bp, event, args === undefined ? {} : args])
}

/** Reads the job until it is Successful, Faulted or Stopped (TIMEOUT past `timeoutMs`). */
function waitForUiPathJob (bp, event, args) {
  return call(core.waitForUiPathJob, [bp, event, args === undefined ? {} : args])
}

/** Stops the job (`strategy` 'SoftStop' or 'Kill') and resolves to it as read right after. */
function stopUiPathJob (bp, event, args) {
  return call(core.stopUiPathJob, [bp, event, args === undefined ? {} : args])
}

/** The steps of `botpress-uipath check` for a module config (API.md, "Checking a configuration"). */
function checkSetup (config, options) {
  return call(core.checkSetup, [config === undefined ? {} : config, options === undefined ? {} : options])
}

/** Asks the bot's Botpress server for a callback token (API.md). */
function getBotpressToken (bp, event, options) {
  return call(core.getBotpressToken, [bp, event, options === undefined ? {} : options])
}

// The module backend's route rules (js-shim/module); synchronous.
function syncCall (fn) {
  return function (input) {
    try {
      return fn(input)
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
  getBotpressToken,
  checkSetup,
  moduleConfig: syncCall(core.moduleConfig),
  issueCallbackToken: syncCall(core.issueCallbackToken),
  checkCallback: syncCall(core.checkCallback),
  routeSettings: syncCall(core.routeSettings),
  internalReply: syncCall(core.internalReply),
  // Job ends (the module's webhook, poller and delivery).
  jobEndSettings: syncCall(core.jobEndSettings),
  checkWebhook: syncCall(core.checkWebhook),
  jobEndDelivery: syncCall(core.jobEndDelivery),
  pollJobs: (input) => call(core.pollJobs, [input]),
  UiPathError,
  ERROR_CODES,
  version: core.version(),
  fetchSource
}
