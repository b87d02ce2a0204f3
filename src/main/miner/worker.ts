/**
 * Entry point of a mining worker thread (started by MinerEngine). It hashes in slices of a few
 * tens of milliseconds and yields to its event loop between them, so messages (new work, the test
 * fault) are read while mining; stale work is also noticed between chunks through the control
 * block, without waiting for the message.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { lowerThreadPriority } from './priority'
import { Control, type FromWorker, type ToWorker, type WorkerInit } from './protocol'
import { Searcher, type SearchJob } from './search'

/** Hashing time between two looks at the message queue. */
const SLICE_MS = 25

if (!parentPort) throw new Error('miner worker: run me with new Worker(), not directly')
const port = parentPort

// Hash at the lowest scheduling priority where that lowers only this thread (Linux): the node's
// main thread (HTTP, sync, the app's IPC) always gets a core when it needs one, while an otherwise
// idle machine still gives the miner all of its time. Never the whole process (priority.ts).
const { workerId, control: buffer, lowPriority } = workerData as WorkerInit
if (lowPriority) lowerThreadPriority()
const control = new Control(buffer)
const searcher = new Searcher(control)
let job: SearchJob | null = null
let scheduled = false

function post(message: FromWorker): void {
  port.postMessage(message)
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(step)
}

function finish(): void {
  job = null
  control.setWorkerState(workerId, 0)
}

function step(): void {
  scheduled = false
  if (!job) return
  control.setWorkerState(workerId, job.generation)
  const result = searcher.run(job, SLICE_MS)
  switch (result.kind) {
    case 'more':
      schedule()
      return
    case 'found':
      post({ type: 'found', generation: job.generation, proof: result.proof, hash: result.hash })
      break
    case 'exhausted':
      post({ type: 'exhausted', generation: job.generation })
      break
    case 'stale':
      break
  }
  finish()
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'work':
      if (message.generation !== control.generation) return // already superseded
      job = { generation: message.generation, header: message.header, chunkBase: message.chunkBase }
      schedule()
      return
    case 'fault':
      throw new Error(message.message)
  }
})

post({ type: 'ready' })
