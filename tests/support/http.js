'use strict'
// Raw HTTP for the module's route tests (what an outsider can send), and an independent
// implementation of the callback signing key (HKDF-SHA256, RFC 5869) to sign test tokens.

const crypto = require('crypto')
const http = require('http')
const net = require('net')

/**
 * One request; answers `{ status, json, text, headers }`. A string or Buffer body is sent
 * as is, anything else as JSON. `from` is a loopback source address (127.0.0.x), to stand
 * for another client.
 */
function request (base, method, urlPath, headers, body, from) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
    const h = Object.assign({}, headers)
    if (data) { h['Content-Type'] = h['Content-Type'] || 'application/json'; h['Content-Length'] = data.length }
    const req = http.request(base + urlPath, { method: method, headers: h, localAddress: from, agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        let json
        try { json = JSON.parse(text) } catch (e) { json = undefined }
        resolve({ status: res.statusCode, json: json, text: text, headers: res.headers })
      })
    })
    req.on('error', reject)
    // A route that never answers fails the test instead of hanging it.
    req.setTimeout(10000, () => req.destroy(new Error(method + ' ' + urlPath + ': no answer within 10 s')))
    if (data) req.write(data)
    req.end()
  })
}

/**
 * Sends the head of a request and only `sent` of its declared body, then waits: a slow
 * client. Resolves with the status line the server answered, or 'no answer' when
 * nothing came within `waitMs`.
 */
function slowRequest (base, urlPath, headers, declaredLength, sent, waitMs) {
  const u = new URL(base)
  return new Promise((resolve) => {
    const socket = net.connect(Number(u.port), u.hostname)
    let answer = ''
    const timer = setTimeout(() => { socket.destroy(); resolve('no answer') }, waitMs)
    socket.on('data', (d) => {
      answer += d.toString()
      if (answer.indexOf('\r\n') >= 0) { clearTimeout(timer); socket.destroy(); resolve(answer.split('\r\n')[0]) }
    })
    socket.on('error', () => {})
    const head = ['POST ' + urlPath + ' HTTP/1.1', 'Host: ' + u.host, 'Content-Length: ' + declaredLength]
      .concat(Object.keys(headers).map((k) => k + ': ' + headers[k]))
    socket.write(head.join('\r\n') + '\r\n\r\n' + sent)
  })
}

const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest()

/** HKDF-SHA256(salt 'botpress-uipath/callback/v1', ikm secret, info 'hs256 signing key'), 32 bytes. */
function callbackKey (secret) {
  const prk = hmac(Buffer.from('botpress-uipath/callback/v1'), Buffer.from(secret))
  return hmac(prk, Buffer.concat([Buffer.from('hs256 signing key'), Buffer.from([1])]))
}

/** An HS256 JWT of `claims` signed with `key` (a Buffer or string). */
function signJwt (claims, key) {
  const input = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(claims))
  return input + '.' + b64url(hmac(key, input))
}

module.exports = { request, slowRequest, callbackKey, signJwt, b64url, hmac }
