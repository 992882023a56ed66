'use strict'
// The demo: a Botpress conversation starts a UiPath job on the local Orchestrator
// emulator, the robot's Callback messages arrive back in the conversation, and the job's
// end arrives too — by Orchestrator's signed webhook, or, when that call is lost, found
// by the module's poller — from a robot that never calls back as well; and a third
// conversation hands an invoice to a queue, whose performer talks back and completes it;
// in a fourth, an orchestration robot stops to ask for an approval (an Action Center
// task), the user answers in the conversation, and the job ends with that answer.
// Everything runs on 127.0.0.1 with Botpress's default database (SQLite through Knex);
// nothing here needs the internet or a UiPath account.

const { startOrchestrator, defaultData, approvalRelease } = require('./emulator/orchestrator')
const { robot, performer, orchestration } = require('./emulator/robot')
const { startBotpress } = require('./support/botpress-host')
const { installModule } = require('./support/module')
const { sqliteDatabase } = require('./support/database')
const uipath = require('../js-shim')

const WEBHOOK_SECRET = 'demo-webhook-secret-7f3a'
const say = (who, text) => console.log(('  ' + who).padEnd(15) + text)

async function main () {
  const chatty = robot({
    messages: ['Invoice INV-0042 found, 1,250.00 EUR.', 'Payment scheduled for tomorrow.', { type: 'text', text: 'All done ✅' }],
    delayMs: 150,
    output: { status: 'paid', invoice: 'INV-0042' }
  })
  // A robot nobody edited for Botpress: no Callback activity at all.
  const silent = robot({ messages: [], workMs: 300, output: { status: 'paid', invoice: 'INV-0043' } })
  // A queue's performer: it talks back through the item's callback fields, then completes it.
  const worker = performer({ messages: [(item) => 'Paying ' + item.SpecificContent.invoice + ' from the Invoices queue…'], delayMs: 150, output: (item) => ({ status: 'paid', invoice: item.SpecificContent.invoice }) })
  // An orchestration robot: Create External Task (catalog Botpress), a nudge to the
  // callback route, Wait For External Task And Resume.
  const approver = orchestration({ question: 'Approve the payment of 12,400.00 EUR to ACME GmbH (INV-0045)?', nudge: true, delayMs: 150 })
  const orchestrator = await startOrchestrator({
    releases: defaultData().releases.concat(approvalRelease()),
    onJobStarted: (job, input, emu) => (input.approval ? approver : input.invoice === 'INV-0042' ? chatty : silent)(job, input, emu),
    onItemAdded: (item, emu) => worker(item, emu)
  })
  const db = sqliteDatabase()
  const botpress = await startBotpress({
    database: db,
    // data/global/config/uipath.json
    globalConfig: { webhookSecret: WEBHOOK_SECRET, pollInterval: '2s', taskPollInterval: '2s' },
    moduleConfig: {
      cloudUrl: orchestrator.origin, // a real bot leaves this out: https://cloud.uipath.com
      organization: 'acme',
      tenant: 'DefaultTenant',
      auth: { clientId: 'emu-app', clientSecret: 'emu-app-secret' },
      folder: 'Finance/Invoices',
      messages: { Successful: '{{processKey}}{{queueName}} finished: {{output.status}}{{output.decision}}', Faulted: '{{processKey}} failed: {{info}}' }
    }
  })
  const moduleInfo = installModule(botpress)
  botpress.finish()
  await moduleInfo.ready
  // Orchestrator → Tenant → Webhooks: the module's URL and the same secret.
  orchestrator.webhooks.add({ url: botpress.url + '/api/v1/bots/___/mod/uipath/webhook', secret: WEBHOOK_SECRET })

  console.log('botpress-uipath ' + uipath.version + ' demo on Node ' + process.version + ' (fetch: ' + uipath.fetchSource + ')')
  console.log('Orchestrator emulator: ' + orchestrator.cloudUrl)
  console.log('Botpress host:         ' + botpress.url + '  (module: ' + moduleInfo.name + ', database: SQLite)\n')

  const conversations = {}
  const t0 = {}
  const show = (threadId, who, text, extra) => {
    const c = conversations[threadId]
    say(who, text + (extra ? '   ' + extra : ''))
    return c
  }
  botpress.onReply((r) => {
    const choices = r.payload.type === 'single-choice' ? '  [' + r.payload.choices.map((c) => c.title).join(' | ') + ']' : ''
    show(r.threadId, 'bot →', r.payload.text + choices, '(' + r.channel + ', thread ' + r.threadId + ')')
  })
  const ends = {}
  const itemEnds = {}
  botpress.onEvent((e) => {
    if (e.type === 'uipath-queue-item') {
      const p = e.payload
      say('event →', 'uipath-queue-item ' + p.status + ' ' + JSON.stringify(p.output) + '   (by webhook)')
      if (itemEnds[p.queueItemKey]) itemEnds[p.queueItemKey](e)
      return
    }
    if (e.type !== 'uipath-job') return
    const p = e.payload
    const how = orchestrator.webhooks.calls.some((c) => c.jobId === p.jobId && c.status === 'dropped') ? 'webhook lost, found by the poller' : 'by webhook'
    say('event →', "uipath-job " + p.state + ' ' + JSON.stringify(p.outputArguments) + '   (' + how + ', ' + ((Date.now() - t0[p.jobId]) / 1000).toFixed(1) + ' s after the job ended)')
    if (ends[p.jobId]) ends[p.jobId](e)
  })
  orchestrator.data.onJobEnded = (job) => { t0[job.Id] = Date.now() }

  async function converse (threadId, text, invoice, extra) {
    const event = { id: 'evt-' + threadId, type: 'text', direction: 'incoming', botId: 'bot-1', channel: 'web', target: 'user-1', threadId: threadId, payload: { type: 'text', text: text }, state: { temp: {} } }
    conversations[threadId] = event
    say('user →', text)
    // What a flow node does: run the Studio action with its (Mustache-rendered, string) args.
    const temp = event.state.temp
    await moduleInfo.runAction('uipath/startJob', {
      bp: botpress.bp,
      event: event,
      temp: temp,
      args: Object.assign({ processKey: 'InvoiceBot', inputArguments: JSON.stringify({ invoice: invoice }), expiresIn: '30m' }, extra || {}),
      process: { EXTERNAL_URL: botpress.url, env: {} } // Botpress's action-scope process
    })
    const started = temp.uipathJob
    const id = started.jobs[0].id
    say('bot →', 'Started job ' + id + ' (' + started.processKey + ' ' + started.processVersion + ')' + (started.tracked ? ', tracked for its end.' : '.'))
    // The flow now waits in a node whose transition is event.type === 'uipath-job'.
    return new Promise((resolve) => { ends[id] = resolve })
  }

  console.log('Conversation 1: the robot talks back, and its end arrives by webhook')
  const first = await converse('conv-7', 'Please pay invoice INV-0042', 'INV-0042')
  await new Promise((resolve) => setTimeout(resolve, 50))
  console.log('\nConversation 2: a robot that never calls back; Orchestrator\'s webhook call is lost')
  orchestrator.webhooks.drop(1)
  const second = await converse('conv-8', 'Please pay invoice INV-0043', 'INV-0043')
  await new Promise((resolve) => setTimeout(resolve, 50))

  console.log('\nConversation 3: the bot hands the invoice to a queue; a performer works it')
  const third = await (async () => {
    const event = { id: 'evt-conv-9', type: 'text', direction: 'incoming', botId: 'bot-1', channel: 'web', target: 'user-1', threadId: 'conv-9', payload: { type: 'text', text: 'Please pay invoice INV-0044' }, state: { temp: {} } }
    say('user →', event.payload.text)
    const temp = event.state.temp
    await moduleInfo.runAction('uipath/addQueueItem', {
      bp: botpress.bp, event: event, temp: temp,
      args: { queueName: 'Invoices', folder: 'Shared', specificContent: JSON.stringify({ invoice: 'INV-0044', amount: 310 }), priority: 'High' },
      process: { EXTERNAL_URL: botpress.url, env: {} }
    })
    const item = temp.uipathQueueItem
    say('bot →', 'Added queue item ' + item.id + ' to ' + item.queueName + (item.tracked ? ', tracked for its end.' : '.'))
    return new Promise((resolve) => { itemEnds[item.key.toLowerCase()] = resolve })
  })()
  await new Promise((resolve) => setTimeout(resolve, 50))

  console.log('\nConversation 4: the robot stops to ask for an approval; the user answers in the conversation')
  const asked = new Promise((resolve) => botpress.onReply((r) => { if (r.threadId === 'conv-10' && r.payload.type === 'single-choice') resolve(r) }))
  const fourth = converse('conv-10', 'Please pay invoice INV-0045', 'INV-0045', { processKey: 'ApprovalBot', folder: 'Shared', inputArguments: JSON.stringify({ invoice: 'INV-0045', approval: true }) })
  await asked
  const conv10 = { botId: 'bot-1', channel: 'web', target: 'user-1', threadId: 'conv-10' }
  say('user →', 'Approve   (a click on the choice: quick_reply "Approve")')
  const answer = await botpress.userSays(conv10, { type: 'quick_reply', text: 'Approve', payload: 'Approve' })
  const approval = await fourth
  const reachedFlow = botpress.flows.includes(answer)
  const completions = orchestrator.completions.map((c) => 'task ' + c.taskId + ' ' + c.action + ' ' + JSON.stringify({ decision: c.data.decision, answeredBy: c.data.answeredBy }))
  say('', 'Action Center: ' + completions.join(', ') + '; the answer ' + (reachedFlow ? 'reached' : 'did not reach') + ' the flow')
  await new Promise((resolve) => setTimeout(resolve, 50))

  console.log('\nRequests Orchestrator saw (secrets shown as […]; the module\'s look-ups for open tasks counted, not listed)')
  const lookups = orchestrator.requests.filter((r) => /GetTasksAcrossFolders$/.test(r.path)).length
  for (const r of orchestrator.requests.filter((x) => !/GetTasksAcrossFolders$/.test(x.path))) {
    let line = r.method + ' ' + r.path
    if (r.query.$filter) line += '  $filter=' + r.query.$filter
    if (r.headers['x-uipath-folderpath']) line += '  [X-UIPATH-FolderPath: ' + r.headers['x-uipath-folderpath'] + ']'
    else if (r.headers['x-uipath-organizationunitid']) line += '  [X-UIPATH-OrganizationUnitId: ' + r.headers['x-uipath-organizationunitid'] + ']'
    console.log('  ' + line)
    if (r.json && r.json.itemData) {
      const data = Object.assign({}, r.json.itemData)
      data.SpecificContent = Object.assign({}, data.SpecificContent, { botpressToken: '[…]' })
      console.log('    itemData: ' + JSON.stringify(data))
    }
    if (r.json && r.json.taskId) console.log('    ' + JSON.stringify({ taskId: r.json.taskId, action: r.json.action, data: r.json.data }))
    if (r.json && r.json.startInfo) {
      const info = Object.assign({}, r.json.startInfo)
      const input = JSON.parse(info.InputArguments)
      input.botpressToken = input.botpressToken ? '[…]' : undefined
      info.InputArguments = input
      console.log('    startInfo: ' + JSON.stringify(info))
    }
  }
  console.log('  … and ' + lookups + ' look-ups for open tasks (GET …GetTasksAcrossFolders, every taskPollInterval and on the robot\'s nudge)')
  console.log('\nWebhook calls Orchestrator made: ' + orchestrator.webhooks.calls.map((c) => c.type + (c.jobId ? ' job ' + c.jobId : ' item ' + c.queueItemId) + ' → ' + (c.status === 'dropped' ? 'lost' : 'HTTP ' + c.status)).join(', '))
  console.log('Callbacks the robot sent: ' + chatty.outcomes.map((o) => 'HTTP ' + o.status).join(', '))
  const rows = await db('uipath_jobs').select('job_id', 'state').whereNotNull('delivered_at').orderBy('job_id')
  const items = await db('uipath_queue_items').select('item_id', 'state').whereNotNull('delivered_at')
  console.log('Delivered, in the module\'s tables: ' + rows.map((r) => 'job ' + r.job_id + ' ' + r.state).concat(items.map((r) => 'queue item ' + r.item_id + ' ' + r.state)).join(', '))

  const callbacks = botpress.replies.filter((r) => r.threadId === 'conv-7').length
  const finished = botpress.replies.filter((r) => /^InvoiceBot finished: paid$/.test(r.payload.text)).length
  await moduleInfo.unmount()
  await orchestrator.close()
  await botpress.close()
  await db.destroy()
  const itemFinished = botpress.replies.filter((r) => /^Invoices finished: paid$/.test(r.payload.text)).length
  const ok = callbacks === 4 && finished === 2 && first.payload.state === 'Successful' && second.payload.outputArguments.invoice === 'INV-0043' &&
    botpress.events.filter((e) => e.type === 'uipath-job').length === 3 && rows.length === 3 &&
    third.payload.output.invoice === 'INV-0044' && itemFinished === 1 && worker.outcomes.every((o) => o.status === 200) && items.length === 1 &&
    approval.payload.outputArguments.decision === 'Approve' && orchestrator.completions.length === 1 && !reachedFlow
  if (!ok) {
    console.error('demo failed: ' + callbacks + ' messages in conversation 1, ' + finished + ' "finished" messages')
    process.exitCode = 1
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
