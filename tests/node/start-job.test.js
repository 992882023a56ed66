'use strict'
// startUiPathJob against the Orchestrator emulator and a Botpress-like host, through the
// built package exactly as a bot's action code requires it.

const assert = require('assert')
const { test, before, after } = require('../support/harness')
const { startWorld, rejection } = require('../support/fixture')
const uipath = require('../../js-shim')

let w
before(async () => { w = await startWorld() })
after(async () => { await w.close() })

function startsOf () {
  return w.orchestrator.requestsTo('StartJobs')
}

test('client credentials on the cloud layout: folder header, newest release, callback fields', async () => {
  const before = startsOf().length
  const started = await uipath.startUiPathJob(w.bp, w.event(), w.args({ inputArguments: { amount: 42 } }))
  assert.strictEqual(started.processKey, 'InvoiceBot')
  assert.strictEqual(started.processVersion, '1.0.10', 'newest of 1.0.9 and 1.0.10')
  assert.strictEqual(started.releaseKey, 'a0000000-0000-4000-8000-000000000012')
  assert.strictEqual(started.jobs.length, 1)
  assert.strictEqual(started.jobs[0].state, 'Pending')
  assert.ok(Number.isInteger(started.jobs[0].id) && typeof started.jobs[0].key === 'string')

  const sent = startsOf().slice(before)
  assert.strictEqual(sent.length, 1)
  const req = sent[0]
  assert.strictEqual(req.path, '/acme/DefaultTenant/orchestrator_/odata/Jobs/UiPath.Server.Configuration.OData.StartJobs')
  assert.strictEqual(req.headers['x-uipath-folderpath'], 'Shared')
  assert.strictEqual(req.headers['x-uipath-tenantname'], 'DefaultTenant')
  const info = req.json.startInfo
  assert.strictEqual(info.Strategy, 'ModernJobsCount')
  assert.strictEqual(typeof info.InputArguments, 'string')
  const input = JSON.parse(info.InputArguments)
  assert.strictEqual(input.amount, 42)
  assert.strictEqual(input.channel, 'web')
  assert.strictEqual(input.target, 'user-1')
  assert.strictEqual(input.botId, 'bot-1')
  assert.strictEqual(input.threadId, 'thread-1')
  assert.strictEqual(input.botpressUrl, w.botpress.url)
  assert.ok(/^eyJ/.test(input.botpressToken), 'a JWT from the Botpress token route')
  assert.strictEqual(info.Reference, started.reference)
  const job = w.orchestrator.jobs.find((j) => j.Id === started.jobs[0].id)
  assert.strictEqual(job.Reference, started.reference)
})

test('the callback token route is asked with a unit and the conversation', async () => {
  await uipath.startUiPathJob(w.bp, w.event(), w.args({ botpressToken: { expiresIn: '15m' } }))
  const asked = w.botpress.requests.filter((r) => r.path === '/api/v1/bots/bot-1/mod/uipath/auth/token')
  assert.ok(asked.length >= 1)
  const start = startsOf().slice(-1)[0]
  const token = JSON.parse(start.json.startInfo.InputArguments).botpressToken
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64').toString())
  assert.strictEqual(claims.exp - claims.iat, 900, 'expiresIn 15m, not 15 ms')
})

test('botpressToken: false sends no token and asks Botpress nothing', async () => {
  const asked = w.botpress.requests.length
  await uipath.startUiPathJob(w.bp, w.event(), w.args({ botpressToken: false }))
  assert.strictEqual(w.botpress.requests.length, asked)
  const input = JSON.parse(startsOf().slice(-1)[0].json.startInfo.InputArguments)
  assert.ok(!('botpressToken' in input))
})

test('pinned processVersion, folder by id, and by a non-ASCII path', async () => {
  const pinned = await uipath.startUiPathJob(w.bp, w.event(), w.args({ processVersion: '1.0.9' }))
  assert.strictEqual(pinned.releaseKey, 'a0000000-0000-4000-8000-000000000011')

  const byId = await uipath.startUiPathJob(w.bp, w.event(), w.args({ folder: undefined, folderId: 7 }))
  assert.strictEqual(byId.processVersion, '2.1.0')
  assert.strictEqual(startsOf().slice(-1)[0].headers['x-uipath-organizationunitid'], '7')

  const encoded = await uipath.startUiPathJob(w.bp, w.event(), w.args({ folder: 'Finanzen/Büro', processKey: 'Reisekosten' }))
  assert.strictEqual(encoded.processVersion, '3.0.0')
  const h = startsOf().slice(-1)[0].headers
  assert.strictEqual(h['x-uipath-folderpath'], undefined)
  assert.strictEqual(Buffer.from(h['x-uipath-folderpath-encoded'], 'base64').toString('utf16le'), 'Finanzen/Büro')
})

test('a process key with a quote is one OData literal', async () => {
  const started = await uipath.startUiPathJob(w.bp, w.event(), w.args({ processKey: "O'Brien.Report" }))
  assert.strictEqual(started.processKey, "O'Brien.Report")
  const query = w.orchestrator.requestsTo('/odata/Releases').slice(-1)[0].query
  assert.strictEqual(query.$filter, "ProcessKey eq 'O''Brien.Report' or Name eq 'O''Brien.Report'")

  const err = await rejection(uipath.startUiPathJob(w.bp, w.event(), w.args({ processKey: "x' or ProcessKey ne 'y" })))
  assert.strictEqual(err.code, 'PROCESS_NOT_FOUND', 'the injection attempt matched nothing')
})

