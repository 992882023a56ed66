'use strict'
// UiPath's own clients against the Orchestrator emulator, so the emulator cannot drift
// from what they expect: the official Python SDK (PyPI `uipath`, installed by
// scripts/setup.sh into .tools/uipath-sdk) and the npm `uipath-orchestrator` client.
// What each client does is checked in the emulator's records, not only in its output.

const assert = require('assert')
const childProcess = require('child_process')
const fs = require('fs')
const path = require('path')
const { test, before, after } = require('node:test')
const { startOrchestrator } = require('../emulator/orchestrator')
const { robot } = require('../emulator/robot')

const ROOT = path.join(__dirname, '..', '..')
const PYTHON = process.env.UIPATH_SDK_PYTHON || path.join(ROOT, '.tools', 'uipath-sdk', 'bin', 'python')

let emu
before(async () => {
  const player = robot({ messages: [], delayMs: 5, workMs: 30000 })
  emu = await startOrchestrator({ stopDelayMs: 200, onJobStarted: (job, input, e) => player(job, input, e) })
})
after(async () => { await emu.close() })

function spawn (cmd, args, env) {
  return new Promise((resolve) => {
    const child = childProcess.spawn(cmd, args, { env: Object.assign({}, process.env, env) })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000)
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('close', (status) => { clearTimeout(timer); resolve({ status: status, stdout: stdout, stderr: stderr }) })
  })
}

async function accessToken () {
  const res = await fetch(emu.origin + '/identity_/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=emu-app&client_secret=emu-app-secret&scope=OR.Jobs%20OR.Folders.Read%20OR.Execution.Read'
  })
  assert.strictEqual(res.status, 200)
  return (await res.json()).access_token
}

