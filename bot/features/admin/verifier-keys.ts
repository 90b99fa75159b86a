import { Composer, InlineKeyboard } from 'grammy';
import type { AdminStore } from '../../../core/admin/admin-store';
import type { Clock } from '../../../core/clock';
import { cleanDisplayName } from '../../../core/identity/display-name';
import { isVerifierKeyId, type VerifierKeys } from '../../../core/verification/verifier-keys';
import type { BotContext } from '../../context';
import { ADMIN_DATA } from './callback-data';

export const VERIFIER_KEY_COMMANDS = ['verifier_key', 'verifier_keys', 'revoke_verifier_key'] as const;

export interface VerifierKeyAdminDeps {
  admins: Pick<AdminStore, 'propose' | 'confirm'>;
  verifierKeys: VerifierKeys;
  clock: Clock;
}

const REVOKE = 'revoke_verifier_key';

/**
 * Checkouts' API keys, for admins (mounted behind the admin check): issue one, list them, revoke
 * one. A revocation is confirmed with a button, naming the checkout it stops, and is audited in
 * its own transaction; every API process refuses the key at once.
 */
export function verifierKeyAdmin(deps: VerifierKeyAdminDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const admin = feature.chatType('private');
  const by = (ctx: BotContext, action: string) => ({
    actor: `admin:${ctx.from?.id}`,
    action: `admin.${action}`,
  });
  const args = (ctx: BotContext) => (typeof ctx.match === 'string' ? ctx.match.trim() : '');

  admin.command('verifier_key', async (ctx) => {
    const name = cleanDisplayName(args(ctx));
    if (!name.ok) return ctx.reply(ctx.t('admin-bad-name'));
    const { verifier, key } = await deps.verifierKeys.issue(name.name, by(ctx, 'verifier_key'));
    return ctx.reply(ctx.t('admin-verifier-key', { name: verifier.name, key }), { protect_content: true });
  });

  admin.command('verifier_keys', async (ctx) => {
    const keys = await deps.verifierKeys.list(by(ctx, 'verifier_keys'));
    if (keys.length === 0) return ctx.reply(ctx.t('admin-verifier-keys-empty'));
    return ctx.reply(
      keys
        .map((k) =>
          ctx.t('admin-verifier-keys-line', {
            id: k.id,
            name: k.name,
            created: k.createdAt.toISOString().slice(0, 16).replace('T', ' '),
            used: k.lastUsedAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '—',
            state: ctx.t(
              k.revokedAt ? 'admin-verifier-key-state-revoked' : 'admin-verifier-key-state-active',
            ),
          }),
        )
        .join('\n\n'),
    );
  });

  admin.command(REVOKE, async (ctx) => {
    const id = args(ctx).toLowerCase();
    if (!isVerifierKeyId(id)) return ctx.reply(ctx.t('admin-usage', { usage: '/revoke_verifier_key <id>' }));
    const key = (await deps.verifierKeys.list()).find((k) => k.id === id);
    if (!key) return ctx.reply(ctx.t('admin-verifier-key-unknown'));
    if (key.revokedAt) return ctx.reply(ctx.t('admin-verifier-key-already-revoked', { name: key.name }));
    const confirmation = await deps.admins.propose(
      ctx.from.id,
      REVOKE,
      { id, name: key.name },
      deps.clock.now(),
    );
    return ctx.reply(ctx.t('admin-confirm-revoke-verifier-key', { name: key.name, id }), {
      reply_markup: new InlineKeyboard().text(
        ctx.t('admin-button-confirm'),
        ADMIN_DATA.revokeVerifierKey.build(confirmation),
      ),
    });
  });

  admin.callbackQuery(ADMIN_DATA.revokeVerifierKey.pattern, async (ctx) => {
    const confirmed = await deps.admins.confirm(ctx.match[1] ?? '', ctx.from.id, deps.clock.now(), [REVOKE]);
    // The button carries only the confirmation's id; what it confirms is read from the row.
    if (confirmed?.action !== REVOKE)
      return ctx.answerCallbackQuery({ text: ctx.t('admin-confirmation-stale') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup();
    const revocation = await deps.verifierKeys.revoke(String(confirmed.payload.id), by(ctx, REVOKE));
    switch (revocation.outcome) {
      case 'unknown':
        return ctx.reply(ctx.t('admin-verifier-key-unknown'));
      case 'already_revoked':
        return ctx.reply(ctx.t('admin-verifier-key-already-revoked', { name: revocation.verifier.name }));
      case 'revoked':
        return ctx.reply(
          revocation.staleForSeconds === 0
            ? ctx.t('admin-verifier-key-revoked', { name: revocation.verifier.name })
            : ctx.t('admin-verifier-key-revoked-late', {
                name: revocation.verifier.name,
                seconds: String(revocation.staleForSeconds),
              }),
        );
    }
  });

  return feature;
}
