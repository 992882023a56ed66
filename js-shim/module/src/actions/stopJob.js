/**
 * Stops a UiPath job: SoftStop (the default) asks the process to stop, Kill ends it.
 * The job is jobId (or jobKey); when both are empty, the first job uipath/startJob started
 * in this conversation. On success temp[resultVariable] holds the job as read right after
 * (state Stopping, Terminating or Stopped); on failure temp.uipathError holds { code, message }.
 * @title Stop UiPath job
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [jobId] - Job id, e.g. {{temp.uipathJob.jobs.0.id}}; the started job when empty
 * @param {string} [jobKey] - Job key (GUID), instead of jobId
 * @param {string} [folder] - Folder path or id; the module config's when empty
 * @param {string} [strategy=SoftStop] - SoftStop or Kill
 * @param {string} [resultVariable=uipathJobResult] - Name of the temp variable that receives the job
 */
const stopJob = () => require('dist/backend/studio-actions.js').stopJob({ bp, event, args, temp, process })

return stopJob()
