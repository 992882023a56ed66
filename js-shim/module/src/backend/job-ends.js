'use strict'
// Hearing every job's and queue item's end (API.md, "Hearing back when a job ends,
// without the robot's help", "Queue items"): the trackers startUiPathJob and
// addUiPathQueueItem hand their rows to, Orchestrator's webhook, the poller behind it, and
// the delivery into the conversation that started the work, exactly once across the
// webhook, its repeats, the pollers of every server and restarts. The rules (signature,
// payloads, batching, the budget, the event and its text) are the core's; this file holds
// the database and the timer.

const os = require('os')

const { core, globalConfig, randomHex, sourceOf, send, readBody } = require('./http-kit')
const { createStore } = require('./job-store')
const { createLeases } = require('./lease')

// Rows one poll round reads at most per kind; the rest wait for the next round.
const ROUND_LIMIT = 5000
// The lease one server of a cluster holds for a poll round, and how long a round may hold
// it before another server may take it (a server that died in its round).
const ROUND_LEASE = 'uipath/job-ends/poll'
const ROUND_HOLD_MS = 120000
// Deliveries in flight at once.
const CONCURRENCY = 16

// What differs between a job and a queue item on its way to the conversation.
const KINDS = {
  job: {
    tracker: Symbol.for('botpress-uipath/job-tracker'),
    label: 'job',
    keyOf: (x) => x.jobKey,
    idOf: (x) => x.jobId,
    stateOf: (end) => end.state,
    signals: (answer) => (answer.jobs || []).map((s) => ({ key: s.jobKey, id: s.jobId })),
    poll: (input) => core.pollJobs(input),
    readSignalled: (input) => core.readSignalledJobs(input),
    delivery: (config, row, end) => core.jobEndDelivery({ config: config, job: row, end: end }),
    rowsInput: (config, rows) => ({ config: config, jobs: rows })
  },
  queueItem: {
    tracker: Symbol.for('botpress-uipath/queue-item-tracker'),
    label: 'queue item',
    keyOf: (x) => x.itemKey || x.queueItemKey,
    idOf: (x) => (x.itemId !== undefined ? x.itemId : x.queueItemId),
    stateOf: (end) => end.status,
    signals: (answer) => (answer.queueItems || []).map((s) => ({ key: s.queueItemKey, id: s.queueItemId })),
    poll: (input) => core.pollQueueItems(input),
    readSignalled: (input) => core.readSignalledQueueItems(input),
    delivery: (config, row, end) => core.queueItemEndDelivery({ config: config, item: row, end: end }),
    rowsInput: (config, rows) => ({ config: config, items: rows })
  }
}

/**
 * The end machinery of one server: `start()` in onServerStarted, `stop()` in
 * onModuleUnmount; `webhook(req, res, id)` is the route; `pollOnce()` one poll round.
 */
