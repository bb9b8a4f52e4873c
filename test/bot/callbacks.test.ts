/** The callback data codec (bot/callbacks.ts): round trips, the wire format, the 64-byte limit, garbage. */
import { describe, expect, it } from 'vitest';
import { answerData, callbackKind, cb, CALLBACK_DATA_MAX_BYTES, word, type CallbackKind } from '../../bot/callbacks.ts';
import { priorityCategoryEnum } from '../../db/schema/enums.ts';

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

describe('callback data', () => {
  it('round-trips every kind and keeps the wire strings buttons already in chats carry', () => {
    const samples: [string, unknown, string][] = [
      ['language', { language: 'ru' }, 'lang:ru'],
      ['help', { topic: 'complaint' }, 'help:complaint'],
      ['applyRestart', {}, 'apply:restart'],
      ['feedback', {}, 'fb:start'],
      ['feedbackOn', { applicationId: 42 }, 'fb:start:42'],
      ['myList', {}, 'my:list'],
      ['withdraw', { applicationId: 7 }, 'app:w:7'],
      ['withdrawYes', { applicationId: 7 }, 'app:wy:7'],
      ['withdrawNo', { applicationId: 7 }, 'app:wn:7'],
      ['offerConfirm', { applicationId: 7 }, 'app:oc:7'],
      ['offerDecline', { applicationId: 7 }, 'app:od:7'],
      ['offerDeclineYes', { applicationId: 7 }, 'app:ody:7'],
      ['keep', {}, 'app:keep'],
      ['category', { applicationId: 7 }, 'app:c:7'],
      ['categoryChosen', { applicationId: 7, category: 'large_family' }, 'app:cc:7:large_family'],
      ['editKindergartens', { applicationId: 7 }, 'app:k:7'],
      ['editPhone', { applicationId: 7 }, 'app:p:7'],
      ['uploadDocument', { applicationId: 7 }, 'app:d:7'],
      ['contactConfirm', { checkId: 3 }, 'cc:ok:3'],
      ['contactChange', { checkId: 3 }, 'cc:new:3'],
      ['back', {}, 'nav:back'],
      ['cancel', {}, 'nav:cancel'],
      ['answer', { answer: 'yes' }, 'q:yes'],
      ['pick', { itemId: 12 }, 'q:pick:12'],
      ['kindergarten', { kindergartenId: 12 }, 'q:kg:12'],
      ['page', { page: 0 }, 'q:page:0'],
      ['edit', { step: 'childIin' }, 'q:edit:childIin'],
      ['stop', { sure: 'no' }, 'q:stop:no'],
    ];
    expect(samples.map(([k]) => k).sort()).toEqual(Object.keys(cb).sort());
    for (const [name, values, wire] of samples) {
      const kind = cb[name as keyof typeof cb] as unknown as CallbackKind<Record<string, unknown>>;
      expect(kind.encode(values as Record<string, unknown>), name).toBe(wire);
      expect(kind.decode(wire), name).toEqual(values);
      expect(kind.filter.test(wire), name).toBe(true);
    }
    expect(answerData('skip')).toBe('q:skip');
    // Kinds that share a prefix do not take each other's data.
    expect(cb.feedback.decode('fb:start:42')).toBeNull();
    expect(cb.feedbackOn.decode('fb:start')).toBeNull();
    expect(cb.answer.decode('q:pick:12')).toBeNull();
    expect(cb.withdraw.decode('app:wy:7')).toBeNull();
  });

  it('fits Telegram 64 bytes at the largest values and refuses to build longer data', () => {
    const longest = [...priorityCategoryEnum.enumValues].sort((a, b) => b.length - a.length)[0]!;
    const widest = cb.categoryChosen.encode({ applicationId: 999_999_999_999_999, category: longest });
    expect(bytes(widest)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    expect(bytes(cb.edit.encode({ step: 'x'.repeat(40) }))).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);

    const long = callbackKind('a-rather-long-prefix-for-a-button', { one: word, two: word });
    expect(() => long.encode({ one: 'x'.repeat(20), two: 'y'.repeat(20) })).toThrow(/64 bytes/);
    // Values a field cannot carry are refused when the keyboard is built, not sent.
    expect(() => cb.withdraw.encode({ applicationId: 0 })).toThrow();
    expect(() => cb.withdraw.encode({ applicationId: 1.5 })).toThrow();
    expect(() => cb.answer.encode({ answer: 'two words' })).toThrow();
    expect(() => cb.edit.encode({ step: 'a:b' })).toThrow();
  });

  it('rejects garbage and crafted data instead of guessing', () => {
    const garbage = [
      '',
      'app:w',
      'app:w:',
      'app:w:abc',
      'app:w:-1',
      'app:w:0',
      'app:w:007',
      'app:w:1e3',
      'app:w:12:extra',
      'app:w:99999999999999999999',
      ' app:w:7',
      'app:w:7 ',
      'APP:W:7',
      'app:cc:7:root',
      'app:cc:7:',
      'lang:en',
      "lang:kk'--",
      'help:__proto__',
      'fb:start:',
      'q:',
      'q:pick:x',
      'q:stop:maybe',
      'x'.repeat(65),
    ];
    const kinds = Object.values(cb) as { prefix: string; decode(d: string | undefined): unknown }[];
    for (const data of garbage) {
      for (const kind of kinds) expect(kind.decode(data), `${data} as ${kind.prefix}`).toBeNull();
    }
    expect(cb.withdraw.decode(undefined)).toBeNull();
  });
});
