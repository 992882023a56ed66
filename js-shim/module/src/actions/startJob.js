/**
 * Starts a UiPath Orchestrator job for this conversation, with the connection of the bot's
 * uipath module config. The robot can talk back into the conversation with the Botpress
 * UiPath component's Callback activity: the job receives channel, target, botId, threadId,
 * botpressToken and botpressUrl among its input arguments.
 *
 * On success, the temp variable named in resultVariable (uipathJob unless you change it)
 * holds releaseKey, processKey, processVersion, reference and jobs (a list of id, key,
 * state). On failure, temp.uipathError holds code and message, and the flow takes its
 * error path. An empty processKey fails with INVALID_CONFIG and starts nothing.
 * @title Start UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} processKey - The process to run: its process key or release name, e.g. InvoiceBot (required)
 * @param {string} [processVersion] - Text. An exact version such as 1.0.10; the newest when empty
 * @param {string} [folder] - Text. A folder path such as Finance/Invoices, or a folder id; the module config's when empty
 * @param {string} [inputArguments] - A JSON object of input arguments, e.g. {"invoice": "{{event.payload.text}}"}
 * @param {number} [jobsCount=1] - A whole number from 1 to 1000: how many jobs to start
 * @param {string} [expiresIn=1h] - A duration such as 15m, 2h or 1d: how long the robot's callback token lives
 * @param {string} [resultVariable=uipathJob] - A name: the temp variable that receives the started job
 */
const startJob = () => require('dist/backend/studio-actions.js').startJob({ bp, event, args, temp, process })

return startJob()
