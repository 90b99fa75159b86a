import type { Account, AccountStatus } from '../../core/identity/account';
import { addDays, addYears, ageOn, type IsoDate, isValidOn } from '../../core/identity/calendar';

/** The demo cashier: after linking the bot, /verify checks other people's Digital IDs. */
export const DEMO_VERIFIER_ACCOUNT = 'demo-12';

/**
 * The people `npm start` puts into an empty database so the sandbox can be tried at once.
 * Birth dates are computed from today, so the ages the README promises stay true.
 */
export function demoRegistry(today: IsoDate): Account[] {
  const bornYearsAgo = (years: number, daysEarlier = 40) => addDays(addYears(today, -years), -daysEarlier);
  const person = (
    n: number,
    lastName: string,
    firstName: string,
    middleName: string | null,
    age: number,
    extra: Partial<Pick<Account, 'confirmed' | 'biometrics'>> & { statuses?: AccountStatus[] } = {},
  ): Account => ({
    id: `demo-${String(n).padStart(2, '0')}`,
    lastName,
    firstName,
    middleName,
    birthDate: bornYearsAgo(age),
    phone: `+7999000${String(n).padStart(4, '0')}`,
    confirmed: extra.confirmed ?? true,
    biometrics: extra.biometrics ?? true,
    statuses: extra.statuses ?? [],
  });
  const until = (years: number): IsoDate => addYears(today, years);
  return [
    person(1, 'Иванов', 'Иван', 'Петрович', 30),
    person(2, 'Смирнова', 'Анна', 'Сергеевна', 18, { statuses: [{ kind: 'student', validUntil: until(1) }] }),
    person(3, 'Кузнецов', 'Пётр', 'Андреевич', 17),
    person(4, 'Попова', 'Мария', 'Ильинична', 15, { biometrics: false }),
    person(5, 'Соколов', 'Дмитрий', null, 13, { biometrics: false }),
    person(6, 'Морозова', 'Елена', 'Викторовна', 70, {
      statuses: [{ kind: 'pensioner', validUntil: null }],
    }),
    person(7, 'Волков', 'Алексей', 'Николаевич', 40, {
      statuses: [
        { kind: 'large_family', validUntil: until(2) },
        { kind: 'svo_participant', validUntil: null },
      ],
    }),
    person(8, 'Лебедева', 'Ольга', 'Павловна', 38, {
      statuses: [
        { kind: 'svo_family_member', validUntil: null },
        { kind: 'large_family', validUntil: until(2) },
      ],
    }),
    person(9, 'Козлов', 'Сергей', 'Олегович', 25, { biometrics: false }),
    person(10, 'Новикова', 'Татьяна', 'Игоревна', 22, {
      statuses: [{ kind: 'student', validUntil: addDays(today, -30) }],
    }),
    person(11, 'Фёдоров', 'Николай', 'Ильич', 45, { confirmed: false }),
    person(12, 'Михайлова', 'Светлана', 'Юрьевна', 33),
  ];
}

/** The demo people as the sandbox page offers them: who each number belongs to, at a glance. */
export function demoDirectory(today: IsoDate): { phone: string; label: string; accountId: string }[] {
  return demoRegistry(today).map((a) => {
    const traits = [
      `${ageOn(a.birthDate, today)} лет`,
      a.confirmed ? null : 'не подтверждён',
      a.biometrics ? 'биометрия' : 'без биометрии',
      ...a.statuses.map((s) => (isValidOn(s.validUntil, today) ? s.kind : `${s.kind} (истёк)`)),
      a.id === DEMO_VERIFIER_ACCOUNT ? 'проверяющий: /verify' : null,
    ].filter(Boolean);
    return { phone: a.phone, label: `${a.lastName} ${a.firstName}: ${traits.join(', ')}`, accountId: a.id };
  });
}
