'use strict'
// A local UiPath Orchestrator emulator for tests and the demo: loopback only, random
// port, the real API's paths, bodies and error shapes (shared/uipath-api.md).
//
// It serves both URL layouts: Automation Cloud (`/{org}/{tenant}/orchestrator_/odata/…`,
// identity at `/identity_/connect/token`) and on-premises (`/odata/…`,
// `/api/Account/Authenticate`, `/identity/connect/token`), plus the legacy
// `/oauth/token` of account.uipath.com. Every request is recorded for assertions.

const http = require('http')
const crypto = require('crypto')
const { applyQuery } = require('./odata-filter')

const RELEASE_FIELDS = ['Id', 'Key', 'Name', 'ProcessKey', 'ProcessVersion', 'IsLatestVersion',
  'OrganizationUnitId', 'EntryPointPath', 'Arguments', 'Description']
const FOLDER_FIELDS = ['Id', 'DisplayName', 'FullyQualifiedName', 'FolderType']
const JOB_FIELDS = ['Id', 'Key', 'State', 'CreationTime', 'StartTime', 'EndTime', 'ReleaseName',
  'InputArguments', 'OutputArguments', 'Info', 'Reference', 'OrganizationUnitId']
const START_INFO_FIELDS = ['ReleaseKey', 'Strategy', 'JobsCount', 'RobotIds', 'MachineSessionIds',
  'NoOfRobots', 'InputArguments', 'Reference', 'Source', 'RuntimeType', 'JobPriority']
const STRATEGIES = ['ModernJobsCount', 'All', 'Specific', 'RobotCount', 'JobsCount']
const SCOPE_NEEDED = { Releases: 'OR.Execution.Read', Folders: 'OR.Folders.Read', Jobs: 'OR.Jobs', StartJobs: 'OR.Jobs' }

function defaultData () {
  return {
    organization: 'acme',
    tenant: 'DefaultTenant',
    folders: [
      { Id: 1, DisplayName: 'Shared', FullyQualifiedName: 'Shared', FolderType: 'Standard' },
      { Id: 7, DisplayName: 'Invoices', FullyQualifiedName: 'Finance/Invoices', FolderType: 'Standard' },
      { Id: 9, DisplayName: 'Büro', FullyQualifiedName: 'Finanzen/Büro', FolderType: 'Standard' }
    ],
    releases: [
      release(11, 1, 'InvoiceBot', 'InvoiceBot_Shared', '1.0.9'),
      release(12, 1, 'InvoiceBot', 'InvoiceBot_Shared_v2', '1.0.10'),
      release(13, 7, 'InvoiceBot', 'InvoiceBot_Finance', '2.1.0'),
      release(14, 1, "O'Brien.Report", 'Report', '1.0.0'),
      release(15, 9, 'Reisekosten', 'Reisekosten', '3.0.0')
    ],
    clients: { 'emu-app': { secret: 'emu-app-secret', scopes: ['OR.Execution.Read', 'OR.Jobs', 'OR.Folders.Read'] } },
    refreshTokens: { 'emu-refresh-token': { clientId: '5v7PmPJL6FOGu6RB8I1Y4adLBhIwovQN' } },
    users: { 'Default/admin': 'emu-password' }
  }
}

function release (id, folderId, processKey, name, version) {
  return {
    Id: id,
    Key: 'a0000000-0000-4000-8000-0000000000' + id,
    Name: name,
    ProcessKey: processKey,
    ProcessVersion: version,
    IsLatestVersion: true,
    OrganizationUnitId: folderId,
    EntryPointPath: 'Main.xaml',
    Description: '',
    Arguments: { Input: null, Output: null }
  }
}

/**
 * Starts the emulator. Options override parts of the default data; `onJobStarted(job,
 * inputArguments, emulator)` lets a test play the robot.
 * Resolves to an object with `origin`, `cloudUrl` (the Orchestrator URL of the cloud
 * layout), `requests`, `jobs`, `fail(...)`, `close()`.
 */
