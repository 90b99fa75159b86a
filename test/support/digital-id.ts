import type { ChatEntry } from '../../sandbox/world';
import type { Chat } from './chat';
import { fetchPhoto, readQr } from './qr';
import type { TestService } from './service';
import { waitFor } from './wait';

/** /id, then the scenario's button: the Digital ID photo the bot sends. */
export async function openDigitalId(chat: Chat, scenario: string): Promise<ChatEntry> {
  const choice = await chat.say('/id');
  await chat.tap(choice.messageId, `did:open:${scenario}`);
  return waitFor(
    async () => (await chat.botMessages()).reverse().find((m) => m.photo),
    'the Digital ID photo',
  );
}

/** The QR a Digital ID photo shows right now, read as a camera reads it. */
export async function qrOf(t: TestService, entry: ChatEntry) {
  return qrIn(t, entry.photo!.fileId);
}

/**
 * The QR the photo showed when it was sent. With a short refresh interval the first re-signing
 * may land before the test first sees the message, so its current picture may already be a later seq.
 */
export async function sentQrOf(t: TestService, entry: ChatEntry) {
  return qrIn(t, entry.timeline[0]!.fileId!);
}

const qrIn = async (t: TestService, fileId: string) =>
  readQr(await fetchPhoto(t.service.sandbox!.url, fileId));
