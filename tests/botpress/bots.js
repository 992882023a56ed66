'use strict'
// The bots the real-Botpress tier imports: their flows and their own action code, as a
// bot builder would write them in the Studio and in data/bots/<bot>/actions.

const BOT = 'uipath-bot'
const USER = 'user-42'
// A bot whose flow waits for the job's end (the module's uipath-job event).
const ENDS_BOT = 'uipath-ends-bot'
const TOKEN_BOT = 'uipath-token-bot'
// A bot whose folder parameter is templated from the user's text.
const INJECT_BOT = 'uipath-inject-bot'
// A bot whose flow runs action code of its own (and a global action) that requires the package.
const REQUIRE_BOT = 'uipath-require-bot'
// A bot whose flow adds a queue item and waits in a node for its end.
const QUEUE_BOT = 'uipath-queue-bot'
// A bot whose flow starts an orchestration job whose robot asks the user (Action Center).
const ASK_BOT = 'uipath-ask-bot'

/**
 * A bot whose flow runs every Studio action of the module: start a job, read it, wait
 * for its end; then start a second one and stop it; then wait for the next message.
 */
function botFiles () {
  const action = (name, args) => 'uipath/' + name + ' ' + JSON.stringify(args)
  const entry = [
    action('startJob', { processKey: 'InvoiceBot', inputArguments: '{"invoice": "{{event.payload.text}}"}', expiresIn: '10m' }),
    action('getJob', {}),
    action('waitForJob', { timeoutMs: '20000', pollMs: '1000' })
  ]
  const second = [
    action('startJob', { processKey: 'InvoiceBot', inputArguments: '{"mode": "slow"}', resultVariable: 'slowJob' }),
    action('stopJob', { jobId: '{{temp.slowJob.jobs.0.id}}', strategy: 'Kill' })
  ]
  return {
    'bot.config.json': {
      $schema: '../../bot.config.schema.json', id: BOT, name: BOT, active: true, version: '1.0.0', description: '', author: 'tests', license: 'MIT',
      imports: { modules: [], incomingMiddleware: [], outgoingMiddleware: [] },
      dialog: { timeoutInterval: '5m' }, logs: { expiration: '1 week' }, defaultLanguage: 'en', languages: ['en']
    },
    'flows/main.flow.json': {
      version: '0.0.1',
      catchAll: { onReceive: [], next: [] },
      startNode: 'route',
      nodes: [
        // Only a user's text starts a job: the job-end events this bot also receives end the flow.
        { id: 'n-route', name: 'route', onEnter: [], onReceive: null, next: [{ condition: "event.type !== 'text'", node: 'END' }, { condition: 'true', node: 'entry' }] },
        { id: 'n-entry', name: 'entry', onEnter: entry, onReceive: null, next: [{ condition: "temp.uipathJobResult.state === 'Successful'", node: 'second' }, { condition: 'true', node: 'wait' }] },
        { id: 'n-second', name: 'second', onEnter: second, onReceive: null, next: [{ condition: 'true', node: 'wait' }] },
        { id: 'n-wait', name: 'wait', onEnter: [], onReceive: [], next: [{ condition: "event.type === 'text'", node: 'entry' }] }
      ]
    },
    'flows/main.ui.json': { nodes: [{ id: 'n-route', position: { x: 0, y: -200 } }, { id: 'n-entry', position: { x: 0, y: 0 } }, { id: 'n-second', position: { x: 0, y: 200 } }, { id: 'n-wait', position: { x: 0, y: 400 } }], links: [] }
  }
}

/**
 * A bot like `botFiles()`'s but named `id`, whose main flow has `nodes` (each `{ id,
 * name, onEnter, onReceive, next }`; the first has the start node's name `route`), laid
 * out in a column; `extra` adds files (its own module config, actions).
 */
