'use strict'
// Botpress 12.31's `require` for action code, rewritten for tests from its documented
// behaviour (core/user-code/utils.ts getBaseLookupPaths, core/modules/utils/require.ts
// requireAtPaths): the places it looks in, in its order, then the server's own require.

const fs = require('fs')
const path = require('path')

/** The places an action at `data/<scope>/actions/<name>.js` looks in. */
function lookupPlaces (project, actionFile, botId, loadedModules) {
  const dir = path.dirname(actionFile)
  const places = [dir]
  if (botId) places.push(path.join(project, 'data', 'bots', botId, 'libraries'))
  places.push(path.join(project, 'shared_libs'))
  // The first folder after `actions/`, when it is a loaded module's name.
  const parts = path.relative(project, dir).split(path.sep)
  const first = parts[parts.indexOf('actions') + 1]
  if (first && loadedModules && loadedModules[first]) places.unshift(loadedModules[first])
  return places
}

/** Each place and its parents: node_modules, node_production_modules; the place itself. */
function folders (place) {
  const parts = path.resolve(place).split(path.sep)
  const out = []
  for (let i = parts.length; i > 0; i--) {
    const folder = parts.slice(0, i).join(path.sep) || path.sep
    if (i === parts.length) out.push(folder)
    out.push(path.join(folder, 'node_production_modules'), path.join(folder, 'node_modules'))
  }
  return out
}

/** `require(name)` as an action at `actionFile` gets it; throws as Botpress does. */
function actionRequire (project, actionFile, botId, loadedModules) {
  const places = lookupPlaces(project, actionFile, botId, loadedModules)
  return (name) => {
    for (const place of places) {
      for (const folder of folders(place)) {
        for (const candidate of [path.join(folder, name + '.js'), path.join(folder, name), path.join(folder, name, 'index.js')]) {
          if (/\.(js|json)$/.test(candidate)) {
            if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return require(candidate)
            continue
          }
          const pkg = path.join(candidate, 'package.json')
          if (!fs.existsSync(pkg)) continue
          const main = JSON.parse(fs.readFileSync(pkg, 'utf8')).main
          if (main) return require(path.join(candidate, main))
        }
      }
    }
    try {
      return require(name)
    } catch (err) {
      throw new Error('Module "' + name + '" not found. Tried these locations: "' + places.join(', ') + '"')
    }
  }
}

module.exports = { actionRequire, lookupPlaces }
