/** Run by `npm ci` (postinstall); db/client.ts starts new data directories from it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, pgliteExtensions, pgliteTemplate } from './client.ts';

export async function writePgliteTemplate(path: string = pgliteTemplate): Promise<void> {
  const pg = await PGlite.create({ extensions: pgliteExtensions });
  try {
    await (await openDatabase({ pglite: pg })).migrate();
    const dump = await pg.dumpDataDir('gzip');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pg.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  await writePgliteTemplate();
  console.log(`database template written into dist/ in ${Math.round(performance.now() - started)} ms`);
}
