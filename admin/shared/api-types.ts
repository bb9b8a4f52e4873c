/**
 * The API's answers as the panel receives them, read off the server's own routes: a change in a
 * handler's answer is a type error in the panel. Types only: nothing here reaches the bundle.
 */
import type { ExtractSchema } from 'hono/types';
import type { ClientErrorStatusCode, ServerErrorStatusCode } from 'hono/utils/http-status';
import type { applicationsRoutes } from '../server/applications/index.ts';
import type { auditLogRoutes } from '../server/audit-log.ts';
import type { authRoutes } from '../server/auth.ts';
import type { botPreviewRoutes } from '../server/bot-preview.ts';
import type { dashboardRoutes } from '../server/dashboard.ts';
import type { lookupRoutes } from '../server/lookup.ts';
import type { referralsRoutes } from '../server/referrals.ts';
import type { roundsRoutes } from '../server/rounds.ts';

/** The JSON a route answers when it does not answer an error (dates arrive as ISO strings). */
type Ok<Routes extends (...args: never[]) => unknown, Path extends string, Method extends string> =
  ExtractSchema<ReturnType<Routes>> extends infer S
    ? S extends Record<Path, Record<Method, infer E>>
      ? Exclude<E, { status: ClientErrorStatusCode | ServerErrorStatusCode }> extends { output: infer O }
        ? O
        : never
      : never
    : never;

export type ApplicationDetailResponse = Ok<typeof applicationsRoutes, '/:id', '$get'>;
export type IntakeResponse = Ok<typeof applicationsRoutes, '/', '$post'>;
export type DuplicateResponse = Ok<typeof applicationsRoutes, '/duplicate', '$get'>;
export type AuditLogRow = Ok<typeof auditLogRoutes, '/:id', '$get'>;
export type Me = Ok<typeof authRoutes, '/me', '$get'>;
export type BotPreviewResponse = Ok<typeof botPreviewRoutes, '/', '$post'>;
export type DashboardResponse = Ok<typeof dashboardRoutes, '/', '$get'>;
export type LookupResponse = Ok<typeof lookupRoutes, '/', '$post'>;
export type ReferralRecord = Ok<typeof referralsRoutes, '/:id', '$get'>;
export type RoundRecord = Ok<typeof roundsRoutes, '/:id', '$get'>;
