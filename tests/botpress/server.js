'use strict'
// A real Botpress 12.31.10 server for the tests (../shared/botpress-server): a throwaway
// PostgreSQL cluster, the server built from source, started with our module, reached
// over HTTP only. Everything started here is stopped by `stopAll()`, which also runs
// when the process exits or is interrupted, so a failing test leaves nothing behind.

const childProcess = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')
const { request } = require('../support/http')

const ROOT = path.join(__dirname, '..', '..')
const SHARED = path.resolve(process.env.BOTPRESS_SERVER_SCRIPTS || path.join(ROOT, '..', 'shared', 'botpress-server'))
const HOME = path.resolve(process.env.BOTPRESS_HOME || path.join(ROOT, '.tools', 'botpress'))
const DIST = path.join(HOME, 'bp', 'packages', 'bp', 'dist')
const PORT = Number(process.env.BOTPRESS_TEST_PORT || 3300)
const ADMIN = { email: 'admin@example.com', password: 'Uipath-test-1' }

const cleanups = []
let exitHooked = false

function hookExit () {
  if (exitHooked) return
  exitHooked = true
  process.on('exit', stopAll)
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopAll(); process.exit(130) })
}

/** Stops what was started, newest first. Synchronous, so it can run in an exit hook. */
function stopAll () {
  while (cleanups.length) {
    const fn = cleanups.pop()
    try { fn() } catch (e) { /* keep stopping the rest */ }
  }
}

function run (cmd, args, env) {
  const r = childProcess.spawnSync(cmd, args, { env: Object.assign({}, process.env, env || {}), encoding: 'utf8' })
  if (r.status !== 0) throw new Error(cmd + ' ' + args.join(' ') + ' failed (' + r.status + '):\n' + r.stdout + r.stderr)
  return r.stdout.trim()
}

