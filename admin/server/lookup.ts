/** POST keeps the IIN out of URLs and access logs. */
import { Hono } from 'hono';
import { lookupApplications } from '../../core/lookup.ts';
import { actorOf, need, readJson, type ApiDeps, type ApiEnv } from './context.ts';

export function lookupRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>().post('/', need('lookup'), async (c) => {
    const answer = await lookupApplications(deps.database.db, await readJson(c), actorOf(c), deps.policy);
    // The agent typed the query; the answer does not echo an IIN back.
    return c.json({ kind: answer.query.kind, results: answer.results });
  });
}
