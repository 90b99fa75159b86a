import { Composer, type Context, InlineKeyboard } from 'grammy';
import { type PersonRef, parsePersonRef } from '../../../core/admin/person-ref';
import type { Clock } from '../../../core/clock';
import type { DigitalIdService } from '../../../core/digital-id/digital-id-service';
import { removableIfRetiredBefore } from '../../../core/digital-id/keyring';
import { cleanDisplayName } from '../../../core/identity/display-name';
import { maskPhone } from '../../../core/identity/phone';
import { isStaffRole } from '../../../core/identity/roles';
import type { Messenger } from '../../../core/messaging/messenger';
import type { TrustedContactService } from '../../../core/trusted-contact/trusted-contact-service';
import type { VerifierKeys } from '../../../core/verification/verifier-keys';
import type { Database } from '../../../db/database';
import type { AdminRepository, Person } from '../../../db/repositories/admin.repository';
import { recordAudit } from '../../../db/repositories/audit.repository';
import type { RoleRepository } from '../../../db/repositories/role.repository';
import type { SigningKeyRepository } from '../../../db/repositories/signing-key.repository';
import type { BotContext } from '../../context';
import { type QrScreen, showEndedScreen } from '../digital-id/qr-screen';
import { VERIFIER_KEY_COMMANDS, verifierKeyAdmin } from './verifier-keys';

export const ADMIN_COMMANDS = [
  'admin',
  'stats',
  'whois',
  'revoke',
  'keys',
  'rotate_key',
  'remove_key',
  'block',
  'unblock',
  'grant',
  'revoke_role',
  ...VERIFIER_KEY_COMMANDS,
  'audit',
  'broadcast',
] as const;

export interface AdminFeatureDeps {
  db: Database;
  admins: AdminRepository;
  roles: RoleRepository;
  /** ADMIN_IDS: admins by configuration, whatever the database says. */
  bootstrapAdmins: number[];
  digitalId: DigitalIdService;
  trustedContact: TrustedContactService;
  keys: SigningKeyRepository;
  verifierKeys: VerifierKeys;
  messenger: Messenger;
  screen: QrScreen;
  clock: Clock;
  timing: { tokenTtlSeconds: number; skewSeconds: number };
  /** Jobs per state, per queue. */
  queueSummary(): Promise<Record<string, Record<string, number>>>;
  /** Today's verifications (Moscow time) per result, from every process. */
  verificationsToday(): Promise<Record<string, number>>;
  /** Today's views of the /v/ page per result: looks, not checkouts' checks. */
  pageViewsToday(): Promise<Record<string, number>>;
  /** Puts the admin commands into (or takes them out of) a chat's "/" menu. */
  adminMenu(chatId: number, shown: boolean): Promise<void>;
}

/** Admins: those in ADMIN_IDS, and people whose linked account holds the admin role. */
export const adminCheck =
  (deps: Pick<AdminFeatureDeps, 'bootstrapAdmins' | 'roles'>) =>
  async (userId: number): Promise<boolean> =>
    deps.bootstrapAdmins.includes(userId) || deps.roles.hasRole(userId, 'admin');

const AUDIT_PAGE = 8;
const UUID = '([0-9a-f-]{36})';

/**
 * Admin commands. To anyone who is not an admin they do not exist: the update goes on to the
 * rest of the bot, which answers as for any unknown command. Destructive ones ask for a
 * confirmation that only the asking admin can press, once, within five minutes. Every action
 * is written to the audit trail.
 */
