#!/usr/bin/env node
'use strict'
// `botpress-uipath check`: finds a broken UiPath set-up before a user does (API.md,
// "Checking a configuration"). It reads the module config the way Botpress v12 does and
// hands it to the core's check; this file only reads files, parses the command line and
// prints. It starts no job, ever, and prints no secret (the core's report has none).

const fs = require('fs')
const path = require('path')

const USAGE = [
  'Usage: botpress-uipath check [options]',
  '',
  'Checks a UiPath set-up step by step: settings, token (and scopes), folder, process,',
  'module settings. Reads the module config as Botpress v12 does: the schema defaults,',
  'DATA/global/config/uipath.json, BP_MODULE_UIPATH_* variables, DATA/bots/BOT/config/uipath.json.',
  '',
  'Options:',
  '  --data DIR          the Botpress data folder (default: ./data)',
  '  --config FILE       the global module config file (default: DATA/global/config/uipath.json)',
  '  --bot ID            also read the bot\'s own config, DATA/bots/ID/config/uipath.json',
  '  --process NAME      the process key or name to resolve when the config has no processKey',
  '  --external-url URL  the Botpress external URL robots call back to (default: $EXTERNAL_URL)',
  '  --json              print one JSON object { ok, steps } instead of lines',
  '  -h, --help          this text',
  '',
  'Exit status: 0 every step passed, 1 a step failed, 2 a usage error.'
].join('\n')

const OPTIONS_WITH_VALUE = ['--data', '--config', '--bot', '--process', '--external-url']

function parseArgs (argv) {
  const out = { json: false }
  const rest = argv.slice()
  const command = rest.shift()
  if (command === '-h' || command === '--help') return { help: true }
  if (command !== 'check') throw new Error(command ? 'unknown command "' + command + '"' : 'a command is missing')
  while (rest.length) {
    const arg = rest.shift()
    const [name, inline] = arg.indexOf('=') > 0 ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (name === '-h' || name === '--help') return { help: true }
    if (name === '--json') { out.json = true; continue }
    if (OPTIONS_WITH_VALUE.indexOf(name) < 0) throw new Error('unknown option "' + name + '"')
    const value = inline !== undefined ? inline : rest.shift()
    if (value === undefined || value === '' || (inline === undefined && value.indexOf('--') === 0)) throw new Error(name + ' needs a value')
    out[name.slice(2).replace(/-([a-z])/g, (m, c) => c.toUpperCase())] = value
  }
  return out
}

/** A JSON file, `{}` when it does not exist; a file that is not JSON is an error. */
function readJson (file, required) {
  if (!fs.existsSync(file)) {
    if (required) throw new Error('cannot read ' + file + ': no such file')
    return {}
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(file + ' is not valid JSON (' + err.message.split('\n')[0] + ')')
  }
}

function style (enabled) {
  const wrap = (code) => (text) => (enabled ? '\u001b[' + code + 'm' + text + '\u001b[0m' : text)
  return { ok: wrap('32'), fail: wrap('31'), warn: wrap('33'), dim: wrap('2') }
}

/** A spinner on a terminal while the check's requests are in flight; nothing elsewhere. */
function spinner (stream, enabled) {
  if (!enabled) return () => {}
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
  let i = 0
  const timer = setInterval(() => stream.write('\r' + frames[i++ % frames.length] + ' checking settings, token, folder, process, module…'), 80)
  return () => { clearInterval(timer); stream.write('\r\u001b[K') }
}

function printReport (report, out, s) {
  const width = Math.max.apply(null, report.steps.map((st) => st.name.length))
  for (const step of report.steps) {
    const mark = step.ok ? s.ok('✔') : s.fail('✖')
    const text = step.ok ? step.detail : step.code + ': ' + step.detail
    out.write(mark + ' ' + step.name.padEnd(width) + '  ' + text + '\n')
    for (const w of step.warnings) out.write('  ' + ' '.repeat(width) + '  ' + s.warn('! ' + w) + '\n')
  }
  const last = report.steps[report.steps.length - 1]
  out.write(report.ok
    ? s.ok('All ' + report.steps.length + ' steps passed.') + '\n'
    : s.fail('Stopped at "' + last.name + '": change what it says and run the check again.') + '\n')
}

async function main (argv, env, stdout, stderr) {
  let args
  try {
    args = parseArgs(argv)
  } catch (err) {
    stderr.write('botpress-uipath: ' + err.message + '\n\n' + USAGE + '\n')
    return 2
  }
  if (args.help) { stdout.write(USAGE + '\n'); return 0 }
  const tty = !!stdout.isTTY && !args.json
  const s = style(tty && env.NO_COLOR === undefined)
  let uipath
  let config
  try {
    uipath = require('./index.js')
    const data = args.data || path.resolve('data')
    const schema = readJson(path.join(__dirname, 'module', 'assets', 'config.schema.json'), true)
    const global = readJson(args.config || path.join(data, 'global', 'config', 'uipath.json'), !!args.config)
    const bot = args.bot ? readJson(path.join(data, 'bots', args.bot, 'config', 'uipath.json'), true) : {}
    config = uipath.moduleConfig({ schema: schema, global: global, env: env, bot: bot })
  } catch (err) {
    const report = { ok: false, steps: [{ name: 'settings', ok: false, detail: err.message, code: 'INVALID_CONFIG', warnings: [] }] }
    if (args.json) stdout.write(JSON.stringify(report) + '\n'); else printReport(report, stdout, s)
    return 1
  }
  const stop = spinner(stdout, tty)
  let report
  try {
    report = await uipath.checkSetup(config, { process: args.process, externalUrl: args.externalUrl || env.EXTERNAL_URL })
  } finally {
    stop()
  }
  if (args.json) stdout.write(JSON.stringify(report) + '\n')
  else {
    stdout.write(s.dim('botpress-uipath ' + uipath.version + ' check') + '\n')
    printReport(report, stdout, s)
  }
  return report.ok ? 0 : 1
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, process.stdout, process.stderr).then(
    (code) => { process.exitCode = code },
    (err) => { process.stderr.write('botpress-uipath: ' + (err && err.message) + '\n'); process.exitCode = 1 }
  )
}

module.exports = { main }
