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
  return readQr(await fetchPhoto(t.service.sandbox!.url, entry.photo!.fileId));
}
