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
const startJob = () => require('dist/backend/studio-actions.js').startJob({ bp, event, args, temp, process })

return startJob()
