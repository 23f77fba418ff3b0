/**
 * Local notification adapter: one JSON file per message in the outbox folder, named by the hash of
 * its idempotency key, so the same key never gives a second file. A developer (or an e2e test) reads
 * the one-time code from there. The file is written beside and hard-linked into place: `link` fails
 * atomically when the name exists, so concurrent sends of one key leave one complete file.
 *
 * The files hold the recipient and the text: the outbox is a stand-in for a phone, local only.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from './ids.ts';
import {
  keyHash,
  type NotificationRenderer,
  type Notifier,
  type NotifyLog,
  parseNotification,
} from './notify-message.ts';

export interface OutboxOptions {
  dir: string;
  render?: NotificationRenderer;
  log: NotifyLog;
  now?: () => Date;
}

const isErrno = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

const readId = async (path: string): Promise<string> => {
  const stored = JSON.parse(await readFile(path, 'utf8')) as { id?: unknown };
  if (typeof stored.id !== 'string') throw new Error(`Outbox file without an id: ${path}`);
  return stored.id;
};

export const outboxNotifier = (options: OutboxOptions): Notifier => ({
  async send(input) {
    const message = parseNotification(input);
    const hash = keyHash(message.idempotencyKey);
    const path = join(options.dir, `${hash}.json`);
    const logLine = { channel: message.channel, template: message.template, keyHash: hash };
    await mkdir(options.dir, { recursive: true });
    try {
      const id = await readId(path);
      options.log.info('notification already in outbox', {
        ...logLine,
        notificationId: id,
        deduplicated: true,
      });
      return { id };
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
    const id = newId('ntf');
    const rendered = options.render?.(message.template, message.params);
    const record = {
      id,
      ...message,
      ...(rendered ? { subject: rendered.subject, text: rendered.text } : {}),
      createdAt: (options.now?.() ?? new Date()).toISOString(),
    };
    const tmp = join(options.dir, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
    try {
      await link(tmp, path);
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      const existing = await readId(path);
      options.log.info('notification already in outbox', {
        ...logLine,
        notificationId: existing,
        deduplicated: true,
      });
      return { id: existing };
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    options.log.info('notification written to outbox', {
      ...logLine,
      notificationId: id,
      deduplicated: false,
    });
    return { id };
  },
});