function botWith (id, nodes, extra) {
  const files = botFiles()
  files['bot.config.json'] = Object.assign({}, files['bot.config.json'], { id: id, name: id })
  files['flows/main.flow.json'] = { version: '0.0.1', catchAll: { onReceive: [], next: [] }, startNode: 'route', nodes: nodes }
  files['flows/main.ui.json'] = { nodes: nodes.map((n, i) => ({ id: n.id, position: { x: 0, y: i * 200 } })), links: [] }
  return Object.assign(files, extra)
}

/**
 * A bot that starts a job whose robot never calls back, then waits in a node for the
 * job's end: the transition `event.type === 'uipath-job' && event.payload.state ===
 * 'Successful'` leads to a node that reads the job the event names. Its own module
 * config (config/uipath.json in the bot) has the text to send when a job succeeds.
 */
function endsBotFiles () {
  return botWith(ENDS_BOT, [
    { id: 'e-route', name: 'route', onEnter: [], onReceive: null, next: [{ condition: "event.type !== 'text'", node: 'END' }, { condition: 'true', node: 'start' }] },
    { id: 'e-start', name: 'start', onEnter: ['uipath/startJob ' + JSON.stringify({ processKey: 'InvoiceBot', inputArguments: '{"mode": "quiet"}' })], onReceive: null, next: [{ condition: 'true', node: 'waiting' }] },
    { id: 'e-waiting', name: 'waiting', onEnter: [], onReceive: [], next: [{ condition: "event.type === 'uipath-job' && event.payload.state === 'Successful'", node: 'done' }] },
    { id: 'e-done', name: 'done', onEnter: ['uipath/getJob ' + JSON.stringify({ jobId: '{{event.payload.jobId}}', resultVariable: 'endedJob' })], onReceive: null, next: [] }
  ], {
    'config/uipath.json': { messages: { Successful: '{{processKey}} finished: {{output.status}}' } }
  })
}

/**
 * A bot whose own action (not one of the module's) calls the package's getBotpressToken,
 * as a bot developer would, and replies with the token it got. Under `actions/uipath/`,
 * `require` reaches the module's bundled package.
 */
function tokenBotFiles () {
  return botWith(TOKEN_BOT, [
    { id: 't-route', name: 'route', onEnter: [], onReceive: null, next: [{ condition: "event.type !== 'text'", node: 'END' }, { condition: 'true', node: 'probe' }] },
    { id: 't-probe', name: 'probe', onEnter: ['uipath/probeToken {}'], onReceive: null, next: [] }
  ], {
    'actions/uipath/probeToken.js': [
      '/** @hidden true */',
      'const probe = async () => {',
      "  const uipath = require('dist/backend/core.js')",
      "  const token = await uipath.getBotpressToken(bp, event, { expiresIn: '90s' })",
      "  await bp.events.replyToEvent(event, [{ type: 'text', text: 'token ' + token }])",
      '}',
      'return probe()'
    ].join('\n')
  })
}

/**
 * Action code of a bot's own (not the module's), as a developer writes it: it requires
 * the package by name, starts a job and says so; `wait` also waits for the job's end.
 */
function ownAction (label, wait) {
  return [
    '/** @hidden true */',
    "const uipath = require('botpress-uipath')",
    'const run = async () => {',
    "  const started = await uipath.startUiPathJob(bp, event, { processKey: 'InvoiceBot', inputArguments: { invoice: '" + label + "' }, externalUrl: process.EXTERNAL_URL })",
    "  let said = '" + label + " started ' + started.jobs[0].id",
    wait ? "  const ended = await uipath.waitForUiPathJob(bp, event, { jobId: started.jobs[0].id, timeoutMs: 20000, pollMs: 1000 })\n  said += ', ended ' + ended.state" : '',
    "  await bp.events.replyToEvent(event, [{ type: 'text', text: said }])",
    '}',
    'return run()'
  ].join('\n')
}

