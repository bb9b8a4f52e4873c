/**
 * Who may do what in the panel: the role matrix and districts. Pure functions; the API enforces
 * them on every request and the panel only mirrors them.
 */
import { staffRoleEnum, type staffUsers } from '../db/schema/index.ts';
import type { Actor } from './audit.ts';
import { maskIin } from './iin.ts';

export const STAFF_ROLES = staffRoleEnum.enumValues;
export type StaffRole = (typeof STAFF_ROLES)[number];
type StaffUser = typeof staffUsers.$inferSelect;

/**
 * The role matrix. admin: everything; district_staff: their districts' applications
 * (verify, refuse, priority claims, intake, referrals); call_centre: the look-up only, masked;
 * auditor: read-only everywhere, and the audit log. Anything not listed is forbidden.
 */
export const PERMISSIONS = {
  'applications.read': ['admin', 'district_staff', 'auditor'],
  /** Whole IINs in exports; everyone else who reads applications gets them masked. */
  'applications.iin': ['admin', 'district_staff'],
  'applications.intake': ['admin', 'district_staff'],
  'applications.verify': ['admin', 'district_staff'],
  'applications.refuse': ['admin', 'district_staff'],
  'applications.priority': ['admin', 'district_staff'],
  /** Document metadata (kind, size, state); the content is documents.download. */
  'documents.read': ['admin', 'district_staff', 'auditor'],
  'documents.download': ['admin', 'district_staff'],
  'documents.upload': ['admin', 'district_staff'],
  'documents.verify': ['admin', 'district_staff'],
  'places.read': ['admin', 'district_staff', 'auditor'],
  /** Kindergartens are the city's (admins); a district's groups and seats are its own staff's too. */
  'places.write': ['admin'],
  'groups.write': ['admin', 'district_staff'],
  'referrals.read': ['admin', 'district_staff', 'auditor'],
  'referrals.write': ['admin', 'district_staff'],
  'staff.read': ['admin'],
  'staff.write': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'feedback.read': ['admin', 'auditor'],
  'dashboard.read': ['admin', 'district_staff', 'auditor'],
  'districts.read': ['admin', 'district_staff', 'call_centre', 'auditor'],
  /** The decree transfers of working days: they move every deadline in the city. */
  'calendar.write': ['admin'],
  lookup: ['admin', 'call_centre'],
  /** Staff who explain the bot to parents; the sandbox is too costly to offer every desk. */
  'bot.preview': ['admin', 'district_staff'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Roles whose rights are limited to the districts listed on the account. */
const DISTRICT_BOUND: readonly StaffRole[] = ['district_staff'];

export function can(user: Pick<StaffUser, 'roles'>, permission: Permission): boolean {
  const allowed: readonly StaffRole[] = PERMISSIONS[permission];
  return user.roles.some((r) => allowed.includes(r));
}

/** A child's IIN as this staff member may see it: whole with 'applications.iin', masked otherwise. */
export function iinFor(user: Pick<StaffUser, 'roles'>, iin: string): string {
  return can(user, 'applications.iin') ? iin : maskIin(iin);
}

/** Permissions of a user, for the panel to mirror (it never decides anything itself). */
export function permissionsOf(user: Pick<StaffUser, 'roles'>): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(user, p));
}

/**
 * The districts in which the user holds `permission`: 'all' when a role that grants it is not
 * district-bound, else the account's districts (possibly none).
 */
export function districtScope(user: Pick<StaffUser, 'roles' | 'districtIds'>, permission: Permission): 'all' | number[] {
  const allowed: readonly StaffRole[] = PERMISSIONS[permission];
  const granting = user.roles.filter((r) => allowed.includes(r));
  if (granting.some((r) => !DISTRICT_BOUND.includes(r))) return 'all';
  return granting.length ? [...user.districtIds] : [];
}

export function canInDistrict(
  user: Pick<StaffUser, 'roles' | 'districtIds'>,
  permission: Permission,
  districtId: number,
): boolean {
  if (!can(user, permission)) return false;
  const scope = districtScope(user, permission);
  return scope === 'all' || scope.includes(districtId);
}

export function staffActor(user: Pick<StaffUser, 'id' | 'roles'>): Actor {
  return { type: 'staff', id: user.id, roles: user.roles };
}
