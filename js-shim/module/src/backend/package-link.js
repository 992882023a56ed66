'use strict'
// `require('botpress-uipath')` from a bot's own action code, wherever Botpress runs it
// (API.md, "Loading"), with only this module installed.
//
// How Botpress 12.31 resolves an action's `require` (core/user-code/utils.ts
// getBaseLookupPaths, core/modules/utils/require.ts requireAtPaths): it looks in the
// action's folder (`<PROJECT_LOCATION>/data/global/actions/…` or
// `…/data/bots/<bot>/actions/…`, whatever the storage), the bot's `libraries`,
// `<PROJECT_LOCATION>/shared_libs` and, for an action in a folder named like a module,
// that module's folder; for each, in every parent folder, `node_modules/<name>`,
// `node_production_modules/<name>` and `<name>` (a folder whose package.json names a
// `main`). Every global and bot action therefore looks in `<PROJECT_LOCATION>/data/
// node_modules`, on a binary's layout and on a server run from source alike.
//
// So at every start the module writes there a small package `botpress-uipath` whose
// main is this module's own bundled package (dist/backend/core.js): a bot gets the very
// object the module's actions use (one token issuer, one tracker), in the module's
// version, and upgrading the module upgrades every action. The folder carries a mark;
// one without it (a user's, or anything else) is never touched, and `check` says which
// package action code loads. Each server of a cluster writes its own, on its own disk.

const fs = require('fs')
const path = require('path')

const NAME = 'botpress-uipath'
const MARK = 'botpress-uipath-module-link'

/** Where action code finds the package: `<project>/data/node_modules/botpress-uipath`. */
function linkDir (project) {
  return path.join(project, 'data', 'node_modules', NAME)
}

function readJson (file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    return null
  }
}

/** Whether the folder is one this module wrote (its package.json carries the mark). */
function isOurs (dir) {
  const pkg = readJson(path.join(dir, 'package.json'))
  return Boolean(pkg && pkg[MARK] === true)
}

/** Writes a file through a temporary name, so a reader never sees half of it. */
function writeAtomically (file, text) {
  const tmp = file + '.' + process.pid + '.tmp'
  fs.writeFileSync(tmp, text)
  fs.renameSync(tmp, file)
}

/**
 * Makes the package resolvable for action code: `{ linked, dir, reason? }`. `core` is
 * the absolute path of the module's bundled package, `version` its version.
 */
function install (project, core, version) {
  if (!project) return { linked: false, reason: 'process.PROJECT_LOCATION is not set' }
  const dir = linkDir(project)
  if (fs.existsSync(dir) && !isOurs(dir)) {
    return { linked: false, dir: dir, reason: dir + ' exists and is not this module\'s: it was left as it is' }
  }
  // A copy the `libraries` module installed for every bot (shared_libs) is the user's
  // choice: the module's would shadow it for most actions, so none is written.
  const shared = path.join(project, 'shared_libs', 'node_modules', NAME)
  if (fs.existsSync(shared)) {
    uninstall(project)
    return { linked: false, dir: dir, reason: shared + ' (installed through the libraries module) is what action code loads; the module\'s package was not written beside it' }
  }
  fs.mkdirSync(dir, { recursive: true })
  const pkg = { name: NAME, version: version, private: true, main: 'index.js', description: 'The package of the Botpress module `uipath`, for action code; written by the module at every start.' }
  pkg[MARK] = true
  writeAtomically(path.join(dir, 'index.js'), "'use strict'\n// Written by the uipath module: its own bundled package, for action code.\nmodule.exports = require(" + JSON.stringify(core) + ')\n')
  writeAtomically(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  return { linked: true, dir: dir }
}

/** Removes the package this module wrote (a folder without the mark stays). */
function uninstall (project) {
  if (!project) return
  const dir = linkDir(project)
  if (!isOurs(dir)) return
  for (const file of ['index.js', 'package.json']) {
    try { fs.unlinkSync(path.join(dir, file)) } catch (err) {}
  }
  try { fs.rmdirSync(dir) } catch (err) {}
}

/**
 * What `require('botpress-uipath')` loads from an action at `actionDir` (Botpress's own
 * order, for one location): `{ file, ours }` for the first package found, or null.
 * Used by `check`, which reports it.
 */
function resolveFrom (actionDir, extraLocations) {
  for (const location of [actionDir].concat(extraLocations || [])) {
    const parts = path.resolve(location).split(path.sep)
    for (let i = parts.length; i > 0; i--) {
      const folder = parts.slice(0, i).join(path.sep) || path.sep
      const candidates = [path.join(folder, 'node_modules', NAME), path.join(folder, 'node_production_modules', NAME)]
      if (i === parts.length) candidates.push(path.join(folder, NAME))
      for (const dir of candidates) {
        if (fs.existsSync(path.join(dir + '.js'))) return { file: dir + '.js', ours: false }
        const pkg = readJson(path.join(dir, 'package.json'))
        if (pkg && pkg.main) return { file: path.join(dir, pkg.main), ours: pkg[MARK] === true, version: pkg.version }
      }
    }
  }
  return null
}

/** The check's line about action code: where `require('botpress-uipath')` leads. */
function status (project, version) {
  if (!project) return { ok: false, detail: 'process.PROJECT_LOCATION is not set: action code cannot require(\'botpress-uipath\')' }
  const found = resolveFrom(path.join(project, 'data', 'global', 'actions'), [path.join(project, 'shared_libs')])
  if (!found) return { ok: false, detail: 'action code cannot require(\'botpress-uipath\'): ' + linkDir(project) + ' is missing (restart Botpress to let the module write it)' }
  if (!found.ours) return { ok: true, detail: 'action code\'s require(\'botpress-uipath\') loads ' + found.file + ', not this module\'s package', warning: 'a copy of botpress-uipath outside the module (' + found.file + ') shadows the module\'s ' + version + '; remove it so actions use the module\'s' }
  return { ok: true, detail: 'action code can require(\'botpress-uipath\') (the module\'s ' + version + ', from ' + path.dirname(found.file) + ')' }
}

module.exports = { install, uninstall, status, resolveFrom, linkDir, NAME, MARK }