function createJobEnds (bp) {
  const owner = os.hostname().slice(0, 20) + ':' + process.pid + ':' + randomHex(6)
  const log = (botId) => bp.logger.forBot(botId || 'global')
  const stores = {}
  const trackers = {}
  let timer = null
  let stopped = false
  let round = null
  let roundNumber = 0
  let leases = null

  async function settings () {
    return core.jobEndSettings(await globalConfig(bp))
  }

  async function start () {
    if (!bp.database) {
      log().warn('[uipath] bp.database is not available: job and queue item ends are not tracked (the webhook and the poller are off)')
      return
    }
    try {
      const created = createLeases(bp.database)
      await created.createTable()
      leases = created
    } catch (err) {
      log().warn('[uipath] could not create the lease table, so every server polls: ' + err.message)
    }
    for (const [kind, k] of Object.entries(KINDS)) {
      try {
        const created = createStore(bp.database, kind)
        await created.createTable()
        stores[kind] = created
      } catch (err) {
        log().error('[uipath] could not create the ' + k.label + ' table, so ' + k.label + ' ends are not tracked: ' + err.message)
        continue
      }
      trackers[kind] = async (rows) => {
        if (!Array.isArray(rows) || rows.length === 0) return
        const config = await bp.config.getModuleConfigForBot('uipath', rows[0].botId)
        await stores[kind].track(rows, Date.now(), core.jobEndSettings(config).trackForMs)
      }
      globalThis[k.tracker] = trackers[kind]
    }
    stopped = false
    schedule()
  }

  async function stop () {
    stopped = true
    clearTimeout(timer)
    timer = null
    for (const [kind, k] of Object.entries(KINDS)) {
      if (trackers[kind] && globalThis[k.tracker] === trackers[kind]) delete globalThis[k.tracker]
    }
    if (round) await round.catch(() => {})
    if (leases) await leases.release(ROUND_LEASE, owner).catch(() => {})
  }

  function schedule () {
    settings().then((s) => {
      if (stopped || s.pollIntervalMs === null) return
      timer = setTimeout(() => pollOnce().catch((err) => {
        log().warn('[uipath] poll round failed: ' + err.message)
      }).then(schedule), s.pollIntervalMs)
      if (timer.unref) timer.unref()
    }).catch((err) => log().error('[uipath] job-end settings: ' + err.message))
  }

  /**
   * Delivers one end, if this server wins its claim: the event, then the text. A failed
   * event gives the claim back (a later poll retries); once the event is sent the end is
   * never delivered again, whatever happens.
   */
  async function deliver (kind, row, end, via) {
    const k = KINDS[kind]
    const store = stores[kind]
    const key = k.keyOf(end)
    if (!(await store.claim(key, owner, k.stateOf(end), Date.now()))) return false
    let delivery
    try {
      row = row || await store.get(key)
      const config = await bp.config.getModuleConfigForBot('uipath', row.botId)
      delivery = k.delivery(config, row, end)
      await bp.events.sendEvent(bp.IO.Event(delivery.event))
    } catch (err) {
      await store.release(key, owner).catch(() => {})
      log(row && row.botId).warn('[uipath] could not deliver the end of ' + k.label + ' ' + k.idOf(end) + ' (' + err.message + '); the next poll tries again')
      return false
    }
    if (delivery.message) {
      try {
        await bp.events.replyToEvent(delivery.destination, [delivery.message])
      } catch (err) {
        log(row.botId).warn('[uipath] ' + k.label + ' ' + k.idOf(row) + ': the event was delivered, its message was not: ' + err.message)
      }
    }
    log(row.botId).info('[uipath] ' + k.label + ' ' + k.idOf(row) + ' ' + k.stateOf(end) + ': delivered to the conversation (' + via + ')')
    return true
  }

  /**
   * `POST …/mod/uipath/webhook`: verified by the core, which answers the jobs and queue
   * items the event names (id and key, nothing else). A webhook is a signal: each that is
   * tracked and not delivered is read from Orchestrator with its bot's own connection,
   * and only an end found there is delivered.
   */
  async function webhook (req, res, id) {
    const config = await globalConfig(bp)
    const limits = core.routeSettings(config)
    const read = await readBody(req, limits.maxBodyBytes, limits.bodyTimeoutMs)
    const answer = core.checkWebhook(Object.assign({
      config: config,
      signature: req.headers['x-uipath-signature'],
      contentType: req.headers['content-type'],
      now: Date.now(),
      requestId: id,
      source: sourceOf(req)
    }, read))
    if (answer.status === 200) {
      let delivered = 0
      for (const kind of Object.keys(KINDS)) {
        const signals = KINDS[kind].signals(answer)
        if (stores[kind] && signals.length > 0) delivered += await readAndDeliver(kind, signals)
      }
      answer.body = Object.assign({}, answer.body, { delivered: delivered })
    }
    if (read.tooLarge || read.timedOut) res.set('Connection', 'close')
    send(bp, req, res, { status: answer.status, body: answer.body, log: answer.log })
  }

  /** The signalled rows that are tracked and open, read per bot; each end found delivered. */
  async function readAndDeliver (kind, signals) {
    const k = KINDS[kind]
    const rows = await stores[kind].pending(signals.map((s) => s.key))
    // A job's id must match too: a key alone does not name a tracked job. A queue
    // item's retries have ids of their own, so its key names it.
    const named = rows.filter((row) => signals.some((s) => s.key === k.keyOf(row) && (kind !== 'job' || s.id === k.idOf(row))))
    let delivered = 0
    for (const [botId, list] of byBotOf(named)) {
      let result
      try {
        const config = await bp.config.getModuleConfigForBot('uipath', botId)
        result = await k.readSignalled(k.rowsInput(config, list))
      } catch (err) {
        log(botId).warn('[uipath] webhook: could not read ' + list.length + ' ' + k.label + '(s) from Orchestrator: ' + err.message + '; the poller tries again')
        continue
      }
      for (const line of result.errors.concat(result.warnings)) log(botId).warn('[uipath] webhook: ' + line)
      if (result.skipped.length > 0) {
        log(botId).warn('[uipath] webhook: ' + result.skipped.length + ' ' + k.label + '(s) on another Orchestrator than the bot\'s module config: their end cannot be read and is not delivered')
      }
      const byKey = new Map(list.map((row) => [k.keyOf(row), row]))
      for (const end of result.ends) {
        const row = byKey.get(k.keyOf(end))
        if (row && await deliver(kind, row, end, 'webhook')) delivered++
      }
    }
    return delivered
  }

  /**
   * One poll round: the open jobs and queue items, per bot, read in batches by the core
   * within the tenant's pollBudget; ends delivered. One server of a cluster polls per
   * interval: the round's lease (in the database every server shares) is held through
   * the round and an interval after it, so the other servers' timers find it taken; the
   * claim delivers each end once whoever reads it.
   */
  function pollOnce () {
    if (Object.keys(stores).length === 0) return Promise.resolve({ delivered: 0 })
    if (round) return round
    round = (async () => {
      const started = Date.now()
      const interval = await takeRound(started)
      if (interval === null) return { delivered: 0, open: 0, skipped: true }
      let waitMs = 0
      try {
        return await pollRound(started, (ms) => { waitMs = Math.max(waitMs, ms) })
      } finally {
        // Held through the round, then for an interval after its end (or past a 429's
        // Retry-After), as this server's own timer waits: whichever server polls next,
        // an interval lies between one round's last read and the next one's first, and
        // nobody reads while Orchestrator asked to wait.
        if (leases) await leases.holdUntil(ROUND_LEASE, owner, Date.now() + Math.max(waitMs, interval)).catch(() => {})
      }
    })().finally(() => { round = null })
    return round
  }

  /** A round's work: `rateLimited(ms)` hears of a 429 whose Retry-After outlasts the round. */
  async function pollRound (started, rateLimited) {
    const now = started
    let delivered = 0
    let open = 0
    let deferred = 0
    // Jobs and items share a tenant's budget: each kind goes first every other round,
    // so neither waits for the other's backlog.
    const kinds = Object.keys(KINDS)
    if (roundNumber++ % 2 === 1) kinds.reverse()
    for (const kind of kinds) {
      const store = stores[kind]
      if (!store) continue
      await store.expire(now)
      const rows = await store.open(now, ROUND_LIMIT)
      open += rows.length
      for (const [botId, list] of byBotOf(rows)) {
        const polled = await pollBot(kind, botId, list)
        delivered += polled.delivered
        deferred += polled.deferred
        if (polled.rateLimitedMs) rateLimited(polled.rateLimitedMs)
      }
    }
    return { delivered: delivered, open: open, deferred: deferred }
  }

  /**
   * Whether this server polls this interval: it holds the round's lease in the shared
   * database (one server of a cluster at a time, CE or Pro), or there is no lease table.
   * The interval, or null when another server holds the lease.
   */
  async function takeRound (now) {
    const s = await settings()
    const interval = s.pollIntervalMs || 30000
    if (!leases) return interval
    // Held while the round runs (at most ROUND_HOLD_MS, should this server die in it);
    // its holder takes it again for its next round.
    return (await leases.take(ROUND_LEASE, owner, interval + ROUND_HOLD_MS, now)) ? interval : null
  }

  async function pollBot (kind, botId, list) {
    const k = KINDS[kind]
    let result
    try {
      const config = await bp.config.getModuleConfigForBot('uipath', botId)
      result = await k.poll(k.rowsInput(config, list))
    } catch (err) {
      log(botId).warn('[uipath] could not poll ' + list.length + ' tracked ' + k.label + '(s): ' + err.message)
      return { delivered: 0, deferred: 0 }
    }
    for (const line of result.errors.concat(result.warnings)) log(botId).warn('[uipath] poll: ' + line)
    // What was read is polled; what the budget left keeps its place at the front.
    const read = result.running.concat(result.missing, result.ends.map(k.keyOf))
    await stores[kind].polled(read, Date.now()).catch(() => {})
    const byKey = new Map(list.map((row) => [k.keyOf(row), row]))
    const ends = result.ends.filter((e) => byKey.has(k.keyOf(e)))
    let delivered = 0
    await inBatches(ends, CONCURRENCY, async (end) => {
      try {
        if (await deliver(kind, byKey.get(k.keyOf(end)), end, 'poll')) delivered++
      } catch (err) {
        log(botId).warn('[uipath] ' + k.label + ' ' + k.idOf(end) + ': ' + err.message + '; the next poll tries again')
      }
    })
    return { delivered: delivered, deferred: result.deferred.length, rateLimitedMs: result.rateLimitedMs }
  }

  /** Whether a job this bot started for `target`, tracked and not ended, was given token `tokenId`. */
  async function liveToken (tokenId, botId, target) {
    return Boolean(stores.job) && stores.job.liveToken(tokenId, botId, target)
  }

  return { start, stop, webhook, pollOnce, deliver, liveToken, owner: owner, get leases () { return leases } }
}

/** Rows grouped by their bot, in a Map. */
function byBotOf (rows) {
  const byBot = new Map()
  for (const row of rows) {
    if (!byBot.has(row.botId)) byBot.set(row.botId, [])
    byBot.get(row.botId).push(row)
  }
  return byBot
}

async function inBatches (items, size, fn) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn))
  }
}

module.exports = { createJobEnds, TRACKER: KINDS.job.tracker, ITEM_TRACKER: KINDS.queueItem.tracker }
