/** npm run db:migrate: applies db/migrations to DATABASE_URL (or the PGlite data dir). */
import { loadConfigOrExit } from '../core/config.ts';
import { openDatabase } from './client.ts';

const config = loadConfigOrExit();
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  await database.migrate();
  console.log(`migrations applied (${database.kind})`);
} finally {
  await database.close();
}
