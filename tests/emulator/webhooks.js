'use strict'
// The emulator's webhooks, as Orchestrator sends them (shared/uipath-api.md, UiPath's
// "Types of events"): when a job ends, a POST of `job.completed`, `job.faulted` or
// `job.stopped` to every registered URL, JSON body with `Type`, `EventId`, `Timestamp`,
// `Job` (Id, Key, State, Info, StartTime, EndTime, Release, Robot, Input/OutputArguments
// as objects or null), `TenantId`, `OrganizationUnitId`, `UserId`; header
// `X-UiPath-Signature` = base64 HMAC-SHA256 of the raw body under the webhook's secret.
// A failed call is not retried, as Orchestrator does not. `drop(n)` loses the next n calls
// (a network failure the module must recover from by polling).

const crypto = require('crypto')
const http = require('http')

const EVENT_OF = { Successful: 'job.completed', Faulted: 'job.faulted', Stopped: 'job.stopped' }

/** `opts.webhooks`: [{ url, secret, events? }]. Returns the emulator's webhook side. */
function webhooksOf (emu, opts) {
  const hooks = (opts.webhooks || []).slice()
  const calls = []
  let toDrop = 0
  let nextEventId = 300000000

  function payload (job) {
    const parse = (v) => {
      if (v === null || v === undefined || v === '') return null
      try { return typeof v === 'string' ? JSON.parse(v) : v } catch (e) { return null }
    }
    const release = (opts.releases || []).find((r) => r.Key === job.ReleaseKey) || {}
    return {
      Type: EVENT_OF[job.State],
      EventId: String(nextEventId++),
      Timestamp: new Date().toISOString(),
      Job: {
        Id: job.Id,
        Key: job.Key,
        State: job.State,
        StartTime: job.StartTime,
        EndTime: job.EndTime,
        Info: job.Info,
        Source: job.Source,
        SourceType: job.Source,
        ReleaseName: job.ReleaseName,
        Type: 'Unattended',
        Robot: { Id: 1, Name: 'emu-robot', MachineId: 1, MachineName: 'EMU-MACHINE', Type: 'Unattended' },
        Release: { Id: release.Id, Key: release.Key, ProcessKey: release.ProcessKey, ProcessVersion: release.ProcessVersion, Name: release.Name, IsLatestVersion: true, InputArguments: null },
        InputArguments: parse(job.InputArguments),
        OutputArguments: parse(job.OutputArguments)
      },
      TenantId: 1,
      OrganizationUnitId: job.OrganizationUnitId,
      UserId: 1
    }
  }

  function send (hook, event) {
    const body = Buffer.from(JSON.stringify(event))
    const signature = crypto.createHmac('sha256', Buffer.from(hook.secret, 'utf8')).update(body).digest('base64')
    const call = { at: Date.now(), url: hook.url, type: event.Type, jobId: event.Job && event.Job.Id, queueItemId: event.QueueItem ? event.QueueItem.Id : event.QueueItems && event.QueueItems[0].Id, status: null }
    calls.push(call)
    if (toDrop > 0) {
      toDrop--
      call.status = 'dropped'
      return Promise.resolve(call)
    }
    return new Promise((resolve) => {
      const req = http.request(hook.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'X-UiPath-Signature': signature, 'User-Agent': 'UiPath-Orchestrator-Webhooks' }
      }, (res) => {
        res.resume()
        res.on('end', () => { call.status = res.statusCode; call.doneAt = Date.now(); resolve(call) })
      })
      req.setTimeout(10000, () => req.destroy(new Error('timeout')))
      req.on('error', (e) => { call.status = 'error: ' + e.message; resolve(call) })
      req.end(body)
    })
  }

  /** Called by the jobs when one ends: one call per registered webhook. */
  function jobEnded (job) {
    const event = payload(job)
    if (!event.Type) return
    for (const hook of hooks) {
      if (hook.events && hook.events.indexOf(event.Type) < 0) continue
      const go = () => send(hook, event)
      if (opts.webhookDelayMs) setTimeout(go, opts.webhookDelayMs); else setImmediate(go)
    }
  }

  /** A queue item's event (UiPath's samples: `QueueItem` and `Queue` for the
   *  transaction events, `QueueItems` for added and abandoned). */
  function itemEvent (type, item) {
    const copy = Object.assign({}, item)
    const event = { Type: type, EventId: String(nextEventId++), Timestamp: new Date().toISOString(), TenantId: 1, OrganizationUnitId: item.OrganizationUnitId, UserId: 1 }
    if (type === 'queueItem.added' || type === 'queueItem.transactionAbandoned') event.QueueItems = [copy]
    else event.QueueItem = copy
    event.Queue = { Id: item.QueueDefinitionId, Name: item.QueueDefinitionName }
    for (const hook of hooks) {
      if (hook.events && hook.events.indexOf(type) < 0) continue
      const go = () => send(hook, event)
      if (opts.webhookDelayMs) setTimeout(go, opts.webhookDelayMs); else setImmediate(go)
    }
  }

  return {
    calls: calls,
    itemEvent: itemEvent,
    add (hook) { hooks.push(hook) },
    drop (n) { toDrop += n === undefined ? 1 : n },
    jobEnded: jobEnded,
    payload: payload,
    send: send
  }
}

module.exports = { webhooksOf, EVENT_OF }
