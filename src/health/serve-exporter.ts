/**
 * The exporter: reads health once per interval (never per scrape, so Prometheus' scrape rate does not
 * load the cluster) and serves the cached exposition on /metrics. A failed read keeps the server up
 * and serves kafkaform_up 0 with the time of the last successful read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildHealthRegistry, type ExporterStatus, type HealthRead } from './health-metrics.js';

export interface ExporterOptions {
  /** One read of the cluster (bounded in time by the caller). */
  read: () => Promise<HealthRead>;
  intervalMs: number;
  host: string;
  port: number;
  /** Told about each failed read (the exporter itself keeps going). */
  onReadError?: (e: unknown) => void;
  onRead?: (read: HealthRead) => void;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Serves /metrics from a read cached per interval; start() listens, stop() closes everything. */
export class HealthExporter {
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private exposition = '';
  private readonly status: ExporterStatus = { up: false, failures: 0 };
  private stopped = false;

  constructor(private readonly opts: ExporterOptions) {}

  /** Listens, then reads at once and every interval after; resolves with the bound address. */
  async start(): Promise<{ host: string; port: number }> {
    this.exposition = await buildHealthRegistry(undefined, this.status).metrics();
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : this.exposition);
      } else if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><h1>kafkaform exporter</h1><p><a href="/metrics">/metrics</a></p></body></html>\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.intervalMs);
    const addr = server.address() as AddressInfo;
    return { host: addr.address, port: addr.port };
  }

  /** One read (joined when one is already running), then the cached exposition is rebuilt. */
  refresh(): Promise<void> {
    this.inFlight ??= this.readOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async readOnce(): Promise<void> {
    const started = Date.now();
    let read: HealthRead | undefined;
    try {
      read = await this.opts.read();
      this.status.up = true;
      this.status.lastSuccessMs = read.state.readAtMs;
      this.opts.onRead?.(read);
    } catch (e) {
      this.status.up = false;
      this.status.failures += 1;
      this.opts.onReadError?.(e);
    }
    this.status.lastReadDurationMs = Date.now() - started;
    if (!this.stopped) this.exposition = await buildHealthRegistry(read, this.status).metrics();
  }

  /** The exposition scrapes get now. */
  metrics(): string {
    return this.exposition;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.inFlight?.catch(() => undefined);
  }
}
