import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  headers: IncomingHttpHeaders;
  body: { to: string; text: string };
}

/**
 * An SMS provider on a local port, the service's true outside edge (SMS_HTTP_URL). It takes
 * an SMS (202) only with its bearer token when it has one; a test can make it answer 503, or
 * hold its answers until released, to do something while the service waits on it.
 */
export async function smsProvider(options: { token?: string } = {}) {
  const received: ReceivedSms[] = [];
  const held: Array<() => void> = [];
  const state = { down: false, holding: false };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(body) });
      const authorized = !options.token || req.headers.authorization === `Bearer ${options.token}`;
      const answer = () => res.writeHead(state.down ? 503 : authorized ? 202 : 401).end();
      if (state.holding) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    received,
    state,
    /** Answers every held request, and holds no more. */
    release() {
      state.holding = false;
      for (const answer of held.splice(0)) answer();
    },
    close() {
      this.release();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
