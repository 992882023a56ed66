/**
 * Starts a UiPath Orchestrator job for this conversation. The robot reports back into the
 * conversation with the Botpress UiPath component's Callback activity, using the callback
 * fields the job receives (channel, target, botId, threadId, botpressToken, botpressUrl).
 * Connection settings come from the bot's uipath module config unless given here.
 * On success temp[resultVariable] holds { releaseKey, processKey, processVersion, reference, jobs };
 * on failure temp.uipathError holds { code, message } and the flow goes to its error handling.
 * @title Start UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} processKey - Process key or name of the release to run
 * @param {string} [processVersion] - Exact version to run; the newest when empty
 * @param {string} [folder] - Folder path (Shared, Finance/Invoices) or id; the module config's when empty
 * @param {string} [inputArguments] - JSON object of input arguments, e.g. {"invoice": "{{event.payload.text}}"}
 * @param {string} [jobsCount=1] - Number of jobs to start
 * @param {string} [expiresIn=1h] - Lifetime of the robot's callback token ('15m', '2h', '1d')
 * @param {string} [resultVariable=uipathJob] - Name of the temp variable that receives the started job
 */
const startJob = async () => {
  const uipath = require('dist/backend/core.js')
  const given = (v) => v !== undefined && v !== null && String(v).trim() !== ''
  const jobArgs = { externalUrl: process.EXTERNAL_URL }
  for (const name of ['processKey', 'processVersion', 'folder', 'inputArguments', 'jobsCount']) {
    if (given(args[name])) jobArgs[name] = args[name]
  }
  if (given(args.expiresIn)) jobArgs.botpressToken = { expiresIn: args.expiresIn }
  const target = given(args.resultVariable) ? args.resultVariable : 'uipathJob'
  delete temp.uipathError
  try {
    temp[target] = await uipath.startUiPathJob(bp, event, jobArgs)
  } catch (err) {
    temp.uipathError = { code: err.code, message: err.message }
    bp.logger.forBot(event.botId).attachError(err).error('UiPath job not started')
    throw err
  }
}

return startJob()
