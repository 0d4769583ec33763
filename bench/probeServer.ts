// The reference design's warm probe, as a loopback endpoint with a known delay: `GET /v1/models`
// answered after the next delay of a fixed schedule. Used only by the baseline.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ProbeRecord {
  delayMs: number;
  receivedAt: number;
  sentAt?: number;
}

export class ProbeServer {
  readonly records: ProbeRecord[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private next = 0;

  private constructor(private readonly schedule: readonly number[], models: readonly string[]) {
    const body = JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'llama-swap' })) });
    this.server = createServer((req, res) => {
      const record: ProbeRecord = { delayMs: this.schedule[this.next++ % this.schedule.length], receivedAt: performance.now() };
      this.records.push(record);
      req.resume();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        record.sentAt = performance.now();
      }, record.delayMs);
      this.timers.add(timer);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** `schedule`: the delays of successive probes, repeated. */
  static async start(schedule: readonly number[], models: readonly string[]): Promise<ProbeServer> {
    const probe = new ProbeServer(schedule, models);
    await new Promise<void>((resolve, reject) => {
      probe.server.once('error', reject);
      probe.server.listen(0, '127.0.0.1', () => resolve());
    });
    return probe;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