test('the official Python SDK starts by ReleaseName, reads by key, finds folder keys, stops by key', async () => {
  assert.ok(fs.existsSync(PYTHON), 'the Python SDK is not installed: run scripts/setup.sh (' + PYTHON + ')')
  const from = emu.requests.length
  // Asynchronously: the emulator answers from this process's event loop.
  const run = await spawn(PYTHON, [path.join(__dirname, 'python_sdk.py')], {
    UIPATH_URL: emu.origin + '/acme/DefaultTenant', UIPATH_ACCESS_TOKEN: await accessToken(), UIPATH_TELEMETRY_ENABLED: 'false'
  })
  assert.strictEqual(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout)
  const seen = emu.requests.slice(from).map((r) => r.method + ' ' + r.path.replace('/acme/DefaultTenant/orchestrator_', ''))

  // StartJobs by name: no ReleaseKey, no Strategy, no JobsCount, and accepted.
  const start = emu.requests.slice(from).find((r) => /StartJobs$/.test(r.path))
  const info = start.json.startInfo
  assert.strictEqual(info.ReleaseName, 'InvoiceBot_Shared_v2')
  assert.strictEqual(info.ReleaseKey, undefined)
  assert.strictEqual(info.Strategy, undefined)
  assert.deepStrictEqual(JSON.parse(info.InputArguments), { invoice: 'INV-0042' })
  const job = emu.jobs.find((j) => j.Key === out.started.key)
  assert.ok(job, 'the job exists in the emulator')
  assert.strictEqual(job.ReleaseName, 'InvoiceBot_Shared_v2')

  // GetByKey, by folder path and by folder key (found through FoldersNavigation).
  assert.strictEqual(out.read.key, out.started.key)
  assert.ok(seen.some((s) => s === 'GET /odata/Jobs/UiPath.Server.Configuration.OData.GetByKey(identifier=' + out.started.key + ')'), seen.join('\n'))
  assert.strictEqual(out.folderKey, emu.data.folders.find((f) => f.FullyQualifiedName === 'Finance/Invoices').Key)
  assert.ok(seen.some((s) => s === 'GET /api/FoldersNavigation/GetFoldersForCurrentUser'), seen.join('\n'))
  const byFolderKey = emu.requests.slice(from).filter((r) => r.headers['x-uipath-folderkey'])
  assert.ok(byFolderKey.length >= 1 && out.readByFolderKey.key === out.started.key)

  // Stop by key: the SDK maps keys to ids (`Key in (…)`), then StopJobs.
  const lookup = emu.requests.slice(from).find((r) => /\/odata\/Jobs$/.test(r.path) && /Key in \(/.test(r.query.$filter || ''))
  assert.ok(lookup, 'a Key in (…) look-up: ' + seen.join('\n'))
  const stop = emu.requests.slice(from).find((r) => /StopJobs$/.test(r.path))
  assert.deepStrictEqual(stop.json, { jobIds: [job.Id], strategy: 'Kill' })
  assert.strictEqual(out.afterStop.state, 'Terminating')

  // An unknown key: a 404 the SDK turns into its own not-found error.
  assert.ok(/not found/i.test(out.missing), out.missing)
})

test('the npm uipath-orchestrator client: PascalCase login, lower-case bearer, folder id header, Jobs(id), StopJob', async () => {
  const Orchestrator = require('uipath-orchestrator')
  const port = Number(new URL(emu.origin).port)
  const client = new Orchestrator({ tenancyName: 'Default', usernameOrEmailAddress: 'admin', password: 'emu-password', hostname: '127.0.0.1', isSecure: false, port: port })
  client.switchOrganizationUnitId(1)
  const call = (fn, ...args) => new Promise((resolve, reject) => fn(...args, (err, data) => (err ? reject(err) : resolve(data))))
  const from = emu.requests.length

  const releases = await call(client.v2.odata.getReleases, { $filter: "ProcessKey eq 'InvoiceBot'", $top: 1, $count: true })
  assert.strictEqual(releases['@odata.count'], 2, '$count=true counts before $top')
  assert.strictEqual(releases.value.length, 1)
  const started = await call(client.v2.odata.postStartJobs, { startInfo: { ReleaseKey: releases.value[0].Key, Strategy: 'ModernJobsCount', JobsCount: 1, InputArguments: '{}' } })
  const id = started.value[0].Id
  const read = await call(client.v2.odata.getJob, id, {})
  assert.strictEqual(read.Id, id)
  await call(client.v2.odata.postStopJob, id, { strategy: 'SoftStop' })
  const job = emu.jobs.find((j) => j.Id === id)
  assert.ok(['Stopping', 'Stopped'].indexOf(job.State) >= 0, job.State)

  const mine = emu.requests.slice(from)
  const login = mine.find((r) => r.path === '/api/Account/Authenticate')
  assert.deepStrictEqual(Object.keys(login.json).sort(), ['Password', 'TenancyName', 'UsernameOrEmailAddress'])
  const odata = mine.filter((r) => r.path.indexOf('/odata/') === 0)
  assert.ok(odata.every((r) => /^bearer /.test(r.headers.authorization)), 'the client sends a lower-case scheme')
  assert.ok(odata.every((r) => r.headers['x-uipath-organizationunitid'] === '1'))
  assert.ok(mine.some((r) => r.path === '/odata/Jobs(' + id + ')/UiPath.Server.Configuration.OData.StopJob'))
})

test('unknown sub-paths of an entity set answer 404, never the whole collection', async () => {
  const token = await accessToken()
  const get = (p) => fetch(emu.cloudUrl + '/odata/' + p, { headers: { Authorization: 'Bearer ' + token, 'X-UIPATH-FolderPath': 'Shared' } })
  for (const p of ['Jobs/UiPath.Server.Configuration.OData.Nope', 'Releases(99)', 'Jobs(424242)', 'JobsX', 'Folders(1)/Children']) {
    const r = await get(p)
    assert.strictEqual(r.status, 404, p)
    const body = await r.json()
    assert.strictEqual(body.value, undefined, p)
  }
  const rel = await (await get('Releases(12)')).json()
  assert.strictEqual(rel.Name, 'InvoiceBot_Shared_v2')
  const page = await (await get("Releases?$filter=ProcessKey in ('InvoiceBot','Reisekosten')&$orderby=Id&$skip=1&$top=1&$select=Id,ProcessVersion")).json()
  assert.deepStrictEqual(page.value, [{ Id: 12, ProcessVersion: '1.0.10' }])
  assert.strictEqual(page['@odata.count'], undefined, 'counted only when asked')
})

test('the official Python SDK adds, lists, takes and completes queue items as the emulator keeps them', async () => {
  assert.ok(fs.existsSync(PYTHON), 'the Python SDK is not installed: run scripts/setup.sh (' + PYTHON + ')')
  const res = await fetch(emu.origin + '/identity_/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=emu-app&client_secret=emu-app-secret&scope=OR.Queues'
  })
  const token = (await res.json()).access_token
  const from = emu.requests.length
  const run = await spawn(PYTHON, [path.join(__dirname, 'python_sdk_queues.py')], {
    UIPATH_URL: emu.origin + '/acme/DefaultTenant', UIPATH_ACCESS_TOKEN: token, UIPATH_TELEMETRY_ENABLED: 'false', UIPATH_ROBOT_KEY: 'a0b1c2d3-0000-4000-8000-000000000001'
  })
  assert.strictEqual(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout)
  const seen = emu.requests.slice(from).map((r) => r.method + ' ' + r.path.replace('/acme/DefaultTenant/orchestrator_', ''))
  assert.ok(seen.indexOf('POST /odata/Queues/UiPathODataSvc.AddQueueItem') >= 0, seen.join('\n'))
  const add = emu.requests.slice(from).find((r) => /AddQueueItem$/.test(r.path))
  assert.strictEqual(add.json.itemData.Name, 'Invoices')
  assert.deepStrictEqual(add.json.itemData.SpecificContent, { invoice: 'INV-PY-1', amount: 12.5 })
  assert.strictEqual(out.added.Status, 'New')
  assert.ok(out.listed.value.some((i) => i.Reference === 'py-1'), 'list_items filters by QueueDefinitionName')
  const first = emu.items.find((i) => i.Reference === 'py-1')
  assert.strictEqual(out.taken.Id, first.Id, 'the High priority item first')
  assert.deepStrictEqual([first.Status, first.Progress, first.Output], ['Successful', 'halfway', { paid: true }])
  const failed = emu.items.find((i) => i.Id === out.failedId)
  assert.strictEqual(failed.Status, 'Retried', 'an application exception on a queue with retries')
  const retry = emu.items.find((i) => i.AncestorId === failed.Id)
  assert.deepStrictEqual([retry.Status, retry.RetryNumber, retry.Key], ['New', 1, failed.Key])
})

