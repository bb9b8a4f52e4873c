import simpleRestProvider from 'ra-data-simple-rest';
import type { DataProvider } from 'react-admin';
import type { LookupAnswer as CoreLookupAnswer } from '../../../core/lookup.ts';
import type { PreviewMessage } from '../../server/bot-preview.ts';
import { API, get, httpClient, post, upload } from './http.ts';

const base = simpleRestProvider(API, httpClient);

export interface PanelDataProvider extends DataProvider {
  action<T = Record<string, unknown>>(resource: string, id: number | string, action: string, body?: unknown): Promise<T>;
  lookup(query: string, reason: string): Promise<LookupResponse>;
  dashboard(districtId?: number | null): Promise<Dashboard>;
  uploadDocument(applicationId: number, kind: string, file: File): Promise<{ id: number }>;
  botPreview(body: unknown): Promise<BotPreviewResponse>;
  roundRules(): Promise<RoundRules>;
}

/** The server answers 400 to a shorter name search (admin/server/applications.ts). */
export const MIN_NAME_SEARCH = 3;
export const isShortSearch = (q: unknown): boolean => typeof q === 'string' && q.trim() !== '' && [...q.trim().replace(/\s+/g, ' ')].length < MIN_NAME_SEARCH;

export const dataProvider: PanelDataProvider = {
  ...base,
  // While someone types the first letters of a name, the list waits for a third (the box says so).
  getList: (resource, params) => {
    if (resource !== 'applications' || !isShortSearch(params.filter?.q)) return base.getList(resource, params);
    const { q: _q, ...filter } = params.filter as Record<string, unknown>;
    return base.getList(resource, { ...params, filter });
  },
  action: (resource, id, action, body = {}) => post(`${resource}/${id}/${action}`, body),
  lookup: (query, reason) => post<LookupResponse>('lookup', { query, reason }),
  dashboard: (districtId) => get<Dashboard>(`dashboard${districtId ? `?districtId=${districtId}` : ''}`),
  uploadDocument: (applicationId, kind, file) => {
    const form = new FormData();
    form.set('applicationId', String(applicationId));
    form.set('kind', kind);
    form.set('file', file);
    return upload('documents', form);
  },
  botPreview: (body) => post<BotPreviewResponse>('bot-preview', body),
  roundRules: () => get<RoundRules>('rounds/rules'),
};

/** The allocation settings a round's help quotes (GET /api/rounds/rules). */
export interface RoundRules {
  generalPerBeneficiary: number;
}

/** A server type as it arrives here over JSON: its dates are ISO strings. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type LookupAnswer = Json<CoreLookupAnswer>;

export interface LookupResponse {
  kind: 'iin' | 'number';
  results: LookupAnswer[];
}

export interface Dashboard {
  districtIds: number[] | null;
  queue: {
    total: number;
    byDistrict: { key: number; n: number }[];
    byBirthYear: { key: number; n: number }[];
    byLanguage: { key: 'kk' | 'ru'; n: number }[];
    byList: { key: number; n: number }[];
  };
  applicationsToday: number;
  awaitingVerification: { submitted: number; priority: number; documents: number };
  secondApproval: { waiting: number; oldestAt: string | null };
  deadline: { minutes: number; results: number; within: number; overdue: number; share: number | null };
  quality: { responses: number; indicators: { key: string; responses: number; share: number | null }[] };
  perDay: { day: string; channel: string; n: number }[];
}

export type BotMessage = PreviewMessage;

export interface BotPreviewResponse {
  messages: BotMessage[];
}
