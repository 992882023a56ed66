'use strict'
// The emulator's queues (shared/uipath-api.md, "Queues"): AddQueueItem (201, flat
// content, errorCode 1016 for a duplicate reference on a queue that enforces unique
// references, 1002 for an unknown queue), BulkAddQueueItems, QueueItems by id and
// filtered, QueueDefinitions, and a performer's side: StartTransaction (200 with the
// oldest New item, 204 when there is none), SetTransactionProgress, SetTransactionResult
// (success; a business exception fails the item; an application exception on a queue
// with automatic retries marks it Retried and adds its retry, RetryNumber + 1,
// AncestorId = the previous attempt, the same Key). Ends and abandons send the
// `queueItem.*` webhooks. Where UiPath's documentation is silent (the status of a
// duplicate or an unknown queue, how nested content is refused), the answers are the
// likely ones, said so in the README.

const crypto = require('crypto')
const { anyCase } = require('./jobs')

const ITEM_FIELDS = ['Id', 'Key', 'QueueDefinitionId', 'QueueDefinitionName', 'Status', 'ReviewStatus', 'Reference', 'Priority',
  'DueDate', 'DeferDate', 'RiskSlaDate', 'StartProcessing', 'EndProcessing', 'RetryNumber', 'AncestorId', 'SpecificContent',
  'SpecificData', 'Output', 'OutputData', 'ProcessingException', 'CreationTime', 'OrganizationUnitId', 'Progress']
const QUEUE_FIELDS = ['Id', 'Key', 'Name', 'Description', 'MaxNumberOfRetries', 'AcceptAutomaticallyRetry', 'EnforceUniqueReference', 'OrganizationUnitId']
const ITEM_DATA_FIELDS = ['Name', 'Priority', 'SpecificContent', 'DeferDate', 'DueDate', 'RiskSlaDate', 'Reference', 'Progress', 'Source', 'ParentOperationId']
const PRIORITIES = ['High', 'Normal', 'Low']

function defaultQueues () {
  return [
    { Id: 21, Key: 'c0000000-0000-4000-8000-000000000021', Name: 'Invoices', Description: 'Invoices to pay', MaxNumberOfRetries: 1, AcceptAutomaticallyRetry: true, EnforceUniqueReference: true, OrganizationUnitId: 1 },
    { Id: 22, Key: 'c0000000-0000-4000-8000-000000000022', Name: 'Refunds', Description: 'Refunds', MaxNumberOfRetries: 0, AcceptAutomaticallyRetry: false, EnforceUniqueReference: false, OrganizationUnitId: 1 }
  ]
}

function newKey () {
  return crypto.randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')
}

