'use strict'
// The tracked jobs and queue items, in Botpress's own database (bp.database: Knex over
// SQLite by default, PostgreSQL in a cluster), so every server of a cluster and a
// restarted server see them. One row per job or item, keyed by its GUID; nothing secret
// in it. A delivery is claimed by a conditional UPDATE that exactly one server wins,
// before anything is sent. `polled_at` says when a poller last read a row: a round reads
// the least recently polled first, so what one round's budget leaves is read the next.

// A table per kind: its name, and its columns ↔ the core's row fields.
const KINDS = {
  job: {
    table: 'uipath_jobs',
    key: 'job_key',
    fields: {
      bot_id: 'botId', channel: 'channel', target: 'target', thread_id: 'threadId', job_id: 'jobId', job_key: 'jobKey',
      folder: 'folder', orchestrator: 'orchestrator', pollable: 'pollable', reference: 'reference', process_key: 'processKey',
      token_id: 'tokenId'
    },
    numbers: ['jobId'],
    define: (t) => {
      t.string('job_key', 64).primary()
      t.bigInteger('job_id').notNullable()
      t.string('process_key', 255).notNullable()
      // The jti of the callback token the job was given (a robot's question carries it).
      t.string('token_id', 64)
    },
    // Columns added after 0.1, each added to an older table.
    added: { token_id: (t) => t.string('token_id', 64) }
  },
  queueItem: {
    table: 'uipath_queue_items',
    key: 'item_key',
    fields: {
      bot_id: 'botId', channel: 'channel', target: 'target', thread_id: 'threadId', item_id: 'itemId', item_key: 'itemKey',
      queue_name: 'queueName', folder: 'folder', orchestrator: 'orchestrator', pollable: 'pollable', reference: 'reference'
    },
    numbers: ['itemId'],
    define: (t) => {
      t.string('item_key', 64).primary()
      t.bigInteger('item_id').notNullable()
      t.string('queue_name', 255).notNullable()
    }
  }
}

/** Creates a kind's table and indexes once (a second server doing the same is no error); adds the later columns to an older table. */
async function createTable (db, kind) {
  const k = KINDS[kind]
  const define = (t) => {
    k.define(t)
    t.string('bot_id', 255).notNullable()
    t.string('channel', 255).notNullable()
    t.string('target', 255).notNullable()
    t.string('thread_id', 255)
    t.string('folder', 1024).notNullable()
    t.string('orchestrator', 2048).notNullable()
    t.boolean('pollable').notNullable()
    t.string('reference', 255).notNullable()
    t.bigInteger('created_at').notNullable()
    t.bigInteger('expires_at').notNullable()
    t.bigInteger('polled_at')
    // Set, in one conditional UPDATE, by the one server that wins the delivery; cleared
    // again if its sending failed.
    t.string('claimed_by', 64)
    t.bigInteger('delivered_at')
    t.string('state', 32)
    t.index(['delivered_at', 'expires_at'], k.table + '_open')
    t.index(['expires_at'], k.table + '_expiry')
  }
  try {
    if (typeof db.createTableIfNotExists === 'function') await db.createTableIfNotExists(k.table, define)
    else if (!(await db.schema.hasTable(k.table))) await db.schema.createTable(k.table, define)
  } catch (err) {
    // Two servers starting together: the loser's CREATE fails, the table is there.
    if (!(await db.schema.hasTable(k.table))) throw err
  }
  const added = Object.assign({ polled_at: (t) => t.bigInteger('polled_at') }, k.added || {})
  for (const [column, add] of Object.entries(added)) {
    if (await db.schema.hasColumn(k.table, column)) continue
    try {
      await db.schema.alterTable(k.table, add)
    } catch (err) {
      if (!(await db.schema.hasColumn(k.table, column))) throw err
    }
  }
}

function createStore (db, kind) {
  const k = KINDS[kind]
  const table = () => db(k.table)
  const lower = (key) => String(key).toLowerCase()

  function toRow (row, now, trackForMs) {
    const out = { created_at: now, expires_at: now + trackForMs }
    for (const [column, field] of Object.entries(k.fields)) out[column] = row[field] === undefined ? null : row[field]
    return out
  }

  function fromRow (r) {
    const row = {}
    for (const [column, field] of Object.entries(k.fields)) row[field] = r[column]
    for (const n of k.numbers) row[n] = Number(row[n])
    row.pollable = r.pollable === true || r.pollable === 1 || r.pollable === '1'
    if (row.threadId === null) delete row.threadId
    return row
  }

  const isDuplicate = (err) => /unique|duplicate/i.test(String(err && (err.code || '') + ' ' + err.message))

  return {
    kind: kind,
    createTable: () => createTable(db, kind),

    /** Remembers rows; the same one tracked twice stays one row. */
    async track (rows, now, trackForMs) {
      for (const row of rows) {
        try {
          await table().insert(toRow(row, now, trackForMs))
        } catch (err) {
          if (!isDuplicate(err)) throw err
        }
      }
    },

    /** The tracked row with this GUID, or null. */
    async get (key) {
      const r = await table().where(k.key, lower(key)).first()
      return r ? fromRow(r) : null
    },

    /** The tracked rows with these GUIDs that are not delivered yet. */
    async pending (keys) {
      if (keys.length === 0) return []
      const rows = await table().whereIn(k.key, keys.map(lower)).whereNull('delivered_at')
      return rows.map(fromRow)
    },

    /** Rows the poller should read: not delivered, pollable, not expired; least recently polled first. */
    async open (now, limit) {
      const rows = await table()
        .whereNull('delivered_at').where('pollable', true).where('expires_at', '>', now)
        .orderByRaw('coalesce(polled_at, 0) asc, created_at asc').limit(limit)
      return rows.map(fromRow)
    },

    /**
     * Whether a tracked row that has not ended was given the callback token `tokenId`, in
     * bot `botId` and for user `target` (the jobs' table only).
     */
    async liveToken (tokenId, botId, target) {
      if (!k.fields.token_id || !tokenId) return false
      const r = await table().where({ token_id: tokenId, bot_id: botId, target: target }).whereNull('delivered_at').first()
      return Boolean(r)
    },

    /** Marks rows as read by a poll round. */
    async polled (keys, now) {
      for (let i = 0; i < keys.length; i += 500) {
        await table().whereIn(k.key, keys.slice(i, i + 500).map(lower)).update({ polled_at: now })
      }
    },

    /**
     * Claims a delivery for `owner`, marking it delivered in the same statement: true for
     * exactly one caller, false for the others and for an untracked row.
     */
    async claim (key, owner, state, now) {
      const n = await table().where(k.key, lower(key)).whereNull('delivered_at')
        .update({ claimed_by: owner, delivered_at: now, state: state })
      return Number(n) === 1
    },

    /** Gives a claim back after a failed send, so that a later poll tries again. */
    async release (key, owner) {
      await table().where(k.key, lower(key)).where('claimed_by', owner)
        .update({ claimed_by: null, delivered_at: null, state: null })
    },

    /** Forgets rows past their trackFor. */
    async expire (now) {
      return table().where('expires_at', '<=', now).del()
    }
  }
}

module.exports = { createStore, KINDS, TABLE: KINDS.job.table }
