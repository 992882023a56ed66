'use strict'
// Leases in Botpress's own database, so that one server of several does a piece of work
// per interval: Botpress CE's bp.distributed locks are in-process only (Redis locks across
// servers are a Pro feature), while every server of a cluster shares the database. A
// lease is a row (name, owner, until) taken by an INSERT or a conditional UPDATE that one
// server wins; its owner may take it again before it runs out.

const TABLE = 'uipath_leases'

function createLeases (db) {
  const table = () => db(TABLE)
  const isDuplicate = (err) => /unique|duplicate/i.test(String(err && (err.code || '') + ' ' + err.message))

  return {
    async createTable () {
      const define = (t) => {
        t.string('name', 128).primary()
        t.string('owner', 64).notNullable()
        t.bigInteger('until').notNullable()
      }
      try {
        if (typeof db.createTableIfNotExists === 'function') await db.createTableIfNotExists(TABLE, define)
        else if (!(await db.schema.hasTable(TABLE))) await db.schema.createTable(TABLE, define)
      } catch (err) {
        if (!(await db.schema.hasTable(TABLE))) throw err
      }
    },

    /** True when `owner` holds `name` for the next `ms`: it was free, run out, or its own. */
    async take (name, owner, ms, now) {
      const until = now + ms
      const n = await table().where('name', name)
        .andWhere((q) => q.where('until', '<=', now).orWhere('owner', owner))
        .update({ owner: owner, until: until })
      if (Number(n) === 1) return true
      try {
        await table().insert({ name: name, owner: owner, until: until })
        return true
      } catch (err) {
        if (isDuplicate(err)) return false
        throw err
      }
    },

    /** Sets when `owner`'s hold of `name` ends (a round that has finished). */
    async holdUntil (name, owner, until) {
      await table().where('name', name).where('owner', owner).update({ until: until })
    },

    /** Gives `name` back if `owner` holds it (a server that stops). */
    async release (name, owner) {
      await table().where('name', name).where('owner', owner).del()
    }
  }
}

module.exports = { createLeases, TABLE }
