import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldEvent } from '../../sandbox/world';
import { chatWith } from '../support/chat';
import { linkedPerson } from '../support/linking';
import { fetchPhoto, readQr } from '../support/qr';
import { startRoleProcess, startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');
const TIMING = { QR_REFRESH_SECONDS: '1', TOKEN_TTL_SECONDS: '10', QR_SESSION_SECONDS: '600' };

let t: TestService;
beforeAll(async () => {
  // Bot, API and sandbox here; the worker runs as its own process so it can be killed.
  t = await startTestService({ ROLES: 'bot,api,sandbox', KEY_ENCRYPTION_KEY: KEY, ...TIMING });
});
afterAll(async () => {
  await t?.stop();
});

const startWorker = () =>
  startRoleProcess(t, {
    ROLES: 'worker',
    KEY_ENCRYPTION_KEY: KEY,
    PUBLIC_URL: t.service.publicUrl,
    ...TIMING,
  });

describe('the refresh loop across a worker crash', () => {
  it('neither breaks the session nor shows any seq twice', async () => {
    const { person, chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const seqs: Promise<number>[] = [];
    let messageId = 0;
    const onEvent = (event: WorldEvent) => {
      if ((event.type !== 'message' && event.type !== 'edit') || event.chatId !== person.id) return;
      const photo = event.entry.photo;
      if (!photo || (messageId && event.entry.messageId !== messageId)) return;
      messageId = event.entry.messageId;
      seqs.push(fetchPhoto(t.service.sandbox!.url, photo.fileId).then((png) => readQr(png).seq));
    };
    t.service.sandbox!.world.events.on('event', onEvent);

    let worker = startWorker();
    try {
      await worker.ready;
      const choice = await chatWith(t.sandbox, person.id).say('/id');
      await chat.tap(choice.messageId, 'did:open:adult');
      await waitFor(() => seqs.length >= 4, 'three refreshes by the first worker', 20_000);
      worker.child.kill('SIGKILL');
      await worker.exited;
      const beforeRestart = seqs.length;

      worker = startWorker();
      await worker.ready;
      await waitFor(() => seqs.length >= beforeRestart + 3, 'three refreshes after the restart', 60_000);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
      t.service.sandbox!.world.events.off('event', onEvent);
    }
    const seen = await Promise.all(seqs);
    expect(seen[0]).toBe(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
  }, 120_000);
});
