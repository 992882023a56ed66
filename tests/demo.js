'use strict'
// The demo: a Botpress conversation starts a UiPath job on the local Orchestrator
// emulator, and the robot's Callback messages arrive back in the conversation.
// Everything runs on 127.0.0.1; nothing here needs the internet or a UiPath account.

const { startOrchestrator } = require('./emulator/orchestrator')
const { robot } = require('./emulator/robot')
const { startBotpress } = require('./support/botpress-host')
const { installModule } = require('./support/module')
const uipath = require('../js-shim')

const say = (who, text) => console.log(('  ' + who).padEnd(15) + text)

async function main () {
  const player = robot({
    messages: ['Invoice INV-0042 found, 1,250.00 EUR.', 'Payment scheduled for tomorrow.', { type: 'text', text: 'All done ✅' }],
    delayMs: 150,
    output: { paid: true, invoice: 'INV-0042' }
  })
  const orchestrator = await startOrchestrator({ onJobStarted: player })
  const botpress = await startBotpress({
    moduleConfig: {
      cloudUrl: orchestrator.origin, // a real bot leaves this out: https://cloud.uipath.com
      organization: 'acme',
      tenant: 'DefaultTenant',
      auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' },
      folder: 'Finance/Invoices'
    }
  })
  const moduleInfo = installModule(botpress)
  botpress.finish()
  botpress.onReply((r) => say('bot →', r.payload.text + '   (' + r.channel + ', thread ' + r.threadId + ')'))

  console.log('botpress-uipath ' + uipath.version + ' demo on Node ' + process.version + ' (fetch: ' + uipath.fetchSource + ')')
  console.log('Orchestrator emulator: ' + orchestrator.cloudUrl)
  console.log('Botpress host:         ' + botpress.url + '  (module: ' + moduleInfo.name + ')\n')
  console.log('Conversation')
  const event = { id: 'evt-1', type: 'text', direction: 'incoming', botId: 'bot-1', channel: 'web', target: 'user-1', threadId: 'conv-7', payload: { type: 'text', text: 'Please pay invoice INV-0042' }, state: { temp: {} } }
  say('user →', event.payload.text)

  // What a flow node does: run the Studio action with its (Mustache-rendered, string) args.
  const temp = event.state.temp
  await moduleInfo.runAction('uipath/startJob', {
    bp: botpress.bp,
    event: event,
    temp: temp,
    args: { processKey: 'InvoiceBot', inputArguments: '{"invoice": "INV-0042"}', expiresIn: '30m' },
    process: { EXTERNAL_URL: botpress.url, env: {} } // Botpress's action-scope process
  })
  const started = temp.uipathJob
  say('bot →', 'Started job ' + started.jobs[0].id + ' (' + started.processKey + ' ' + started.processVersion + ').')

  // The flow's next node: uipath/waitForJob (no jobId: the job this conversation started).
  await moduleInfo.runAction('uipath/waitForJob', { bp: botpress.bp, event: event, temp: temp, args: { timeoutMs: '30000' } })
  const ended = temp.uipathJobResult
  say('bot →', started.processKey + ' finished: ' + ended.state + ', output ' + JSON.stringify(ended.outputArguments))
  const job = orchestrator.jobs.find((j) => j.Id === ended.id)
  say('Orchestrator', 'job ' + job.Id + ' ' + job.State + ', output ' + job.OutputArguments)

  console.log('\nRequests Orchestrator saw (secrets shown as […])')
  let lastLine = ''
  let repeats = 0
  for (const r of orchestrator.requests) {
    let line = r.method + ' ' + r.path
    if (r.query.$filter) line += '  $filter=' + r.query.$filter
    if (r.method === 'GET' && /\/Jobs\(\d+\)$/.test(r.path) && line === lastLine) { repeats++; continue }
    if (repeats) console.log('    (the same read ' + repeats + ' more time' + (repeats > 1 ? 's' : '') + ', while the job ran)')
    repeats = 0
    lastLine = line
    const folder = r.headers['x-uipath-folderpath'] || r.headers['x-uipath-organizationunitid']
    if (folder) line += '  [X-UIPATH-FolderPath: ' + folder + ']'
    console.log('  ' + line)
    if (r.json && r.json.startInfo) {
      const info = Object.assign({}, r.json.startInfo)
      const input = JSON.parse(info.InputArguments)
      input.botpressToken = input.botpressToken ? '[…]' : undefined
      info.InputArguments = input
      console.log('    startInfo: ' + JSON.stringify(info, null, 2).split('\n').join('\n    '))
    }
  }
  if (repeats) console.log('    (the same read ' + repeats + ' more time' + (repeats > 1 ? 's' : '') + ', while the job ran)')
  console.log('\nCallbacks the robot sent: ' + player.outcomes.map((o) => 'HTTP ' + o.status).join(', '))
  const delivered = botpress.replies.length
  await orchestrator.close()
  await botpress.close()
  if (delivered !== 3 || job.State !== 'Successful' || !ended.outputArguments || ended.outputArguments.paid !== true) {
    console.error('demo failed: ' + delivered + ' messages delivered, job ' + job.State)
    process.exitCode = 1
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
