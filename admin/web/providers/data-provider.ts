import simpleRestProvider from 'ra-data-simple-rest';
import type { DataProvider } from 'react-admin';
import type { BotPreviewResponse, DashboardResponse, LookupResponse } from '../../shared/api-types.ts';
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

/**
 * The applications' search box looks a name up from 3 letters (MIN_NAME_SEARCH of
 * admin/server/applications/list.ts; the server answers 400 to less). An IIN or a number is longer.
 */
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

export type { BotPreviewResponse, LookupResponse };
export type Dashboard = DashboardResponse;
/** One answer of the call-centre look-up. */
export type LookupAnswer = LookupResponse['results'][number];
/** One message the parent bot sent in the preview. */
export type BotMessage = BotPreviewResponse['messages'][number];
