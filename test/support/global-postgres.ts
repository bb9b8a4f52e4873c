import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.ts';

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `balabaqsha_test_${process.pid}_${Date.now()}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end();
    throw new Error(
      `PostgreSQL is not reachable at ${serverUrl.replace(/:[^:@/]+@/, ':***@')} (${(err as Error).message}). ` +
        'Start it (see .ci/run) or run only the embedded backend with TEST_BACKENDS=pglite.',
    );
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 2 });
  await database.migrate();
  await database.close();
  project.provide('backend', 'postgres');
  project.provide('pgliteDump', '');
  project.provide('databaseUrl', url.toString());
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    backend: 'pglite' | 'postgres';
    pgliteDump: string;
    databaseUrl: string;
  }
}
