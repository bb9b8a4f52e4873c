import type { ReactNode } from 'react';
import { Layout as RaLayout, useGetIdentity } from 'react-admin';
import { Navigate } from 'react-router-dom';
import { CHANGE_PASSWORD } from '../providers/auth-provider.ts';
import { AppBar } from './AppBar.tsx';
import { Menu } from './Menu.tsx';

/** A user with a one-time password goes to the password change first. */
export function Layout({ children }: { children: ReactNode }) {
  const { identity } = useGetIdentity();
  if (identity?.mustChangePassword) return <Navigate to={CHANGE_PASSWORD} replace />;
  return (
    <RaLayout menu={Menu} appBar={AppBar}>
      {children}
    </RaLayout>
  );
}
