import { beforeAll, describe, expect, it } from 'vitest';
import { openDigitalId } from '../support/digital-id';
import { plainPng, qrPng, sideBySide } from '../support/images';
import { linkedPerson } from '../support/linking';
import { E2E_PLATFORMS, servicePerPlatform } from '../support/platforms';
import { fetchPhoto, readQr } from '../support/qr';
import { startTestService, type TestService } from '../support/service';
import { newVerifierKey, verifyByApi } from '../support/verify-api';

const serviceOn = servicePerPlatform((platform) => startTestService({}, { platform }));
/** The service of the suite running now. */
let t: TestService;

/** The photo of a QR a person shows right now, as bytes a verifier's camera would send. */
async function liveQrPhoto(name: string, phone: string, scenario: string) {
  const { chat } = await linkedPerson(t, name, phone);
  const photo = await openDigitalId(chat, scenario);
  return { chat, png: await fetchPhoto(t.service.sandbox!.url, photo.photo!.fileId) };
}

/** The demo registry's cashier (demo-12, a verifier), linked, checking `scenario`. */
async function verifierAt(scenario: string) {
  const verifier = await linkedPerson(t, 'Светлана', '+79990000012');
  const choice = await verifier.chat.say('/verify');
  expect(choice.inlineKeyboard?.flat().map((b) => b.text)).toContain('возраст 18+');
  await verifier.chat.tap(choice.messageId, `ver:${scenario}`);
  await verifier.chat.waitForText('Проверяем:');
  return verifier.chat;
}

describe.each(E2E_PLATFORMS)('the verifier role in the bot on %s', (platform) => {
  beforeAll(async () => {
    t = await serviceOn(platform);
  });

  it('reads a photo of a live QR and answers in words; the same QR again is spent', async () => {
    const cashier = await verifierAt('adult');
    const { png } = await liveQrPhoto('Иван', '+79990000001', 'adult');
    const confirmed = await cashier.sendPhoto(png);
    expect(confirmed.text).toMatch(/^✅ Подтверждено: возраст 18\+\nПроверено \d+ [а-я]+ \d{4}/);
    const again = await cashier.sendPhoto(png);
    expect(again.text).toContain('❌ Не подтверждено: возраст 18+');
    expect(again.text).toContain('Этот QR-код уже использован. Попросите показать новый.');
  });
});

describe('the verifier role in the bot, on Telegram', () => {
  beforeAll(async () => {
    t = await serviceOn('telegram');
  });

  it('answers a photo of anything else plainly: no QR, another service’s QR, several QRs', async () => {
    const cashier = await verifierAt('adult');
    expect((await cashier.sendPhoto(plainPng())).text).toBe(
      'На фото не найден QR-код. Сфотографируйте код ближе и ровнее, без бликов.',
    );
    const shop = await cashier.sendPhoto(await qrPng('https://shop.example.org/pay?order=17'));
    expect(shop.text).toContain('❌ Не подтверждено: возраст 18+');
    expect(shop.text).toContain('Это не QR-код Цифрового ID.');
    const two = sideBySide(await qrPng('https://a.example.org/1'), await qrPng('https://b.example.org/2'));
    expect((await cashier.sendPhoto(two)).text).toBe('На фото несколько QR-кодов. Сфотографируйте один.');
  });

  it('checks the scenario the verifier chose, and accepts the QR’s text as well as its photo', async () => {
    const cashier = await verifierAt('student');
    const holder = await linkedPerson(t, 'Елена', '+79990000006');
    const photo = await openDigitalId(holder.chat, 'pensioner');
    const url = readQr(await fetchPhoto(t.service.sandbox!.url, photo.photo!.fileId)).url;
    const wrong = await cashier.say(url);
    expect(wrong.text).toContain('❌ Не подтверждено: статус студента');
    expect(wrong.text).toContain('QR-код подтверждает другой статус.');
    const choice = await cashier.say('/verify');
    await cashier.tap(choice.messageId, 'ver:pensioner');
    await cashier.waitForText('Проверяем: пенсионер');
    expect((await cashier.say(url)).text).toMatch(/^✅ Подтверждено: пенсионер/);
  });

  it('gives a person without the role no verification: photos, QR text and /verify are like anyone’s', async () => {
    const anna = await linkedPerson(t, 'Анна', '+79990000002');
    const { png } = await liveQrPhoto('Ольга', '+79990000008', 'large_family');
    expect((await anna.chat.sendPhoto(png)).text).toBe(
      'Такие сообщения я не обрабатываю. Откройте меню: /start.',
    );
    const token = readQr(png).url;
    expect((await anna.chat.say(token)).text).toContain('Я понимаю команды и кнопки меню.');
    const unknown = (await anna.chat.say('/no_such_command')).text;
    expect((await anna.chat.say('/verify')).text).toBe(unknown);
    // Nothing was spent: a checkout still confirms the QR she sent.
    const key = await newVerifierKey(t);
    expect((await verifyByApi(t, key, { qr: token, scenario: 'large_family' })).body.result).toBe(
      'confirmed',
    );
  });

  it('asks a verifier to choose the scenario before the first photo', async () => {
    await t.service.backend!.roles.grant('demo-09', 'verifier', 'test');
    const guard = await linkedPerson(t, 'Сергей', '+79990000009');
    const asked = await guard.chat.sendPhoto(plainPng());
    expect(asked.text).toBe('Сначала выберите, что проверяете:');
    const buttons = asked.inlineKeyboard?.flat() ?? [];
    // The six scenarios, and the scanner app (mini-app-buttons.test.ts).
    expect(buttons.filter((b) => 'callback_data' in b)).toHaveLength(6);
  });
});
