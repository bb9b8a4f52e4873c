/**
 * Builds the panel into dist/admin with Vite. `tsx admin/web/build.ts --if-stale` (run by
 * `npm start`) builds only when dist/admin is missing or older than any source it is made
 * from: admin/web, locales, and the few core/ and db/ files the browser bundle imports.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const index = join(root, 'dist/admin/index.html');
const SOURCES = ['admin/web', 'locales', 'core/iin.ts', 'core/refusals.ts', 'core/format.ts', 'core/calendar.ts', 'core/holidays.ts', 'db/schema/enums.ts', 'package-lock.json'];

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
  await build({ configFile: join(root, 'admin/web/vite.config.ts'), mode: 'production', logLevel: 'warn' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || panelIsStale()) {
    const started = performance.now();
    await buildPanel();
    console.log(`panel built into dist/admin in ${Math.round(performance.now() - started)} ms`);
  }
}
