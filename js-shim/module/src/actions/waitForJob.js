/**
 * Waits until a UiPath job ends (Successful, Faulted or Stopped), reading it after about a
 * second, then less often (at most every pollMs). The conversation waits with it: keep
 * timeoutMs short, and for long jobs let the module deliver the job's end instead.
 * The job is jobId (or jobKey); when both are empty, the first job uipath/startJob started
 * in this conversation. On success temp[resultVariable] holds the job with its
 * outputArguments; past timeoutMs temp.uipathError.code is TIMEOUT.
 * @title Wait for UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [jobId] - Job id, e.g. {{temp.uipathJob.jobs.0.id}}; the started job when empty
 * @param {string} [jobKey] - Job key (GUID), instead of jobId
 * @param {string} [folder] - Folder path or id; the module config's when empty
 * @param {string} [timeoutMs=60000] - How long to wait at most, in milliseconds (up to 900000)
 * @param {string} [pollMs=5000] - Longest pause between two reads, in milliseconds (at least 1000)
 * @param {string} [resultVariable=uipathJobResult] - Name of the temp variable that receives the job
 */
const waitForJob = () => require('dist/backend/studio-actions.js').waitForJob({ bp, event, args, temp, process })

return waitForJob()
