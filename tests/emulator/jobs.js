'use strict'
// The emulator's jobs: StartJobs as Orchestrator checks it, reading a job by id or key,
// stopping jobs (StopJobs, and StopJob on one job), and the states a job goes through.
// Facts from shared/uipath-api.md; where UiPath's documentation says nothing (error codes
// of a malformed body), the answers are approximations.

const crypto = require('crypto')

// StartProcessDto's properties, as UiPath's documentation and its clients send them
// (the official Python SDK adds Source, RunAsMe, EntryPointPath, TraceId, ParentSpanId,
// ParentOperationId). OData refuses a property the type does not declare.
const START_INFO_FIELDS = ['ReleaseKey', 'ReleaseName', 'Strategy', 'JobsCount', 'RobotIds', 'MachineSessionIds',
  'NoOfRobots', 'InputArguments', 'InputFile', 'Reference', 'Source', 'RuntimeType', 'JobPriority',
  'SpecificPriorityValue', 'RunAsMe', 'EntryPointPath', 'Attachments', 'TraceId', 'ParentSpanId',
  'ParentOperationId', 'MachineRobots', 'RequiresUserInteraction', 'ResumeOnSameContext', 'TargetFramework',
  'StopStrategy', 'StopProcessExpression', 'KillProcessExpression', 'AlertPendingExpression',
  'AlertRunningExpression', 'BatchExecutionKey', 'HostMachineName', 'ProfilingOptions']
const STRATEGIES = ['ModernJobsCount', 'All', 'Specific', 'RobotCount', 'JobsCount']
const FINAL = ['Successful', 'Faulted', 'Stopped']
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function newKey () {
  return crypto.randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')
}

/** The value of an object's property matched without regard to case (OData action parameters). */
function anyCase (obj, name) {
  if (!obj || typeof obj !== 'object') return undefined
  const k = Object.keys(obj).find((key) => key.toLowerCase() === name.toLowerCase())
  return k === undefined ? undefined : obj[k]
}

/**
 * The jobs of one emulator. `emu` holds the jobs list and the hooks; `opts` the data
 * (releases, strictArguments, stopDelayMs, onJobStarted, onJobEnded).
 */
