// Types of the public contract (shared/API.md).

/** The parts of Botpress's `bp` SDK object the package uses. */
export interface BotpressSdk {
  http?: {
    getAxiosConfigForBot(botId: string, options?: { localUrl?: boolean }): Promise<{ baseURL: string; headers: Record<string, string> }>
  }
  config?: { getModuleConfigForBot(module: string, botId: string): Promise<Record<string, unknown>> }
  logger?: { forBot(botId: string): unknown; debug(msg: string): void; info(msg: string): void; warn(msg: string): void }
  [key: string]: unknown
}

/** The fields of a Botpress event the package reads. */
export interface BotpressEvent {
  botId: string
  channel: string
  target: string
  threadId?: string
  [key: string]: unknown
}

export type UiPathAuth =
  | { clientId: string; clientSecret: string; scope?: string }
  | { refreshToken: string; clientId?: string }
  | { username: string; password: string; tenancyName?: string }
  | { accessToken: string }

/** Arguments of `startUiPathJob`; each falls back to the bot's `uipath` module config. */
export interface StartJobArgs {
  orchestratorUrl?: string
  cloudUrl?: string
  organization?: string
  accountLogicalName?: string
  tenant?: string
  serviceLogicalName?: string
  auth?: UiPathAuth | string
  tokenUrl?: string
  clientId?: string
  clientSecret?: string
  refreshToken?: string
  folder?: string | number
  folderId?: number | string
  processKey?: string
  process?: string
  processVersion?: string
  inputArguments?: Record<string, unknown> | string
  jobsCount?: number | string
  strategy?: 'ModernJobsCount' | 'All' | 'Specific' | 'RobotCount' | 'JobsCount'
  robotIds?: number[] | string
  machineSessionIds?: number[] | string
  botpressToken?: { expiresIn?: string | number } | false | 'false'
  externalUrl?: string
  timeoutMs?: number | string
  /** The largest answer read from any endpoint: bytes or `'4mb'` (the default), up to `'256mb'`. */
  maxAnswerSize?: number | string
  [key: string]: unknown
}

export interface StartedJob {
  id: number
  key: string
  state: string
}

export interface JobStart {
  releaseKey: string
  processKey: string
  processVersion: string
  /** The `Reference` stored on every job of this call. */
  reference: string
  jobs: StartedJob[]
  /**
   * Whether the `uipath` module of this Botpress server tracks the jobs, so their end
   * reaches the conversation as a `uipath-job` event (extension of API.md).
   */
  tracked: boolean
}

/** The payload of the incoming `uipath-job` event the module sends when a tracked job ends. */
export interface JobEndPayload {
  type: 'uipath-job'
  jobId: number
  jobKey: string
  state: 'Successful' | 'Faulted' | 'Stopped'
  info: string | null
  outputArguments: Record<string, unknown> | null
  processKey: string
  reference: string
}

/** The connection and folder fields of a start (same module-config fallback), and the job. */
export interface JobArgs extends Pick<StartJobArgs, 'orchestratorUrl' | 'cloudUrl' | 'organization' | 'accountLogicalName' | 'tenant' | 'serviceLogicalName' | 'auth' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'refreshToken' | 'folder' | 'folderId' | 'maxAnswerSize'> {
  /** As in `JobStart.jobs[i].id`; or give `jobKey`. */
  jobId?: number | string
  /** The job's GUID. */
  jobKey?: string
  /** get and stop: default 30000 (module config fallback); wait: default 60000, at most 900000 (args only). */
  timeoutMs?: number | string
  [key: string]: unknown
}

export interface WaitForJobArgs extends JobArgs {
  /** Longest pause between two reads, default 5000, at least 1000. */
  pollMs?: number | string
}

export interface StopJobArgs extends JobArgs {
  strategy?: 'SoftStop' | 'Kill'
}

export type JobState =
  | 'Pending' | 'Running' | 'Stopping' | 'Terminating' | 'Suspended' | 'Resumed'
  | 'Successful' | 'Faulted' | 'Stopped'

/** A job as the jobs calls resolve it (API.md, "Jobs after the start"). */
export interface Job {
  id: number
  key: string
  state: JobState | string
  /** Orchestrator's Info: the fault message of a Faulted job. */
  info: string | null
  /** Parsed from Orchestrator's JSON string; null when absent or not JSON. */
  outputArguments: Record<string, unknown> | null
  startTime: string | null
  endTime: string | null
  releaseName: string
  reference: string | null
}

export type UiPathErrorCode =
  | 'INVALID_CONFIG' | 'AUTH_FAILED' | 'FOLDER_NOT_FOUND' | 'PROCESS_NOT_FOUND'
  | 'BOTPRESS_TOKEN_FAILED' | 'ORCHESTRATOR_ERROR' | 'RATE_LIMITED' | 'TIMEOUT' | 'NETWORK'
  | 'JOB_NOT_FOUND' | 'QUEUE_NOT_FOUND' | 'QUEUE_ITEM_NOT_FOUND' | 'DUPLICATE_REFERENCE' | 'TASK_NOT_FOUND' | 'INTERNAL'

export class UiPathError extends Error {
  name: 'UiPathError'
  code: UiPathErrorCode
  status?: number
  uipathErrorCode?: number
  traceId?: string
  /** Set when a StartJobs call's outcome is unknown. */
  reference?: string
  /** waitForUiPathJob's TIMEOUT: the last state seen. */
  job?: Job
  /** waitForUiPathQueueItem's TIMEOUT: the last state seen. */
  queueItem?: QueueItem
}

