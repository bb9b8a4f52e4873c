import { describe, expect, it } from 'vitest';
import { classifyQuery, maskName, nextStepOf } from '../../core/lookup.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { hashPassword, verifyPassword } from '../../core/password-hashing.ts';
import { checkNewPassword } from '../../core/passwords.ts';
import { can, canInDistrict, districtScope, PERMISSIONS, permissionsOf } from '../../core/permissions.ts';

const admin = { roles: ['admin' as const], districtIds: [] };
const district = { roles: ['district_staff' as const], districtIds: [3, 5] };
const callCentre = { roles: ['call_centre' as const], districtIds: [] };
const auditor = { roles: ['auditor' as const], districtIds: [] };

describe('roles', () => {
  it('gives admin everything and the others only their part', () => {
    expect(permissionsOf(admin)).toEqual(Object.keys(PERMISSIONS));
    expect(permissionsOf(callCentre).sort()).toEqual(['districts.read', 'lookup']);
    expect(permissionsOf(auditor).filter((p) => !p.endsWith('.read'))).toEqual([]);
    expect(can(district, 'bot.preview')).toBe(true);
    expect(can(district, 'applications.refuse')).toBe(true);
    expect(can(district, 'staff.read')).toBe(false);
    expect(can(district, 'audit.read')).toBe(false);
    expect(can(auditor, 'documents.download')).toBe(false);
  });

  it('limits district staff to their districts, and combined roles take the wider scope', () => {
    expect(districtScope(district, 'applications.read')).toEqual([3, 5]);
    expect(districtScope(admin, 'applications.read')).toBe('all');
    expect(districtScope(callCentre, 'applications.read')).toEqual([]);
    expect(canInDistrict(district, 'applications.verify', 5)).toBe(true);
    expect(canInDistrict(district, 'applications.verify', 4)).toBe(false);
    const both = { roles: ['district_staff' as const, 'auditor' as const], districtIds: [3] };
    expect(districtScope(both, 'applications.read')).toBe('all');
    expect(districtScope(both, 'applications.refuse')).toEqual([3]);
  });
});

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('Жаңа құпиясөз 2026');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'Жаңа құпиясөз 2026')).toBe(true);
    expect(await verifyPassword(hash, 'жаңа құпиясөз 2026')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('asks for long passwords without the login in them', () => {
    expect(checkNewPassword('short', 'aigerim')).toEqual([{ field: 'password', code: 'password_too_short', params: { count: 12 } }]);
    expect(checkNewPassword('my-AIGERIM-password', 'aigerim')).toEqual([{ field: 'password', code: 'password_contains_login' }]);
    expect(checkNewPassword('Алатау таулары 2026', 'aigerim')).toEqual([]);
  });
});

describe('the call-centre answer', () => {
  it('reads an IIN or an application number from what the agent types', () => {
    expect(classifyQuery('230101 5 0012 3')).toEqual({ kind: 'iin', iin: '230101500123' });
    expect(classifyQuery('2026-123')).toEqual({ kind: 'number', number: '2026-0000123' });
    expect(classifyQuery('2026 - 0001234')).toEqual({ kind: 'number', number: '2026-0001234' });
    expect(classifyQuery('Иванов')).toBeNull();
    expect(classifyQuery('12345')).toBeNull();
  });

  it('masks names to the given name and initials', () => {
    expect(maskName('Сейітқали Айсұлу Ерланқызы')).toBe('С. Айсұлу Е.');
    expect(maskName('Ivanov Ivan')).toBe('I. Ivan');
    expect(maskName('Әлия')).toBe('Ә•••');
  });

  it('says what comes next and by when, from the status', () => {
    const now = new Date('2026-03-02T05:00:00Z');
    const at = new Date('2026-03-02T04:50:00Z');
    expect(nextStepOf({ status: 'submitted', registeredAt: at, stopUntil: null }, null, defaultPolicy, now)).toEqual({
      step: 'wait_check',
      deadline: new Date('2026-03-02T05:20:00Z'),
    });
    expect(nextStepOf({ status: 'registered', registeredAt: at, stopUntil: new Date('2026-03-10T00:00:00Z') }, null, defaultPolicy, now).step).toBe('stop_list');
    const referral = { confirmBy: new Date('2026-03-04T12:00:00Z'), presentBy: new Date('2026-03-11T12:00:00Z'), extendedUntil: null };
    expect(nextStepOf({ status: 'offered', registeredAt: at, stopUntil: null }, referral, defaultPolicy, now)).toEqual({
      step: 'confirm_place',
      deadline: referral.confirmBy,
    });
    expect(nextStepOf({ status: 'referred', registeredAt: at, stopUntil: null }, referral, defaultPolicy, now).deadline).toEqual(referral.presentBy);
    expect(nextStepOf({ status: 'refused', registeredAt: at, stopUntil: null }, null, defaultPolicy, now).step).toBe('reapply_after_refusal');
  });
});
