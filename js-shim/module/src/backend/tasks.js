'use strict'
// A robot asks, the user answers in the conversation (API.md): the open Action Center
// tasks of the bots' catalogs, found by a poll round every taskPollInterval and at once
// on a robot's nudge; each asked once in its token's conversation; the user's next
// message there taken as the answer by an incoming middleware, so it never reaches the
// flows; the task completed once and the user told once. The rules (verifying a task's
// token, the question's form, matching an answer, the completion and its texts) are the
// core's; this file holds the database, the timers, the middleware and Botpress's calls.

const { core, globalConfig } = require('./http-kit')
const { createTaskStore } = require('./task-store')

const MIDDLEWARE = 'uipath.tasks'
const ROUND_LEASE = 'uipath/tasks/poll'
// How often every server reads where questions are open (an answer reaching a server
// that has not read it yet goes to the flows).
const OPEN_REFRESH_MS = 2000
// A completion that failed (network, 5xx) is tried again after this long.
const RETRY_AFTER_MS = 10000
// Nudges that come within this long of each other are looked at together.
const NUDGE_GATHER_MS = 50
// A task id a robot nudged about is not looked up again for this long (per server).
const NUDGE_REPEAT_MS = 60000
// The task ids one look by nudge names at most (the core's limit too).
const NUDGED_AT_ONCE = 20
// A refused task is remembered (and not logged again) this long.
const REFUSED_KEEP_MS = 86400000
// A task whose token no tracked job has is looked at again for three rounds (at least
// this long) before it is refused: a robot may create its task before the job's start
// has been written down.
const JOB_ROW_GRACE_MS = 5000

/**
 * The questions' machinery of one server: `start()` in onServerStarted, `stop()` on
 * unmount, `nudge({ botId, taskId })` from the callback route, `pollOnce()` one round;
 * `incoming` is the middleware's handler.
 */
