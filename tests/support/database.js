'use strict'
// Botpress's database for the tests, real parts only: Knex 0.20.1 over the sqlite3 4.2.0
// driver (Botpress v12's default; its binding built per Node version by
// scripts/build-sqlite.sh), or over pg 8.7.3 against a throwaway PostgreSQL cluster this
// file starts (initdb, pg_ctl, a free loopback port) and stops. Both get the helpers
// Botpress adds to its Knex (core/database/helpers.ts): isLite, createTableIfNotExists.

const childProcess = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const knexFactory = require('knex')

function extend (knex, isLite) {
  knex.isLite = isLite
  // As Botpress's helper: hasTable, then createTable.
  knex.createTableIfNotExists = async (name, cb) => {
    if (await knex.schema.hasTable(name)) return false
    await knex.schema.createTable(name, cb)
    return true
  }
  return knex
}

/** Knex over SQLite in a file (a fresh temporary one unless `file` is given). */
function sqliteDatabase (file) {
  const filename = file || path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'uipath-sqlite-')), 'botpress.sqlite')
  const knex = knexFactory({ client: 'sqlite3', connection: { filename: filename }, useNullAsDefault: true, pool: { min: 1, max: 1 } })
  return extend(knex, true)
}

/** Knex over PostgreSQL (`url`: postgres://…), with its own pool: one "server". */
function postgresDatabase (url) {
  return extend(knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 } }), false)
}

function freePort () {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
    s.on('error', reject)
  })
}

function postgresBin () {
  const roots = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : []
  const versions = roots.filter((v) => fs.existsSync(path.join('/usr/lib/postgresql', v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  if (versions.length) return path.join('/usr/lib/postgresql', versions[0], 'bin')
  const found = childProcess.spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' })
  if (found.status === 0) return path.dirname(found.stdout.trim())
  return null
}

/**
 * Starts a throwaway PostgreSQL cluster; resolves to `{ url, stop() }`, or null when
 * PostgreSQL is not installed. As root, the cluster runs as the `postgres` user.
 */
async function startPostgres () {
  const bin = postgresBin()
  if (!bin) return null
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uipath-pg-'))
  const asRoot = process.getuid && process.getuid() === 0
  const run = (cmd, args) => {
    const full = asRoot ? ['-u', 'postgres', '--', cmd].concat(args) : args
    const r = childProcess.spawnSync(asRoot ? 'runuser' : cmd, full, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(path.basename(cmd) + ' failed: ' + (r.stderr || r.stdout))
  }
  if (asRoot) {
    fs.chmodSync(dir, 0o755)
    childProcess.spawnSync('chown', ['postgres', dir])
  }
  const port = await freePort()
  run(path.join(bin, 'initdb'), ['-D', dir + '/data', '-U', 'postgres', '--auth=trust'])
  run(path.join(bin, 'pg_ctl'), ['-D', dir + '/data', '-l', dir + '/pg.log', '-o', '-p ' + port + ' -k ' + dir + ' -c listen_addresses=127.0.0.1', '-w', 'start'])
  const stop = () => {
    try { run(path.join(bin, 'pg_ctl'), ['-D', dir + '/data', '-m', 'immediate', 'stop']) } catch (e) { /* already stopped */ }
    fs.rmSync ? fs.rmSync(dir, { recursive: true, force: true }) : childProcess.spawnSync('rm', ['-rf', dir])
  }
  process.on('exit', stop)
  return { url: 'postgres://postgres@127.0.0.1:' + port + '/postgres', stop: () => { process.removeListener('exit', stop); stop() } }
}

module.exports = { sqliteDatabase, postgresDatabase, startPostgres }
