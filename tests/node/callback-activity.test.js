'use strict'
// The Botpress UiPath component's Callback and SendMessage activities, byte for byte as
// .NET sends them: Newtonsoft.Json of the payload class (text, message, channel,
// target, botId; `"text": null` included), `Authorization: bearer …`, `Content-Type:
// application/json; charset=utf-8` and `Expect: 100-continue` (the body follows the
// server's 100). `Message` is an object argument: an object, or a plain string.

const assert = require('assert')
const http = require('http')
const { test, before, after } = require('../support/harness')
const { startWorld } = require('../support/fixture')

let w
before(async () => { w = await startWorld({ module: 'ours', connection: true }) })
after(async () => { await w.close() })

async function issue () {
  const r = await new Promise((resolve, reject) => {
    http.get(w.botpress.url + '/api/v1/bots/bot-1/mod/uipath/auth/token?channel=web&target=user-1', { headers: { Authorization: 'Bearer ' + w.botpress.serverToken() } }, (res) => {
      let text = ''
      res.on('data', (c) => { text += c })
      res.on('end', () => resolve(JSON.parse(text)))
    }).on('error', reject)
  })
  return r.token
}

/** The activity's request: the head first, the body once the server said 100 Continue. */
function activityPost (token, body) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(body, 'utf8')
    const req = http.request(w.botpress.url + '/api/v1/bots/___/mod/uipath/message', {
      method: 'POST',
      headers: {
        Authorization: 'bearer ' + token,
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': data.length,
        Expect: '100-continue',
        Connection: 'Keep-Alive'
      },
      agent: false
    }, (res) => {
      let text = ''
      res.on('data', (c) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text), continued: continued }))
    })
    let continued = false
    req.on('continue', () => { continued = true; req.end(data) })
    req.on('error', reject)
  })
}

test('an object Message and a plain string Message both reach the conversation, as .NET sends them', async () => {
  const token = await issue()
  const n = w.botpress.replies.length
  // Newtonsoft.Json of the payload class: property order, and "text": null.
  const asObject = '{"text":null,"message":{"type":"text","text":"Invoice INV-0042 found"},"channel":"web","target":"user-1","botId":"bot-1"}'
  const asString = '{"text":null,"message":"Payment scheduled for tomorrow","channel":"web","target":"user-1","botId":"bot-1"}'
  for (const body of [asObject, asString]) {
    const r = await activityPost(token, body)
    assert.strictEqual(r.status, 200, JSON.stringify(r.json))
    assert.ok(r.continued, 'the body went after 100 Continue')
  }
  const got = w.botpress.replies.slice(n).map((r) => r.payload)
  assert.deepStrictEqual(got, [{ type: 'text', text: 'Invoice INV-0042 found' }, { type: 'text', text: 'Payment scheduled for tomorrow' }])
})

test('what the robot sees when the bot refuses a message: the status and a JSON error', async () => {
  const token = await issue()
  const n = w.botpress.replies.length
  const r = await activityPost(token, '{"text":null,"message":"","channel":"web","target":"user-1","botId":"bot-1"}')
  assert.strictEqual(r.status, 400)
  assert.deepStrictEqual(Object.keys(r.json).sort(), ['errorCode', 'message', 'statusCode', 'type'])
  assert.strictEqual(r.json.message, 'a text message needs a non-empty text')
  assert.strictEqual(w.botpress.replies.length, n, 'nothing reached the user')
})
