/** The proof-of-work miner: MinerEngine (worker threads, WebAssembly SIMD) and mineSync (tests). */
export {
  isAbortError,
  MAX_CRASHES,
  MinerEngine,
  restartDelay,
  type MinerEngineEvents,
  type MinerEngineOptions,
  type MinerProgress,
  type MiningWork,
  type Solution,
  type WorkerErrorEvent,
  type WorkerStates
} from './engine'
export { mineSync } from './mine-sync'
