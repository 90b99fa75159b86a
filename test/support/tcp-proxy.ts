import { connect, createServer, type Server, type Socket } from 'node:net';
import { Transform } from 'node:stream';

/** PostgreSQL's CommandComplete message type: the server finished a statement. */
const COMMAND_COMPLETE = 'C'.charCodeAt(0);

/**
 * A TCP proxy in front of a server the tests share (PostgreSQL), so one test can make it go
 * away for its own service only: `cut` drops every connection and refuses new ones, as a
 * stopped server does; `restore` accepts them again on the same port. `hangAfter` makes it
 * stop answering at a chosen moment instead, as an overloaded server does.
 */
export async function tcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  /** Once set, what clients send is held, never forwarded. */
  let hanging = false;
  let watch: { marker: Buffer; hung: () => void } | null = null;

  function pipeConnection(client: Socket, upstream: Socket) {
    let marked = false;
    const gate = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (hanging) return;
        if (watch?.marker && chunk.includes(watch.marker)) marked = true;
        done(null, chunk);
      },
    });
    const completions = serverMessages((type) => {
      if (!marked || type !== COMMAND_COMPLETE || !watch) return;
      hanging = true;
      watch.hung();
      watch = null;
    });
    // Registered before the pipe, so the proxy hangs before the client reads the answer.
    upstream.on('data', completions);
    client.pipe(gate).pipe(upstream).pipe(client);
  }

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        pipeConnection(client, upstream);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        const address = s.address();
        if (typeof address === 'object' && address) port = address.port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    async cut() {
      const closing = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => closing?.close(resolve));
    },
    restore: listen,
    /**
     * The statement whose text holds `marker` (a piece of SQL) runs and completes, and from
     * then on nothing any client sends reaches the server: clients wait, as on a server that
     * stopped answering. Resolves at that moment.
     */
    hangAfter(marker: string): Promise<void> {
      return new Promise((hung) => {
        watch = { marker: Buffer.from(marker), hung };
      });
    },
    close() {
      return this.cut();
    },
  };
}

/** Calls `onMessage` with the type of each message in a server's stream (type byte, int32 length). */
function serverMessages(onMessage: (type: number) => void) {
  let pending = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const end = 1 + pending.readUInt32BE(1);
      if (pending.length < end) return;
      onMessage(pending[0] as number);
      pending = pending.subarray(end);
    }
  };
}
