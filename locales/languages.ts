/** The service's two languages, in the order they are offered. Free of Node: the panel imports it. */
export const LANGUAGES = ['kk', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];
