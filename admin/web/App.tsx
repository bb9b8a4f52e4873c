import { lazy, Suspense, type ReactNode } from 'react';
import { Admin, CustomRoutes, Loading, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import { LoginPage } from './auth/LoginPage.tsx';
import { authProvider } from './providers/auth-provider.ts';
import { dataProvider } from './providers/data-provider.ts';
import { i18nProvider } from './providers/i18n-provider.ts';
import { theme } from './theme.ts';

// The login page loads only what it shows; the rest comes in chunks once a staff member is signed in.
const Dashboard = lazy(() => import('./dashboard/Dashboard.tsx').then((m) => ({ default: m.Dashboard })));
const PanelLayout = lazy(() => import('./layout/Layout.tsx').then((m) => ({ default: m.Layout })));

function Layout({ children }: { children: ReactNode }) {
  return (
    <Suspense fallback={<Loading />}>
      <PanelLayout>{children}</PanelLayout>
    </Suspense>
  );
}

/** Resources by permission; the API checks them again on every request. */
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
      {async (permissions: string[] = []) => {
        // No permissions: nobody is signed in, and the login page needs none of the pages.
        if (!permissions.length) return null;
        const {
          applications,
          auditLog,
          BotPreviewPage,
          ChangePasswordPage,
          dayTransfers,
          districts,
          feedback,
          groups,
          kindergartens,
          LookupPage,
          referrals,
          rounds,
          staffUsers,
          unreachableParents,
        } = await import('./resources.ts');
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
            {has('calendar.write') && <Resource name="day-transfers" {...dayTransfers} />}
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
