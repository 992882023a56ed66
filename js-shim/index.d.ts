// Types of the public contract (shared/API.md).

/** The parts of Botpress's `bp` SDK object the package uses. */
export interface BotpressSdk {
  http?: {
    getAxiosConfigForBot(botId: string, options?: { localUrl?: boolean }): Promise<{ baseURL: string; headers: Record<string, string> }>
  }
  config?: { getModuleConfigForBot(module: string, botId: string): Promise<Record<string, unknown>> }
  logger?: { forBot(botId: string): unknown; debug(msg: string): void; info(msg: string): void }
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
}

export type UiPathErrorCode =
  | 'INVALID_CONFIG' | 'AUTH_FAILED' | 'FOLDER_NOT_FOUND' | 'PROCESS_NOT_FOUND'
  | 'BOTPRESS_TOKEN_FAILED' | 'ORCHESTRATOR_ERROR' | 'RATE_LIMITED' | 'TIMEOUT' | 'NETWORK'
  | 'INTERNAL'

export class UiPathError extends Error {
  name: 'UiPathError'
  code: UiPathErrorCode
  status?: number
  uipathErrorCode?: number
  traceId?: string
  /** Set when a StartJobs call's outcome is unknown. */
  reference?: string
}

export function startUiPathJob(bp: BotpressSdk, event: BotpressEvent, args?: StartJobArgs): Promise<JobStart>
export function getBotpressToken(bp: BotpressSdk, event: BotpressEvent, options?: { expiresIn?: string | number; timeoutMs?: number }): Promise<string>
export const ERROR_CODES: ReadonlyArray<UiPathErrorCode>
export const version: string
/** Where `fetch` comes from: the runtime's own, or node-fetch on Node < 18. */
export const fetchSource: 'native' | 'node-fetch'
