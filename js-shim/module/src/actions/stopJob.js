/**
 * Stops a UiPath job: SoftStop (the default) asks the process to stop, Kill ends it.
 *
 * The job is the one jobId (or jobKey) names; when both are empty, the first job that
 * uipath/startJob started in this conversation. On success, the temp variable named in
 * resultVariable (uipathJobResult unless you change it) holds the job as read right after
 * (state Stopping, Terminating or Stopped). On failure, temp.uipathError holds code and
 * message.
 * @title Stop UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [jobId] - A job id (a number), e.g. {{temp.uipathJob.jobs.0.id}}; the started job when empty
 * @param {string} [jobKey] - A job key (a GUID), instead of jobId
 * @param {string} [folder] - Text. A folder path or id; the module config's when empty
 * @param {string} [strategy=SoftStop] - SoftStop or Kill
 * @param {string} [resultVariable=uipathJobResult] - A name: the temp variable that receives the job
 */
const stopJob = () => require('dist/backend/studio-actions.js').stopJob({ bp, event, args, temp, process })

return stopJob()
