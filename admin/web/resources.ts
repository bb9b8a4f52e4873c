/** Imported only once a staff member is signed in, so the login page does not carry the panel's pages. */
export { default as applications } from './applications/index.ts';
export { default as auditLog } from './audit-log/index.ts';
export { ChangePasswordPage } from './auth/ChangePasswordPage.tsx';
export { BotPreviewPage } from './bot-preview/BotPreviewPage.tsx';
export { default as dayTransfers } from './day-transfers/index.ts';
export { default as districts } from './districts/index.ts';
export { default as feedback } from './feedback/index.ts';
export { default as groups } from './groups/index.ts';
export { default as kindergartens } from './kindergartens/index.ts';
export { LookupPage } from './lookup/LookupPage.tsx';
export { default as referrals } from './referrals/index.ts';
export { default as rounds } from './rounds/index.ts';
export { default as staffUsers } from './staff-users/index.ts';
export { default as unreachableParents } from './unreachable-parents/index.ts';
