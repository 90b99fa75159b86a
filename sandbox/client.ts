import type { CallbackAnswer, ChatEntry, Group, Person, SmsMessage } from './world';

export interface Transcript {
  person: Person;
  messages: ChatEntry[];
  replyKeyboard: { keyboard: unknown[][] } | null;
  /** What the person can press to send text or their contact, on either messenger. */
  textButtons: { text: string; contact: boolean }[];
  callbackAnswers: CallbackAnswer[];
  commands: { command: string; description: string }[];
}

export interface GroupTranscript {
  group: Group;
  messages: ChatEntry[];
  callbackAnswers: CallbackAnswer[];
}

/** The people API from the outside, for tests, benchmarks and scripts (see docs/sandbox.md). */
export class SandboxClient {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/sandbox/api${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async createPerson(input: {
    id?: number;
    name: string;
    languageCode?: string;
    phone?: string;
    lastName?: string;
  }): Promise<Person> {
    return (await this.call<{ person: Person }>('POST', '/people', input)).person;
  }

  sendText(personId: number, text: string) {
    return this.call<{ messageId: number; updateId: number | null }>('POST', `/people/${personId}/messages`, {
      text,
    });
  }

  sendPhoto(personId: number, png: Buffer, caption?: string) {
    return this.call<{ messageId: number; updateId: number | null }>('POST', `/people/${personId}/photos`, {
      base64: png.toString('base64'),
      ...(caption ? { caption } : {}),
    });
  }

  shareContact(personId: number, card: { phone?: string; firstName?: string; userId?: number } = {}) {
    return this.call<{ messageId: number; updateId: number | null }>(
      'POST',
      `/people/${personId}/contact`,
      card,
    );
  }

  /** Presses a button that sends its label as the person's message, or their contact. */
  press(personId: number, text: string) {
    return this.call<{ messageId: number; updateId: number | null }>(
      'POST',
      `/people/${personId}/keyboard-presses`,
      { text },
    );
  }

  tap(personId: number, messageId: number, data: string, options: { forge?: boolean } = {}) {
    return this.call<{ callbackQueryId: string; updateId: number }>('POST', `/people/${personId}/callbacks`, {
      messageId,
      data,
      ...options,
    });
  }

  /**
   * The URL a Mini App opens at for this person, launch data signed by the messenger in its
   * fragment: by a button (`messageId` and its label) or the bot's Mini App (`path`, `startParam`).
   */
  async openMiniApp(
    personId: number,
    how:
      | { messageId: number; text: string }
      | { path?: string; startParam?: string; theme?: Record<string, string> },
  ): Promise<string> {
    return (await this.call<{ url: string }>('POST', `/people/${personId}/mini-app`, how)).url;
  }

  deleteMessage(personId: number, messageId: number) {
    return this.call<void>('DELETE', `/people/${personId}/messages/${messageId}`);
  }

  block(personId: number) {
    return this.call<{ person: Person }>('POST', `/people/${personId}/block`);
  }

  unblock(personId: number) {
    return this.call<{ person: Person }>('POST', `/people/${personId}/unblock`);
  }

  /** The bot's next new message to this person's chat fails with a 400; edits still pass. */
  refuseNextSend(personId: number) {
    return this.call<{ refusals: number }>('POST', `/people/${personId}/refuse-next-send`);
  }

  /** The bot's next edit to this person's chat waits, until `releaseEdit`. */
  holdNextEdit(personId: number) {
    return this.call<{ holding: true }>('POST', `/people/${personId}/hold-next-edit`);
  }

  /** Whether the held edit has come and waits. */
  async editWaiting(personId: number): Promise<boolean> {
    return (await this.call<{ waiting: boolean }>('GET', `/people/${personId}/held-edit`)).waiting;
  }

  /** The bot's next edit to this person's chat (after a held one) is answered 429. */
  busyNextEdit(personId: number) {
    return this.call<{ busyEdits: number }>('POST', `/people/${personId}/busy-next-edit`);
  }

  releaseEdit(personId: number) {
    return this.call<{ released: true }>('POST', `/people/${personId}/release-edit`);
  }

  chat(personId: number) {
    return this.call<Transcript>('GET', `/people/${personId}/chat`);
  }

  async createGroup(input: {
    title: string;
    type?: 'group' | 'supergroup';
    members: number[];
  }): Promise<Group> {
    return (await this.call<{ group: Group }>('POST', '/groups', input)).group;
  }

  groupChat(groupId: number) {
    return this.call<GroupTranscript>('GET', `/groups/${groupId}/chat`);
  }

  /** A member writes in the group. */
  sendGroupText(groupId: number, from: number, text: string) {
    return this.call<{ messageId: number; updateId: number }>('POST', `/groups/${groupId}/messages`, {
      from,
      text,
    });
  }

  /** A member taps a button on a bot message in the group. */
  tapInGroup(
    groupId: number,
    from: number,
    messageId: number,
    data: string,
    options: { forge?: boolean } = {},
  ) {
    return this.call<{ callbackQueryId: string; updateId: number }>('POST', `/groups/${groupId}/callbacks`, {
      from,
      messageId,
      data,
      ...options,
    });
  }

  redeliver(updateId: number) {
    return this.call<{ redelivered: number }>('POST', `/updates/${updateId}/redeliver`);
  }

  /** How many updates the messenger still keeps for the bot, unconfirmed. */
  async pendingUpdates(): Promise<number> {
    return (await this.call<{ pending: number }>('GET', '/updates/pending')).pending;
  }

  setRate(ratePerSecond: number) {
    return this.call<{ ratePerSecond: number }>('PUT', '/settings', { ratePerSecond });
  }

  async sms(to?: string): Promise<SmsMessage[]> {
    const query = to ? `?to=${encodeURIComponent(to)}` : '';
    return (await this.call<{ messages: SmsMessage[] }>('GET', `/sms${query}`)).messages;
  }
}