function startOrchestrator (options) {
  const opts = Object.assign(defaultData(), options || {})
  const emu = {
    requests: [],
    jobs: [],
    tokens: {},
    faults: [],
    data: opts,
    /** Answer the next `times` requests whose `METHOD path` contains `match` with `answer`. */
    fail (match, answer, times) {
      emu.faults.push({ match: match, answer: answer, left: times || 1 })
    },
    requestsTo (fragment) {
      return emu.requests.filter((r) => (r.method + ' ' + r.path).indexOf(fragment) >= 0)
    }
  }
  let nextJobId = 1000

  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1')
      const record = {
        method: req.method,
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries ? Object.fromEntries(url.searchParams) : entries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8')
      }
      try { record.json = JSON.parse(record.body) } catch (e) { record.json = undefined }
      emu.requests.push(record)
      const send = (status, body, headers) => {
        res.writeHead(status, Object.assign({ 'content-type': 'application/json; charset=utf-8' }, headers || {}))
        res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body))
      }
      const fault = emu.faults.find((f) => f.left > 0 && (record.method + ' ' + record.path).indexOf(f.match) >= 0)
      if (fault) {
        fault.left--
        const a = fault.answer
        if (a.hangUp) { req.socket.destroy(); return }
        const go = () => send(a.status, a.body, a.headers)
        if (a.delayMs) setTimeout(go, a.delayMs); else go()
        return
      }
      try {
        route(record, send)
      } catch (err) {
        send(500, { message: 'emulator error: ' + err.message, errorCode: 0, traceId: traceId() })
      }
    })
  })

  function route (r, send) {
    const cloudPrefix = '/' + opts.organization + '/' + opts.tenant + '/orchestrator_'
    let path = r.path
    if (path.indexOf(cloudPrefix + '/') === 0) path = path.slice(cloudPrefix.length)
    if (r.method === 'POST' && (path === '/identity_/connect/token' || path === '/identity/connect/token')) return clientCredentials(r, send)
    if (r.method === 'POST' && path === '/oauth/token') return refreshToken(r, send)
    if (r.method === 'POST' && path === '/api/Account/Authenticate') return authenticate(r, send)
    if (path.indexOf('/odata/') === 0) return odata(r, path.slice('/odata/'.length), send)
    send(404, { message: 'No route for ' + r.method + ' ' + r.path, errorCode: 1002, traceId: traceId() })
  }

  function issue (scopes, lifetime) {
    const token = 'emu-at-' + crypto.randomBytes(12).toString('hex')
    emu.tokens[token] = { scopes: scopes, expiresAt: Date.now() + lifetime * 1000 }
    return token
  }

  function clientCredentials (r, send) {
    if (String(r.headers['content-type']).indexOf('application/x-www-form-urlencoded') !== 0) {
      return send(400, { error: 'invalid_request', error_description: 'form body expected' })
    }
    const form = new URLSearchParams(r.body)
    if (form.get('grant_type') !== 'client_credentials') return send(400, { error: 'unsupported_grant_type' })
    const client = opts.clients[form.get('client_id')]
    if (!client || client.secret !== form.get('client_secret')) return send(400, { error: 'invalid_client' })
    const asked = String(form.get('scope') || '').split(' ').filter(Boolean)
    if (asked.length === 0 || asked.some((s) => client.scopes.indexOf(s) < 0)) return send(400, { error: 'invalid_scope' })
    send(200, { access_token: issue(asked, 3600), expires_in: 3600, token_type: 'Bearer', scope: asked.join(' ') })
  }

  function refreshToken (r, send) {
    const b = r.json || {}
    const known = opts.refreshTokens[b.refresh_token]
    if (b.grant_type !== 'refresh_token' || !known || known.clientId !== b.client_id) {
      return send(403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' })
    }
    send(200, { access_token: issue(null, 86400), id_token: 'emu-id-token', scope: 'openid offline_access', expires_in: 86400, token_type: 'Bearer' })
  }

  function authenticate (r, send) {
    const b = r.json || {}
    const ok = opts.users[b.tenancyName + '/' + b.usernameOrEmailAddress] === b.password && b.password !== undefined
    if (!ok) {
      return send(400, { result: null, targetUrl: null, success: false, error: { code: 0, message: 'Invalid user name or password', details: null }, unAuthorizedRequest: false, __abp: true })
    }
    send(200, { result: issue(null, 1800), targetUrl: null, success: true, error: null, unAuthorizedRequest: false, __abp: true })
  }

  function odata (r, rest, send) {
    const auth = /^Bearer (.+)$/.exec(r.headers.authorization || '')
    const token = auth && emu.tokens[auth[1]]
    if (!token || token.expiresAt < Date.now()) {
      return send(401, { message: 'You are not authenticated!', errorCode: 0, traceId: traceId() })
    }
    const entity = /^(Releases|Folders|Jobs)/.exec(rest)
    const isStart = r.method === 'POST' && rest === 'Jobs/UiPath.Server.Configuration.OData.StartJobs'
    const resource = isStart ? 'StartJobs' : entity && entity[1]
    if (!resource) return send(404, { message: 'Resource not found: ' + rest, errorCode: 1002, traceId: traceId() })
    if (token.scopes && token.scopes.indexOf(SCOPE_NEEDED[resource]) < 0) {
      return send(403, { message: 'You are not authorized to access this resource.', errorCode: 0, traceId: traceId() })
    }
    if (resource === 'Folders') return list(r, opts.folders, FOLDER_FIELDS, send)
    const folder = folderOf(r)
    if (folder === undefined) return send(400, { message: 'A folder is required for this action.', errorCode: 1101, traceId: traceId() })
    if (folder === null) return send(400, { message: 'Folder does not exist or the user does not have access to the folder.', errorCode: 1100, traceId: traceId() })
    if (resource === 'Releases' && r.method === 'GET') {
      return list(r, opts.releases.filter((x) => x.OrganizationUnitId === folder.Id), RELEASE_FIELDS, send)
    }
    if (resource === 'Jobs' && r.method === 'GET') {
      const one = /^Jobs\((\d+)\)$/.exec(rest)
      const inFolder = emu.jobs.filter((j) => j.OrganizationUnitId === folder.Id)
      if (one) {
        const job = inFolder.find((j) => j.Id === Number(one[1]))
        return job ? send(200, Object.assign({ '@odata.context': '/odata/$metadata#Jobs/$entity' }, job))
          : send(404, { message: 'Job does not exist.', errorCode: 1002, traceId: traceId() })
      }
      return list(r, inFolder, JOB_FIELDS, send)
    }
    if (isStart) return startJobs(r, folder, send)
    send(405, { message: 'The requested resource does not support http method ' + r.method, errorCode: 0 })
  }

  function list (r, rows, fields, send) {
    let out
    try {
      out = applyQuery(rows, r.query, fields)
    } catch (err) {
      return send(400, { error: { code: '', message: 'The query specified in the URI is not valid. ' + err.message } })
    }
    send(200, { '@odata.context': '/odata/$metadata', '@odata.count': out.length, value: out })
  }

  // undefined: no folder header; null: a header naming no folder we have.
  function folderOf (r) {
    const h = r.headers
    if (h['x-uipath-organizationunitid'] !== undefined) {
      return opts.folders.find((f) => String(f.Id) === h['x-uipath-organizationunitid']) || null
    }
    let path = h['x-uipath-folderpath']
    if (h['x-uipath-folderpath-encoded'] !== undefined) {
      path = Buffer.from(h['x-uipath-folderpath-encoded'], 'base64').toString('utf16le')
    }
    if (path === undefined) return undefined
    return opts.folders.find((f) => f.FullyQualifiedName === path) || null
  }

  function startJobs (r, folder, send) {
    const bad = (message) => send(400, { message: message, errorCode: 0, traceId: traceId() })
    const info = r.json && r.json.startInfo
    if (!info || typeof info !== 'object') return bad('startInfo is required.')
    const unknown = Object.keys(info).filter((k) => START_INFO_FIELDS.indexOf(k) < 0)
    if (unknown.length) return bad('Unknown startInfo properties: ' + unknown.join(', '))
    const rel = opts.releases.find((x) => x.Key === info.ReleaseKey && x.OrganizationUnitId === folder.Id)
    if (!rel) return send(404, { message: 'Release does not exist.', errorCode: 1002, traceId: traceId() })
    if (STRATEGIES.indexOf(info.Strategy) < 0) return bad('Invalid Strategy: ' + info.Strategy)
    if (info.Strategy === 'Specific' && !(Array.isArray(info.RobotIds) && info.RobotIds.length)) return bad('RobotIds are required for the Specific strategy.')
    const count = info.JobsCount === undefined ? 1 : info.JobsCount
    if (!Number.isInteger(count) || count < 1) return bad('JobsCount must be a positive integer.')
    if (info.Reference !== undefined && (typeof info.Reference !== 'string' || info.Reference.length > 128)) return bad('Reference must be a string of at most 128 characters.')
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
    const jobsToMake = info.Strategy === 'Specific' ? info.RobotIds.length : count
    for (let i = 0; i < jobsToMake; i++) {
      const job = {
        Id: nextJobId++,
        Key: crypto.randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
        State: 'Pending',
        CreationTime: new Date().toISOString(),
        StartTime: null,
        EndTime: null,
        ReleaseName: rel.Name,
        InputArguments: info.InputArguments === undefined ? null : info.InputArguments,
        OutputArguments: null,
        Info: null,
        Reference: info.Reference === undefined ? null : info.Reference,
        OrganizationUnitId: folder.Id
      }
      emu.jobs.push(job)
      created.push(job)
    }
    send(201, { '@odata.context': '/odata/$metadata#Jobs', value: created })
    if (opts.onJobStarted) created.forEach((job) => setImmediate(() => opts.onJobStarted(job, input, emu)))
  }

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      emu.origin = 'http://127.0.0.1:' + server.address().port
      emu.cloudUrl = emu.origin + '/' + opts.organization + '/' + opts.tenant + '/orchestrator_'
      emu.close = () => new Promise((done) => { server.close(() => done()); destroyAll() })
      resolve(emu)
    })
    const sockets = new Set()
    server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
    function destroyAll () { sockets.forEach((s) => s.destroy()) }
  })
}

function traceId () {
  return crypto.randomBytes(16).toString('hex')
}

function entries (params) {
  const out = {}
  params.forEach((v, k) => { out[k] = v })
  return out
}

module.exports = { startOrchestrator, defaultData }
