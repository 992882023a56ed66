/**
 * Reads a UiPath job once: its state, Info and output arguments.
 *
 * The job is the one jobId (or jobKey) names; when both are empty, the first job that
 * uipath/startJob started in this conversation (temp.uipathJob). On success, the temp
 * variable named in resultVariable (uipathJobResult unless you change it) holds id, key,
 * state, info, outputArguments, startTime, endTime, releaseName and reference. On
 * failure, temp.uipathError holds code (JOB_NOT_FOUND, ...) and message.
 * @title Get UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [jobId] - A job id (a number), e.g. {{temp.uipathJob.jobs.0.id}}; the started job when empty
 * @param {string} [jobKey] - A job key (a GUID), instead of jobId
 * @param {string} [folder] - Text. A folder path or id; the module config's when empty
 * @param {string} [resultVariable=uipathJobResult] - A name: the temp variable that receives the job
 */
const getJob = () => require('dist/backend/studio-actions.js').getJob({ bp, event, args, temp, process })

return getJob()
