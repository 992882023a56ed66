'use strict'
// `botpress-uipath check`, the real command run as a child process against the
// Orchestrator emulator: a working set-up, each failure class, --json, usage errors,
// Botpress's config layers, no job started, no secret printed. And the module's
// super-admin route that answers the same report.

const assert = require('assert')
const childProcess = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')
const jwt = require('jsonwebtoken')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')
const { request } = require('../support/http')
const { main } = require('../../js-shim/cli')

const CLI = path.join(__dirname, '..', '..', 'js-shim', 'cli.js')
let w
let dir

before(async () => {
  w = await startWorld({ module: 'ours', connection: true })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uipath-check-'))
})
after(async () => {
  await w.close()
  fs.rmSync ? fs.rmSync(dir, { recursive: true, force: true }) : childProcess.spawnSync('rm', ['-rf', dir])
})

function good (extra) {
  return Object.assign({
    cloudUrl: w.orchestrator.origin,
    organization: 'acme',
    tenant: 'DefaultTenant',
    folder: 'Shared',
    processKey: 'InvoiceBot',
    auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' },
    externalUrl: 'https://bot.acme.com',
    webhookSecret: 'emu-webhook-secret-0123'
  }, extra || {})
}

/** Writes DATA/global/config/uipath.json (and a bot's file) and runs the command. */
function run (config, args, env, botConfig) {
  const data = fs.mkdtempSync(path.join(dir, 'data-'))
  fs.mkdirSync(path.join(data, 'global', 'config'), { recursive: true })
  fs.writeFileSync(path.join(data, 'global', 'config', 'uipath.json'), JSON.stringify(config))
  if (botConfig) {
    fs.mkdirSync(path.join(data, 'bots', 'bot-1', 'config'), { recursive: true })
    fs.writeFileSync(path.join(data, 'bots', 'bot-1', 'config', 'uipath.json'), JSON.stringify(botConfig))
  }
  const childEnv = Object.assign({}, process.env, env || {})
  for (const k of Object.keys(childEnv)) if (/^BP_MODULE_UIPATH_|^EXTERNAL_URL$/.test(k) && !(env && k in env)) delete childEnv[k]
  // Asynchronously: the emulator answers from this process.
  return new Promise((resolve) => {
    const child = childProcess.spawn(process.execPath, [CLI].concat(args || ['check', '--data', data]).map((a) => (a === 'DATA' ? data : a)), { env: childEnv })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('close', (code) => resolve({ code: code, stdout: stdout, stderr: stderr }))
  })
}

const SECRETS = ['emu-app-secret', 'emu-webhook-secret-0123', 'emu-refresh-token', 'emu-password', 'wrong-secret-1', 'wrong-refresh-2', 'wrong-password-3']
function assertNoSecret (r, extra) {
  const shown = r.stdout + r.stderr
  for (const s of SECRETS.concat(extra || [], Object.keys(w.orchestrator.tokens))) assert.ok(shown.indexOf(s) < 0, 'secret shown: ' + s.slice(0, 6) + '… in ' + shown)
}

