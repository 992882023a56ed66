'use strict'
// A small OData query evaluator: `$filter` with `Field eq 'text'`, `ne`, `in ('a','b')`,
// numbers, `and`, `or`, parentheses; `$orderby`, `$skip`, `$top`, `$select`, `$count`.
// Enough for what clients send to Releases, Folders and Jobs, and strict: anything else
// is rejected the way Orchestrator rejects a bad query (HTTP 400). Property names are
// matched exactly, as OData's default.

function tokenize (text) {
  const tokens = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === ' ') { i++; continue }
    if (c === '(' || c === ')' || c === ',') { tokens.push({ t: c }); i++; continue }
    if (c === "'") {
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated string literal')
        if (text[i] === "'") {
          if (text[i + 1] === "'") { value += "'"; i += 2; continue }
          i++
          break
        }
        value += text[i++]
      }
      tokens.push({ t: 'lit', v: value })
      continue
    }
    const m = /^[A-Za-z_][A-Za-z0-9_/.]*|^-?\d+(\.\d+)?/.exec(text.slice(i))
    if (!m) throw new Error('unexpected character ' + JSON.stringify(c) + ' at ' + i)
    const word = m[0]
    i += word.length
    if (/^-?\d/.test(word)) tokens.push({ t: 'lit', v: Number(word) })
    else if (['eq', 'ne', 'and', 'or', 'in'].indexOf(word) >= 0) tokens.push({ t: word })
    else if (word === 'null') tokens.push({ t: 'lit', v: null })
    else if (word === 'true' || word === 'false') tokens.push({ t: 'lit', v: word === 'true' })
    else tokens.push({ t: 'field', v: word })
  }
  return tokens
}

/** Parses `text` into a predicate over entities with the given `fields`. */
function parseFilter (text, fields) {
  const tokens = tokenize(text)
  let pos = 0
  const peek = () => tokens[pos]
  const take = (t) => {
    const tok = tokens[pos]
    if (!tok || tok.t !== t) throw new Error('expected ' + t + ' at token ' + pos)
    pos++
    return tok
  }
  function primary () {
    if (peek() && peek().t === '(') { take('('); const e = orExpr(); take(')'); return e }
    const field = take('field').v
    if (fields.indexOf(field) < 0) throw new Error("Could not find a property named '" + field + "'")
    const op = peek() && ['eq', 'ne', 'in'].indexOf(peek().t) >= 0 ? tokens[pos++].t : null
    if (!op) throw new Error('expected eq, ne or in after ' + field)
    if (op === 'in') {
      take('(')
      const values = [take('lit').v]
      while (peek() && peek().t === ',') { pos++; values.push(take('lit').v) }
      take(')')
      return (row) => values.indexOf(row[field]) >= 0
    }
    const value = take('lit').v
    return (row) => (op === 'eq') === (row[field] === value)
  }
  function andExpr () {
    let left = primary()
    while (peek() && peek().t === 'and') { pos++; const l = left; const r = primary(); left = (row) => l(row) && r(row) }
    return left
  }
  function orExpr () {
    let left = andExpr()
    while (peek() && peek().t === 'or') { pos++; const l = left; const r = andExpr(); left = (row) => l(row) || r(row) }
    return left
  }
  const predicate = orExpr()
  if (pos !== tokens.length) throw new Error('unexpected tokens after position ' + pos)
  return predicate
}

/**
 * Applies $filter, $orderby, $skip, $top and $select of `query` to `rows`; answers
 * `{ rows, count }`, `count` (before paging) only when `$count=true` was asked.
 */
function applyQuery (rows, query, fields) {
  let out = rows.slice()
  if (query.$filter !== undefined) out = out.filter(parseFilter(query.$filter, fields))
  let count
  if (query.$count !== undefined) {
    if (query.$count !== 'true' && query.$count !== 'false') throw new Error('$count must be true or false')
    if (query.$count === 'true') count = out.length
  }
  if (query.$orderby) {
    const parts = query.$orderby.split(' ')
    const field = parts[0]
    const dir = parts[1] === 'desc' ? -1 : 1
    if (fields.indexOf(field) < 0) throw new Error("Could not find a property named '" + field + "'")
    out.sort((a, b) => (a[field] > b[field] ? dir : a[field] < b[field] ? -dir : 0))
  }
  if (query.$skip !== undefined) {
    const skip = Number(query.$skip)
    if (!Number.isInteger(skip) || skip < 0) throw new Error('$skip must be a whole number')
    out = out.slice(skip)
  }
  if (query.$top !== undefined) {
    const top = Number(query.$top)
    if (!Number.isInteger(top) || top < 0) throw new Error('$top must be a whole number')
    out = out.slice(0, top)
  }
  if (query.$select) {
    const wanted = query.$select.split(',')
    wanted.forEach((f) => { if (fields.indexOf(f) < 0) throw new Error("Could not find a property named '" + f + "'") })
    out = out.map((row) => {
      const picked = {}
      wanted.forEach((f) => { picked[f] = row[f] })
      return picked
    })
  }
  return { rows: out, count: count }
}

module.exports = { parseFilter, applyQuery }
