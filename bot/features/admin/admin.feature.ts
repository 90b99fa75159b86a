import { Composer, type Context, InlineKeyboard } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import type { Person } from '../../../core/admin/admin-store';
import type { Clock } from '../../../core/clock';
import { type DigitalIdScreen, showEndedScreen } from '../../../core/digital-id/screen';
import { cleanDisplayName } from '../../../core/identity/display-name';
import { maskPhone } from '../../../core/identity/phone';
import type { Messenger } from '../../../core/messaging/messenger';
import type { VerifierKeys } from '../../../core/verification/verifier-keys';
import type { BotContext } from '../../context';
import { ADMIN_DATA, ADMIN_PREFIX } from './callback-data';
import { VERIFIER_KEY_COMMANDS, type VerifierKeyAdminDeps, verifierKeyAdmin } from './verifier-keys';

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
  service: AdminService;
  /** For the verifier-key commands (./verifier-keys.ts). */
  admins: VerifierKeyAdminDeps['admins'];
  verifierKeys: VerifierKeys;
  clock: Clock;
  messenger: Messenger;
  screen: DigitalIdScreen;
  /** Jobs per state, per queue. */
  queueSummary(): Promise<Record<string, Record<string, number>>>;
  /** Today's verifications (Moscow time) per result, from every process. */
  verificationsToday(): Promise<Record<string, number>>;
  /** Today's views of the /v/ page per result: looks, not checkouts' checks. */
  pageViewsToday(): Promise<Record<string, number>>;
  /** Puts the admin commands into (or takes them out of) a chat's "/" menu. */
  adminMenu(chatId: number, shown: boolean): Promise<void>;
}

const AUDIT_PAGE = 8;

/** Answers for the admin service's refusals. */
const REFUSALS: Record<string, string> = {
  'ADMIN.UNKNOWN_PERSON': 'admin-unknown-person',
  'ADMIN.AMBIGUOUS_PERSON': 'admin-ambiguous-person',
  'ADMIN.NO_LIVE_SESSION': 'admin-no-live-session',
  'ADMIN.ALREADY_BLOCKED': 'admin-already-blocked',
  'ADMIN.NOT_BLOCKED': 'admin-not-blocked',
  'ADMIN.UNKNOWN_ROLE': 'admin-unknown-role',
  'ADMIN.NOT_LINKED': 'admin-not-linked',
  'ADMIN.BOOTSTRAP_ADMIN': 'admin-bootstrap-admin',
};

/**
 * Admin commands: this feature parses, asks and answers; core/admin/admin-service.ts decides
 * and the store writes each change with its audit row. To anyone who is not an admin the
 * commands do not exist: the update goes on to the rest of the bot, which answers as for any
 * unknown command. Destructive ones ask for a confirmation that only the asking admin can
 * press, once, within five minutes.
 */