test('a working set-up: one line per step, exit 0, no colour when not a terminal', async () => {
  const starts = w.orchestrator.requestsTo('StartJobs').length
  const r = await run(good())
  assert.strictEqual(r.code, 0, r.stdout + r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.ok(/^botpress-uipath \d+\.\d+\.\d+ check$/.test(lines[0]), lines[0])
  assert.deepStrictEqual(lines.slice(1, 6).map((l) => l.split(/\s+/).slice(0, 2).join(' ')), ['✔ settings', '✔ token', '✔ folder', '✔ process', '✔ module'])
  assert.ok(/scopes: OR\.Execution\.Read OR\.Jobs OR\.Folders\.Read/.test(r.stdout), r.stdout)
  assert.ok(/folder "Shared" found \(id 1\)/.test(r.stdout))
  assert.ok(/release "InvoiceBot_Shared_v2" runs InvoiceBot 1\.0\.10/.test(r.stdout))
  assert.strictEqual(lines[6], 'All 5 steps passed.')
  assert.ok(r.stdout.indexOf('\u001b[') < 0, 'no escape codes in a pipe')
  assert.strictEqual(w.orchestrator.requestsTo('StartJobs').length, starts, 'no job started')
  assertNoSecret(r)
})

test('--json prints one object { ok, steps: [{ name, ok, detail, code? }] }', async () => {
  const r = await run(good({ processKey: 'Nope' }), ['check', '--data', 'DATA', '--json'])
  assert.strictEqual(r.code, 1)
  const report = JSON.parse(r.stdout)
  assert.strictEqual(report.ok, false)
  assert.deepStrictEqual(report.steps.map((s) => [s.name, s.ok]), [['settings', true], ['token', true], ['folder', true], ['process', false]])
  assert.strictEqual(report.steps[3].code, 'PROCESS_NOT_FOUND')
  assert.strictEqual(r.stdout.trim().split('\n').length, 1)
})

test('each failure class stops at its step with the code and what to change', async () => {
  const cases = [
    [good({ tenant: '' }), 'settings', 'INVALID_CONFIG', /tenant is missing/],
    [good({ processKey: '' }), 'settings', 'INVALID_CONFIG', /--process/],
    [good({ auth: { clientId: 'emu-app', clientSecret: 'wrong-secret-1' } }), 'token', 'AUTH_FAILED', /invalid_client; check auth\.clientId and auth\.clientSecret/],
    [good({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs OR.Nope' } }), 'token', 'AUTH_FAILED', /invalid_scope/],
    [good({ folder: 'Finance/Invoicez' }), 'folder', 'FOLDER_NOT_FOUND', /found: Finance\/Invoices, Finanzen\/Büro, Shared/],
    [good({ folder: 'Finance/Invoices', processKey: "O'Brien.Report" }), 'process', 'PROCESS_NOT_FOUND', /published in another folder|found: InvoiceBot/],
    [good({ processKey: 'InvoiceBott' }), 'process', 'PROCESS_NOT_FOUND', /found: InvoiceBot, O'Brien\.Report/],
    [good({ processKey: 'InvoiceBot', processVersion: '9.9.9' }), 'process', 'PROCESS_NOT_FOUND', /found versions: 1\.0\.9, 1\.0\.10/],
    [good({ externalUrl: '' }), 'module', 'INVALID_CONFIG', /externalUrl is not set/],
    [good({ maxBodySize: 'lots' }), 'module', 'INVALID_CONFIG', /maxBodySize/]
  ]
  for (const [config, step, code, pattern] of cases) {
    const r = await run(config, ['check', '--data', 'DATA', '--json'])
    assert.strictEqual(r.code, 1, step + ': ' + r.stdout + r.stderr)
    const last = JSON.parse(r.stdout).steps.slice(-1)[0]
    assert.deepStrictEqual([last.name, last.code], [step, code], r.stdout)
    assert.ok(pattern.test(last.detail), last.detail)
    assertNoSecret(r)
  }
})

test('warnings do not fail: missing scopes, plain http outside loopback', async () => {
  const r = await run(good({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret', scope: 'OR.Jobs OR.Execution.Read' }, externalUrl: 'http://bot.acme.com' }))
  assert.strictEqual(r.code, 0, r.stdout)
  assert.ok(/! scope OR\.Folders\.Read is missing/.test(r.stdout), r.stdout)
  assert.ok(/! externalUrl http:\/\/bot\.acme\.com is plain http/.test(r.stdout), r.stdout)
})

test('no secret is printed, for every kind of secret, right or wrong', async () => {
  const token = Object.keys(w.orchestrator.tokens)[0]
  const onPrem = { orchestratorUrl: w.orchestrator.origin, folder: 'Shared', processKey: 'InvoiceBot', externalUrl: 'https://bot.acme.com' }
  const kinds = [
    good({ auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' } }),
    good({ auth: { clientId: 'emu-app', clientSecret: 'wrong-secret-1' } }),
    good({ tokenUrl: w.orchestrator.origin + '/oauth/token', auth: { refreshToken: 'emu-refresh-token' } }),
    good({ tokenUrl: w.orchestrator.origin + '/oauth/token', auth: { refreshToken: 'wrong-refresh-2' } }),
    Object.assign({ auth: { username: 'admin', password: 'emu-password', tenancyName: 'Default' } }, onPrem),
    Object.assign({ auth: { username: 'admin', password: 'wrong-password-3', tenancyName: 'Default' } }, onPrem),
    good({ auth: { accessToken: token } }),
    good({ auth: { accessToken: 'emu-at-not-a-real-one' } })
  ]
  const outcomes = []
  for (const config of kinds) {
    const r = await run(config)
    outcomes.push(r.code)
    assertNoSecret(r, ['emu-at-not-a-real-one', token])
  }
  assert.deepStrictEqual(outcomes, [0, 1, 0, 1, 0, 1, 0, 1])
})

test('Botpress\'s layers: BP_MODULE_UIPATH_* over the global file, the bot\'s file over both', async () => {
  const broken = good({ auth: { clientId: 'emu-app', clientSecret: 'wrong-secret-1' } })
  const fixedByEnv = await run(broken, null, { BP_MODULE_UIPATH_AUTH: JSON.stringify({ clientId: 'emu-app', clientSecret: 'emu-app-secret' }) })
  assert.strictEqual(fixedByEnv.code, 0, fixedByEnv.stdout)
  const botFolder = await run(good(), ['check', '--data', 'DATA', '--bot', 'bot-1', '--json'], {}, { folder: 'Finance/Invoicez' })
  assert.strictEqual(JSON.parse(botFolder.stdout).steps.slice(-1)[0].code, 'FOLDER_NOT_FOUND')
  const externalFromEnv = await run(good({ externalUrl: '' }), null, { EXTERNAL_URL: 'https://bp.acme.com' })
  assert.strictEqual(externalFromEnv.code, 0, externalFromEnv.stdout)
  assert.ok(/robots call back to https:\/\/bp\.acme\.com/.test(externalFromEnv.stdout))
})

test('usage errors exit 2 with the usage; there is no way to start a job', async () => {
  for (const args of [[], ['start'], ['check', '--start'], ['check', '--bot'], ['check', '--colour']]) {
    const r = await run(good(), args)
    assert.strictEqual(r.code, 2, args.join(' ') + ': ' + r.stderr)
    assert.ok(/^botpress-uipath: /.test(r.stderr) && /Usage: botpress-uipath check/.test(r.stderr), r.stderr)
  }
  const help = await run(good(), ['--help'])
  assert.strictEqual(help.code, 0)
  assert.ok(/Exit status: 0 every step passed, 1 a step failed, 2 a usage error/.test(help.stdout))
})

test('on a terminal: colours and a spinner, unless NO_COLOR', async () => {
  const data = fs.mkdtempSync(path.join(dir, 'tty-'))
  fs.mkdirSync(path.join(data, 'global', 'config'), { recursive: true })
  fs.writeFileSync(path.join(data, 'global', 'config', 'uipath.json'), JSON.stringify(good()))
  const terminal = () => { const t = { isTTY: true, text: '', write (s) { t.text += s } }; return t }
  const coloured = terminal()
  assert.strictEqual(await main(['check', '--data', data], {}, coloured, terminal()), 0)
  assert.ok(coloured.text.indexOf('\u001b[32m✔\u001b[0m') >= 0, coloured.text)
  const plain = terminal()
  assert.strictEqual(await main(['check', '--data', data], { NO_COLOR: '1' }, plain, terminal()), 0)
  assert.ok(plain.text.indexOf('\u001b[32m') < 0)
  // The spinner line is cleared before the report is printed.
  assert.ok(plain.text.indexOf('\r\u001b[K') >= 0 || plain.text.indexOf('checking') < 0)
})

test('the module\'s check route answers the same report, for super-admins only', async () => {
  const url = '/api/v1/bots/bot-1/mod/uipath/check?process=InvoiceBot'
  const superAdmin = jwt.sign({ email: 'root@acme.com', strategy: 'default', isSuperAdmin: true }, w.botpress.secret, { expiresIn: '5m', audience: 'collaborators' })
  process.EXTERNAL_URL = 'https://bot.acme.com'
  try {
    const ok = await request(w.botpress.url, 'GET', url, { Authorization: 'Bearer ' + superAdmin })
    assert.strictEqual(ok.status, 200, ok.text)
    assert.strictEqual(ok.json.ok, true, ok.text)
    assert.deepStrictEqual(ok.json.steps.map((s) => s.name), ['settings', 'token', 'folder', 'process', 'module', 'actions'])
    assert.ok(/action code can require\('botpress-uipath'\) \(the module's /.test(ok.json.steps[5].detail), ok.json.steps[5].detail)
    assert.ok(ok.text.indexOf('emu-app-secret') < 0)
    const collaborator = await request(w.botpress.url, 'GET', url, { Authorization: 'Bearer ' + w.botpress.loginToken() })
    assert.strictEqual(collaborator.status, 403)
    assert.strictEqual((await request(w.botpress.url, 'GET', url, {})).status, 401)
  } finally {
    delete process.EXTERNAL_URL
  }
})
