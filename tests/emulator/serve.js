'use strict'
// Runs the Orchestrator emulator on its own, for trying a client against it by hand:
//   node tests/emulator/serve.js      → prints the origin, the cloud URL and an access token
// Robots play every started job (a few seconds of work, then Successful with output).
const { startOrchestrator } = require('./orchestrator')
const { robot } = require('./robot')

async function main () {
  const player = robot({ messages: [], delayMs: 10, workMs: Number(process.env.EMU_WORK_MS || 3000), output: { paid: true } })
  const emu = await startOrchestrator({ onJobStarted: (job, input, e) => player(job, input, e) })
  const res = await fetch(emu.origin + '/identity_/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=emu-app&client_secret=emu-app-secret&scope=OR.Jobs%20OR.Folders.Read%20OR.Execution.Read'
  })
  const token = (await res.json()).access_token
  console.log(JSON.stringify({ origin: emu.origin, cloudUrl: emu.cloudUrl, baseUrl: emu.origin + '/acme/DefaultTenant', accessToken: token }))
  process.on('SIGTERM', () => emu.close().then(() => process.exit(0)))
}

main()