function createTasks (bp, shared) {
  const owner = shared.owner
  const log = (botId) => bp.logger.forBot(botId || 'global')
  let store = null
  let timer = null
  let refresher = null
  let stopped = true
  let round = null
  let nudged = null
  // Robots' nudges not looked at yet (task id → bot id), and when each id was last nudged.
  const nudges = new Map()
  const nudgedAt = new Map()
  // `botId target` of the conversations with a question open: the middleware's only
  // cost for every other message.
  let openTargets = new Set()
  // Tasks whose token no tracked job has yet: when each was first seen.
  const unmatched = new Map()

  async function start () {
    if (!bp.database) return
    try {
      const created = createTaskStore(bp.database)
      await created.createTable()
      store = created
    } catch (err) {
      log().error('[uipath] could not create the task table, so robots\' questions are not asked: ' + err.message)
      return
    }
    stopped = false
    if (bp.events && typeof bp.events.registerMiddleware === 'function') {
      bp.events.registerMiddleware({
        name: MIDDLEWARE,
        direction: 'incoming',
        order: 1,
        description: 'Takes the answers to UiPath robots\' questions (Action Center tasks)',
        handler: incoming
      })
    }
    await refreshOpen().catch(() => {})
    refreshLater()
    schedule()
  }

  async function stop () {
    stopped = true
    clearTimeout(timer)
    clearTimeout(refresher)
    clearTimeout(nudged)
    if (bp.events && typeof bp.events.removeMiddleware === 'function') bp.events.removeMiddleware(MIDDLEWARE)
    if (round) await round.catch(() => {})
    if (shared.leases) await shared.leases.release(ROUND_LEASE, owner).catch(() => {})
  }

  async function intervalMs () {
    return core.taskSettings(await globalConfig(bp)).pollIntervalMs
  }

  function schedule () {
    intervalMs().then((ms) => {
      if (stopped || ms === null) return
      timer = setTimeout(() => pollOnce().catch((err) => log().warn('[uipath] task round failed: ' + err.message)).then(schedule), ms)
      if (timer.unref) timer.unref()
    }).catch((err) => log().error('[uipath] task settings: ' + err.message))
  }

  function refreshLater () {
    if (stopped) return
    refresher = setTimeout(() => refreshOpen().catch(() => {}).then(refreshLater), OPEN_REFRESH_MS)
    if (refresher.unref) refresher.unref()
  }

  async function refreshOpen () {
    if (store) openTargets = new Set(await store.openTargets())
  }

  /**
   * A robot's nudge: a look for the task it named, now, on this server (the claims keep
   * every step once). One look for the nudges of 50 ms; a task id nudged again within a
   * minute costs nothing.
   */
  function nudge (n) {
    if (stopped || !n || !(n.taskId > 0)) return
    const now = Date.now()
    if (now - (nudgedAt.get(n.taskId) || -Infinity) < NUDGE_REPEAT_MS) return
    nudgedAt.delete(n.taskId)
    nudgedAt.set(n.taskId, now)
    if (nudgedAt.size > 1000) nudgedAt.delete(nudgedAt.keys().next().value)
    nudges.set(n.taskId, n.botId)
    if (nudged) return
    nudged = setTimeout(() => {
      nudged = null
      lookNudged().catch((err) => log().warn('[uipath] task look failed: ' + err.message))
    }, NUDGE_GATHER_MS)
  }

  /** The nudged tasks, per bot, after any round under way. */
  async function lookNudged () {
    while (!stopped && nudges.size > 0) {
      const byBot = new Map()
      for (const [taskId, botId] of nudges) byBot.set(botId, (byBot.get(botId) || []).concat(taskId))
      nudges.clear()
      for (const [botId, ids] of byBot) {
        for (let i = 0; i < ids.length; i += NUDGED_AT_ONCE) {
          while (round) await round.catch(() => {})
          await pollOnce({ nudged: { botId: botId, taskIds: ids.slice(i, i + NUDGED_AT_ONCE) } })
        }
      }
    }
  }

  /** The bots and module configs that read tasks. */
  async function botConfigs () {
    const ids = bp.bots && typeof bp.bots.getAllBots === 'function' ? Array.from((await bp.bots.getAllBots()).keys()) : []
    const out = []
    for (const botId of ids) {
      const config = await bp.config.getModuleConfigForBot('uipath', botId)
      try {
        if (core.taskSettings(config).catalog) out.push({ botId: botId, config: config })
      } catch (err) {
        logOnce(botId, 'tasks are not read: ' + err.message)
      }
    }
    return out
  }

  const logged = new Map()
  function logOnce (botId, line) {
    if (logged.get(botId) === line) return
    logged.set(botId, line)
    log(botId).warn('[uipath] ' + line)
  }

  /**
   * One round: the open tasks of every bot's catalog (one read per Orchestrator,
   * credentials and catalog, and one per task not seen before), each new one asked or
   * refused once; questions completed elsewhere closed, stale completions retried,
   * expired ones dropped. One server per interval (the lease), held past a 429's wait.
   * `{ nudged: { botId, taskIds } }`: only those tasks, looked up here and now, within
   * the tenant's poll budget. `{ now: true }`: a whole round here, without the lease.
   */
  function pollOnce (options) {
    if (!store) return Promise.resolve({ asked: 0 })
    if (round) return round
    const nudgedLook = (options && options.nudged) || null
    round = (async () => {
      const now = Date.now()
      const ms = (await intervalMs()) || 10000
      if (!nudgedLook && !(options && options.now) && shared.leases) {
        if (!(await shared.leases.take(ROUND_LEASE, owner, ms, now))) return { asked: 0, skipped: true }
      }
      const bots = await botConfigs()
      const configs = new Map(bots.map((b) => [b.botId, b.config]))
      let asked = 0
      if (bots.length > 0) {
        const held = await store.held()
        const found = await core.findUiPathTasks({ bots: bots, known: await store.knownKeys(), open: held, nudged: nudgedLook, secret: await shared.secret(), now: now })
        if (found.rateLimitedMs && shared.leases) await shared.leases.holdUntil(ROUND_LEASE, owner, Date.now() + Math.max(found.rateLimitedMs, ms)).catch(() => {})
        for (const e of found.errors) logOnce(e.botId, e.line)
        for (const r of found.refused) {
          if (await store.refuse(r, now, REFUSED_KEEP_MS)) log(r.botId).warn('[uipath] ' + r.line)
        }
        for (const q of found.questions) {
          if (q.expiresAtMs > now && await ask(q, configs.get(q.botId), now)) asked++
        }
        const states = new Map(held.map((h) => [h.taskKey, h.state]))
        for (const key of found.closed) await closeElsewhere(key, states.get(key), configs)
      }
      if (!nudgedLook) {
        await retryCompletions(now, configs)
        await expire(now)
        await store.forget(now).catch(() => {})
      }
      await refreshOpen()
      return { asked: asked }
    })().finally(() => { round = null })
    return round
  }

  /**
   * Asks one question, if this server wins its claim (made before sending, so that an
   * answer at once finds it); a failed send gives it back.
   */
  async function ask (q, config, now) {
    // The token must be the one a job of this conversation was given, and that job still
    // running: a valid token of another conversation (from getBotpressToken, or of a job
    // that ended) in a task's data is never asked.
    if (!(await shared.liveToken(q.tokenId, q.botId, q.target))) {
      if (!unmatched.has(q.taskKey)) {
        if (unmatched.size >= 10000) unmatched.clear()
        unmatched.set(q.taskKey, now)
      }
      const grace = Math.max(JOB_ROW_GRACE_MS, 3 * ((await intervalMs()) || 0))
      if (now - unmatched.get(q.taskKey) < grace) return false
      unmatched.delete(q.taskKey)
      const line = 'task ' + q.taskId + ' is not asked: its botpressToken is not the callback token of a running job this bot started for that conversation'
      if (await store.refuse({ taskKey: q.taskKey, taskId: q.taskId, botId: q.botId }, now, REFUSED_KEEP_MS)) log(q.botId).warn('[uipath] ' + line)
      return false
    }
    unmatched.delete(q.taskKey)
    const delivery = core.taskQuestionDelivery({ config: config, question: q })
    const state = delivery.event ? 'flow' : 'asked'
    if (!(await store.claimQuestion(q, delivery.conversation, state, owner, Date.now()))) return false
    if (!delivery.event) openTargets.add(q.botId + ' ' + q.target)
    try {
      if (delivery.event) await bp.events.sendEvent(bp.IO.Event(delivery.event))
      else await bp.events.replyToEvent(delivery.destination, [delivery.message])
    } catch (err) {
      await store.release(q.taskKey, owner).catch(() => {})
      log(q.botId).warn('[uipath] task ' + q.taskId + ': the question could not be sent (' + err.message + '); the next round asks again')
      return false
    }
    log(q.botId).info('[uipath] task ' + q.taskId + ': ' + (delivery.event ? 'handed to the flow as a uipath-task event' : 'asked in the conversation'))
    return true
  }

  async function closeElsewhere (key, state, configs) {
    if (state !== 'asked' && state !== 'flow') return
    if (!(await store.move(key, state, 'closed', Date.now()))) return
    const row = await store.get(key)
    const q = JSON.parse(row.question)
    log(q.botId).info('[uipath] task ' + q.taskId + ' was completed elsewhere before the user answered')
    if (state === 'asked') await say(q, core.taskText({ config: configs.get(q.botId) || {}, question: q, name: 'answeredElsewhere' }))
  }

  async function retryCompletions (now, configs) {
    for (const row of await store.waitingCompletions(now - RETRY_AFTER_MS)) {
      if (!(await store.claimRetry(row.task_key, row.updated_at, owner, Date.now()))) continue
      const q = JSON.parse(row.question)
      const config = configs.get(q.botId) || await bp.config.getModuleConfigForBot('uipath', q.botId)
      await complete(q, config, row.answer, row.answered_at)
    }
  }

  async function expire (now) {
    for (const row of await store.expiredOpen(now)) {
      if (await store.move(row.task_key, row.state, 'expired', Date.now())) {
        log(row.bot_id).warn('[uipath] task ' + row.task_id + ': its botpressToken expired before the user answered; it is left for Action Center')
      }
    }
  }

  /** Completes a task with the answer taken; the one server that records the outcome tells the user. */
  async function complete (q, config, answer, answeredAt) {
    let result
    try {
      result = await core.completeTaskAnswer({ config: config, question: q, answer: answer, answeredAt: answeredAt })
    } catch (err) {
      log(q.botId).warn('[uipath] task ' + q.taskId + ': ' + err.message + '; the next round tries again')
      return
    }
    if (result.outcome === 'retry') {
      log(q.botId).warn('[uipath] ' + result.line)
      return
    }
    const to = { completed: 'done', elsewhere: 'closed', gone: 'closed', refused: 'failed' }[result.outcome]
    if (!(await store.move(q.taskKey, 'answering', to, Date.now()))) return
    const line = '[uipath] ' + result.line
    if (result.outcome === 'refused') log(q.botId).error(line)
    else log(q.botId).info(line)
    if (result.text) await say(q, result.text)
  }

  async function say (q, text) {
    try {
      await bp.events.replyToEvent(destinationOf(q), [{ type: 'text', text: text }])
    } catch (err) {
      log(q.botId).warn('[uipath] task ' + q.taskId + ': could not tell the user: ' + err.message)
    }
  }

  /** What the user sent: a typed text, or a clicked choice's value. */
  function said (event) {
    const p = event.payload || {}
    if (event.type === 'quick_reply' || event.type === 'postback') return typeof p.payload === 'string' ? p.payload : p.text
    if (event.type === 'text') return p.text
    return undefined
  }

  /** The incoming middleware: a user's message in a conversation with an open question. */
  function incoming (event, next) {
    const text = said(event)
    if (typeof text !== 'string' || !openTargets.has(event.botId + ' ' + event.target)) return next()
    answer(event, text).then((taken) => {
      if (!taken) return next()
      const flags = (bp.IO && bp.IO.WellKnownFlags) || {}
      for (const f of ['SKIP_DIALOG_ENGINE', 'SKIP_QNA_PROCESSING', 'SKIP_NATIVE_NLU']) {
        if (flags[f] && typeof event.setFlag === 'function') event.setFlag(flags[f], true)
      }
      next(undefined, true)
    }, (err) => {
      log(event.botId).warn('[uipath] an answer could not be taken: ' + err.message)
      next()
    })
  }

  /** Takes `text` as the answer to the conversation's oldest open question; false when there is none. */
  async function answer (event, text) {
    const rows = await store.askedIn(core.taskConversationKey(event))
    if (rows.length === 0) return false
    const row = rows[0]
    const q = JSON.parse(row.question)
    const config = await bp.config.getModuleConfigForBot('uipath', q.botId)
    const check = core.taskAnswer({ config: config, question: q, text: text, askedAgain: row.asked_again })
    const now = Date.now()
    if (check.kind === 'answer') {
      const at = new Date(now).toISOString()
      if (!(await store.takeAnswer(q.taskKey, row.asked_again, check.answer, at, owner, now))) return false
      openTargets.delete(q.botId + ' ' + q.target)
      complete(q, config, check.answer, at).catch((err) => log(q.botId).warn('[uipath] task ' + q.taskId + ': ' + err.message))
      return true
    }
    if (check.kind === 'again') {
      if (await store.askAgain(q.taskKey, row.asked_again, now)) await bp.events.replyToEvent(destinationOf(q), [check.message])
      return true
    }
    if (await store.move(q.taskKey, 'asked', 'left', now)) {
      log(q.botId).info('[uipath] task ' + q.taskId + ': no answer matched after asking three times; left for Action Center')
      await say(q, check.text)
    }
    return true
  }

  function destinationOf (q) {
    const d = { botId: q.botId, channel: q.channel, target: q.target }
    if (q.threadId) d.threadId = q.threadId
    return d
  }

  return { start, stop, nudge, pollOnce, incoming }
}

module.exports = { createTasks, MIDDLEWARE }
