/**
 * The icon containers the installers need, written and read here rather than by electron-builder
 * (which converts a PNG through its app-builder binary at build time): the files are committed, so
 * what each target gets is reviewable, and the packaging test can check them without a build.
 *
 * Both containers hold PNG images as they are (Windows Vista and later read PNG entries in an
 * .ico; macOS 10.7 and later read PNG in every icns type used below).
 */

/** Linux: the hicolor theme sizes the deb installs (the AppImage takes the largest). */
export const LINUX_SIZES = [16, 22, 24, 32, 48, 64, 128, 256, 512] as const
/** Windows: the shell's list sizes up to 256 (the largest is required by electron-builder). */
export const ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 96, 128, 256] as const
/**
 * macOS: the types `iconutil` writes for a full .iconset (16 to 512 at 1x and 2x), by pixel size.
 * https://en.wikipedia.org/wiki/Apple_Icon_Image_format lists the OSType of each.
 */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['ic11', 32], // 16@2x
  ['icp5', 32],
  ['ic12', 64], // 32@2x
  ['ic07', 128],
  ['ic13', 256], // 128@2x
  ['ic08', 256],
  ['ic14', 512], // 256@2x
  ['ic09', 512],
  ['ic10', 1024] // 512@2x
] as const

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (
    png.length < 24 ||
    !png.subarray(0, 8).equals(PNG_MAGIC) ||
    png.toString('latin1', 12, 16) !== 'IHDR'
  )
    return null
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

/** An .ico holding the given PNGs (ICONDIR, one ICONDIRENTRY each, then the images). */
export function encodeIco(pngs: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0) // reserved
  header.writeUInt16LE(1, 2) // type: icon
  header.writeUInt16LE(pngs.length, 4)
  const entries: Buffer[] = []
  let offset = 6 + 16 * pngs.length
  for (const png of pngs) {
    const size = pngSize(png)
    if (!size || size.width !== size.height || size.width > 256)
      throw new Error('ico entries must be square PNGs of at most 256 px')
    const e = Buffer.alloc(16)
    e.writeUInt8(size.width === 256 ? 0 : size.width, 0) // 0 means 256
    e.writeUInt8(size.height === 256 ? 0 : size.height, 1)
    e.writeUInt8(0, 2) // no palette
    e.writeUInt8(0, 3)
    e.writeUInt16LE(1, 4) // colour planes
    e.writeUInt16LE(32, 6) // bits per pixel
    e.writeUInt32LE(png.length, 8)
    e.writeUInt32LE(offset, 12)
    offset += png.length
    entries.push(e)
  }
  return Buffer.concat([header, ...entries, ...pngs])
}

export interface IconEntry {
  /** The .ico's stated size, or the icns OSType. */
  label: string
  png: Buffer
}

/** The images of an .ico, or an error saying what is wrong with it. */
export function decodeIco(ico: Buffer): IconEntry[] | { error: string } {
  if (ico.length < 6 || ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1)
    return { error: 'not an icon file' }
  const count = ico.readUInt16LE(4)
  const out: IconEntry[] = []
  for (let i = 0; i < count; i++) {
    const at = 6 + 16 * i
    if (at + 16 > ico.length) return { error: `entry ${i} is cut off` }
    const w = ico.readUInt8(at) || 256
    const length = ico.readUInt32LE(at + 8)
    const offset = ico.readUInt32LE(at + 12)
    if (offset + length > ico.length) return { error: `image ${i} runs past the end` }
    out.push({ label: String(w), png: ico.subarray(offset, offset + length) })
  }
  return out
}

/** An .icns holding the given (OSType, PNG) pairs, in that order. */
export function encodeIcns(entries: readonly IconEntry[]): Buffer {
  const parts = entries.map(({ label, png }) => {
    if (!/^[a-z0-9]{4}$/.test(label)) throw new Error(`bad icns type ${label}`)
    const head = Buffer.alloc(8)
    head.write(label, 0, 'latin1')
    head.writeUInt32BE(8 + png.length, 4)
    return Buffer.concat([head, png])
  })
  const body = Buffer.concat(parts)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(8 + body.length, 4)
  return Buffer.concat([head, body])
}

/** The (OSType, data) entries of an .icns, or an error saying what is wrong with it. */
export function decodeIcns(icns: Buffer): IconEntry[] | { error: string } {
  if (icns.length < 8 || icns.toString('latin1', 0, 4) !== 'icns')
    return { error: 'not an icns file' }
  if (icns.readUInt32BE(4) !== icns.length)
    return { error: `stated length ${icns.readUInt32BE(4)} is not ${icns.length}` }
  const out: IconEntry[] = []
  for (let at = 8; at < icns.length;) {
    if (at + 8 > icns.length) return { error: `entry header at ${at} is cut off` }
    const length = icns.readUInt32BE(at + 4)
    if (length < 8 || at + length > icns.length)
      return { error: `entry at ${at} has a bad length ${length}` }
    out.push({
      label: icns.toString('latin1', at, at + 4),
      png: icns.subarray(at + 8, at + length)
    })
    at += length
  }
  return out
}
