import { describe, expect, it } from 'vitest';
import { checkAdultIin, validateApplication } from '../../core/applications.ts';
import { makeIin } from '../../core/iin.ts';
import { defaultPolicy, policySchema } from '../../core/policy.ts';

// Noon in Almaty, so the local date is the date written here.
const now = new Date('2026-03-10T07:00:00Z');
const child = makeIin('2023-05-05', 'female', 11);

function form(applicantIin: string, representativeIin?: string) {
  return {
    applicant: {
      iin: applicantIin,
      fullName: 'Сейітқалиева Әсел Нұрланқызы',
      phones: ['+7 701 234 56 78'],
      address: 'Алматы, Абай даңғылы, 10, 5',
      language: 'kk',
      consentAt: new Date('2026-03-10T06:00:00Z'),
    },
    representative: representativeIin
      ? { iin: representativeIin, fullName: 'Иванов Иван Иванович', poaNumber: '1', poaDate: '2026-01-15', poaIssuer: 'Нотариус' }
      : null,
    child: { iin: child, fullName: 'Сейітқали Айсұлу', birthDate: '2023-05-05', birthCertificateNumber: 'I-АЖ 1' },
    districtId: 1,
    language: 'kk',
    kindergartenIds: [1],
    channel: 'office',
  };
}

describe("the applicant's age (policy.minApplicantAgeYears)", () => {
  it('defaults to 18, civil majority', () => {
    expect(defaultPolicy.minApplicantAgeYears).toBe(18);
    expect(policySchema.shape.minApplicantAgeYears.safeParse(10).success).toBe(false);
  });

  it('refuses a child as the applicant and anyone the day before their 18th birthday; accepts from the birthday', () => {
    const toddler = makeIin('2024-01-20', 'male', 5);
    expect(checkAdultIin(toddler, 'applicant.iin', now, defaultPolicy)).toEqual({
      field: 'applicant.iin',
      code: 'applicant_too_young',
      params: { years: 18 },
    });
    expect(checkAdultIin(makeIin('2008-03-11', 'male', 5), 'iin', now, defaultPolicy)?.code).toBe('applicant_too_young');
    expect(checkAdultIin(makeIin('2008-03-10', 'male', 5), 'iin', now, defaultPolicy)).toBeNull();
    // A malformed IIN is still reported as such.
    expect(checkAdultIin('123', 'iin', now, defaultPolicy)?.code).toBe('iin_format');
  });

  it('is checked for every channel by validateApplication, for the applicant and the attorney alike', () => {
    const toddler = makeIin('2024-01-20', 'male', 5);
    const adult = makeIin('1990-04-12', 'female', 7);
    const result = validateApplication(form(toddler, makeIin('2010-02-02', 'male', 9)), now, defaultPolicy);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(
      expect.arrayContaining([
        { field: 'applicant.iin', code: 'applicant_too_young', params: { years: 18 } },
        { field: 'representative.iin', code: 'applicant_too_young', params: { years: 18 } },
      ]),
    );
    expect(validateApplication(form(adult), now, defaultPolicy).ok).toBe(true);
    // A region may set another age: 16 lets a 17-year-old apply.
    const seventeen = makeIin('2008-06-01', 'female', 3);
    expect(validateApplication(form(seventeen), now, defaultPolicy).ok).toBe(false);
    expect(validateApplication(form(seventeen), now, { ...defaultPolicy, minApplicantAgeYears: 16 }).ok).toBe(true);
  });
});
