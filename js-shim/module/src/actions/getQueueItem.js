/**
 * Reads a UiPath queue item once: its status, output and processing exception.
 *
 * The item is the one queueItemId names; when it is empty, the item that
 * uipath/addQueueItem added in this conversation (temp.uipathQueueItem). On success, the
 * temp variable named in resultVariable (uipathQueueItemResult unless you change it) holds
 * id, key, queueName, reference, status, output and processingException. On failure,
 * temp.uipathError holds code (QUEUE_ITEM_NOT_FOUND, ...) and message.
 * @title Get UiPath queue item
 * @category UiPath
 * @author botpress-uipath
 * @param {string} [queueItemId] - A queue item id (a number), e.g. {{temp.uipathQueueItem.id}}; the added item when empty
 * @param {string} [folder] - Text. A folder path or id; the module config's when empty
 * @param {string} [resultVariable=uipathQueueItemResult] - A name: the temp variable that receives the item
 */
const getQueueItem = () => require('dist/backend/studio-actions.js').getQueueItem({ bp, event, args, temp, process })

return getQueueItem()