/** A bot whose flow runs a global action and three of its own that require the package. */
function requireBotFiles () {
  return botWith(REQUIRE_BOT, [
    { id: 'r-route', name: 'route', onEnter: [], onReceive: null, next: [{ condition: "event.type !== 'text'", node: 'END' }, { condition: 'true', node: 'pay' }] },
    { id: 'r-pay', name: 'pay', onEnter: ['payInvoice {}', 'botPay {}', 'billing/botPay {}', 'uipath/ownPay {}'], onReceive: null, next: [] }
  ], {
    'actions/botPay.js': ownAction('bot action', true),
    'actions/billing/botPay.js': ownAction('bot action in billing/'),
    'actions/uipath/ownPay.js': ownAction('bot action in uipath/')
  })
}

/**
 * A bot that adds an invoice to a queue with uipath/addQueueItem, then waits in a node
 * for the item's end: `event.type === 'uipath-queue-item' && event.payload.status ===
 * 'Successful'` leads to a node that reads the item the event names.
 */
function queueBotFiles () {
  return botWith(QUEUE_BOT, [
    { id: 'q-route', name: 'route', onEnter: [], onReceive: null, next: [{ condition: "event.type !== 'text'", node: 'END' }, { condition: 'true', node: 'add' }] },
    { id: 'q-add', name: 'add', onEnter: ['uipath/addQueueItem ' + JSON.stringify({ queueName: 'Invoices', specificContent: '{"invoice": "{{event.payload.text}}"}' })], onReceive: null, next: [{ condition: 'true', node: 'waiting' }] },
    { id: 'q-waiting', name: 'waiting', onEnter: [], onReceive: [], next: [{ condition: "event.type === 'uipath-queue-item' && event.payload.status === 'Successful'", node: 'done' }] },
    { id: 'q-done', name: 'done', onEnter: ['uipath/getQueueItem ' + JSON.stringify({ queueItemId: '{{event.payload.queueItemId}}', resultVariable: 'endedItem' })], onReceive: null, next: [] }
  ], {
    'config/uipath.json': { messages: { Successful: '{{queueName}} done: paid={{output.paid}}' } }
  })
}

/**
 * A bot whose flow starts the orchestration process ApprovalBot and waits in a node for
 * the job's end; any text the flow hears there it says back ("flow heard: …"), so an
 * answer that reached the flow would show. "hello" only greets: it starts nothing.
 */
function askBotFiles () {
  return botWith(ASK_BOT, [
    { id: 'a-route', name: 'route', onEnter: [], onReceive: null, next: [{ condition: "event.type !== 'text'", node: 'END' }, { condition: "event.payload.text === 'hello'", node: 'greet' }, { condition: 'true', node: 'start' }] },
    { id: 'a-greet', name: 'greet', onEnter: ['heard {}'], onReceive: null, next: [] },
    { id: 'a-start', name: 'start', onEnter: ['uipath/startJob ' + JSON.stringify({ processKey: 'ApprovalBot', inputArguments: '{"mode": "ask"}' })], onReceive: null, next: [{ condition: 'true', node: 'waiting' }] },
    { id: 'a-waiting', name: 'waiting', onEnter: [], onReceive: [], next: [{ condition: "event.type === 'uipath-job'", node: 'done' }, { condition: "event.type === 'text'", node: 'heard' }] },
    { id: 'a-heard', name: 'heard', onEnter: ['heard {}'], onReceive: null, next: [{ condition: 'true', node: 'waiting' }] },
    { id: 'a-done', name: 'done', onEnter: [], onReceive: null, next: [] }
  ], {
    'config/uipath.json': { messages: { Successful: 'ApprovalBot finished: {{output.decision}}' } },
    'actions/heard.js': [
      '/** @hidden true */',
      "const say = async () => bp.events.replyToEvent(event, [{ type: 'text', text: 'flow heard: ' + event.payload.text }])",
      'return say()'
    ].join('\n')
  })
}

module.exports = {
  BOT,
  USER,
  ENDS_BOT,
  TOKEN_BOT,
  INJECT_BOT,
  REQUIRE_BOT,
  QUEUE_BOT,
  ASK_BOT,
  botFiles,
  endsBotFiles,
  tokenBotFiles,
  ownAction,
  requireBotFiles,
  queueBotFiles,
  askBotFiles
}