export function adminFeature(deps: AdminFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const isAdmin = adminCheck(deps);
  // Only admin commands and admin buttons ask the database who is an admin.
  const adminUpdate = (ctx: BotContext) =>
    ctx.callbackQuery?.data?.startsWith('adm:') === true ||
    ADMIN_COMMANDS.some((c) => new RegExp(`^/${c}(@\\w+)?(\\s|$)`).test(ctx.message?.text ?? ''));
  const admin = feature
    .chatType('private')
    .filter(async (ctx) => adminUpdate(ctx) && (await isAdmin(ctx.from.id)));
  const now = () => deps.clock.now();
  const audit = (
    ctx: BotContext,
    action: string,
    subject: { type: string; id: string },
    accountIds: string[],
    details?: Record<string, string | number | boolean | null>,
  ) =>
    recordAudit(deps.db, {
      at: now(),
      actor: `admin:${ctx.from?.id}`,
      action: `admin.${action}`,
      subjectType: subject.type,
      subjectId: subject.id,
      accountIds,
      ...(details ? { details } : {}),
    });
  const args = (ctx: BotContext) => (typeof ctx.match === 'string' ? ctx.match.trim() : '');
  const describe = (p: Person) =>
    [
      p.account ? `${p.account.firstName} ${[...p.account.lastName][0] ?? ''}. (${p.account.id})` : null,
      p.user ? `id ${p.user.id}` : null,
    ]
      .filter(Boolean)
      .join(', ');

  /** The one person an argument names, or a reply saying why not. */
  async function person(ctx: BotContext, text: string, usage: string): Promise<Person | null> {
    const ref: PersonRef | null = parsePersonRef(text);
    if (!ref) {
      await ctx.reply(ctx.t('admin-usage', { usage }));
      return null;
    }
    const found = await deps.admins.resolve(ref);
    if (found.length === 1) return found[0] as Person;
    await ctx.reply(ctx.t(found.length === 0 ? 'admin-unknown-person' : 'admin-ambiguous-person'));
    return null;
  }

  admin.command('admin', (ctx) => ctx.reply(ctx.t('admin-help')));
  admin.use(verifierKeyAdmin(deps));

  /** "confirmed 3, revoked 1", or 0 when there is nothing to count. */
  const counts = (byKind: Record<string, number>) =>
    Object.entries(byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ') || '0';

  admin.command('stats', async (ctx) => {
    const [stats, queues, verifications, pageViews] = await Promise.all([
      deps.admins.stats(),
      deps.queueSummary(),
      deps.verificationsToday().catch(() => null),
      deps.pageViewsToday().catch(() => null),
    ]);
    return ctx.reply(
      ctx.t('admin-stats', {
        linked: stats.linked,
        live: stats.liveSessions,
        relationships: stats.relationships,
        recoveries: counts(stats.recoveries),
        verifications: verifications ? counts(verifications) : '—',
        pageViews: pageViews ? counts(pageViews) : '—',
        queue: Object.entries(queues)
          .map(([name, states]) => `${name}: ${counts(states)}`)
          .join('; '),
        kid: stats.activeKid ?? '—',
      }),
    );
  });

  admin.command('whois', async (ctx) => {
    const p = await person(ctx, args(ctx), '/whois <телефон | id | @username>');
    if (!p) return;
    const roles = p.account ? await deps.admins.rolesOf(p.account.id) : [];
    const session = p.user ? await deps.admins.liveSessionOf(p.user.id) : null;
    await audit(
      ctx,
      'whois',
      { type: 'person', id: p.account?.id ?? String(p.user?.id) },
      p.account ? [p.account.id] : [],
    );
    return ctx.reply(
      ctx.t('admin-whois', {
        who: describe(p),
        user: p.user
          ? `${p.user.id} ${p.user.username ? `@${p.user.username}` : ''} ${p.user.firstName}`.trim()
          : '—',
        account: p.account
          ? `${p.account.id}, ${maskPhone(p.account.phone)}, ${p.account.confirmed ? 'подтверждена' : 'не подтверждена'}, ${p.account.birthDate.slice(0, 4)} г. р.`
          : '—',
        roles:
          [
            ...roles,
            ...(p.user && deps.bootstrapAdmins.includes(p.user.id) ? ['admin (ADMIN_IDS)'] : []),
          ].join(', ') || '—',
        blocked: p.user?.blockedAt ? `${p.user.blockedAt.toISOString()} (${p.user.blockReason ?? ''})` : '—',
        session: session ?? '—',
      }),
    );
  });

  admin.command('revoke', async (ctx) => {
    const p = await person(ctx, args(ctx), '/revoke <человек>');
    if (!p) return;
    const sessionId = p.user ? await deps.admins.liveSessionOf(p.user.id) : null;
    if (!sessionId) return ctx.reply(ctx.t('admin-no-live-session'));
    const id = await deps.admins.propose(ctx.from.id, 'revoke', { sessionId, who: describe(p) }, now());
    return ctx.reply(ctx.t('admin-confirm-revoke', { who: describe(p) }), {
      reply_markup: confirmButton(ctx, id),
    });
  });

  admin.command('keys', async (ctx) => {
    const keys = await deps.keys.list();
    return ctx.reply(
      keys
        .map((k) =>
          [
            `kid ${k.kid}`,
            k.status,
            `created ${k.createdAt.toISOString()}`,
            k.retiredAt && `retired ${k.retiredAt.toISOString()}`,
          ]
            .filter(Boolean)
            .join(' · '),
        )
        .join('\n'),
    );
  });

  admin.command('rotate_key', async (ctx) => {
    const active = (await deps.keys.list()).find((k) => k.status === 'active');
    const id = await deps.admins.propose(ctx.from.id, 'rotate_key', {}, now());
    return ctx.reply(ctx.t('admin-confirm-rotate', { kid: active?.kid ?? '—' }), {
      reply_markup: confirmButton(ctx, id),
    });
  });

  admin.command('remove_key', async (ctx) => {
    const kid = Number(args(ctx));
    if (!Number.isInteger(kid) || kid <= 0)
      return ctx.reply(ctx.t('admin-usage', { usage: '/remove_key <kid>' }));
    const outcome = await deps.keys.remove(kid, now(), removableIfRetiredBefore(now(), deps.timing));
    await audit(ctx, 'remove_key', { type: 'signing_key', id: String(kid) }, [], { outcome });
    if (outcome === 'removed') return ctx.reply(ctx.t('admin-key-removed', { kid }));
    return ctx.reply(ctx.t('admin-key-not-removed', { kid, why: ctx.t(`admin-key-why-${outcome}`) }));
  });

  admin.command('block', async (ctx) => {
    const [target = '', ...reasonWords] = args(ctx).split(/\s+/);
    const reason = cleanDisplayName(reasonWords.join(' '), 200);
    const usage = '/block <человек> <причина>';
    if (!reason.ok) return ctx.reply(ctx.t('admin-usage', { usage }));
    const p = await person(ctx, target, usage);
    if (!p) return;
    if (!p.user) return ctx.reply(ctx.t('admin-unknown-person'));
    if (!(await deps.admins.setBlocked(p.user.id, { reason: reason.name, at: now() })))
      return ctx.reply(ctx.t('admin-already-blocked'));
    await audit(
      ctx,
      'block',
      { type: 'messenger_user', id: String(p.user.id) },
      p.account ? [p.account.id] : [],
      {
        reason: reason.name,
      },
    );
    await revokeLiveSession(p.user.id, 'blocked by an admin');
    if (p.account) await deps.trustedContact.endAllOf(p.account.id, 'blocked');
    return ctx.reply(ctx.t('admin-blocked', { who: describe(p) }));
  });

  admin.command('unblock', async (ctx) => {
    const p = await person(ctx, args(ctx), '/unblock <человек>');
    if (!p?.user) return p ? ctx.reply(ctx.t('admin-unknown-person')) : undefined;
    if (!(await deps.admins.setBlocked(p.user.id, null))) return ctx.reply(ctx.t('admin-not-blocked'));
    await audit(
      ctx,
      'unblock',
      { type: 'messenger_user', id: String(p.user.id) },
      p.account ? [p.account.id] : [],
    );
    return ctx.reply(ctx.t('admin-unblocked', { who: describe(p) }));
  });

  for (const [command, grant] of [
    ['grant', true],
    ['revoke_role', false],
  ] as const) {
    admin.command(command, async (ctx) => {
      const [target = '', role = '', ...rest] = args(ctx).split(/\s+/);
      const usage = `/${command} <человек> <admin|verifier>`;
      if (!target || !role || rest.length > 0) return ctx.reply(ctx.t('admin-usage', { usage }));
      if (!isStaffRole(role)) return ctx.reply(ctx.t('admin-unknown-role'));
      const p = await person(ctx, target, usage);
      if (!p) return;
      if (!p.account || !p.user) return ctx.reply(ctx.t('admin-not-linked'));
      if (!grant && role === 'admin' && deps.bootstrapAdmins.includes(p.user.id))
        return ctx.reply(ctx.t('admin-bootstrap-admin'));
      const changed = grant
        ? await deps.roles.grant(p.account.id, role, `admin:${ctx.from.id}`)
        : await deps.admins.revokeRole(p.account.id, role);
      if (!changed) return ctx.reply(ctx.t(grant ? 'admin-already-has-role' : 'admin-has-no-role', { role }));
      await audit(
        ctx,
        grant ? 'grant' : 'revoke_role',
        { type: 'account', id: p.account.id },
        [p.account.id],
        { role },
      );
      if (role === 'admin') await deps.adminMenu(p.user.chatId, grant);
      return ctx.reply(ctx.t(grant ? 'admin-granted' : 'admin-role-revoked', { role, who: describe(p) }));
    });
  }

  admin.command('audit', async (ctx) => {
    const text = args(ctx);
    const p = text ? await person(ctx, text, '/audit [человек]') : null;
    if (text && !p) return;
    return showAudit(ctx, p?.account?.id ?? '*', 0, false);
  });
  admin.callbackQuery(/^adm:audit:([^:]+):(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showAudit(ctx, ctx.match[1] ?? '*', Number(ctx.match[2]), true);
  });

  admin.callbackQuery(new RegExp(`^adm:ok:${UUID}$`), async (ctx) => {
    const confirmed = await deps.admins.confirm(ctx.match[1] ?? '', ctx.from.id, now());
    if (!confirmed) return ctx.answerCallbackQuery({ text: ctx.t('admin-confirmation-stale') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup();
    if (confirmed.action === 'revoke') {
      const sessionId = String(confirmed.payload.sessionId);
      const ended = await deps.digitalId.revoke(sessionId, 'revoked by an admin');
      await audit(
        ctx,
        'revoke',
        { type: 'digital_id_session', id: sessionId },
        ended ? [ended.accountId] : [],
      );
      if (!ended) return ctx.reply(ctx.t('admin-no-live-session'));
      await showEndedScreen(deps.messenger, deps.screen, ended);
      return ctx.reply(ctx.t('admin-revoked'));
    }
    const { retired, active } = await deps.keys.rotate(now());
    await audit(ctx, 'rotate_key', { type: 'signing_key', id: String(active) }, [], { retired });
    return ctx.reply(ctx.t('admin-rotated', { active, retired: retired ?? '—' }));
  });

  return feature;

  async function revokeLiveSession(userId: number, reason: string) {
    const sessionId = await deps.admins.liveSessionOf(userId);
    const ended = sessionId ? await deps.digitalId.revoke(sessionId, reason) : null;
    if (ended) await showEndedScreen(deps.messenger, deps.screen, ended);
  }

  async function showAudit(ctx: BotContext, accountId: string, offset: number, inPlace: boolean) {
    const rows = await deps.admins.audit({
      ...(accountId === '*' ? {} : { accountId }),
      offset,
      limit: AUDIT_PAGE + 1,
    });
    const lines = rows
      .slice(0, AUDIT_PAGE)
      .map(
        (r) =>
          `${r.at.toISOString().slice(0, 19).replace('T', ' ')} ${r.actor} ${r.action} ${r.subjectType}:${r.subjectId}${r.fromState || r.toState ? ` ${r.fromState ?? '∅'}→${r.toState ?? '∅'}` : ''}`,
      );
    const keyboard = new InlineKeyboard();
    if (rows.length > AUDIT_PAGE)
      keyboard.text(ctx.t('admin-button-older'), `adm:audit:${accountId}:${offset + AUDIT_PAGE}`);
    if (offset > 0)
      keyboard.text(
        ctx.t('admin-button-newer'),
        `adm:audit:${accountId}:${Math.max(0, offset - AUDIT_PAGE)}`,
      );
    const text = lines.length > 0 ? lines.join('\n') : ctx.t('admin-audit-empty');
    if (inPlace) await ctx.editMessageText(text, { reply_markup: keyboard });
    else await ctx.reply(text, { reply_markup: keyboard });
  }
}

const confirmButton = (ctx: Context & { t: BotContext['t'] }, id: string) =>
  new InlineKeyboard().text(ctx.t('admin-button-confirm'), `adm:ok:${id}`);