export function adminFeature(deps: AdminFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const { service } = deps;
  // Only admin commands and admin buttons ask the database who is an admin.
  const adminUpdate = (ctx: BotContext) =>
    ctx.callbackQuery?.data?.startsWith(ADMIN_PREFIX) === true ||
    ADMIN_COMMANDS.some((c) => new RegExp(`^/${c}(@\\w+)?(\\s|$)`).test(ctx.message?.text ?? ''));
  const admin = feature
    .chatType('private')
    .filter(async (ctx) => adminUpdate(ctx) && (await service.isAdmin(ctx.from.id)));
  const args = (ctx: BotContext) => (typeof ctx.match === 'string' ? ctx.match.trim() : '');
  const refuse = (ctx: BotContext, code: string) =>
    ctx.reply(ctx.t(REFUSALS[code] ?? 'admin-unknown-person'));
  const usage = (ctx: BotContext, command: string) =>
    ctx.reply(ctx.t('admin-usage', { usage: ctx.t(`admin-usage-${command}`) }));
  const describe = (p: Person) =>
    [
      p.account ? `${p.account.firstName} ${[...p.account.lastName][0] ?? ''}. (${p.account.id})` : null,
      p.user ? `id ${p.user.id}` : null,
    ]
      .filter(Boolean)
      .join(', ');

  /** The one person an argument names, or a reply saying why not. */
  async function person(ctx: BotContext, text: string, command: string): Promise<Person | null> {
    const found = await service.find(text);
    if (found.ok) return found.person;
    await (found.code === 'ADMIN.USAGE' ? usage(ctx, command) : refuse(ctx, found.code));
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
      service.stats(),
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
    const p = await person(ctx, args(ctx), 'whois');
    if (!p) return;
    const { roles, liveSession } = await service.whois(ctx.from.id, p);
    return ctx.reply(
      ctx.t('admin-whois', {
        who: describe(p),
        user: p.user
          ? `${p.user.id} ${p.user.username ? `@${p.user.username}` : ''} ${p.user.firstName}`.trim()
          : '—',
        account: p.account
          ? ctx.t('admin-whois-account', {
              id: p.account.id,
              phone: maskPhone(p.account.phone),
              confirmed: p.account.confirmed ? 'yes' : 'no',
              year: p.account.birthDate.slice(0, 4),
            })
          : '—',
        roles: roles.join(', ') || '—',
        blocked: p.user?.blockedAt ? `${p.user.blockedAt.toISOString()} (${p.user.blockReason ?? ''})` : '—',
        session: liveSession ?? '—',
      }),
    );
  });

  admin.command('revoke', async (ctx) => {
    const p = await person(ctx, args(ctx), 'revoke');
    if (!p) return;
    const asked = await service.askRevoke(ctx.from.id, p, describe(p));
    if (!asked.ok) return refuse(ctx, asked.code);
    return ctx.reply(ctx.t('admin-confirm-revoke', { who: describe(p) }), {
      reply_markup: confirmButton(ctx, asked.confirmationId),
    });
  });

  admin.command('keys', async (ctx) => {
    const keys = await service.keys();
    return ctx.reply(
      keys
        .map((k) =>
          ctx.t('admin-key-line', {
            kid: String(k.kid),
            status: k.status,
            created: k.createdAt.toISOString(),
            retired: k.retiredAt?.toISOString() ?? 'none',
          }),
        )
        .join('\n'),
    );
  });

  admin.command('rotate_key', async (ctx) => {
    const asked = await service.askRotate(ctx.from.id);
    return ctx.reply(ctx.t('admin-confirm-rotate', { kid: asked.activeKid ?? '—' }), {
      reply_markup: confirmButton(ctx, asked.confirmationId),
    });
  });

  admin.command('remove_key', async (ctx) => {
    const kid = Number(args(ctx));
    if (!Number.isInteger(kid) || kid <= 0) return usage(ctx, 'remove_key');
    const outcome = await service.removeKey(ctx.from.id, kid);
    if (outcome === 'removed') return ctx.reply(ctx.t('admin-key-removed', { kid }));
    return ctx.reply(ctx.t('admin-key-not-removed', { kid, why: ctx.t(`admin-key-why-${outcome}`) }));
  });

  admin.command('block', async (ctx) => {
    const [target = '', ...reasonWords] = args(ctx).split(/\s+/);
    const reason = cleanDisplayName(reasonWords.join(' '), 200);
    if (!reason.ok) return usage(ctx, 'block');
    const p = await person(ctx, target, 'block');
    if (!p) return;
    const asked = await service.askBlock(ctx.from.id, p, reason.name, describe(p));
    if (!asked.ok) return refuse(ctx, asked.code);
    return ctx.reply(
      ctx.t('admin-confirm-block', {
        who: describe(p),
        reason: reason.name,
        session: asked.ties.liveSession ? 'yes' : 'no',
        relationships: asked.ties.relationships,
        recoveries: asked.ties.pendingRecoveries,
      }),
      { reply_markup: confirmButton(ctx, asked.confirmationId) },
    );
  });

  admin.command('unblock', async (ctx) => {
    const p = await person(ctx, args(ctx), 'unblock');
    if (!p) return;
    const unblocked = await service.unblock(ctx.from.id, p);
    if (!unblocked.ok) return refuse(ctx, unblocked.code);
    return ctx.reply(ctx.t('admin-unblocked', { who: describe(p) }));
  });

  for (const [command, grant] of [
    ['grant', true],
    ['revoke_role', false],
  ] as const) {
    admin.command(command, async (ctx) => {
      const [target = '', role = '', ...rest] = args(ctx).split(/\s+/);
      if (!target || !role || rest.length > 0) return usage(ctx, command);
      const p = await person(ctx, target, command);
      if (!p) return;
      const changed = await service.setRole(ctx.from.id, p, role, grant);
      if (!changed.ok && changed.code === 'ADMIN.UNCHANGED')
        return ctx.reply(ctx.t(grant ? 'admin-already-has-role' : 'admin-has-no-role', { role }));
      if (!changed.ok) return refuse(ctx, changed.code);
      if (changed.role === 'admin') await deps.adminMenu(changed.chatId, grant);
      return ctx.reply(ctx.t(grant ? 'admin-granted' : 'admin-role-revoked', { role, who: describe(p) }));
    });
  }

  admin.command('audit', async (ctx) => {
    const text = args(ctx);
    const p = text ? await person(ctx, text, 'audit') : null;
    if (text && !p) return;
    return showAudit(ctx, p?.account?.id ?? '*', 0, false);
  });
  admin.callbackQuery(ADMIN_DATA.audit.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showAudit(ctx, ctx.match[1] ?? '*', Number(ctx.match[2]), true);
  });

  admin.callbackQuery(ADMIN_DATA.confirm.pattern, async (ctx) => {
    const done = await service.confirm(ctx.from.id, ctx.match[1] ?? '');
    if (done.action === 'stale') return ctx.answerCallbackQuery({ text: ctx.t('admin-confirmation-stale') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup();
    switch (done.action) {
      case 'revoke':
        if (!done.ended) return ctx.reply(ctx.t('admin-no-live-session'));
        await showEndedScreen(deps.messenger, deps.screen, done.ended);
        return ctx.reply(ctx.t('admin-revoked'));
      case 'block':
        if (!done.blocked) return ctx.reply(ctx.t('admin-already-blocked'));
        if (done.ended) await showEndedScreen(deps.messenger, deps.screen, done.ended);
        return ctx.reply(ctx.t('admin-blocked', { who: done.who }));
      case 'rotate_key':
        return ctx.reply(ctx.t('admin-rotated', { active: done.active, retired: done.retired ?? '—' }));
    }
  });

  return feature;

  async function showAudit(ctx: BotContext, accountId: string, offset: number, inPlace: boolean) {
    const rows = await service.auditPage({
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
      keyboard.text(ctx.t('admin-button-older'), ADMIN_DATA.audit.build(accountId, offset + AUDIT_PAGE));
    if (offset > 0)
      keyboard.text(
        ctx.t('admin-button-newer'),
        ADMIN_DATA.audit.build(accountId, Math.max(0, offset - AUDIT_PAGE)),
      );
    const text = lines.length > 0 ? lines.join('\n') : ctx.t('admin-audit-empty');
    if (inPlace) await ctx.editMessageText(text, { reply_markup: keyboard });
    else await ctx.reply(text, { reply_markup: keyboard });
  }
}

const confirmButton = (ctx: Context & { t: BotContext['t'] }, id: string) =>
  new InlineKeyboard().text(ctx.t('admin-button-confirm'), ADMIN_DATA.confirm.build(id));