/** Why this machine cannot run the tier, or null. */
function missingPrerequisite () {
  if (!fs.existsSync(path.join(SHARED, 'start.sh'))) return 'the Botpress server scripts are missing: ' + SHARED
  if (!fs.existsSync(path.join(HOME, '.built'))) return 'Botpress is not built in ' + HOME + ' (scripts/test-botpress.sh builds it)'
  const pg = childProcess.spawnSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin/initdb'], { encoding: 'utf8' })
  if (pg.status !== 0) return 'PostgreSQL is not installed (apt-get install postgresql)'
  // Botpress takes PORT; its messaging server 3100 and its studio 4000, fixed.
  const busy = [PORT, 3100, 4000].filter((p) => childProcess.spawnSync('bash', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/' + p], { stdio: 'ignore' }).status === 0)
  if (busy.length) return 'port(s) ' + busy.join(', ') + ' are in use; Botpress needs them free'
  return null
}

/** Starts a throwaway PostgreSQL cluster; answers its DATABASE_URL. */
function startPostgres () {
  hookExit()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-uipath-pg-'))
  fs.chmodSync(dir, 0o755)
  cleanups.push(() => {
    const bin = childProcess.execSync('ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1', { encoding: 'utf8' }).trim()
    const stop = [bin + '/pg_ctl', '-D', dir + '/data', '-m', 'immediate', 'stop']
    const cmd = process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'].concat(stop) : stop
    childProcess.spawnSync(cmd[0], cmd.slice(1), { stdio: 'ignore' })
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return run('bash', [path.join(SHARED, 'start-postgres.sh'), dir])
}

/** Runs SQL through psql; answers the rows of a `json_agg` query as JSON. */
function sql (databaseUrl, query) {
  const out = run('psql', [databaseUrl, '-At', '-c', query])
  return out ? JSON.parse(out) : null
}

/**
 * Starts Botpress on a fresh data folder. `files` ({ 'global/config/uipath.json': {…} })
 * are written under `data/` first, as an administrator would; `modulesDir` and `modules`
 * say which modules are there and enabled.
 */
async function startBotpress (options) {
  hookExit()
  const o = options || {}
  fs.rmSync(path.join(DIST, 'data'), { recursive: true, force: true })
  for (const [file, content] of Object.entries(o.files || {})) {
    const target = path.join(DIST, 'data', file)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  }
  const modulesDir = o.modulesDir || dataDir('modules')
  fs.mkdirSync(modulesDir, { recursive: true })
  const env = {
    BOTPRESS_HOME: HOME,
    DATABASE_URL: o.databaseUrl,
    MODULES_DIR: modulesDir,
    MODULES: JSON.stringify(o.modules || []),
    PORT: String(PORT),
    BP_ADMIN_EMAIL: ADMIN.email,
    BP_ADMIN_PASSWORD: ADMIN.password
  }
  cleanups.push(() => childProcess.spawnSync('bash', [path.join(SHARED, 'stop.sh')], { env: Object.assign({}, process.env, { BOTPRESS_HOME: HOME }), stdio: 'ignore' }))
  const url = run('bash', [path.join(SHARED, 'start.sh')], env)
  const server = {
    url: url,
    modulesDir: modulesDir,
    log: () => fs.readFileSync(path.join(HOME, 'run', 'botpress.log'), 'utf8'),
    dataFile: (file) => path.join(DIST, 'data', file),
    call: (method, urlPath, headers, body) => request(url, method, urlPath, headers, body),
    stop: () => childProcess.spawnSync('bash', [path.join(SHARED, 'stop.sh')], { env: Object.assign({}, process.env, { BOTPRESS_HOME: HOME }), stdio: 'ignore' })
  }
  const login = await server.call('POST', '/api/v2/admin/auth/login/basic/default', {}, ADMIN)
  if (login.status !== 200) throw new Error('admin login failed: ' + login.text)
  server.adminToken = login.json.payload.jwt
  server.admin = { Authorization: 'Bearer ' + server.adminToken, 'X-BP-Workspace': 'default' }
  return server
}

/** Imports a bot from a folder's files ({ 'bot.config.json': {…}, 'flows/main.flow.json': {…} }; a string is written as is). */
async function importBot (server, botId, files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-uipath-bot-'))
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  }
  const archive = childProcess.spawnSync('tar', ['-czf', '-', '-C', dir, '.']).stdout
  fs.rmSync(dir, { recursive: true, force: true })
  const r = await rawPost(server.url + '/api/v2/admin/workspace/bots/' + botId + '/import', Object.assign({ 'Content-Type': 'application/tar+gzip' }, server.admin), archive)
  if (r.status !== 200) throw new Error('bot import failed (' + r.status + '): ' + r.text)
}

/** A POST of a Buffer body (an archive, a multipart form) to an absolute URL. */
function rawPost (url, headers, buffer) {
  const u = new URL(url)
  return request(u.origin, 'POST', u.pathname + u.search, headers, buffer)
}

/** A multipart/form-data body with one file field, as the admin UI uploads a module. */
function multipart (field, filename, buffer) {
  const boundary = '----uipath' + Date.now().toString(16)
  const head = Buffer.from('--' + boundary + '\r\nContent-Disposition: form-data; name="' + field + '"; filename="' + filename + '"\r\nContent-Type: application/gzip\r\n\r\n')
  const tail = Buffer.from('\r\n--' + boundary + '--\r\n')
  return { body: Buffer.concat([head, buffer, tail]), contentType: 'multipart/form-data; boundary=' + boundary }
}

/** Polls `fn` until it answers something truthy, or fails after `ms`. */
async function eventually (what, fn, ms) {
  const deadline = Date.now() + (ms || 20000)
  let last
  while (Date.now() < deadline) {
    last = await fn()
    if (last) return last
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error('timed out waiting for ' + what + (last === undefined ? '' : ' (last: ' + JSON.stringify(last) + ')'))
}

/** A folder under the server's data/ (uploaded modules land in data/modules). */
function dataDir (name) {
  return path.join(DIST, 'data', name)
}

module.exports = { dataDir, missingPrerequisite, startPostgres, startBotpress, importBot, rawPost, multipart, sql, eventually, stopAll, ROOT, HOME, PORT, ADMIN }