/** The queues and items of one emulator; `emu.items` holds the items. */
function queuesOf (emu, opts, errors) {
  const queues = opts.queues || defaultQueues()
  emu.items = []
  let nextId = 9000
  const now = () => new Date().toISOString()
  const notFound = (send, what) => send(404, { message: what + ' does not exist.', errorCode: 1002, traceId: errors.traceId() })

  function entity (item) {
    const out = Object.assign({ '@odata.context': '/odata/$metadata#QueueItems/$entity' }, item)
    out.SpecificData = JSON.stringify({ DynamicProperties: item.SpecificContent || {} })
    out.OutputData = item.Output ? JSON.stringify({ DynamicProperties: item.Output }) : null
    return out
  }

  /** An add's `itemData`, checked as Orchestrator checks it; an item, or an answer was sent. */
  function makeItem (data, folder, send) {
    const bad = (m) => { errors.badRequest(send, m); return null }
    if (!data || typeof data !== 'object') return bad('itemData is required.')
    const unknown = Object.keys(data).filter((k) => ITEM_DATA_FIELDS.indexOf(k) < 0)
    if (unknown.length) return bad("The property '" + unknown[0] + "' does not exist on type 'UiPath.Server.Configuration.OData.QueueItemDataDto'.")
    const queue = queues.find((q) => q.OrganizationUnitId === folder.Id && String(q.Name).toLowerCase() === String(data.Name || '').toLowerCase())
    if (!queue) { notFound(send, 'Queue'); return null }
    if (data.Priority !== undefined && PRIORITIES.indexOf(data.Priority) < 0) return bad('Invalid Priority: ' + data.Priority)
    const content = {}
    for (const [k, v] of Object.entries(data.SpecificContent || {})) {
      if (/@odata\.type$/.test(k)) continue // annotations are accepted and dropped
      if (v !== null && typeof v === 'object') return bad('SpecificContent.' + k + ': a queue item\'s content must be flat.')
      content[k] = v
    }
    const ref = data.Reference === undefined ? null : data.Reference
    if (ref !== null && (typeof ref !== 'string' || ref.length > 128)) return bad('Reference must be a string of at most 128 characters.')
    if (ref !== null && queue.EnforceUniqueReference &&
      emu.items.some((i) => i.QueueDefinitionId === queue.Id && i.Reference === ref && i.Status !== 'Deleted' && i.Status !== 'Retried')) {
      send(409, { message: 'Error creating Transaction. Duplicate Reference.', errorCode: 1016, traceId: errors.traceId() })
      return null
    }
    return {
      Id: nextId++,
      Key: newKey(),
      QueueDefinitionId: queue.Id,
      QueueDefinitionName: queue.Name,
      Status: 'New',
      ReviewStatus: 'None',
      Reference: ref,
      Priority: data.Priority || 'Normal',
      DueDate: data.DueDate || null,
      DeferDate: data.DeferDate || null,
      RiskSlaDate: data.RiskSlaDate || null,
      StartProcessing: null,
      EndProcessing: null,
      RetryNumber: 0,
      AncestorId: null,
      SpecificContent: content,
      Output: null,
      ProcessingException: null,
      Progress: data.Progress || null,
      CreationTime: now(),
      OrganizationUnitId: folder.Id
    }
  }

  function added (item) {
    emu.items.push(item)
    emu.webhooks.itemEvent('queueItem.added', item)
    if (opts.onItemAdded) setImmediate(() => opts.onItemAdded(item, emu))
  }

  /** The performer's verdict on an item in progress. */
  function setResult (item, result) {
    item.EndProcessing = now()
    if (anyCase(result, 'isSuccessful')) {
      item.Status = 'Successful'
      item.Output = anyCase(result, 'output') || null
      emu.webhooks.itemEvent('queueItem.transactionCompleted', item)
      return
    }
    const ex = anyCase(result, 'processingException') || {}
    item.ProcessingException = { Reason: anyCase(ex, 'reason') || null, Details: anyCase(ex, 'details') || null, Type: anyCase(ex, 'type') || 'ApplicationException', AssociatedImageFilePath: null, CreationTime: now() }
    const queue = queues.find((q) => q.Id === item.QueueDefinitionId)
    const retry = item.ProcessingException.Type === 'ApplicationException' && queue.AcceptAutomaticallyRetry && item.RetryNumber < queue.MaxNumberOfRetries
    item.Status = retry ? 'Retried' : 'Failed'
    emu.webhooks.itemEvent('queueItem.transactionFailed', item)
    if (retry) {
      emu.items.push(Object.assign({}, item, {
        Id: nextId++, Status: 'New', RetryNumber: item.RetryNumber + 1, AncestorId: item.Id, StartProcessing: null,
        EndProcessing: null, ProcessingException: null, Output: null, CreationTime: now()
      }))
    }
  }

  /** The `Queues…`, `QueueItems…` and `QueueDefinitions` routes below `/odata/`; false when none. */
  function route (r, rest, folder, send, list) {
    const inFolder = emu.items.filter((i) => i.OrganizationUnitId === folder.Id)
    const b = r.json || {}
    let m
    if (r.method === 'GET' && rest === 'QueueDefinitions') return list(r, queues.filter((q) => q.OrganizationUnitId === folder.Id), QUEUE_FIELDS, send)
    if (r.method === 'GET' && rest === 'QueueItems') return list(r, inFolder.map(entity), ITEM_FIELDS, send)
    if (r.method === 'GET' && (m = /^QueueItems\((\d+)\)$/.exec(rest))) {
      const item = inFolder.find((i) => i.Id === Number(m[1]))
      return item ? send(200, entity(item)) : notFound(send, 'Queue item')
    }
    if (r.method === 'POST' && rest === 'Queues/UiPathODataSvc.AddQueueItem') {
      const item = makeItem(anyCase(b, 'itemData'), folder, send)
      if (!item) return
      added(item)
      return send(201, entity(item))
    }
    if (r.method === 'POST' && rest === 'Queues/UiPathODataSvc.BulkAddQueueItems') {
      const queueName = anyCase(b, 'queueName')
      const items = anyCase(b, 'queueItems')
      if (!Array.isArray(items)) return errors.badRequest(send, 'queueItems must be a list.')
      const failed = []
      let ok = 0
      items.forEach((data, i) => {
        let answered = null
        const item = makeItem(Object.assign({ Name: queueName }, data), folder, (status, body) => { answered = { status: status, body: body } })
        if (item) { added(item); ok++ } else failed.push({ Ordinal: i, ErrorCode: answered.body.errorCode, ErrorMessage: answered.body.message })
      })
      return send(200, { '@odata.context': '/odata/$metadata#Edm.String', success: failed.length === 0, message: ok + ' of ' + items.length + ' added', failedItems: failed })
    }
    if (r.method === 'POST' && rest === 'Queues/UiPathODataSvc.StartTransaction') {
      const data = anyCase(b, 'transactionData') || {}
      const queue = queues.find((q) => q.OrganizationUnitId === folder.Id && q.Name.toLowerCase() === String(data.Name || '').toLowerCase())
      if (!queue) return notFound(send, 'Queue')
      const next = inFolder.filter((i) => i.QueueDefinitionId === queue.Id && i.Status === 'New' && (!i.DeferDate || i.DeferDate <= now()))
        .sort((x, y) => PRIORITIES.indexOf(x.Priority) - PRIORITIES.indexOf(y.Priority) || x.Id - y.Id)[0]
      if (!next) return send(204)
      next.Status = 'InProgress'
      next.StartProcessing = now()
      emu.webhooks.itemEvent('queueItem.transactionStarted', next)
      return send(200, entity(next))
    }
    if (r.method === 'POST' && (m = /^QueueItems\((\d+)\)\/UiPathODataSvc\.SetTransactionProgress$/.exec(rest))) {
      const item = inFolder.find((i) => i.Id === Number(m[1]))
      if (!item) return notFound(send, 'Queue item')
      item.Progress = anyCase(b, 'progress') || null
      return send(200, {})
    }
    if (r.method === 'POST' && (m = /^Queues\((\d+)\)\/UiPathODataSvc\.SetTransactionResult$/.exec(rest))) {
      const item = inFolder.find((i) => i.Id === Number(m[1]))
      if (!item) return notFound(send, 'Queue item')
      if (item.Status !== 'InProgress') return errors.badRequest(send, 'The transaction is not in progress.')
      setResult(item, anyCase(b, 'transactionResult') || {})
      return send(200, {})
    }
    return false
  }

  /**
   * A performer for tests: takes the next New item of `queue` (or, with `itemId`, that
   * item or a retry of it) and ends it with `result`.
   */
  function work (queueName, result, itemId) {
    const queue = queues.find((q) => q.Name.toLowerCase() === queueName.toLowerCase())
    const mine = (i) => itemId === undefined || i.Id === itemId || i.AncestorId === itemId || emu.items.some((a) => a.Id === i.AncestorId && a.AncestorId === itemId)
    const next = emu.items.filter((i) => i.QueueDefinitionId === queue.Id && i.Status === 'New' && mine(i)).sort((x, y) => x.Id - y.Id)[0]
    if (!next) return null
    next.Status = 'InProgress'
    next.StartProcessing = now()
    setResult(next, result)
    return next
  }

  /** Ends an item in progress the way Orchestrator does after a day: Abandoned. */
  function abandon (item) {
    item.Status = 'Abandoned'
    item.EndProcessing = now()
    emu.webhooks.itemEvent('queueItem.transactionAbandoned', item)
  }

  return { route: route, work: work, abandon: abandon, queues: queues }
}

module.exports = { queuesOf, defaultQueues }
