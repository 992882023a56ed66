/**
 * Reads a UiPath job once: its state, Info and output arguments.
 * The job is jobId (or jobKey); when both are empty, the first job uipath/startJob started
 * in this conversation (temp.uipathJob). On success temp[resultVariable] holds
 * { id, key, state, info, outputArguments, startTime, endTime, releaseName, reference };
 * on failure temp.uipathError holds { code, message } (JOB_NOT_FOUND, ...).
 * @title Get UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [jobId] - Job id, e.g. {{temp.uipathJob.jobs.0.id}}; the started job when empty
 * @param {string} [jobKey] - Job key (GUID), instead of jobId
 * @param {string} [folder] - Folder path or id; the module config's when empty
 * @param {string} [resultVariable=uipathJobResult] - Name of the temp variable that receives the job
 */
const getJob = () => require('dist/backend/studio-actions.js').getJob({ bp, event, args, temp, process })

return getJob()
