// Regenerates the independent CID vectors the Java tests check Cid.compute against.
//
//   cd btfs-hybrid-btfs/src/test/js && npm ci && node gen-vectors.mjs
//
// Writes ../resources/cid-vectors-unixfs-importer.json (ipfs-unixfs-importer 17.1.1, both
// profiles) and, when Debian's `ipfs_cid` (package ipfs-cid) is on the PATH,
// ../resources/cid-vectors-debian-ipfs-cid.json (CIDv0, dag-pb leaves).
//
// Content is produced by a seeded xorshift32 generator that CidVectorsTest reproduces byte for
// byte: state = seed; per byte: state ^= state << 13; state ^= state >>> 17; state ^= state << 5
// (all on unsigned 32-bit); byte = state & 0xff. Seed 0 (a fixed point of xorshift) is all zeros.
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { BlackHoleBlockstore } from 'blockstore-core/black-hole'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, openSync, writeSync, closeSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const CHUNK = 262144
const LINKS = 174
const here = dirname(fileURLToPath(import.meta.url))
const resources = join(here, '..', 'resources')

const cases = [
  ['empty', 0],
  ['one byte', 1],
  ['chunk - 1', CHUNK - 1],
  ['one chunk', CHUNK],
  ['chunk + 1', CHUNK + 1],
  ['two chunks + 1000', 2 * CHUNK + 1000],
  ['174 chunks - 1', LINKS * CHUNK - 1],
  ['174 chunks', LINKS * CHUNK],
  ['174 chunks + 1', LINKS * CHUNK + 1],
  ['175 chunks + 12345', (LINKS + 1) * CHUNK + 12345],
  ['348 chunks + 1', 2 * LINKS * CHUNK + 1]
].map(([name, size], i) => ({ name, size, seed: (0x9e3779b9 ^ (i * 0x01000193)) >>> 0 || 1 }))
// The first tree of height 3 (a root over 174-link nodes over 174-link nodes): zeros, to be quick.
cases.push({ name: '174^2 chunks + 1 (zeros)', size: LINKS * LINKS * CHUNK + 1, seed: 0, content: 'zeros' })

/** Yields the content in pieces of at most 1 MiB: seeded xorshift32 bytes, or zeros if seed is 0. */
function * content (size, seed) {
  if (seed === 0) {
    for (let left = size; left > 0; left -= Math.min(left, 1 << 20)) yield new Uint8Array(Math.min(left, 1 << 20))
    return
  }
  let state = seed >>> 0
  let left = size
  while (left > 0) {
    const piece = new Uint8Array(Math.min(left, 1 << 20))
    for (let i = 0; i < piece.length; i++) {
      state ^= state << 13; state >>>= 0
      state ^= state >>> 17
      state ^= state << 5; state >>>= 0
      piece[i] = state & 0xff
    }
    left -= piece.length
    yield piece
  }
}

async function cidOf (size, seed, cidVersion, rawLeaves) {
  const options = {
    cidVersion,
    rawLeaves,
    leafType: 'file',
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: CHUNK }),
    layout: balanced({ maxChildrenPerNode: LINKS })
  }
  let root
  for await (const entry of importer([{ content: content(size, seed) }], new BlackHoleBlockstore(), options)) {
    root = entry.cid
  }
  return root.toString()
}

const importerVectors = []
for (const c of cases) {
  importerVectors.push({
    ...c,
    v1Raw: await cidOf(c.size, c.seed, 1, true),
    v0: await cidOf(c.size, c.seed, 0, false)
  })
  console.log(`importer: ${c.name}`)
}
writeFileSync(join(resources, 'cid-vectors-unixfs-importer.json'), JSON.stringify({
  generator: 'ipfs-unixfs-importer@17.1.1 via src/test/js/gen-vectors.mjs (xorshift32 content)',
  vectors: importerVectors
}, null, 2) + '\n')

let haveIpfsCid = true
try { execFileSync('sh', ['-c', 'command -v ipfs_cid'], { stdio: 'ignore' }) } catch { haveIpfsCid = false }
if (haveIpfsCid) {
  const dir = mkdtempSync(join(tmpdir(), 'cid-vectors-'))
  const debianVectors = []
  for (const c of cases) {
    const file = join(dir, 'content')
    const fd = openSync(file, 'w')
    for (const piece of content(c.size, c.seed)) writeSync(fd, piece)
    closeSync(fd)
    const out = execFileSync('ipfs_cid', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    const json = JSON.parse(out.split('\n').find(line => line.startsWith('{')))
    debianVectors.push({ ...c, v0: json.CIDv0 })
    console.log(`ipfs_cid: ${c.name}`)
  }
  rmSync(dir, { recursive: true, force: true })
  writeFileSync(join(resources, 'cid-vectors-debian-ipfs-cid.json'), JSON.stringify({
    generator: 'Debian ipfs-cid (ipfs_cid) via src/test/js/gen-vectors.mjs (xorshift32 content)',
    vectors: debianVectors
  }, null, 2) + '\n')
} else {
  console.log('ipfs_cid not found (apt-get install ipfs-cid): Debian vectors left as they are')
}
