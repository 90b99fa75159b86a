import type { MiddlewareFn } from 'grammy';
import type { Logger } from 'pino';
import type { MessengerUserRepository } from '../../db/repositories/messenger-user.repository';
import type { ProcessedUpdateRepository } from '../../db/repositories/processed-update.repository';
import type { BotContext } from '../context';
import { heldUpdates } from '../update-failures';

/** Updates from people an admin blocked, as the write that remembered them found out. */
export const blockedUpdates = new WeakSet<object>();

/**
 * Acts once per update: a messenger may deliver an update again (a lost acknowledgement,
 * a webhook retry, two bot processes), and the first insert of its id wins.
 * Also remembers who wrote, in which language, and that they are reachable again.
 */
export function rememberUpdate(deps: {
  processedUpdates: ProcessedUpdateRepository;
  users: MessengerUserRepository;
  logger: Logger;
}): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const first = await deps.processedUpdates.markFirstSeen(ctx.me.id, ctx.update.update_id);
    // A held update may have been marked before the outage hit: that mark was its own.
    if (!first && !heldUpdates.has(ctx.update)) {
      deps.logger.info({ updateId: ctx.update.update_id }, 'duplicate update ignored');
      return;
    }
    const from = ctx.from;
    if (from && ctx.chat?.type === 'private' && !ctx.myChatMember) {
      const seen = await deps.users.recordSeen({
        id: from.id,
        chatId: ctx.chat.id,
        firstName: from.first_name,
        lastName: from.last_name,
        username: from.username,
        languageCode: from.language_code,
      });
      if (seen.blocked) blockedUpdates.add(ctx.update);
    }
    await next();
  };
}
