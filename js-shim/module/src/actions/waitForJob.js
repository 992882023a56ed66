/**
 * Waits until a UiPath job ends (Successful, Faulted or Stopped), reading it after about a
 * second, then less often (at most every pollMs). The conversation waits with it: keep
 * timeoutMs short, and for long jobs let the module deliver the job's end instead.
 *
 * The job is the one jobId (or jobKey) names; when both are empty, the first job that
 * uipath/startJob started in this conversation. On success, the temp variable named in
 * resultVariable (uipathJobResult unless you change it) holds the job with its
 * outputArguments; past timeoutMs, temp.uipathError.code is TIMEOUT.
 * @title Wait for UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [jobId] - A job id (a number), e.g. {{temp.uipathJob.jobs.0.id}}; the started job when empty
 * @param {string} [jobKey] - A job key (a GUID), instead of jobId
 * @param {string} [folder] - Text. A folder path or id; the module config's when empty
 * @param {number} [timeoutMs=60000] - Milliseconds, up to 900000: how long to wait at most
 * @param {number} [pollMs=5000] - Milliseconds, at least 1000: the longest pause between two reads
 * @param {string} [resultVariable=uipathJobResult] - A name: the temp variable that receives the job
 */
const waitForJob = () => require('dist/backend/studio-actions.js').waitForJob({ bp, event, args, temp, process })

return waitForJob()
