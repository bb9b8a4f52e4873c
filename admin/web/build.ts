/** main.ts rebuilds only when dist/admin is older than any source the browser bundle is made from. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, 'dist/admin');
const index = join(outDir, 'index.html');
const SOURCES = ['admin/web', 'locales', 'core/iin.ts', 'core/passwords.ts', 'core/refusals.ts', 'core/format.ts', 'core/calendar.ts', 'db/schema/enums.ts', 'package-lock.json'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((f) => f !== 'node_modules').map((f) => newest(join(path, f))));
}

export function panelIsStale(): boolean {
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newest(join(root, s)) > built);
}

export async function buildPanel(): Promise<void> {
  // Vite is loaded only to build: a start with a built panel does not pay for it.
  const { build } = await import('vite');
  await build({ configFile: join(root, 'admin/web/vite.config.ts'), mode: 'production', logLevel: 'warn' });
  await compressPanel();
}

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;
/** Below this a compressed copy saves less than its headers and the work of choosing it. */
const MIN_BYTES = 1024;

/** Not the top levels: the build runs on a first `npm start`, where a newcomer waits for it. */
const BROTLI_QUALITY = 9;

export async function compressPanel(dir: string = outDir): Promise<void> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => COMPRESSIBLE.test(f));
  await Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      const data = await readFile(path);
      if (data.length < MIN_BYTES) return;
      const [br, gz] = await Promise.all([
        promisify(brotliCompress)(data, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
        }),
        promisify(gzip)(data, { level: zlib.Z_BEST_COMPRESSION }),
      ]);
      await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
    }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || panelIsStale()) {
    const started = performance.now();
    await buildPanel();
    console.log(`panel built into dist/admin in ${Math.round(performance.now() - started)} ms`);
  }
}
