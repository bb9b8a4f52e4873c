/** Read through TRUST_PROXY only (proxy-addr), so a client that is not a trusted proxy cannot choose its address. */
import type { IncomingMessage } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import proxyaddr from 'proxy-addr';
import { trustList, type Config } from '../../core/config.ts';

type Trust = (address: string, hop: number) => boolean;
const compiled = new Map<string, Trust>();

function trustOf(setting: string): Trust {
  let trust = compiled.get(setting);
  if (!trust) {
    const hops = /^\d+$/.test(setting) ? Number(setting) : null;
    trust = hops !== null ? (_address, hop) => hop < hops : proxyaddr.compile(trustList(setting));
    compiled.set(setting, trust);
  }
  return trust;
}

export function clientAddress(c: Context, config: Pick<Config, 'TRUST_PROXY'>): string {
  let remote: string | undefined;
  try {
    remote = getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests has no socket.
  }
  if (!remote) return 'unknown';
  if (!config.TRUST_PROXY) return remote;
  const forwardedFor = c.req.header('x-forwarded-for');
  if (!forwardedFor) return remote;
  // proxy-addr reads a Node request; these are the only fields it looks at.
  const socket = { remoteAddress: remote };
  const req = { connection: socket, socket, headers: { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
  return proxyaddr(req, trustOf(config.TRUST_PROXY));
}
