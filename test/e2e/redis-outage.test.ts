import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldEvent } from '../../sandbox/world';
import { buttonOf } from '../support/chat';
import { linkedPerson } from '../support/linking';
import { fetchPhoto, readQr } from '../support/qr';
import { ownRedisServer } from '../support/redis-server';
import { readinessOnce, startTestService, type TestService } from '../support/service';
import { inviteContact, portal } from '../support/trusted-contact';
import { waitFor } from '../support/wait';

let redis: Awaited<ReturnType<typeof ownRedisServer>>;
let t: TestService;
beforeAll(async () => {
  redis = await ownRedisServer();
  t = await startTestService({
    REDIS_URL: redis.url,
    QR_REFRESH_SECONDS: '1',
    TOKEN_TTL_SECONDS: '10',
    QR_SESSION_SECONDS: '600',
  });
});
afterAll(async () => {
  await t?.stop();
  await redis?.stop();
});

describe('Redis going away and coming back', () => {
  it('loses no job: refreshes resume and a recovery asked for meanwhile reaches the contact', async () => {
    const maria = await linkedPerson(t, 'Мария', '+79990000004');
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    await inviteContact(maria.chat, 'Иван', '+79990000001');
    const invitation = await buttonOf(ivan.chat, 'tc:acc:');
    await ivan.chat.tap(invitation.entry.messageId, invitation.data);
    await maria.chat.waitForText('принял(а) приглашение');

    // Ivan shows his Digital ID; every QR the photo shows is read as a camera would.
    const seqs: Promise<number>[] = [];
    let messageId = 0;
    const onEvent = (event: WorldEvent) => {
      if ((event.type !== 'message' && event.type !== 'edit') || event.chatId !== ivan.person.id) return;
      const photo = event.entry.photo;
      if (!photo || (messageId && event.entry.messageId !== messageId)) return;
      messageId = event.entry.messageId;
      seqs.push(fetchPhoto(t.service.sandbox!.url, photo.fileId).then((png) => readQr(png).seq));
    };
    t.service.sandbox!.world.events.on('event', onEvent);
    try {
      // Not the first answer to /id: his "you accepted" reply may still be on its way.
      await ivan.chat.say('/id');
      const choice = await ivan.chat.withButton('did:open:adult');
      await ivan.chat.tap(choice.messageId, 'did:open:adult');
      await waitFor(() => seqs.length >= 3, 'two refreshes before the outage');

      await redis.stop();
      const down = await readinessOnce(t, 503);
      expect(down.redis).toMatch(/^unavailable/);
      expect(down.database).toBe('ok');

      // The portal asks for Maria's recovery while Redis is away: the request stands.
      const opened = await portal(t, 'POST', '', { accountId: 'demo-04' });
      expect(opened.status).toBe(202);
      expect(opened.body.status).toBe('pending');
      // The bot still answers what needs no queue.
      await maria.chat.ask('/start', 'Здравствуйте');
      const shownWhileDown = seqs.length;

      await redis.start();
      await readinessOnce(t, 200);
      const prompt = await waitFor(
        async () =>
          (await ivan.chat.botMessages()).find((m) =>
            m.inlineKeyboard
              ?.flat()
              .some((b) => 'callback_data' in b && b.callback_data === `rc:ok:${opened.body.id}`),
          ),
        'the recovery prompt to the contact',
        30_000,
      );
      expect(prompt.text).toContain('Мария');
      // Its reminder and expiry, never queued while Redis was away, are queued now.
      for (const job of ['remind', 'expire'])
        await waitFor(
          async () =>
            (await Job.fromId(t.service.backend!.recoveryQueue, `${job}-${opened.body.id}`)) !== undefined,
          `the ${job} job`,
        );
      await waitFor(() => seqs.length >= shownWhileDown + 3, 'three refreshes after Redis is back', 30_000);
    } finally {
      t.service.sandbox!.world.events.off('event', onEvent);
    }
    const seen = await Promise.all(seqs);
    expect(seen[0]).toBe(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
  }, 120_000);
});
