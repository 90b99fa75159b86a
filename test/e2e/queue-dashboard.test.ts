import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service';

const TOKEN = 'dashboard-token-for-tests';
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ ADMIN_DASHBOARD_TOKEN: TOKEN });
});
afterAll(async () => {
  await t?.stop();
});

const get = (path: string, authorization?: string) =>
  fetch(`${t.service.httpUrl}${path}`, { headers: authorization ? { authorization } : {} });
const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

describe('the queue dashboard', () => {
  it('asks for the admin credential, and refuses a wrong one', async () => {
    const none = await get('/admin/queues');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
    expect((await get('/admin/queues', basic('wrong-token-wrong'))).status).toBe(401);
  });

  it('shows the service’s queues to an admin', async () => {
    expect((await get('/admin/queues', basic(TOKEN))).status).toBe(200);
    const api = await get('/admin/queues/api/queues', `Bearer ${TOKEN}`);
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((q) => q.name).sort()).toEqual(['outgoing', 'recovery']);
  });
});
