/**
 * mulberry32: a small seeded pseudo-random generator, so that a test's or a bench's random choices
 * (arrival orders, kill moments, a network's graph) can be replayed from the seed it prints.
 * Returns numbers in [0, 1). Not for anything cryptographic.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}
