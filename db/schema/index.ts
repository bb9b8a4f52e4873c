export * from './enums.ts';
export * from './places.ts';
export * from './people.ts';
export * from './applications.ts';
export * from './referrals.ts';
export * from './staff.ts';
export * from './system.ts';
export * from './telegram.ts';
