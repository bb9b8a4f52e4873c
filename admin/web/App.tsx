import { Admin, CustomRoutes, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import applications from './applications/index.ts';
import auditLog from './audit-log/index.ts';
import { ChangePasswordPage } from './auth/ChangePasswordPage.tsx';
import { LoginPage } from './auth/LoginPage.tsx';
import { BotPreviewPage } from './bot-preview/BotPreviewPage.tsx';
import { Dashboard } from './dashboard/Dashboard.tsx';
import districts from './districts/index.ts';
import feedback from './feedback/index.ts';
import groups from './groups/index.ts';
import kindergartens from './kindergartens/index.ts';
import { Layout } from './layout/Layout.tsx';
import { LookupPage } from './lookup/LookupPage.tsx';
import { authProvider } from './providers/auth-provider.ts';
import { dataProvider } from './providers/data-provider.ts';
import { i18nProvider } from './providers/i18n-provider.ts';
import referrals from './referrals/index.ts';
import rounds from './rounds/index.ts';
import staffUsers from './staff-users/index.ts';
import unreachableParents from './unreachable-parents/index.ts';
import { theme } from './theme.ts';

/**
 * Resources by permission (the API checks them again on every request): a call-centre agent
 * gets only the look-up, an auditor reads, district staff work their districts, an admin all.
 */
export function App() {
  return (
    <Admin
      title="Balabaqsha"
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      dashboard={Dashboard}
      layout={Layout}
      loginPage={LoginPage}
      theme={theme}
      disableTelemetry
      requireAuth
    >
      {(permissions: string[] = []) => {
        const has = (p: string) => permissions.includes(p);
        const edit = <T extends object>(resource: T, allowed: boolean): T =>
          allowed ? resource : { ...resource, edit: undefined, create: undefined };
        return (
          <>
            {has('applications.read') && <Resource name="applications" {...edit(applications, has('applications.intake'))} />}
            {has('applications.read') && <Resource name="unreachable-parents" {...unreachableParents} />}
            {has('places.read') && <Resource name="kindergartens" {...edit(kindergartens, has('places.write'))} />}
            {has('places.read') && <Resource name="groups" {...edit(groups, has('groups.write'))} />}
            {has('referrals.read') && <Resource name="referrals" {...referrals} />}
            {has('referrals.read') && <Resource name="rounds" {...edit(rounds, has('referrals.write'))} />}
            {has('staff.read') && <Resource name="staff-users" {...staffUsers} />}
            {has('audit.read') && <Resource name="audit-log" {...auditLog} />}
            {has('feedback.read') && <Resource name="feedback" {...feedback} />}
            {has('documents.read') && <Resource name="documents" />}
            <Resource name="districts" {...districts} />
            <CustomRoutes>
              {has('lookup') && <Route path="/lookup" element={<LookupPage />} />}
              {has('bot.preview') && <Route path="/bot-preview" element={<BotPreviewPage />} />}
            </CustomRoutes>
            <CustomRoutes noLayout>
              <Route path="/change-password" element={<ChangePasswordPage />} />
            </CustomRoutes>
          </>
        );
      }}
    </Admin>
  );
}
