import type { MaxMessageStore, MaxStoredMessage } from '../../bot/platform/max/message-store';

/**
 * The message store's port over a Map: a test double for tests of the MAX adapter's sending
 * side. The PostgreSQL implementation (db/repositories) is tested on its own; here only what
 * the adapter sends and keeps matters.
 */
export function maxMessageMap(): MaxMessageStore {
  const rows = new Map<string, MaxStoredMessage>();
  const key = (botId: number, alias: number) => `${botId}:${alias}`;
  return {
    async remember(botId, message) {
      rows.set(key(botId, message.alias), structuredClone(message));
    },
    async byAlias(botId, alias) {
      const found = rows.get(key(botId, alias));
      return found ? structuredClone(found) : null;
    },
    async forget(botId, alias) {
      rows.delete(key(botId, alias));
    },
  };
}
