import type { TrustedContactStore } from '../../core/trusted-contact/trusted-contact-store';
import type { Database } from '../database';
import type { NoticeWriter } from './notice-writer';
import { recoveryRepository } from './recovery.repository';
import { trustLinkRepository } from './trust-link.repository';

/**
 * Trusted contacts and recoveries in one adapter, for callers that need both ports. A
 * relationship's end takes its pending requests with it in the same transaction, so the link
 * side writes requests too (through recovery.repository's endRecoveriesOf).
 */
export function trustedContactRepository(db: Database, writeNotices: NoticeWriter): TrustedContactStore {
  return { ...trustLinkRepository(db, writeNotices), ...recoveryRepository(db, writeNotices) };
}
