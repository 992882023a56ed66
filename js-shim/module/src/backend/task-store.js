'use strict'
// The robots' questions, in Botpress's own database (bp.database: SQLite by default,
// PostgreSQL in a cluster), so every server and a restarted one see them: one row per
// Action Center task the module has seen, keyed by the task's GUID. Nothing secret in it
// (the question's token stays in Orchestrator). Every step that must happen once is one
// INSERT or one conditional UPDATE that exactly one server wins, before anything is sent:
//
//   asked (the module asks) | flow (a uipath-task event goes to the flow), claimed by the
//   INSERT before the question is sent, so that an answer at once finds it
//   asked → answering (an answer was taken) → done | closed | failed
//   asked → left (asked too often) | closed (completed elsewhere) | expired
//   refused: a task whose data does not verify, logged once and never asked.

const TABLE = 'uipath_tasks'
const OPEN = ['asked', 'flow', 'answering']

function createTaskStore (db) {
  const table = () => db(TABLE)
  const isDuplicate = (err) => /unique|duplicate/i.test(String(err && (err.code || '') + ' ' + err.message))
  const won = (n) => Number(n) === 1

  async function insert (row) {
    try {
      await table().insert(row)
      return true
    } catch (err) {
      if (isDuplicate(err)) return false
      throw err
    }
  }

  return {
    async createTable () {
      const define = (t) => {
        t.string('task_key', 64).primary()
        t.bigInteger('task_id').notNullable()
        t.string('bot_id', 255).notNullable()
        t.string('target', 255)
        t.string('conversation', 1024)
        t.text('question')
        t.string('state', 16).notNullable()
        t.integer('asked_again').notNullable().defaultTo(0)
        t.text('answer')
        t.string('answered_at', 40)
        t.string('claimed_by', 64)
        t.bigInteger('created_at').notNullable()
        t.bigInteger('updated_at').notNullable()
        t.bigInteger('expires_at').notNullable()
        t.index(['state'], TABLE + '_state')
        t.index(['conversation', 'state'], TABLE + '_conversation')
      }
      try {
        if (typeof db.createTableIfNotExists === 'function') await db.createTableIfNotExists(TABLE, define)
        else if (!(await db.schema.hasTable(TABLE))) await db.schema.createTable(TABLE, define)
      } catch (err) {
        if (!(await db.schema.hasTable(TABLE))) throw err
      }
    },

    /** Every task key with a row: the core does not read those again. */
    async knownKeys () {
      return (await table().select('task_key')).map((r) => r.task_key)
    },

    /** The rows still open: `{ taskKey, botId, state }`. */
    async held () {
      const rows = await table().whereIn('state', OPEN).select('task_key', 'bot_id', 'state')
      return rows.map((r) => ({ taskKey: r.task_key, botId: r.bot_id, state: r.state }))
    },

    /** Claims a question for `owner` in `state` (asked, flow): true for exactly one server. */
    claimQuestion (q, conversation, state, owner, now) {
      return insert({
        task_key: q.taskKey, task_id: q.taskId, bot_id: q.botId, target: q.target, conversation: conversation,
        question: JSON.stringify(q), state: state, claimed_by: owner, created_at: now, updated_at: now, expires_at: q.expiresAtMs
      })
    },

    /** Remembers a task that is never asked: true for the one server that logs it. */
    refuse (r, now, keepMs) {
      return insert({ task_key: r.taskKey, task_id: r.taskId, bot_id: r.botId, state: 'refused', created_at: now, updated_at: now, expires_at: now + keepMs })
    },

    /** Gives a claimed question back after its sending failed: the next round asks again. */
    async release (key, owner) {
      await table().where({ task_key: key, claimed_by: owner, asked_again: 0 }).whereIn('state', ['asked', 'flow']).del()
    },

    /** Moves a row from `from` to `to` (and `extra` columns): true for the one that did it. */
    async move (key, from, to, now, extra) {
      const n = await table().where({ task_key: key, state: from }).update(Object.assign({ state: to, updated_at: now }, extra || {}))
      return won(n)
    },

    /** The questions asked in a conversation and not answered, oldest first. */
    async askedIn (conversation) {
      return table().where({ conversation: conversation, state: 'asked' }).orderBy('created_at', 'asc')
    },

    /** Takes the answer: true for the one server that completes the task. */
    async takeAnswer (key, askedAgain, answer, answeredAt, owner, now) {
      const n = await table().where({ task_key: key, state: 'asked', asked_again: askedAgain })
        .update({ state: 'answering', answer: answer, answered_at: answeredAt, claimed_by: owner, updated_at: now })
      return won(n)
    },

    /** Counts one more asking: true for the one server that asks again. */
    async askAgain (key, askedAgain, now) {
      const n = await table().where({ task_key: key, state: 'asked', asked_again: askedAgain })
        .update({ asked_again: askedAgain + 1, updated_at: now })
      return won(n)
    },

    /** Completions that have waited since before `before`: the round retries them. */
    async waitingCompletions (before) {
      return table().where('state', 'answering').where('updated_at', '<', before)
    },

    /** Claims a retry of a completion: true for one server. */
    async claimRetry (key, updatedAt, owner, now) {
      const n = await table().where({ task_key: key, state: 'answering', updated_at: updatedAt })
        .update({ claimed_by: owner, updated_at: now })
      return won(n)
    },

    /** Open questions whose token has expired. */
    async expiredOpen (now) {
      return table().whereIn('state', ['asked', 'flow']).where('expires_at', '<=', now)
    },

    /** Where questions are open: `botId target` of every asked row. */
    async openTargets () {
      const rows = await table().where('state', 'asked').distinct('bot_id', 'target')
      return rows.map((r) => r.bot_id + ' ' + r.target)
    },

    /** Forgets rows a day past their expiry. */
    async forget (now) {
      return table().where('expires_at', '<', now - 86400000).del()
    },

    async get (key) {
      return table().where('task_key', key).first()
    }
  }
}

module.exports = { createTaskStore, TABLE }
