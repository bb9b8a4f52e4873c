import type { BotContext } from './context.ts';

/**
 * The bytes of a file the parent sent, through the Bot API's file endpoint (or the local Bot
 * API server / emulator under TELEGRAM_API_ROOT). Sizes are checked before (file_size) and after.
 */
export async function downloadTelegramFile(ctx: BotContext, fileId: string, maxBytes: number): Promise<Uint8Array> {
  const file = await ctx.api.getFile(fileId);
  if (!file.file_path) throw new Error('Telegram returned no file_path');
  if (file.file_size !== undefined && file.file_size > maxBytes) throw new FileTooLargeError();
  const root = (ctx.config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org').replace(/\/$/, '');
  const response = await ctx.fetchFile(`${root}/file/bot${ctx.api.token}/${file.file_path}`);
  if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > maxBytes) throw new FileTooLargeError();
  return new Uint8Array(await response.arrayBuffer());
}

export class FileTooLargeError extends Error {
  constructor() {
    super('file too large');
    this.name = 'FileTooLargeError';
  }
}
