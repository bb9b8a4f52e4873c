/** The password rule staff see before they type (admin/web) and the server checks (core/staff.ts): one number. */
export const PASSWORD_MIN_LENGTH = 12;
