/** The parts of engine.io's socket and WebSocket transport that corkFlushes uses (not in its public types). */
export interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork(): void; uncork(): void } };
}
export interface EngineSocket {
  transport: EngineTransport;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void;
}

/**
 * engine.io writes each packet of a flush as its own WebSocket frame, one syscall each; when a burst of
 * broadcasts queued several packets for a client, corking its TCP socket around the flush sends them in one.
 */
export function corkFlushes(transport: EngineTransport): void {
  if (transport.name !== 'websocket') return;
  const send = transport.send.bind(transport);
  transport.send = (packets) => {
    const tcp = transport.socket?._socket;
    if (packets.length < 2 || !tcp) return send(packets);
    tcp.cork();
    try {
      send(packets);
    } finally {
      tcp.uncork();
    }
  };
}
