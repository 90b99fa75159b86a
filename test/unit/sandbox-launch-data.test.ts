import { describe, expect, it } from 'vitest';
import { launchDataChecker } from '../../core/mini-app/launch-data';
import { maxLaunchFragment } from '../../sandbox/max/mini-app';
import { signLaunchData } from '../../sandbox/mini-app/launch-data';
import { telegramLaunchFragment } from '../../sandbox/telegram/mini-app';
import { World } from '../../sandbox/world';
import vector from '../fixtures/launch-data.json';
import { TestClock } from '../support/clock';

// The sandbox plays the messenger: the launch data it signs for a Mini App must pass the
// service's own check (core/mini-app) exactly as the messenger's would, and no other bot's.

const TOKEN = '7000000001:AAF-sandbox-launch-data-token_0123456';
const world = new World({
  id: 7000000001,
  is_bot: true,
  first_name: 'Бот',
  username: 'gosuslugi_sandbox_bot',
});
const person = world.addPerson({ firstName: 'Анна', lastName: "O'Neil & Co", languageCode: 'en' });

const checker = (botToken: string) =>
  launchDataChecker({ botToken, maxAgeSeconds: 86_400, clock: new TestClock() });

const fragments = {
  tgWebAppData: () => telegramLaunchFragment(TOKEN, person, { theme: { bg_color: '#ffffff' } }),
  WebAppData: () => maxLaunchFragment(TOKEN, world, person, { startParam: 'scan' }),
};

describe('launch data the sandbox signs', () => {
  it('signs as the openssl-made reference was signed', () => {
    const fields = Object.fromEntries(new URLSearchParams(vector.initData));
    delete fields.hash;
    expect(new URLSearchParams(signLaunchData(vector.botToken, fields)).get('hash')).toBe(vector.hash);
  });

  for (const [name, fragment] of Object.entries(fragments)) {
    it(`passes the service's check under ${name}, naming the person, and fails under another token`, () => {
      const initData = new URLSearchParams(fragment()).get(name);
      expect(initData).toBeTruthy();
      expect(checker(TOKEN)(initData ?? '')).toEqual({
        ok: true,
        user: { id: person.id, languageCode: 'en' },
      });
      expect(checker(`${TOKEN}x`)(initData ?? '')).toEqual({ ok: false, refusal: 'bad_hash' });
    });
  }

  it('gives Telegram the theme and MAX the payload as start_param', () => {
    const telegram = new URLSearchParams(fragments.tgWebAppData());
    expect(JSON.parse(telegram.get('tgWebAppThemeParams') ?? '')).toEqual({ bg_color: '#ffffff' });
    const max = new URLSearchParams(fragments.WebAppData());
    expect(new URLSearchParams(max.get('WebAppData') ?? '').get('start_param')).toBe('scan');
    expect(max.get('WebAppPlatform')).toBe('web');
  });
});
