/**
 * Adds an item to a UiPath Orchestrator queue for this conversation, with the connection
 * of the bot's uipath module config. The performer that works the item can talk back into
 * the conversation with the Callback activity: the item's content carries channel, target,
 * botId, threadId, botpressToken and botpressUrl. The module delivers the item's end as a
 * uipath-queue-item event. An add whose answer was lost is never made twice.
 *
 * On success, the temp variable named in resultVariable (uipathQueueItem unless you change
 * it) holds id, key, queueName, reference, priority and status (New). On failure,
 * temp.uipathError holds code (QUEUE_NOT_FOUND, DUPLICATE_REFERENCE, ...) and message, and
 * the flow takes its error path. An empty queueName fails with INVALID_CONFIG and adds
 * nothing.
 * @title Add UiPath queue item
 * @category UiPath
 * @author botpress-uipath
 * @param {string} queueName - The queue's name, e.g. Invoices (required)
 * @param {string} [specificContent] - A flat JSON object of the item's data, e.g. {"invoice": "{{event.payload.text}}"}; values text, numbers or true/false
 * @param {string} [reference] - Text of at most 128 characters; the package sets its own when empty
 * @param {string} [priority=Normal] - High, Normal or Low
 * @param {string} [dueDate] - A date-time such as 2026-12-31T17:00:00Z: when the item should be done
 * @param {string} [deferDate] - A date-time such as 2026-12-31T08:00:00Z: not before
 * @param {string} [folder] - Text. A folder path or id; the module config's when empty
 * @param {string} [expiresIn] - A duration such as 2h or 1d: the callback token's lifetime; until an hour past dueDate when empty
 * @param {string} [resultVariable=uipathQueueItem] - A name: the temp variable that receives the item
 */
const addQueueItem = () => require('dist/backend/studio-actions.js').addQueueItem({ bp, event, args, temp, process })

return addQueueItem()
