'use strict'
// The emulator's Action Center (shared/uipath-api.md, "Action Center tasks"):
// GenericTasks CreateTask (201, an ExternalTask unless the body names another type; an
// unknown catalog is errorCode 2451, as UiPath's
// Create External Task documents), GetTaskDataById / GetTaskDataByKey (camelCase,
// `status` a number: 0 Unassigned, 1 Pending, 2 Completed), CompleteTask (204; the data
// replaces the task's), and the OData side: `Tasks`, `Tasks({id})` and
// `Tasks/UiPath.Server.Configuration.OData.GetTasksAcrossFolders` (PascalCase, `Status`
// a string). Assignment: an external task is completed without being assigned first —
// UiPath's "Completing external actions" names only the task's id and folder, and its
// TypeScript SDK completes an ExternalTask with CompleteTask alone — so this emulator
// asks for none. A task a person took in Action Center (`assignInActionCenter`) can be
// completed only by that account, as UiPath's Complete Task documents: the API's
// CompleteTask is refused with 403 (the exact answer is not documented; errorCode 0
// here). Completing a completed task is refused with 400 (errorCode 0 too). `emu.tasks`
// holds the tasks; a completion calls `onTaskCompleted(task, emu)`.

const crypto = require('crypto')
const { anyCase } = require('./jobs')

const TASK_FIELDS = ['Id', 'Key', 'Title', 'Type', 'Priority', 'Status', 'TaskCatalogName', 'ExternalTag', 'OrganizationUnitId',
  'IsCompleted', 'IsDeleted', 'Action', 'AssignedToUserId', 'CreationTime', 'CompletionTime']
const STATUS = ['Unassigned', 'Pending', 'Completed']
const PRIORITIES = ['Low', 'Medium', 'High', 'Critical']
// Orchestrator's TaskType, by name or by number in this order (UiPath's Python SDK sends
// QuickFormTask as 6; public clients list the names in this order).
const TYPES = ['FormTask', 'ExternalTask', 'DocumentValidationTask', 'DocumentClassificationTask', 'DataLabelingTask', 'AppTask', 'QuickFormTask']

function newKey () {
  return crypto.randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')
}

