import type { SandboxClient } from '../../sandbox/client';
import type { ChatEntry } from '../../sandbox/world';
import { waitFor } from './wait';

/** A simulated person's view of the chat: what they send and what the bot answered. */
export function chatWith(sandbox: SandboxClient, personId: number) {
  const botMessages = async (): Promise<ChatEntry[]> =>
    (await sandbox.chat(personId)).messages.filter((m) => m.from === 'bot');
  return {
    id: personId,
    botMessages,
    /** Sends text and waits for the next bot message after it. */
    async say(text: string): Promise<ChatEntry> {
      const before = (await botMessages()).length;
      await sandbox.sendText(personId, text);
      return waitFor(async () => (await botMessages())[before], `the bot's answer to "${text}"`);
    },
    /** Sends a photo and waits for the next bot message after it. */
    async sendPhoto(png: Buffer): Promise<ChatEntry> {
      const before = (await botMessages()).length;
      await sandbox.sendPhoto(personId, png);
      return waitFor(async () => (await botMessages())[before], 'the answer to a photo');
    },
    /** Sends text and waits for the first bot message after it that contains `fragment`. */
    async ask(text: string, fragment: string): Promise<ChatEntry> {
      const before = (await botMessages()).length;
      await sandbox.sendText(personId, text);
      return waitFor(
        async () =>
          (await botMessages()).slice(before).find((m) => (m.text ?? m.caption ?? '').includes(fragment)),
        `"${fragment}" in answer to "${text}"`,
      );
    },
    async shareContact(card?: { phone?: string; firstName?: string; userId?: number }): Promise<ChatEntry> {
      const before = (await botMessages()).length;
      await sandbox.shareContact(personId, card);
      return waitFor(async () => (await botMessages())[before], 'the answer to a shared contact');
    },
    /**
     * Presses a button that sends its label as a message (or, for the phone button, the contact)
     * and waits for the next bot message: a reply-keyboard button on Telegram, an inline
     * `message` or `request_contact` button on MAX.
     */
    async press(text: string): Promise<ChatEntry> {
      const before = (await botMessages()).length;
      await sandbox.press(personId, text);
      return waitFor(async () => (await botMessages())[before], `the answer to pressing "${text}"`);
    },
    /** The buttons the person could press to send words or their contact, on either messenger. */
    textButtons: async () => (await sandbox.chat(personId)).textButtons,
    async tap(messageId: number, data: string, options: { forge?: boolean } = {}) {
      return sandbox.tap(personId, messageId, data, options);
    },
    /** Taps a button and returns the brief notice the bot answered the tap with. */
    async tapForNotice(
      messageId: number,
      data: string,
      options: { forge?: boolean } = {},
    ): Promise<string | undefined> {
      const { callbackQueryId } = await sandbox.tap(personId, messageId, data, options);
      const answer = await waitFor(async () => {
        const found = (await sandbox.chat(personId)).callbackAnswers.find(
          (a) => a.callbackQueryId === callbackQueryId,
        );
        return found?.answered ? found : undefined;
      }, `the answer to tapping ${data}`);
      return answer.text;
    },
    /** The bot message carrying a button with this callback data, newest first. */
    async withButton(data: string): Promise<ChatEntry> {
      return waitFor(
        async () =>
          (await botMessages())
            .reverse()
            .find((m) =>
              m.inlineKeyboard?.flat().some((b) => 'callback_data' in b && b.callback_data === data),
            ),
        `a message with button ${data}`,
      );
    },
    waitForText: (fragment: string) =>
      waitFor(
        async () => (await botMessages()).find((m) => (m.text ?? m.caption ?? '').includes(fragment)),
        `"${fragment}"`,
      ),
  };
}

export type Chat = ReturnType<typeof chatWith>;

/** A group chat with the bot in it, as its members see it. */
export function groupChatWith(sandbox: SandboxClient, groupId: number) {
  const botMessages = async (): Promise<ChatEntry[]> =>
    (await sandbox.groupChat(groupId)).messages.filter((m) => m.from === 'bot');
  return {
    id: groupId,
    botMessages,
    /** A member writes and waits for the next bot message in the group. */
    async say(from: number, text: string): Promise<ChatEntry> {
      const before = (await botMessages()).length;
      await sandbox.sendGroupText(groupId, from, text);
      return waitFor(async () => (await botMessages())[before], `the bot's answer to "${text}" in the group`);
    },
    /** A member taps a button in the group and returns the notice the bot answered with. */
    async tapForNotice(from: number, messageId: number, data: string, options: { forge?: boolean } = {}) {
      const { callbackQueryId } = await sandbox.tapInGroup(groupId, from, messageId, data, options);
      const answer = await waitFor(async () => {
        const found = (await sandbox.groupChat(groupId)).callbackAnswers.find(
          (a) => a.callbackQueryId === callbackQueryId,
        );
        return found?.answered ? found : undefined;
      }, `the answer to tapping ${data} in the group`);
      return answer.text;
    },
  };
}

/** The newest six-digit code the SMS inbox holds for a number. */
export async function latestCode(sandbox: SandboxClient, phone: string, after = 0): Promise<string> {
  return waitFor(async () => {
    const messages = await sandbox.sms(phone);
    if (messages.length <= after) return undefined;
    return /\b(\d{6})\b/.exec(messages[0]?.text ?? '')?.[1];
  }, `an SMS with a code to ${phone}`);
}

/** The newest bot message with a button whose data starts with `prefix`, and that data. */
export async function buttonOf(chat: Chat, prefix: string): Promise<{ entry: ChatEntry; data: string }> {
  return waitFor(async () => {
    for (const entry of (await chat.botMessages()).reverse()) {
      for (const button of entry.inlineKeyboard?.flat() ?? []) {
        if ('callback_data' in button && button.callback_data?.startsWith(prefix))
          return { entry, data: button.callback_data };
      }
    }
    return undefined;
  }, `a button ${prefix}…`);
}

/**
 * Presses the confirmation button (data starting with `prefix`) under an admin's question and
 * waits for the bot's next message containing `fragment`; returns the button's data.
 */
export async function confirmQuestion(
  chat: Chat,
  question: ChatEntry,
  prefix: string,
  fragment: string,
): Promise<string> {
  const { data } = await buttonOf(chat, prefix);
  const before = (await chat.botMessages()).length;
  await chat.tap(question.messageId, data);
  await waitFor(
    async () => (await chat.botMessages()).slice(before).find((m) => m.text?.includes(fragment)),
    `"${fragment}" after confirming`,
  );
  return data;
}
