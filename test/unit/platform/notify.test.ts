/**
 * The outbox adapter against the real file system; the SNS/SES adapter on its error paths (and the
 * shape of its calls) with aws-sdk-client-mock, since neither service has a local engine here.
 * Log lines go through a real Powertools Logger whose output is captured.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import {
  InvalidParameterException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../shared/platform/config.ts';
import {
  awsNotifier,
  createNotifier,
  type Notification,
  NotificationMessageError,
  NotificationSendError,
  notifyConfig,
  outboxNotifier,
} from '../../../shared/platform/notify.ts';

const PHONE = '+84912345678';
const EMAIL = 'nguyen.van.a@example.vn';
const CODE = '493817';

const render = (template: string, params: Record<string, string>) => ({
  subject: `Mã xác nhận (${template})`,
  text: `Mã xác nhận phiếu khảo sát của bạn: ${params.code}`,
});

const sms = (over: Partial<Notification> = {}): Notification => ({
  channel: 'sms',
  to: PHONE,
  template: 'otp',
  params: { code: CODE },
  idempotencyKey: 'otp:tokenhash-1:1',
  ...over,
});
const email = (over: Partial<Notification> = {}): Notification => ({
  channel: 'email',
  to: EMAIL,
  template: 'otp',
  params: { code: CODE },
  idempotencyKey: 'mail:tokenhash-1:1',
  ...over,
});

/** A real Powertools Logger; every line it prints is captured. */
const captured: string[] = [];
const log = new Logger({ serviceName: 'notify-test', logLevel: 'INFO' });
beforeEach(() => {
  captured.length = 0;
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});
const lines = () =>
  captured.flatMap((c) => c.split('\n').filter((l) => l.trim() !== '')).map((l) => JSON.parse(l));
const expectNoPersonalData = () => {
  const all = captured.join('');
  for (const secret of [PHONE, '912345678', EMAIL, CODE, 'otp:tokenhash-1'])
    expect(all).not.toContain(secret);
};

describe('outbox adapter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'dieutra-outbox-')), 'outbox');
  });
  afterEach(async () => {
    await rm(resolve(dir, '..'), { recursive: true, force: true });
  });

  it('writes one file per idempotency key; the same key again returns the same id, no second file', async () => {
    const outbox = outboxNotifier({ dir, render, log, now: () => new Date('2026-12-01T10:00:00Z') });
    const first = await outbox.send(sms());
    const again = await outbox.send(sms({ params: { code: '000000' } }));
    expect(again).toEqual(first);
    expect(first.id).toMatch(/^ntf_/);
    let files = await readdir(dir);
    expect(files).toHaveLength(1);
    const stored = JSON.parse(await readFile(join(dir, files[0]!), 'utf8'));
    expect(stored).toEqual({
      id: first.id,
      ...sms(),
      subject: 'Mã xác nhận (otp)',
      text: `Mã xác nhận phiếu khảo sát của bạn: ${CODE}`,
      createdAt: '2026-12-01T10:00:00.000Z',
    });
    const other = await outbox.send(email());
    expect(other.id).not.toBe(first.id);
    files = await readdir(dir);
    expect(files).toHaveLength(2);
    expect(lines().map((l) => [l.message, l.channel, l.template, l.deduplicated, l.notificationId])).toEqual([
      ['notification written to outbox', 'sms', 'otp', false, first.id],
      ['notification already in outbox', 'sms', 'otp', true, first.id],
      ['notification written to outbox', 'email', 'otp', false, other.id],
    ]);
    expectNoPersonalData();
  });

  it('concurrent sends of one key leave one complete file and one id', async () => {
    const outbox = outboxNotifier({ dir, render, log });
    const ids = await Promise.all(Array.from({ length: 12 }, () => outbox.send(sms())));
    expect(new Set(ids.map((r) => r.id)).size).toBe(1);
    expect(await readdir(dir)).toHaveLength(1); // no temporary files left either
  });

  it('a malformed message is refused before anything is written, without quoting the recipient', async () => {
    const outbox = outboxNotifier({ dir, render, log });
    const bad = outbox.send(sms({ to: '0912345678' }));
    await expect(bad).rejects.toBeInstanceOf(NotificationMessageError);
    await expect(outbox.send(sms({ to: '0912345678' }))).rejects.toThrow(
      'Invalid notification: to: not an E.164 phone number',
    );
    await expect(outbox.send(email({ to: 'not-an-address' }))).rejects.toThrow(
      /^Invalid notification: to: not an e-mail address$/,
    );
    await expect(outbox.send(sms({ template: 'OTP code' }))).rejects.toThrow(/template/);
    await expect(outbox.send({ ...sms(), extra: 1 } as Notification)).rejects.toThrow(
      NotificationMessageError,
    );
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('SNS / SES adapter', () => {
  const sns = new SNSClient({
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const ses = new SESv2Client({
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const snsMock = mockClient(sns);
  const sesMock = mockClient(ses);
  beforeEach(() => {
    snsMock.reset();
    sesMock.reset();
  });
  const adapter = (over: Partial<Parameters<typeof awsNotifier>[0]> = {}) =>
    awsNotifier({
      sns,
      ses,
      render,
      log,
      emailFrom: 'khaosat@example.gov.vn',
      smsSenderId: 'DIEUTRA',
      ...over,
    });

  it('publishes a transactional SMS once per key', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    const n = adapter();
    expect(await n.send(sms())).toEqual({ id: 'sns-1' });
    expect(await n.send(sms())).toEqual({ id: 'sns-1' });
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      PhoneNumber: PHONE,
      Message: `Mã xác nhận phiếu khảo sát của bạn: ${CODE}`,
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'DIEUTRA' },
      },
    });
    expect(lines().map((l) => `${l.message}|${l.channel}|${l.notificationId}|${l.deduplicated}`)).toEqual([
      'notification sent|sms|sns-1|false',
      'notification already sent|sms|sns-1|true',
    ]);
    expectNoPersonalData();
  });

  it('SNS throttling propagates as a retryable NotificationSendError, logged without the recipient; a retry sends', async () => {
    snsMock.on(PublishCommand).rejectsOnce(
      new ThrottledException({
        message: `Rate exceeded for phone number ${PHONE}`,
        $metadata: { httpStatusCode: 400, requestId: 'req-42' },
      }),
    );
    const n = adapter();
    const error = await n.send(sms()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationSendError);
    expect(error).toMatchObject({
      code: 'NOTIFICATION_FAILED',
      channel: 'sms',
      providerCode: 'ThrottledException',
      retryable: true,
      httpStatusCode: 400,
      requestId: 'req-42',
      message: 'Sending the sms notification failed: ThrottledException (retryable)',
    });
    expect(JSON.stringify(error)).not.toContain(PHONE);
    expect((error as Error).cause).toBeUndefined();
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'notification failed',
      channel: 'sms',
      template: 'otp',
      providerCode: 'ThrottledException',
      retryable: true,
    });
    expectNoPersonalData();
    // a failed send is not remembered: the retry goes out
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-2' });
    expect(await n.send(sms())).toEqual({ id: 'sns-2' });
  });

  it('an invalid phone rejected by SNS is not retryable and its message (quoting the phone) is dropped', async () => {
    snsMock
      .on(PublishCommand)
      .rejects(
        new InvalidParameterException({ message: `Invalid parameter: PhoneNumber ${PHONE}`, $metadata: {} }),
      );
    const error = await adapter()
      .send(sms())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ providerCode: 'InvalidParameterException', retryable: false });
    expect(String((error as Error).message)).not.toContain(PHONE);
    expectNoPersonalData();
  });

  it('sends e-mail through SES; SES throttling and rejection propagate with their codes', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    expect(await adapter().send(email())).toEqual({ id: 'ses-1' });
    expect(sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'khaosat@example.gov.vn',
      Destination: { ToAddresses: [EMAIL] },
      Content: {
        Simple: {
          Subject: { Data: 'Mã xác nhận (otp)', Charset: 'UTF-8' },
          Body: { Text: { Data: `Mã xác nhận phiếu khảo sát của bạn: ${CODE}`, Charset: 'UTF-8' } },
        },
      },
      EmailTags: [{ Name: 'template', Value: 'otp' }],
    });
    sesMock.reset();
    sesMock
      .on(SendEmailCommand)
      .rejectsOnce(
        new TooManyRequestsException({ message: `slow down ${EMAIL}`, $metadata: { httpStatusCode: 429 } }),
      )
      .rejectsOnce(
        new MessageRejected({ message: `Email address is not verified: ${EMAIL}`, $metadata: {} }),
      );
    await expect(adapter().send(email())).rejects.toMatchObject({
      providerCode: 'TooManyRequestsException',
      retryable: true,
      httpStatusCode: 429,
    });
    await expect(adapter().send(email())).rejects.toMatchObject({
      providerCode: 'MessageRejected',
      retryable: false,
    });
    expect(lines().map((l) => l.message)).toEqual([
      'notification sent',
      'notification failed',
      'notification failed',
    ]);
    expectNoPersonalData();
  });

  it('e-mail without a configured sender fails without calling SES', async () => {
    await expect(adapter({ emailFrom: undefined }).send(email())).rejects.toMatchObject({
      providerCode: 'EmailSenderNotConfigured',
      retryable: false,
    });
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});