test('seed-style flat arguments: legacy refresh token, accountLogicalName, serviceLogicalName', async () => {
  const started = await uipath.startUiPathJob(w.bp, w.event(), {
    cloudUrl: w.orchestrator.origin,
    tokenUrl: w.orchestrator.origin + '/oauth/token',
    accountLogicalName: 'acme',
    serviceLogicalName: 'DefaultTenant',
    clientId: '5v7PmPJL6FOGu6RB8I1Y4adLBhIwovQN',
    refreshToken: 'emu-refresh-token',
    processKey: 'InvoiceBot',
    processVersion: '1.0.9',
    folder: 'Shared'
  })
  assert.strictEqual(started.processVersion, '1.0.9')
  const tokenReq = w.orchestrator.requestsTo('POST /oauth/token').slice(-1)[0]
  assert.deepStrictEqual(tokenReq.json, { grant_type: 'refresh_token', client_id: '5v7PmPJL6FOGu6RB8I1Y4adLBhIwovQN', refresh_token: 'emu-refresh-token' })
})

test('seed era without folders uses the All strategy', async () => {
  // Classic folders answer 1101 in the emulator, so this proves the body, not a start.
  const err = await rejection(uipath.startUiPathJob(w.bp, w.event(), w.args({ folder: undefined })))
  assert.strictEqual(err.code, 'INVALID_CONFIG')
  assert.ok(/folder is missing/.test(err.message), err.message)
  assert.strictEqual(err.uipathErrorCode, 1101)
})

test('on-premises username and password, URL without the cloud prefix', async () => {
  const started = await uipath.startUiPathJob(w.bp, w.event(), {
    orchestratorUrl: w.orchestrator.origin,
    auth: { username: 'admin', password: 'emu-password', tenancyName: 'Default' },
    folder: 'Finance/Invoices',
    processKey: 'InvoiceBot',
    botpressToken: false
  })
  assert.strictEqual(started.processVersion, '2.1.0')
  const auth = w.orchestrator.requestsTo('POST /api/Account/Authenticate').slice(-1)[0]
  assert.deepStrictEqual(auth.json, { tenancyName: 'Default', usernameOrEmailAddress: 'admin', password: 'emu-password' })
  assert.strictEqual(startsOf().slice(-1)[0].path, '/odata/Jobs/UiPath.Server.Configuration.OData.StartJobs')
})

test('an access token the caller already has; on-prem identity server token URL', async () => {
  const token = Object.keys(w.orchestrator.tokens)[0]
  const started = await uipath.startUiPathJob(w.bp, w.event(), w.args({ auth: { accessToken: token } }))
  assert.strictEqual(started.jobs.length, 1)

  const onPrem = await uipath.startUiPathJob(w.bp, w.event(), {
    orchestratorUrl: w.orchestrator.origin,
    tokenUrl: w.orchestrator.origin + '/identity/connect/token',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs OR.Execution.Read' },
    folder: 'Shared',
    processKey: 'InvoiceBot',
    jobsCount: '2'
  })
  assert.strictEqual(onPrem.jobs.length, 2, 'jobsCount from a Studio string')
  const form = new URLSearchParams(w.orchestrator.requestsTo('POST /identity/connect/token').slice(-1)[0].body)
  assert.strictEqual(form.get('grant_type'), 'client_credentials')
  assert.strictEqual(form.get('scope'), 'OR.Jobs OR.Execution.Read')
})

test('module config is the fallback for every connection field', async () => {
  const world = await startWorld({
    botpress: {
      moduleConfig: {
        'bot-1': {
          cloudUrl: w.orchestrator.origin, organization: 'acme', tenant: 'DefaultTenant',
          auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' }, folder: 'Finance/Invoices', processKey: 'InvoiceBot'
        }
      }
    },
    orchestrator: { onJobStarted: null }
  })
  try {
    // This world's host talks to the first world's Orchestrator.
    const started = await uipath.startUiPathJob(world.bp, world.event(), { folder: 'Shared', processVersion: '1.0.9' })
    assert.strictEqual(started.releaseKey, 'a0000000-0000-4000-8000-000000000011', 'args win field by field')
    const fromConfig = await uipath.startUiPathJob(world.bp, world.event(), {})
    assert.strictEqual(fromConfig.processVersion, '2.1.0')
  } finally {
    await world.close()
  }
})

test('logs go to bp.logger.forBot and hold no secret', async () => {
  const n = w.botpress.logs.length
  await uipath.startUiPathJob(w.bp, w.event(), w.args())
  const lines = w.botpress.logs.slice(n)
  assert.ok(lines.some((l) => l.level === 'info' && /started 1 job/.test(l.message)), JSON.stringify(lines))
  assert.ok(lines.some((l) => /StartJobs -> 201/.test(l.message)))
  w.assertNoSecrets({ message: JSON.stringify(lines) })
})

test('the exported version matches package.json', () => {
  assert.strictEqual(uipath.version, require('../../package.json').version)
})
