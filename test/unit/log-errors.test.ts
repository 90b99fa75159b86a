import { DrizzleQueryError, sql } from 'drizzle-orm';
import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { withLogContext } from '../../infra/log-context';
import { chooseLogFormat, prettyDestination } from '../../infra/log-format';
import { createLogger } from '../../infra/logger';
import { createTestDatabase } from '../support/postgres';

const PHONE = '+79990000001';
const KEY = 'vk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

/** What one logged line says, as JSON text and parsed. */
function logged(fields: Record<string, unknown>): {
  text: string;
  line: { err: { type: string; message: string; stack: string; [key: string]: unknown } };
} {
  let text = '';
  createLogger('info', { write: (l: string) => (text = l) }).error(fields, 'failed');
  return { text, line: JSON.parse(text) };
}

const queryError = () => {
  const cause = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), {
    code: 'CONNECTION_CLOSED',
    detail: `Key (phone)=(${PHONE}) already exists.`,
    parameters: [PHONE],
  });
  return new DrizzleQueryError(
    'insert into "bot_conversations" ("key", "state") values ($1, $2)',
    ['42', JSON.stringify({ contact: { phone_number: PHONE }, typed: '482913' })],
    cause,
  );
};

const apiError = () =>
  new GrammyError(
    "Call to 'sendMessage' failed!",
    {
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
      parameters: { retry_after: 3 },
    },
    'sendMessage',
    { chat_id: 42, text: `Ключ: ${KEY}` },
  );

describe('errors in the logs', () => {
  it("keep drizzle's message, code and stack, without the query's parameters anywhere", () => {
    const { text, line } = logged({ err: queryError() });
    expect(text).not.toContain('79990000001');
    expect(text).not.toContain('482913');
    expect(line.err.type).toBe('DrizzleQueryError');
    expect(line.err.message).toBe(
      'Failed query: insert into "bot_conversations" ("key", "state") values ($1, $2)\nparams: [redacted]',
    );
    expect(line.err.stack).toMatch(/^Error: Failed query: .*\nparams: \[redacted\]\n {4}at /);
    expect(line.err.query).toContain('bot_conversations');
    expect(line.err.cause).toMatchObject({ code: 'CONNECTION_CLOSED', message: expect.any(String) });
  });

  it("keep an error's code, but no six-digit code anywhere", () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(logged({ err: terminated }).line.err.code).toBe('57P01');
    expect(logged({ err: Object.assign(new Error('x'), { code: '482913' }) }).text).not.toContain('482913');
    expect(logged({ form: { code: '482913' }, code: '48 29 13' }).text).not.toMatch(/48.?29.?13/);
  });

  it("keep grammY's method, code and description, without the request's payload", () => {
    const { text, line } = logged({ err: apiError() });
    expect(text).not.toContain(KEY);
    expect(line.err).toMatchObject({
      type: 'GrammyError',
      method: 'sendMessage',
      error_code: 400,
      description: 'Bad Request: chat not found',
      parameters: { retry_after: 3 },
    });
    expect(line.err.stack).toContain('GrammyError');
  });

  it('drop parameters and payloads nested in causes, and in errors logged as text', () => {
    const wrapped = new Error('the handler failed', { cause: new HttpError('network', apiError()) });
    const nested = new Error('outer', {
      cause: Object.assign(new Error('inner'), { payload: { text: KEY } }),
    });
    const aggregate = new AggregateError([queryError()], 'several');
    for (const err of [wrapped, nested, aggregate])
      expect(logged({ err }).text).not.toMatch(/vk_|79990000001/);
    expect(logged({ err: String(queryError()) }).text).not.toContain('79990000001');
    expect(logged({ err: queryError().message }).line.err).toMatch(/\nparams: \[redacted\]$/);
    expect(logged({ error: queryError() }).text).not.toContain('79990000001');
  });

  it('drop the values a statement-counting client keeps on its errors (postgres.js debug on)', async () => {
    const database = await createTestDatabase();
    const handle = await openDatabase({ kind: 'postgres', url: database.url, onStatement: () => {} });
    try {
      const failure = await handle.db.execute(sql`select ${PHONE}::text where 1 / 0 = 1`).then(
        () => null,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(logged({ err: failure }).text).not.toContain('79990000001');
    } finally {
      await handle.close();
      await database.drop();
    }
  }, 60_000);
});

describe('the pretty log format', () => {
  const prettyLines = (log: (logger: ReturnType<typeof createLogger>) => void): string[] => {
    const lines: string[] = [];
    log(createLogger('info', prettyDestination({ write: (l: string) => lines.push(l) })));
    return lines;
  };

  it('is for a development terminal; JSON goes everywhere else, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat(undefined, 'development', true)).toBe('pretty');
    expect(chooseLogFormat(undefined, 'development', false)).toBe('json');
    expect(chooseLogFormat(undefined, 'production', true)).toBe('json');
    expect(chooseLogFormat(undefined, 'test', true)).toBe('json');
    expect(chooseLogFormat('json', 'development', true)).toBe('json');
    expect(chooseLogFormat('pretty', 'production', false)).toBe('pretty');
  });

  it('censors what JSON censors: tokens, one-time codes, phones, query parameters and payloads', () => {
    const lines = prettyLines((logger) => {
      logger.info({ token: '123456:SECRET-bot-token', phone: PHONE, code: '482913' }, 'linking');
      logger.error({ err: queryError() }, 'a query failed');
      logger.error({ err: apiError() }, 'a send failed');
    });
    expect(lines).toHaveLength(3);
    const all = lines.join('');
    for (const secret of ['SECRET-bot-token', '79990000001', '482913', KEY])
      expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
  });

  it('writes each event, an error with its stack too, as one line with what it is about', () => {
    const lines = prettyLines((logger) => {
      withLogContext({ requestId: 'req-7' }, () => logger.error({ err: queryError() }, 'a query failed'));
      withLogContext({ updateId: 901 }, () => logger.info('handled'));
    });
    expect(lines.map((l) => l.split('\n').length)).toEqual([2, 2]);
    expect(lines[0]).toMatch(/ERROR: \[request req-7\] a query failed .*DrizzleQueryError/);
    expect(lines[1]).toMatch(/INFO: \[update 901\] handled\n$/);
    expect(() => JSON.parse(lines[1]!)).toThrow();
  });
});
