'use strict'
// The tracked jobs, in Botpress's own database (bp.database: Knex over SQLite by default,
// PostgreSQL in a cluster), so every server of a cluster and a restarted server see them.
// One row per job, keyed by its GUID; nothing secret in it. A delivery is claimed by a
// conditional UPDATE that exactly one server wins, before anything is sent.

const TABLE = 'uipath_jobs'

// Columns ↔ the core's TrackedJob fields.
const FIELDS = {
  bot_id: 'botId',
  channel: 'channel',
  target: 'target',
  thread_id: 'threadId',
  job_id: 'jobId',
  job_key: 'jobKey',
  folder: 'folder',
  orchestrator: 'orchestrator',
  pollable: 'pollable',
  reference: 'reference',
  process_key: 'processKey'
}

/** Creates the table and its indexes once; a second server doing the same is not an error. */
async function createTable (db) {
  const define = (t) => {
    t.string('job_key', 64).primary()
    t.string('bot_id', 255).notNullable()
    t.bigInteger('job_id').notNullable()
    t.string('channel', 255).notNullable()
    t.string('target', 255).notNullable()
    t.string('thread_id', 255)
    t.string('folder', 1024).notNullable()
    t.string('orchestrator', 2048).notNullable()
    t.boolean('pollable').notNullable()
    t.string('reference', 255).notNullable()
    t.string('process_key', 255).notNullable()
    t.bigInteger('created_at').notNullable()
    t.bigInteger('expires_at').notNullable()
    // Set, in one conditional UPDATE, by the one server that wins the delivery; cleared
    // again if its sending failed.
    t.string('claimed_by', 64)
    t.bigInteger('delivered_at')
    t.string('state', 32)
    t.index(['delivered_at', 'expires_at'], 'uipath_jobs_open')
    t.index(['expires_at'], 'uipath_jobs_expiry')
  }
  try {
    if (typeof db.createTableIfNotExists === 'function') await db.createTableIfNotExists(TABLE, define)
    else if (!(await db.schema.hasTable(TABLE))) await db.schema.createTable(TABLE, define)
  } catch (err) {
    // Two servers starting together: the loser's CREATE fails, the table is there.
    if (!(await db.schema.hasTable(TABLE))) throw err
  }
}

function toRow (job, now, trackForMs) {
  const row = { created_at: now, expires_at: now + trackForMs }
  for (const [column, field] of Object.entries(FIELDS)) row[column] = job[field] === undefined ? null : job[field]
  return row
}

function toJob (row) {
  const job = {}
  for (const [column, field] of Object.entries(FIELDS)) job[field] = row[column]
  job.jobId = Number(job.jobId)
  job.pollable = row.pollable === true || row.pollable === 1 || row.pollable === '1'
  if (job.threadId === null) delete job.threadId
  return job
}

const isDuplicate = (err) => /unique|duplicate/i.test(String(err && (err.code || '') + ' ' + err.message))

function createStore (db) {
  return {
    createTable: () => createTable(db),

    /** Remembers started jobs; the same job tracked twice stays one row. */
    async track (jobs, now, trackForMs) {
      for (const job of jobs) {
        try {
          await db(TABLE).insert(toRow(job, now, trackForMs))
        } catch (err) {
          if (!isDuplicate(err)) throw err
        }
      }
    },

    /** The tracked job with this GUID, or null. */
    async get (jobKey) {
      const row = await db(TABLE).where({ job_key: String(jobKey).toLowerCase() }).first()
      return row ? toJob(row) : null
    },

    /** The tracked jobs with these GUIDs that are not delivered yet. */
    async pending (jobKeys) {
      const keys = jobKeys.map((k) => String(k).toLowerCase())
      if (keys.length === 0) return []
      const rows = await db(TABLE).whereIn('job_key', keys).whereNull('delivered_at')
      return rows.map(toJob)
    },

    /** Jobs the poller should read: not delivered, pollable, not expired. */
    async open (now, limit) {
      const rows = await db(TABLE)
        .whereNull('delivered_at').where('pollable', true).where('expires_at', '>', now)
        .orderBy('created_at').limit(limit)
      return rows.map(toJob)
    },

    /**
     * Claims a job's delivery for `owner`, marking it delivered in the same statement:
     * true for exactly one caller, false for the others and for an untracked job.
     */
    async claim (jobKey, owner, state, now) {
      const n = await db(TABLE)
        .where({ job_key: String(jobKey).toLowerCase() }).whereNull('delivered_at')
        .update({ claimed_by: owner, delivered_at: now, state: state })
      return Number(n) === 1
    },

    /** Gives a claim back after a failed send, so that a later poll tries again. */
    async release (jobKey, owner) {
      await db(TABLE).where({ job_key: jobKey, claimed_by: owner })
        .update({ claimed_by: null, delivered_at: null, state: null })
    },

    /** Forgets jobs past their trackFor. */
    async expire (now) {
      return db(TABLE).where('expires_at', '<=', now).del()
    }
  }
}

module.exports = { createStore, TABLE }
