import type { Socket } from 'node:net';
import { ToxicLink } from './link.js';
import type { ToxicCollection } from './toxic-collection.js';

/** ms a closing socket may take to flush its queued writes before it is destroyed anyway */
const CLOSE_FLUSH_LIMIT_MS = 10_000;

/**
 * One proxied client: the client socket, the upstream socket, and the two links between them
 * (client -> upstream is "upstream", upstream -> client is "downstream").
 *
 * There is no half-close, as in the real server: when a link's output ends it closes its destination
 * socket completely, and the link reading from that socket then sees end-of-stream, runs it through
 * its own toxics, and closes its destination in turn. So a FIN from either peer takes both sockets
 * down, and bytes sent after it are lost.
 */
export class Connection {
  private readonly up: ToxicLink;
  private readonly down: ToxicLink;
  /** SO_LINGER 0: a reset_peer toxic was on the proxy when the connection was accepted. */
  private readonly lingerZero: boolean;
  private openSockets = 2;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    toxics: ToxicCollection,
    random: () => number,
    onClosed: (connection: Connection) => void,
  ) {
    this.lingerZero = toxics.lingerZero();
    this.up = new ToxicLink('upstream', client, upstream, toxics.chain('upstream'), {
      random,
      finish: () => this.closeSocket(upstream, this.down),
    });
    this.down = new ToxicLink('downstream', upstream, client, toxics.chain('downstream'), {
      random,
      finish: () => this.closeSocket(client, this.up),
    });
    for (const [socket, reader] of [
      [client, this.up],
      [upstream, this.down],
    ] as const) {
      socket.on('error', ignore);
      socket.on('close', () => {
        reader.sourceEnded();
        if (--this.openSockets > 0) return;
        toxics.removeLink(this.up);
        toxics.removeLink(this.down);
        onClosed(this);
      });
    }
    toxics.addLink(this.up);
    toxics.addLink(this.down);
  }

  /** Closes both sockets at once, dropping whatever the toxics hold (proxy disabled or deleted). */
  close(): void {
    this.up.stop();
    this.down.stop();
    this.closeSocket(this.client, this.up);
    this.closeSocket(this.upstream, this.down);
  }

  /** Closes a socket for good; the link reading from it sees end-of-stream right away. */
  private closeSocket(socket: Socket, reader: ToxicLink): void {
    if (this.lingerZero) {
      if (!socket.destroyed) socket.resetAndDestroy();
    } else {
      closeGracefully(socket);
    }
    reader.sourceEnded();
  }
}

/**
 * FIN after the queued writes, then destroy (which also answers any later inbound data with RST, as
 * closing a socket does in Go).
 */
function closeGracefully(socket: Socket): void {
  if (socket.destroyed || socket.writableEnded) return;
  socket.destroySoon();
  if (socket.writableLength > 0) setTimeout(() => socket.destroy(), CLOSE_FLUSH_LIMIT_MS).unref();
}

function ignore(): void {}
