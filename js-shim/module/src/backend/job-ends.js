'use strict'
// Hearing every job's end (API.md, "Hearing back when a job ends, without the robot's
// help"): the tracker startUiPathJob hands its jobs to, Orchestrator's webhook, the poller
// behind it, and the delivery into the conversation that started the job, exactly once
// across the webhook, its repeats, the pollers of every server and restarts. The rules
// (signature, payloads, batching, the event and its text) are the core's; this file holds
// the database and the timer.

const os = require('os')

const { core, globalConfig, randomHex, sourceOf, send, readBody } = require('./http-kit')
const { createStore } = require('./job-store')

const TRACKER = Symbol.for('botpress-uipath/job-tracker')
// Rows one poll round reads at most; the rest wait for the next round.
const ROUND_LIMIT = 5000
// Deliveries in flight at once.
const CONCURRENCY = 16

/**
 * The job-end machinery of one server: `start()` in onServerStarted, `stop()` in
 * onModuleUnmount; `webhook(req, res, id)` is the route; `pollOnce()` one poll round.
 */
function createJobEnds (bp) {
  const owner = os.hostname().slice(0, 20) + ':' + process.pid + ':' + randomHex(6)
  const log = (botId) => bp.logger.forBot(botId || 'global')
  let store = null
  let timer = null
  let stopped = false
  let round = null
  let tracker = null

  async function settings () {
    return core.jobEndSettings(await globalConfig(bp))
  }

  async function start () {
    if (!bp.database) {
      log().warn('[uipath] bp.database is not available: job ends are not tracked (the webhook and the poller are off)')
      return
    }
    try {
      const created = createStore(bp.database)
      await created.createTable()
      store = created
    } catch (err) {
      log().error('[uipath] could not create the job table, so job ends are not tracked: ' + err.message)
      return
    }
    tracker = async (jobs) => {
      if (!Array.isArray(jobs) || jobs.length === 0) return
      const config = await bp.config.getModuleConfigForBot('uipath', jobs[0].botId)
      const s = core.jobEndSettings(config)
      await store.track(jobs, Date.now(), s.trackForMs)
    }
    globalThis[TRACKER] = tracker
    stopped = false
    schedule()
  }

  async function stop () {
    stopped = true
    clearTimeout(timer)
    timer = null
    if (globalThis[TRACKER] === tracker) delete globalThis[TRACKER]
    if (round) await round.catch(() => {})
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
   * Delivers one end, if this server wins its claim (`job` null: read after the claim):
   * the event, then the text. A failed event gives the claim back (a later poll
   * retries); once the event is sent the job is never delivered again, whatever happens.
   */
  async function deliver (job, end, via) {
    if (!(await store.claim(end.jobKey, owner, end.state, Date.now()))) return false
    let delivery
    try {
      job = job || await store.get(end.jobKey)
      const config = await bp.config.getModuleConfigForBot('uipath', job.botId)
      delivery = core.jobEndDelivery({ config: config, job: job, end: end })
      await bp.events.sendEvent(bp.IO.Event(delivery.event))
    } catch (err) {
      await store.release(end.jobKey, owner).catch(() => {})
      log(job && job.botId).warn('[uipath] could not deliver the end of job ' + end.jobId + ' (' + err.message + '); the next poll tries again')
      return false
    }
    if (delivery.message) {
      try {
        await bp.events.replyToEvent(delivery.destination, [delivery.message])
      } catch (err) {
        log(job.botId).warn('[uipath] job ' + job.jobId + ': the event was delivered, its message was not: ' + err.message)
      }
    }
    log(job.botId).info('[uipath] job ' + job.jobId + ' ' + end.state + ': delivered to the conversation (' + via + ')')
    return true
  }

  /**
   * `POST …/mod/uipath/webhook`: verified by the core, which answers the jobs the event
   * names (id and key, nothing else). A webhook is a signal: each of those that is
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
    if (answer.status === 200 && store && answer.jobs.length > 0) {
      const delivered = await readAndDeliver(answer.jobs)
      answer.body = Object.assign({}, answer.body, { delivered: delivered })
    }
    if (read.tooLarge || read.timedOut) res.set('Connection', 'close')
    send(bp, req, res, answer)
  }

  /** The signalled jobs that are tracked and open, read per bot; each end found delivered. */
  async function readAndDeliver (signals) {
    const rows = await store.pending(signals.map((s) => s.jobKey))
    // The id must match too: a key alone is not enough to name a tracked job.
    const named = rows.filter((row) => signals.some((s) => s.jobKey === row.jobKey && s.jobId === row.jobId))
    let delivered = 0
    for (const [botId, list] of byBotOf(named)) {
      let result
      try {
        const config = await bp.config.getModuleConfigForBot('uipath', botId)
        result = await core.readSignalledJobs({ config: config, jobs: list })
      } catch (err) {
        log(botId).warn('[uipath] webhook: could not read ' + list.length + ' job(s) from Orchestrator: ' + err.message + '; the poller tries again')
        continue
      }
      for (const line of result.errors.concat(result.warnings)) log(botId).warn('[uipath] webhook: ' + line)
      if (result.skipped.length > 0) {
        log(botId).warn('[uipath] webhook: ' + result.skipped.length + ' job(s) run on another Orchestrator than the bot\'s module config, so their end cannot be read and is not delivered')
      }
      const byKey = new Map(list.map((j) => [j.jobKey, j]))
      for (const end of result.ends) {
        if (byKey.has(end.jobKey) && await deliver(byKey.get(end.jobKey), end, 'webhook')) delivered++
      }
    }
    return delivered
  }

  /**
   * One poll round: the open jobs, per bot, read in batches by the core; ends delivered.
   * With `bp.distributed` (Redis in a cluster, a local lock otherwise) one server polls
   * per interval: the round's lock is held for the interval and not given back, so the
   * other servers' timers find it taken. Without it every server polls, and the claim
   * still delivers each end once.
   */
  function pollOnce () {
    if (!store) return Promise.resolve({ delivered: 0 })
    if (round) return round
    round = (async () => {
      if (!(await takeRound())) return { delivered: 0, open: 0, skipped: true }
      const now = Date.now()
      await store.expire(now)
      const jobs = await store.open(now, ROUND_LIMIT)
      let delivered = 0
      for (const [botId, list] of byBotOf(jobs)) delivered += await pollBot(botId, list)
      return { delivered: delivered, open: jobs.length }
    })().finally(() => { round = null })
    return round
  }

  /** Whether this server polls this interval (always, without bp.distributed). */
  async function takeRound () {
    const distributed = bp.distributed
    if (!distributed || typeof distributed.acquireLock !== 'function') return true
    const s = await settings()
    const hold = Math.max(500, (s.pollIntervalMs || 30000) - 1000)
    return Boolean(await distributed.acquireLock('uipath/job-ends/poll', hold))
  }

  async function pollBot (botId, list) {
    let result
    try {
      const config = await bp.config.getModuleConfigForBot('uipath', botId)
      result = await core.pollJobs({ config: config, jobs: list })
    } catch (err) {
      log(botId).warn('[uipath] could not poll ' + list.length + ' tracked job(s): ' + err.message)
      return 0
    }
    for (const line of result.errors.concat(result.warnings)) log(botId).warn('[uipath] poll: ' + line)
    const byKey = new Map(list.map((j) => [j.jobKey, j]))
    const ends = result.ends.filter((e) => byKey.has(e.jobKey))
    let delivered = 0
    await inBatches(ends, CONCURRENCY, async (end) => {
      try {
        if (await deliver(byKey.get(end.jobKey), end, 'poll')) delivered++
      } catch (err) {
        log(botId).warn('[uipath] job ' + end.jobId + ': ' + err.message + '; the next poll tries again')
      }
    })
    return delivered
  }

  return { start, stop, webhook, pollOnce, deliver, owner: owner }
}

/** Jobs grouped by their bot, in a Map. */
function byBotOf (jobs) {
  const byBot = new Map()
  for (const job of jobs) {
    if (!byBot.has(job.botId)) byBot.set(job.botId, [])
    byBot.get(job.botId).push(job)
  }
  return byBot
}

async function inBatches (items, size, fn) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn))
  }
}

module.exports = { createJobEnds, TRACKER }