/** The tasks of one emulator; `emu.tasks` holds them. */
function tasksOf (emu, opts, errors) {
  const catalogs = opts.taskCatalogs || ['Botpress']
  emu.tasks = []
  emu.completions = []
  let nextId = 500
  const notFound = (send) => send(404, { message: 'Task does not exist.', errorCode: 0, traceId: errors.traceId() })

  /** The OData side: PascalCase, Status as its name. */
  function odataEntity (t) {
    return {
      Id: t.id, Key: t.key, Title: t.title, Type: t.type, Priority: t.priority, Status: STATUS[t.status],
      TaskCatalogName: t.taskCatalogName, ExternalTag: t.externalTag, OrganizationUnitId: t.organizationUnitId,
      IsCompleted: t.status === 2, IsDeleted: t.isDeleted, Action: t.action, AssignedToUserId: t.assignedToUserId,
      CreationTime: t.creationTime, CompletionTime: t.completionTime
    }
  }

  /** The generic-task side: camelCase, status a number. */
  function dataEntity (t) {
    return {
      id: t.id, key: t.key, status: t.status, title: t.title, type: t.type, priority: t.priority, data: t.data,
      action: t.action, externalTag: t.externalTag, taskCatalogName: t.taskCatalogName, organizationUnitId: t.organizationUnitId,
      assignedToUserId: t.assignedToUserId, creationTime: t.creationTime, completionTime: t.completionTime
    }
  }

  /** Creates an external task in `folder`, as the robot's Create External Task does; a task or an error. */
  function create (folder, b) {
    const title = anyCase(b, 'title')
    const catalog = anyCase(b, 'taskCatalogName')
    if (typeof title !== 'string' || !title || title.length > 512) return { error: 'title is required (at most 512 characters).' }
    const priority = anyCase(b, 'priority') || 'Medium'
    if (PRIORITIES.indexOf(priority) < 0) return { error: 'Invalid priority: ' + priority }
    if (catalog && catalogs.indexOf(catalog) < 0) return { error: 'No task catalog exists with name [' + catalog + '] Error code: 2451', errorCode: 2451 }
    const given = anyCase(b, 'type')
    const type = given === undefined || given === null ? 'ExternalTask' : typeof given === 'number' ? TYPES[given] : given
    if (TYPES.indexOf(type) < 0) return { error: 'Invalid task type: ' + given }
    const task = {
      id: nextId++, key: newKey(), title: title, type: type, priority: priority, status: 0,
      data: anyCase(b, 'data') || {}, action: null, externalTag: anyCase(b, 'externalTag') || null,
      taskCatalogName: catalog || null, organizationUnitId: folder.Id, isDeleted: false, assignedToUserId: null,
      creationTime: new Date().toISOString(), completionTime: null
    }
    emu.tasks.push(task)
    return { task: task }
  }

  function complete (task, data, action, by) {
    task.status = 2
    task.data = data || {}
    task.action = action || null
    task.completionTime = new Date().toISOString()
    emu.completions.push({ taskId: task.id, data: task.data, action: task.action, by: by })
    if (opts.onTaskCompleted) setImmediate(() => opts.onTaskCompleted(task, emu))
    if (emu.onTaskCompleted) setImmediate(() => emu.onTaskCompleted(task))
  }

  /** `/tasks/GenericTasks/…`, in the request's folder. */
  function generic (r, rest, folder, send) {
    const inFolder = emu.tasks.filter((t) => t.organizationUnitId === folder.Id && !t.isDeleted)
    const b = r.json || {}
    if (r.method === 'POST' && rest === 'CreateTask') {
      const made = create(folder, b)
      if (made.error) return send(400, { message: made.error, errorCode: made.errorCode || 0, traceId: errors.traceId() })
      return send(201, Object.assign({ status: 0 }, dataEntity(made.task)))
    }
    if (r.method === 'GET' && (rest === 'GetTaskDataById' || rest === 'GetTaskDataByKey')) {
      const task = rest === 'GetTaskDataById'
        ? inFolder.find((t) => String(t.id) === r.query.taskId)
        : inFolder.find((t) => t.key === String(r.query.taskKey || '').toLowerCase())
      return task ? send(200, dataEntity(task)) : notFound(send)
    }
    if (r.method === 'POST' && rest === 'CompleteTask') {
      const task = inFolder.find((t) => t.id === Number(anyCase(b, 'taskId')))
      if (!task) return notFound(send)
      if (task.status === 2) return errors.badRequest(send, 'The task is already completed.')
      if (task.assignedToUserId !== null) return send(403, { message: 'The task is assigned to another user.', errorCode: 0, traceId: errors.traceId() })
      const data = anyCase(b, 'data')
      if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return errors.badRequest(send, 'data must be an object.')
      complete(task, data, anyCase(b, 'action'), 'api')
      return send(204)
    }
    return false
  }

  /**
   * `Tasks…` below `/odata/`: per folder, by id, and across the folders. Without a
   * folder, true when it answered (across folders), undefined otherwise.
   */
  function odata (r, rest, folder, send, list) {
    if (r.method === 'GET' && rest === 'Tasks/UiPath.Server.Configuration.OData.GetTasksAcrossFolders') {
      list(r, emu.tasks.map(odataEntity), TASK_FIELDS, send)
      return true
    }
    if (!folder) return undefined
    const inFolder = emu.tasks.filter((t) => t.organizationUnitId === folder.Id)
    let m
    if (r.method === 'GET' && rest === 'Tasks') return list(r, inFolder.map(odataEntity), TASK_FIELDS, send)
    if (r.method === 'GET' && (m = /^Tasks\((\d+)\)$/.exec(rest))) {
      const task = inFolder.find((t) => t.id === Number(m[1]))
      return task ? send(200, Object.assign({ '@odata.context': '/odata/$metadata#Tasks/$entity' }, odataEntity(task))) : notFound(send)
    }
    return false
  }

  /** A person completes the task in Action Center's web app. */
  function completeInActionCenter (task, data, action) {
    complete(task, Object.assign({}, task.data, data || {}), action || 'submit', 'action-center')
  }

  /** A person takes the task in Action Center (assigned to them, Pending); null gives it back. */
  function assignInActionCenter (task, userId) {
    task.status = userId === null ? 0 : 1
    task.assignedToUserId = userId
  }

  return { generic: generic, odata: odata, create: create, completeInActionCenter: completeInActionCenter, assignInActionCenter: assignInActionCenter }
}

module.exports = { tasksOf, TASK_FIELDS }
