/**
 * Waits until a UiPath queue item ends (Successful, Failed, Abandoned or Deleted),
 * following a Retried item to its retry, so the wait ends with the last attempt's outcome.
 * The conversation waits with it: keep timeoutMs short, and for items that take long let
 * the module deliver the item's end instead.
 *
 * The item is the one queueItemId names; when it is empty, the item that
 * uipath/addQueueItem added in this conversation. On success, the temp variable named in
 * resultVariable (uipathQueueItemResult unless you change it) holds the item: a Failed
 * one too, with its processingException. Past timeoutMs, temp.uipathError.code is TIMEOUT.
 * @title Wait for UiPath queue item
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [queueItemId] - A queue item id (a number), e.g. {{temp.uipathQueueItem.id}}; the added item when empty
 * @param {string} [folder] - Text. A folder path or id; the module config's when empty
 * @param {number} [timeoutMs=60000] - Milliseconds, up to 900000: how long to wait at most
 * @param {number} [pollMs=5000] - Milliseconds, at least 1000: the longest pause between two reads
 * @param {string} [resultVariable=uipathQueueItemResult] - A name: the temp variable that receives the item
 */
const waitForQueueItem = () => require('dist/backend/studio-actions.js').waitForQueueItem({ bp, event, args, temp, process })

return waitForQueueItem()
