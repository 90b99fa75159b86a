import { z } from 'zod';
import type { Account } from '../../core/identity/account';
import { STATUS_KINDS } from '../../core/identity/account';
import { isIsoDate } from '../../core/identity/calendar';
import { E164_RU } from '../../core/identity/phone';

const isoDate = z.string().refine(isIsoDate, 'must be a real date written as YYYY-MM-DD');
const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const registryRecord = z
  .object({
    id: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
    lastName: name,
    firstName: name,
    middleName: name.nullish(),
    birthDate: isoDate,
    phone: z.string().regex(E164_RU, 'must be a Russian mobile number written as +7XXXXXXXXXX'),
    confirmed: z.boolean(),
    biometrics: z.boolean(),
    statuses: z.array(z.object({ kind: z.enum(STATUS_KINDS), validUntil: isoDate.nullish() })),
  })
  .superRefine((record, ctx) => {
    const seen = new Set<string>();
    record.statuses.forEach((status, i) => {
      if (seen.has(status.kind)) {
        ctx.addIssue({
          code: 'custom',
          path: ['statuses', i, 'kind'],
          message: `repeats status ${status.kind}`,
        });
      }
      seen.add(status.kind);
    });
  });

const registryFile = z.array(registryRecord).superRefine((records, ctx) => {
  const ids = new Map<string, number>();
  const phones = new Map<string, number>();
  records.forEach((record, i) => {
    const idRow = ids.get(record.id);
    if (idRow !== undefined)
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `repeats the id of row ${idRow}` });
    ids.set(record.id, i);
    if (!record.confirmed) return;
    const phoneRow = phones.get(record.phone);
    if (phoneRow !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'phone'],
        message: `is already confirmed on the account of row ${phoneRow}`,
      });
    }
    phones.set(record.phone, i);
  });
});

export type RegistryProblem = { row: number | null; field: string | null; message: string };

export class RegistryFileError extends Error {
  constructor(readonly problems: RegistryProblem[]) {
    super(`The registry file was rejected:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'RegistryFileError';
  }
}

export function formatProblem(problem: RegistryProblem): string {
  const where = [
    problem.row === null ? null : `index ${problem.row}`,
    problem.field && `field ${problem.field}`,
  ]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${problem.message}` : problem.message;
}

/** Parses a registry file's text into accounts, or throws naming every bad row and field. */
export function parseRegistryFile(text: string): Account[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RegistryFileError([
      { row: null, field: null, message: `not valid JSON (${(err as Error).message})` },
    ]);
  }
  const parsed = registryFile.safeParse(json);
  if (!parsed.success) {
    throw new RegistryFileError(
      parsed.error.issues.map((issue) => {
        const [row, ...field] = issue.path;
        return {
          row: typeof row === 'number' ? row : null,
          field: field.length > 0 ? field.join('.') : null,
          message: issue.message,
        };
      }),
    );
  }
  return parsed.data.map((r) => ({
    id: r.id,
    lastName: r.lastName,
    firstName: r.firstName,
    middleName: r.middleName ?? null,
    birthDate: r.birthDate,
    phone: r.phone,
    confirmed: r.confirmed,
    biometrics: r.biometrics,
    statuses: r.statuses.map((s) => ({ kind: s.kind, validUntil: s.validUntil ?? null })),
  }));
}

/** Writes accounts in the registry file's contract shape (optional fields left out, not null). */
export function formatRegistryFile(accounts: Account[]): string {
  return JSON.stringify(
    accounts.map(({ middleName, statuses, ...rest }) => ({
      ...rest,
      ...(middleName ? { middleName } : {}),
      statuses: statuses.map(({ kind, validUntil }) => (validUntil ? { kind, validUntil } : { kind })),
    })),
    null,
    2,
  );
}
