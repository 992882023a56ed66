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
const { jobsOf, anyCase } = require('./jobs')
const { webhooksOf } = require('./webhooks')
const { queuesOf } = require('./queues')
const { tasksOf } = require('./tasks')

const RELEASE_FIELDS = ['Id', 'Key', 'Name', 'ProcessKey', 'ProcessVersion', 'IsLatestVersion',
  'OrganizationUnitId', 'EntryPointPath', 'Arguments', 'Description']
const FOLDER_FIELDS = ['Id', 'Key', 'DisplayName', 'FullyQualifiedName', 'FolderType']
const JOB_FIELDS = ['Id', 'Key', 'State', 'CreationTime', 'StartTime', 'EndTime', 'ReleaseName',
  'InputArguments', 'OutputArguments', 'Info', 'Reference', 'Source', 'OrganizationUnitId']
const SCOPE_NEEDED = { Releases: 'OR.Execution.Read', Folders: 'OR.Folders.Read', Jobs: 'OR.Jobs', FoldersNavigation: 'OR.Folders.Read', Queues: 'OR.Queues', QueueItems: 'OR.Queues', QueueDefinitions: 'OR.Queues', Tasks: 'OR.Tasks' }

function defaultData () {
  return {
    organization: 'acme',
    tenant: 'DefaultTenant',
    folders: [
      { Id: 1, Key: 'f0000000-0000-4000-8000-000000000001', DisplayName: 'Shared', FullyQualifiedName: 'Shared', FolderType: 'Standard' },
      { Id: 7, Key: 'f0000000-0000-4000-8000-000000000007', DisplayName: 'Invoices', FullyQualifiedName: 'Finance/Invoices', FolderType: 'Standard' },
      { Id: 9, Key: 'f0000000-0000-4000-8000-000000000009', DisplayName: 'Büro', FullyQualifiedName: 'Finanzen/Büro', FolderType: 'Standard' }
    ],
    releases: [
      release(11, 1, 'InvoiceBot', 'InvoiceBot_Shared', '1.0.9'),
      release(12, 1, 'InvoiceBot', 'InvoiceBot_Shared_v2', '1.0.10'),
      release(13, 7, 'InvoiceBot', 'InvoiceBot_Finance', '2.1.0'),
      release(14, 1, "O'Brien.Report", 'Report', '1.0.0'),
      release(15, 9, 'Reisekosten', 'Reisekosten', '3.0.0')
    ],
    clients: { 'emu-app': { secret: 'emu-app-secret', scopes: ['OR.Execution.Read', 'OR.Jobs', 'OR.Folders.Read', 'OR.Queues', 'OR.Tasks'] } },
    refreshTokens: { 'emu-refresh-token': { clientId: '5v7PmPJL6FOGu6RB8I1Y4adLBhIwovQN' } },
    users: { 'Default/admin': 'emu-password' }
  }
}

/**
 * An orchestration (long-running) process for the Action Center tests and demo, in
 * Shared: `releases: defaultData().releases.concat(approvalRelease())`.
 */
