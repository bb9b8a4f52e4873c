/** The shared fake Bot API reads what grammY really sends: a file's bytes come through exactly. */
import { Bot, InputFile } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { createFakeBotApi } from '../../bot/fake-api.ts';

const botInfo = { id: 1, is_bot: true, first_name: 'Balabaqsha', username: 'balabaqsha_test_bot' } as UserFromGetMe;

describe('the fake Bot API', () => {
  it('keeps a sent document byte for byte, even with non-UTF-8 bytes and a boundary-like line inside', async () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x0a, 0xff, 0xfe, 0x80, 0x0d, 0x0a, 0x2d, 0x2d, 0x41, 0x00, 0x01]);
    let got: Buffer | null = null;
    let name: string | null = null;
    const api = createFakeBotApi({
      botInfo,
      onCall: (call, message) => {
        if (call.method !== 'sendDocument') return;
        const part = String(call.payload.document).replace('attach://', '');
        got = Buffer.from(String(call.payload[part]), 'latin1');
        name = message?.document ?? null;
      },
    });
    const bot = new Bot('1:test', { botInfo, client: { fetch: api.fetch } });
    await bot.api.sendDocument(5, new InputFile(bytes, 'жолдама.pdf'), { caption: 'Жолдама' });
    expect(got).toEqual(bytes);
    expect(name).toBe('жолдама.pdf');
  });
});