test('the official Python SDK creates an Action Center task, reads it by key, and reads it completed', async () => {
  assert.ok(fs.existsSync(PYTHON), 'the Python SDK is not installed: run scripts/setup.sh (' + PYTHON + ')')
  const res = await fetch(emu.origin + '/identity_/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=emu-app&client_secret=emu-app-secret&scope=OR.Tasks'
  })
  const env = { UIPATH_URL: emu.origin + '/acme/DefaultTenant', UIPATH_ACCESS_TOKEN: (await res.json()).access_token, UIPATH_TELEMETRY_ENABLED: 'false' }
  const run = await spawn(PYTHON, [path.join(__dirname, 'python_sdk_tasks.py')], env)
  assert.strictEqual(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout)
  const task = emu.tasks.find((t) => t.id === out.created.id)
  assert.ok(task, 'created in the emulator')
  assert.deepStrictEqual([task.title, task.priority, task.type, task.organizationUnitId], ['Approve the payment?', 'High', 'QuickFormTask', 1])
  assert.deepStrictEqual([out.created.key, out.read.id, out.read.status, out.read.data.question], [task.key, task.id, 0, 'Approve the payment?'])
  emu.completeInActionCenter(task, { decision: 'Approve' })
  const again = await spawn(PYTHON, [path.join(__dirname, 'python_sdk_tasks.py'), task.key], env)
  assert.strictEqual(again.status, 0, again.stderr)
  const done = JSON.parse(again.stdout).done
  assert.deepStrictEqual([done.status, done.action, done.data.decision], [2, 'submit', 'Approve'])
})