function approvalRelease () {
  return release(16, 1, 'ApprovalBot', 'ApprovalBot', '1.0.0')
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
    },
    /** Ends a job (the robot's side): `Successful`, `Faulted` or `Stopped`, with Info and output. */
    endJob (job, state, info, output) {
      return jobs.end(job, state, info, output)
    }
  }
  const errors = {
    traceId: traceId,
    badRequest: (send, message) => send(400, { message: message, errorCode: 0, traceId: traceId() })
  }
  const jobs = jobsOf(emu, opts, errors)
  // Signed webhook calls when a job ends (`webhooks: [{ url, secret }]`; `emu.webhooks.drop(n)`).
  emu.webhooks = webhooksOf(emu, opts)
  emu.onJobEnded = (job) => emu.webhooks.jobEnded(job)
  // Queues and their items (`emu.items`); `emu.queueWork(name, result)` plays a performer.
  const queueSide = queuesOf(emu, opts, errors)
  emu.queueWork = queueSide.work
  emu.abandonItem = queueSide.abandon
  // Action Center's tasks (`emu.tasks`, `emu.completions`); `emu.createTask(folderId,
  // body)` is the robot's Create External Task, `emu.completeInActionCenter(task, data)`
  // a person's answer in Action Center, `emu.assignInActionCenter(task, userId)` a person
  // taking the task there.
  const taskSide = tasksOf(emu, opts, errors)
  emu.createTask = (folderId, body) => taskSide.create(opts.folders.find((f) => f.Id === folderId), body)
  emu.completeInActionCenter = taskSide.completeInActionCenter
  emu.assignInActionCenter = taskSide.assignInActionCenter

  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1')
      const record = {
        at: Date.now(),
        method: req.method,
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries ? Object.fromEntries(url.searchParams) : entries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8')
      }
      try { record.json = JSON.parse(record.body) } catch (e) { record.json = undefined }
      emu.requests.push(record)
      const reply = (status, body, headers) => {
        res.writeHead(status, Object.assign({ 'content-type': 'application/json; charset=utf-8' }, headers || {}))
        res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body))
      }
      // `answerDelayMs`: every answer waits that long, a network round trip's stand-in.
      const send = opts.answerDelayMs ? (...a) => setTimeout(() => reply(...a), opts.answerDelayMs) : reply
      const fault = emu.faults.find((f) => f.left > 0 && (record.method + ' ' + record.path).indexOf(f.match) >= 0)
      if (fault) {
        fault.left--
        const a = fault.answer
        if (a.hangUp) { req.socket.destroy(); return }
        // The request is carried out, then the connection drops before the answer: a
        // lost answer to something that happened.
        if (a.hangUpAfter) {
          try { route(record, () => {}) } catch (err) {}
          req.socket.destroy()
          return
        }
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
    if (path.indexOf('/tasks/GenericTasks/') === 0) return genericTasks(r, path.slice('/tasks/GenericTasks/'.length), send)
    if (r.method === 'GET' && path === '/api/FoldersNavigation/GetFoldersForCurrentUser') return foldersNavigation(r, send)
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

  // ASP.NET binds the body's fields without regard to case (UsernameOrEmailAddress works).
  function authenticate (r, send) {
    const b = r.json || {}
    const [tenancy, user, password] = ['tenancyName', 'usernameOrEmailAddress', 'password'].map((k) => anyCase(b, k))
    const ok = opts.users[tenancy + '/' + user] === password && password !== undefined
    if (!ok) {
      return send(400, { result: null, targetUrl: null, success: false, error: { code: 0, message: 'Invalid user name or password', details: null }, unAuthorizedRequest: false, __abp: true })
    }
    send(200, { result: issue(null, 1800), targetUrl: null, success: true, error: null, unAuthorizedRequest: false, __abp: true })
  }

  /** The token of a request (the scheme is case-insensitive), or an answer was sent. */
  function authorized (r, send, resource) {
    const auth = /^bearer (.+)$/i.exec(r.headers.authorization || '')
    const token = auth && emu.tokens[auth[1]]
    if (!token || token.expiresAt < Date.now()) {
      send(401, { message: 'You are not authenticated!', errorCode: 0, traceId: traceId() })
      return null
    }
    if (token.scopes && token.scopes.indexOf(SCOPE_NEEDED[resource]) < 0) {
      send(403, { message: 'You are not authorized to access this resource.', errorCode: 0, traceId: traceId() })
      return null
    }
    return token
  }

  function odata (r, rest, send) {
    const entity = /^(Releases|Folders|Jobs|Queues|QueueItems|QueueDefinitions|Tasks)(?=$|[(/])/.exec(rest)
    if (!entity) return send(404, { message: 'Resource not found: ' + rest, errorCode: 1002, traceId: traceId() })
    if (!authorized(r, send, entity[1])) return
    const notFound = () => send(404, { message: 'No HTTP resource was found that matches the request URI.', errorCode: 1002, traceId: traceId() })
    if (entity[1] === 'Folders') return r.method === 'GET' && rest === 'Folders' ? list(r, opts.folders, FOLDER_FIELDS, send) : notFound()
    // Across folders needs no folder header.
    if (entity[1] === 'Tasks' && taskSide.odata(r, rest, null, send, list) === true) return
    const folder = folderOf(r)
    if (folder === undefined) return send(400, { message: 'A folder is required for this action.', errorCode: 1101, traceId: traceId() })
    if (folder === null) return send(400, { message: 'Folder does not exist or the user does not have access to the folder.', errorCode: 1100, traceId: traceId() })
    if (entity[1] === 'Releases') {
      const inFolder = opts.releases.filter((x) => x.OrganizationUnitId === folder.Id)
      if (r.method === 'GET' && rest === 'Releases') return list(r, inFolder, RELEASE_FIELDS, send)
      const one = r.method === 'GET' && /^Releases\((\d+)\)$/.exec(rest)
      if (!one) return notFound()
      const rel = inFolder.find((x) => x.Id === Number(one[1]))
      return rel ? send(200, Object.assign({ '@odata.context': '/odata/$metadata#Releases/$entity' }, rel))
        : send(404, { message: 'Release does not exist.', errorCode: 1002, traceId: traceId() })
    }
    if (entity[1] === 'Tasks') {
      if (taskSide.odata(r, rest, folder, send, list) === false) notFound()
      return
    }
    if (/^Queue/.test(entity[1])) {
      if (queueSide.route(r, rest, folder, send, list) === false) notFound()
      return
    }
    if (jobs.route(r, rest, folder, send, list, JOB_FIELDS) === false) notFound()
  }

  // tasks/GenericTasks/…: in the folder of the request's header.
  function genericTasks (r, rest, send) {
    if (!authorized(r, send, 'Tasks')) return
    const folder = folderOf(r)
    if (folder === undefined) return send(400, { message: 'A folder is required for this action.', errorCode: 1101, traceId: traceId() })
    if (folder === null) return send(400, { message: 'Folder does not exist or the user does not have access to the folder.', errorCode: 1100, traceId: traceId() })
    if (taskSide.generic(r, rest, folder, send) === false) send(404, { message: 'No route for ' + r.method + ' ' + r.path, errorCode: 1002, traceId: traceId() })
  }

  // api/FoldersNavigation/GetFoldersForCurrentUser?searchText&skip&take: { PageItems, Count }.
  function foldersNavigation (r, send) {
    if (!authorized(r, send, 'FoldersNavigation')) return
    const q = r.query
    const text = String(q.searchText || '').toLowerCase()
    const skip = Number(q.skip || 0)
    const take = q.take === undefined ? 20 : Number(q.take)
    if (!Number.isInteger(skip) || skip < 0 || !Number.isInteger(take) || take < 0) {
      return send(400, { message: 'skip and take must be whole numbers.', errorCode: 0, traceId: traceId() })
    }
    const found = opts.folders.filter((f) => f.FullyQualifiedName.toLowerCase().indexOf(text) >= 0 || f.DisplayName.toLowerCase().indexOf(text) >= 0)
    send(200, { PageItems: found.slice(skip, skip + take), Count: found.length })
  }

  function list (r, rows, fields, send) {
    let out
    try {
      out = applyQuery(rows, r.query, fields)
    } catch (err) {
      return send(400, { error: { code: '', message: 'The query specified in the URI is not valid. ' + err.message } })
    }
    const body = { '@odata.context': '/odata/$metadata' }
    if (out.count !== undefined) body['@odata.count'] = out.count
    body.value = out.rows
    send(200, body)
  }

  // undefined: no folder header; null: a header naming no folder we have.
  function folderOf (r) {
    const h = r.headers
    if (h['x-uipath-folderkey'] !== undefined) {
      return opts.folders.find((f) => f.Key.toLowerCase() === String(h['x-uipath-folderkey']).toLowerCase()) || null
    }
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

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      emu.origin = 'http://127.0.0.1:' + server.address().port
      emu.cloudUrl = emu.origin + '/' + opts.organization + '/' + opts.tenant + '/orchestrator_'
      emu.close = () => new Promise((done) => { server.close(() => done()); destroyAll() })
      resolve(emu)
    })
    const sockets = new Set()
    emu.connections = 0
    server.on('connection', (s) => { emu.connections++; sockets.add(s); s.on('close', () => sockets.delete(s)) })
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

module.exports = { startOrchestrator, defaultData, approvalRelease }
