import { describe, expect, it } from 'vitest';
import { qrScreen } from '../../bot/features/digital-id/qr-screen';
import { createI18n } from '../../bot/i18n';
import type { QrFrame } from '../../core/digital-id/digital-id-service';

const frame = (locale: string): QrFrame => ({
  session: {
    id: '6f1c1b9e-2a4d-4c8e-9b3a-0d5e7f1a2b3c',
    sid: new Uint8Array(16),
    messengerUserId: 1,
    chatId: 1,
    accountId: 'a1',
    scenario: 'adult',
    locale,
    messageId: null,
    seq: 0,
    status: 'live',
    refreshSeconds: 30,
    tokenTtlSeconds: 45,
    startedAt: new Date('2026-01-01T10:00:00Z'),
    endsAt: new Date('2026-01-01T10:05:00Z'),
    channel: 'chat',
  },
  seq: 0,
  token: 'x',
  url: 'https://example.org/v/x',
  nextAt: new Date('2026-01-01T10:00:30Z'),
});

describe('the Digital ID caption', () => {
  const screen = qrScreen(createI18n());

  it('where the messenger cannot stop forwarding, names the short-lived code as the protection', () => {
    const open = screen.live(frame('ru'), { protectsContent: false }).caption;
    const guarded = screen.live(frame('ru'), { protectsContent: true }).caption;
    expect(open.startsWith(guarded)).toBe(true);
    expect(open).toContain('можно переслать или сохранить');
    expect(guarded).not.toContain('переслать');
    expect(screen.live(frame('en'), { protectsContent: false }).caption).toContain(
      'can be forwarded or saved',
    );
  });
});