describe('configuration and factory', () => {
  it('local stage → outbox under the data dir; DIEUTRA_OUTBOX_DIR wins; other stages → AWS', () => {
    expect(notifyConfig({})).toEqual({ kind: 'outbox', outboxDir: resolve('.data', 'outbox') });
    expect(notifyConfig({ DIEUTRA_DATA_DIR: '/srv/d' })).toEqual({
      kind: 'outbox',
      outboxDir: '/srv/d/outbox',
    });
    expect(notifyConfig({ DIEUTRA_DATA_DIR: '/srv/d', DIEUTRA_OUTBOX_DIR: '/tmp/ob' })).toEqual({
      kind: 'outbox',
      outboxDir: '/tmp/ob',
    });
    expect(notifyConfig({ DIEUTRA_STAGE: 'prod', DIEUTRA_EMAIL_FROM: 'khaosat@example.gov.vn' })).toEqual({
      kind: 'aws',
      region: 'ap-southeast-1',
      emailFrom: 'khaosat@example.gov.vn',
    });
    expect(
      notifyConfig({ DIEUTRA_STAGE: 'prod', DIEUTRA_NOTIFIER: 'outbox', DIEUTRA_OUTBOX_DIR: '/tmp/ob' }).kind,
    ).toBe('outbox');
    expect(() => notifyConfig({ DIEUTRA_SMS_SENDER_ID: 'far-too-long-sender' })).toThrow(ConfigError);
    expect(() => notifyConfig({ DIEUTRA_NOTIFIER: 'pigeon' })).toThrow(/DIEUTRA_NOTIFIER/);
  });

  it('the factory builds the configured adapter', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'dieutra-outbox-')), 'ob');
    try {
      const n = createNotifier(notifyConfig({ DIEUTRA_OUTBOX_DIR: dir }), { render, log });
      await n.send(sms());
      expect(await readdir(dir)).toHaveLength(1);
    } finally {
      await rm(resolve(dir, '..'), { recursive: true, force: true });
    }
  });
});