export function startUiPathJob(bp: BotpressSdk, event: BotpressEvent, args?: StartJobArgs): Promise<JobStart>
export function getUiPathJob(bp: BotpressSdk, event: Pick<BotpressEvent, 'botId'>, args: JobArgs): Promise<Job>
export function waitForUiPathJob(bp: BotpressSdk, event: Pick<BotpressEvent, 'botId'>, args: WaitForJobArgs): Promise<Job>
export function stopUiPathJob(bp: BotpressSdk, event: Pick<BotpressEvent, 'botId'>, args: StopJobArgs): Promise<Job>
export interface AddQueueItemArgs extends Pick<StartJobArgs, 'orchestratorUrl' | 'cloudUrl' | 'organization' | 'accountLogicalName' | 'tenant' | 'serviceLogicalName' | 'auth' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'refreshToken' | 'folder' | 'folderId' | 'maxAnswerSize' | 'externalUrl' | 'timeoutMs'> {
  /** The queue's name (compared without regard to case). Also `queue`. */
  queueName?: string
  /** Flat: keys without `:` `.` `,` `@` `"`, values text, numbers, booleans or null; or a JSON string of one. */
  specificContent?: Record<string, string | number | boolean | null> | string
  /** At most 128 characters; without one the package sets `botpress:{botId}:{random}`. */
  reference?: string
  priority?: 'High' | 'Normal' | 'Low'
  /** RFC 3339 date-times, like `2026-12-31T17:00:00Z`. */
  dueDate?: string
  deferDate?: string
  riskSlaDate?: string
  /** The callback fields in the content (default: a token fitted to `dueDate`), or `false` for none. */
  botpressToken?: { expiresIn?: string | number } | false | 'false'
  [key: string]: unknown
}

export interface QueueItemArgs extends Pick<JobArgs, 'orchestratorUrl' | 'cloudUrl' | 'organization' | 'accountLogicalName' | 'tenant' | 'serviceLogicalName' | 'auth' | 'tokenUrl' | 'clientId' | 'clientSecret' | 'refreshToken' | 'folder' | 'folderId' | 'maxAnswerSize'> {
  queueItemId: number | string
  /** A wait: default 60000, at most 900000. */
  timeoutMs?: number | string
  /** A wait's longest pause between reads: default 5000, at least 1000. */
  pollMs?: number | string
  [key: string]: unknown
}

export interface QueueItem {
  id: number
  key: string
  queueName: string
  reference: string | null
  priority: 'High' | 'Normal' | 'Low'
  status: 'New' | 'InProgress' | 'Failed' | 'Successful' | 'Abandoned' | 'Retried' | 'Deleted'
  output: Record<string, unknown> | null
  processingException: { reason: string | null; details: string | null; type: 'ApplicationException' | 'BusinessException' | null } | null
  retryNumber: number
  ancestorId: number | null
  creationTime: string | null
  startProcessing: string | null
  endProcessing: string | null
  /** addUiPathQueueItem only: whether the module tracks the item for its end. */
  tracked?: boolean
}

export function addUiPathQueueItem(bp: BotpressSdk, event: BotpressEvent, args: AddQueueItemArgs): Promise<QueueItem>
export function getUiPathQueueItem(bp: BotpressSdk, event: Pick<BotpressEvent, 'botId'>, args: QueueItemArgs): Promise<QueueItem>
export function waitForUiPathQueueItem(bp: BotpressSdk, event: Pick<BotpressEvent, 'botId'>, args: QueueItemArgs): Promise<QueueItem>

export interface AnswerTaskArgs {
  /** The task (the uipath-task event's payload.taskId). */
  taskId: number
  /** Written over the task's own data (its botpressToken is left out); answeredBy and answeredAt are added. */
  data?: Record<string, unknown>
  /** Default 'submit'. */
  action?: string
  /** The task's folder (the event's payload.folderId); without it the task is looked up across folders first. */
  folderId?: number
  timeoutMs?: number
  [connection: string]: unknown
}
export interface AnsweredTask { taskId: number; status: 'Completed'; action: string; data: Record<string, unknown> }
/** Completes an Action Center task from action code; rejects TASK_NOT_FOUND, or ORCHESTRATOR_ERROR when it is completed already. */
export function answerUiPathTask(bp: BotpressSdk, event: BotpressEvent, args: AnswerTaskArgs): Promise<AnsweredTask>

export interface CheckStep {
  name: 'settings' | 'token' | 'folder' | 'process' | 'module'
  ok: boolean
  detail: string
  /** An error code of UiPathErrorCode, on the failed step. */
  code?: UiPathErrorCode
  warnings: string[]
}
export interface CheckReport { ok: boolean; steps: CheckStep[] }
/** The steps of `botpress-uipath check`; never starts a job. A failed step is in the report, not thrown. */
export function checkSetup(config: Record<string, unknown>, options?: { process?: string; externalUrl?: string }): Promise<CheckReport>
/** The module config as Botpress v12 merges it: schema defaults, global file, BP_MODULE_UIPATH_* variables, the bot's file. */
export function moduleConfig(layers: { schema: object; global?: object; env?: Record<string, string | undefined>; bot?: object }): Record<string, unknown>
export function getBotpressToken(bp: BotpressSdk, event: BotpressEvent, options?: { expiresIn?: string | number; timeoutMs?: number }): Promise<string>
export const ERROR_CODES: ReadonlyArray<UiPathErrorCode>
export const version: string
/** What carries the requests: the package's own node:http/https transport, on every Node version. */
export const transportSource: 'node:http'
/** The name of `transportSource` up to 0.1. */
export const fetchSource: 'node:http'