function jobsOf (emu, opts, errors) {
  let nextJobId = 1000

  /** Sets a final state and tells the listeners (the webhooks, a test). */
  function end (job, state, info, output) {
    if (FINAL.indexOf(job.State) >= 0) return false
    job.State = state
    job.EndTime = new Date().toISOString()
    if (info !== undefined) job.Info = info
    if (output !== undefined) job.OutputArguments = typeof output === 'string' ? output : JSON.stringify(output)
    if (emu.onJobEnded) emu.onJobEnded(job)
    if (opts.onJobEnded) opts.onJobEnded(job, emu)
    return true
  }

  function startJobs (r, folder, send) {
    const bad = (message) => errors.badRequest(send, message)
    const info = anyCase(r.json, 'startInfo')
    if (!info || typeof info !== 'object') return bad('startInfo is required.')
    const unknown = Object.keys(info).filter((k) => START_INFO_FIELDS.indexOf(k) < 0)
    if (unknown.length) return bad("The property '" + unknown[0] + "' does not exist on type 'UiPath.Server.Configuration.OData.StartProcessDto'.")
    const inFolder = opts.releases.filter((x) => x.OrganizationUnitId === folder.Id)
    let rel
    if (info.ReleaseKey !== undefined && info.ReleaseKey !== null) rel = inFolder.find((x) => x.Key === info.ReleaseKey)
    else if (info.ReleaseName !== undefined && info.ReleaseName !== null) rel = inFolder.find((x) => x.Name === info.ReleaseName)
    else return bad('ReleaseKey or ReleaseName is required.')
    if (!rel) return send(404, { message: 'Release does not exist.', errorCode: 1002, traceId: errors.traceId() })
    const strategy = info.Strategy === undefined || info.Strategy === null ? 'ModernJobsCount' : info.Strategy
    if (STRATEGIES.indexOf(strategy) < 0) return bad('Invalid Strategy: ' + info.Strategy)
    if (strategy === 'Specific' && !(Array.isArray(info.RobotIds) && info.RobotIds.length)) return bad('RobotIds are required for the Specific strategy.')
    const count = info.JobsCount === undefined || info.JobsCount === null ? 1 : info.JobsCount
    if (!Number.isInteger(count) || count < 1) return bad('JobsCount must be a positive integer.')
    if (info.Reference !== undefined && info.Reference !== null && (typeof info.Reference !== 'string' || info.Reference.length > 128)) return bad('Reference must be a string of at most 128 characters.')
    let input = {}
    if (info.InputArguments !== undefined && info.InputArguments !== null) {
      if (typeof info.InputArguments !== 'string') return bad('InputArguments must be a string holding a JSON object.')
      try { input = JSON.parse(info.InputArguments) } catch (e) { return bad('InputArguments is not valid JSON.') }
      if (!input || typeof input !== 'object' || Array.isArray(input)) return bad('InputArguments must hold a JSON object.')
    }
    if (opts.strictArguments && rel.Arguments.Input) {
      const declared = JSON.parse(rel.Arguments.Input).map((a) => a.name)
      const extra = Object.keys(input).filter((k) => declared.indexOf(k) < 0)
      if (extra.length) return bad('Arguments not defined by the process: ' + extra.join(', '))
    }
    const created = []
    const jobsToMake = strategy === 'Specific' ? info.RobotIds.length : count
    for (let i = 0; i < jobsToMake; i++) {
      const job = {
        Id: nextJobId++,
        Key: newKey(),
        State: 'Pending',
        CreationTime: new Date().toISOString(),
        StartTime: null,
        EndTime: null,
        ReleaseName: rel.Name,
        ReleaseKey: rel.Key,
        ProcessKey: rel.ProcessKey,
        InputArguments: info.InputArguments === undefined ? null : info.InputArguments,
        OutputArguments: null,
        Info: null,
        Reference: info.Reference === undefined ? null : info.Reference,
        Source: info.Source || 'Manual',
        OrganizationUnitId: folder.Id
      }
      emu.jobs.push(job)
      created.push(job)
    }
    send(201, { '@odata.context': '/odata/$metadata#Jobs', value: created.map(entity) })
    if (opts.onJobStarted) created.forEach((job) => setImmediate(() => opts.onJobStarted(job, input, emu)))
  }

  /** Asks a job to stop: a pending one stops at once; a running one goes Stopping (soft) or Terminating (kill), then Stopped. */
  function stop (job, strategy) {
    if (FINAL.indexOf(job.State) >= 0) return
    if (job.State === 'Pending') return end(job, 'Stopped', 'Job stopped before it started.')
    job.State = strategy === 'Kill' ? 'Terminating' : 'Stopping'
    setTimeout(() => end(job, 'Stopped', strategy === 'Kill' ? 'Job was killed.' : 'Job was stopped.'), opts.stopDelayMs === undefined ? 100 : opts.stopDelayMs)
  }

  function stopJobs (r, inFolder, send) {
    const b = r.json || {}
    const ids = anyCase(b, 'jobIds')
    const strategy = anyCase(b, 'strategy')
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every(Number.isInteger)) return errors.badRequest(send, 'jobIds must be a list of job ids.')
    if (strategy !== 'SoftStop' && strategy !== 'Kill') return errors.badRequest(send, 'Invalid strategy: ' + strategy)
    const jobs = ids.map((id) => inFolder.find((j) => j.Id === id))
    if (jobs.some((j) => !j)) return send(404, { message: 'Job does not exist.', errorCode: 1002, traceId: errors.traceId() })
    jobs.forEach((j) => stop(j, strategy))
    send(200)
  }

  /** The `Jobs…` routes below `/odata/`; false when the path is none of them. */
  function route (r, rest, folder, send, list, jobFields) {
    const inFolder = emu.jobs.filter((j) => j.OrganizationUnitId === folder.Id)
    const notFound = () => send(404, { message: 'Job does not exist.', errorCode: 1002, traceId: errors.traceId() })
    const one = (job) => (job ? send(200, Object.assign({ '@odata.context': '/odata/$metadata#Jobs/$entity' }, entity(job))) : notFound())
    let m
    if (r.method === 'GET' && rest === 'Jobs') return list(r, inFolder.map(entity), jobFields, send)
    if (r.method === 'GET' && (m = /^Jobs\((\d+)\)$/.exec(rest))) return one(inFolder.find((j) => j.Id === Number(m[1])))
    if (r.method === 'GET' && (m = /^Jobs\/UiPath\.Server\.Configuration\.OData\.GetByKey\(identifier=([^)]*)\)$/.exec(rest))) {
      const key = m[1].replace(/^'(.*)'$/, '$1')
      if (!GUID.test(key)) return errors.badRequest(send, 'The key is not a valid GUID.')
      return one(inFolder.find((j) => j.Key.toLowerCase() === key.toLowerCase()))
    }
    if (r.method === 'POST' && rest === 'Jobs/UiPath.Server.Configuration.OData.StartJobs') return startJobs(r, folder, send)
    if (r.method === 'POST' && rest === 'Jobs/UiPath.Server.Configuration.OData.StopJobs') return stopJobs(r, inFolder, send)
    if (r.method === 'POST' && (m = /^Jobs\((\d+)\)\/UiPath\.Server\.Configuration\.OData\.StopJob$/.exec(rest))) {
      const job = inFolder.find((j) => j.Id === Number(m[1]))
      const strategy = anyCase(r.json, 'strategy')
      if (!job) return notFound()
      if (strategy !== 'SoftStop' && strategy !== 'Kill' && strategy !== 1 && strategy !== 2) return errors.badRequest(send, 'Invalid strategy: ' + strategy)
      stop(job, strategy === 'Kill' || strategy === 2 ? 'Kill' : 'SoftStop')
      return send(200)
    }
    return false
  }

  return { route: route, end: end, stop: stop }
}

// What Orchestrator answers for a job: its fields, without the emulator's own.
function entity (job) {
  const out = Object.assign({}, job)
  delete out.ReleaseKey
  delete out.ProcessKey
  return out
}

module.exports = { jobsOf, anyCase, START_INFO_FIELDS, FINAL }
