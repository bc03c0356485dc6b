/**
 * A minimal jsii host: drives the @jsii/runtime kernel process over its line-delimited JSON
 * protocol the same way the Python/Java/.NET/Go host libraries do, so tests can exercise a jsii
 * library "as a foreign language would" (wire-encoded values, no TypeScript types involved).
 *
 * Values are passed and returned in wire form: `{ '$jsii.byref': 'fqn@id' }` for objects,
 * `{ '$jsii.enum': 'fqn/MEMBER' }`, `{ '$jsii.date': iso }`, `{ '$jsii.map': {...} }`, and structs
 * either as plain JSON or `{ '$jsii.struct': { fqn, data } }`.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as path from 'path';
import { createInterface } from 'readline';

export interface ObjRef {
  readonly '$jsii.byref': string;
  readonly '$jsii.interfaces'?: readonly string[];
}

export type Override = { readonly method: string; readonly cookie?: string } | { readonly property: string; readonly cookie?: string };

/** A request from the kernel to run host code (an overridden method/property). */
export interface Callback {
  readonly cbid: string;
  readonly cookie?: string;
  readonly invoke?: { readonly objref: ObjRef; readonly method: string; readonly args?: unknown[] };
  readonly get?: { readonly objref: ObjRef; readonly property: string };
  readonly set?: { readonly objref: ObjRef; readonly property: string; readonly value: unknown };
}

/** Answers a callback synchronously; it must not call back into the host (requests are serialized). */
export type CallbackHandler = (callback: Callback) => unknown;

export interface JsiiHostOptions {
  /** Receives the JS code's console output; defaults to collecting it in `JsiiHost.output`. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  readonly onCallback?: CallbackHandler;
}

type Message = { hello: string } | { ok: unknown } | { error: string; name?: string; stack?: string } | { callback: Callback };

/** An error reported by the kernel (`name` is e.g. `@jsii/kernel.RuntimeError` or `@jsii/kernel.Fault`). */
export class JsiiError extends Error {
  constructor(message: string, name: string | undefined, readonly jsStack?: string) {
    super(message);
    this.name = name ?? 'JsiiError';
  }
}

const FAULT = '@jsii/kernel.Fault';
const RUNTIME_ERROR = '@jsii/kernel.RuntimeError';

export class JsiiHost {
  public static start(options: JsiiHostOptions = {}): JsiiHost {
    const runtime = path.join(path.dirname(require.resolve('@jsii/runtime/package.json')), 'webpack', 'bin', 'jsii-runtime.js');
    // JSII_AGENT is how every host identifies itself to the kernel.
    const child = spawn(process.execPath, [runtime], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, JSII_AGENT: 'TypeScript/jsii-host' } });
    return new JsiiHost(child, options);
  }

  public static enumValue(fqn: string, member: string): { '$jsii.enum': string } {
    return { '$jsii.enum': `${fqn}/${member}` };
  }

  public static struct(fqn: string, data: Record<string, unknown>): { '$jsii.struct': { fqn: string; data: Record<string, unknown> } } {
    return { '$jsii.struct': { fqn, data } };
  }

  public static date(date: Date): { '$jsii.date': string } {
    return { '$jsii.date': date.toISOString() };
  }

  public static map(entries: Record<string, unknown>): { '$jsii.map': Record<string, unknown> } {
    return { '$jsii.map': entries };
  }

  /** Console output of the JS code (when no `onOutput` was given), plus any non-JSON stderr lines. */
  public output = '';
  /** The runtime's greeting, e.g. `@jsii/runtime@1.140.0`. */
  public readonly hello: Promise<string>;
  private readonly inbox: Message[] = [];
  private readonly waiters: Array<{ resolve: (m: Message) => void; reject: (e: Error) => void }> = [];
  private exited?: Error;
  private queue: Promise<unknown>;

  private constructor(private readonly child: ChildProcess, private readonly options: JsiiHostOptions) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try { this.deliver(JSON.parse(line) as Message); } catch { this.fail(new Error(`non-JSON line from jsii runtime: ${line}`)); }
    });
    // The runtime wraps the JS code's stdout/stderr as `{"stderr":"<base64>"}` lines on its own
    // stderr; other lines there (e.g. the Node end-of-life banner) are raw text.
    createInterface({ input: child.stderr! }).on('line', (line) => {
      let wrapped: Partial<Record<'stdout' | 'stderr', string>> | undefined;
      try { wrapped = JSON.parse(line); } catch { wrapped = undefined; }
      const stream = wrapped?.stdout !== undefined ? 'stdout' : wrapped?.stderr !== undefined ? 'stderr' : undefined;
      if (stream) this.emit(stream, Buffer.from(wrapped![stream]!, 'base64').toString('utf8')); else this.emit('stderr', `${line}\n`);
    });
    // Without a listener, EPIPE after the runtime died would crash the test process.
    child.stdin!.on('error', (err) => this.fail(err));
    // 'close' (not 'exit') so every stdout line has been delivered before pending reads fail.
    child.on('close', (code, signal) => this.fail(new Error(`jsii runtime exited (code ${code}, signal ${signal})\n${this.output.slice(-2000)}`)));
    child.on('error', (err) => this.fail(err));
    this.hello = this.next().then((m) => {
      if (!('hello' in m)) throw new Error(`expected hello from jsii runtime, got ${JSON.stringify(m)}`);
      return m.hello;
    });
    this.hello.catch(() => undefined); // failures surface through the requests chained on it
    this.queue = this.hello;
  }

  /** Loads a jsii package tarball; its dependencies must have been loaded before. */
  public async load(tarball: string): Promise<{ assembly: string; types: number }> {
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    return this.request({ api: 'load', name: pkg.name, version: pkg.version, tarball: path.resolve(tarball) });
  }

  public async create(fqn: string, args: unknown[] = [], overrides: Override[] = [], interfaces: string[] = []): Promise<ObjRef> {
    return this.request({ api: 'create', fqn, args, overrides, interfaces });
  }

  public async invoke(objref: ObjRef, method: string, args: unknown[] = []): Promise<unknown> {
    return (await this.request<{ result?: unknown }>({ api: 'invoke', objref, method, args })).result;
  }

  public async sinvoke(fqn: string, method: string, args: unknown[] = []): Promise<unknown> {
    return (await this.request<{ result?: unknown }>({ api: 'sinvoke', fqn, method, args })).result;
  }

  public async get(objref: ObjRef, property: string): Promise<unknown> {
    return (await this.request<{ value?: unknown }>({ api: 'get', objref, property })).value;
  }

  public async sget(fqn: string, property: string): Promise<unknown> {
    return (await this.request<{ value?: unknown }>({ api: 'sget', fqn, property })).value;
  }

  public async set(objref: ObjRef, property: string, value: unknown): Promise<void> {
    await this.request({ api: 'set', objref, property, value });
  }

  public async sset(fqn: string, property: string, value: unknown): Promise<void> {
    await this.request({ api: 'sset', fqn, property, value });
  }

  /** Releases the kernel's reference to an object. */
  public async del(objref: ObjRef): Promise<void> {
    await this.request({ api: 'del', objref });
  }

  public async stats(): Promise<{ objectCount: number }> {
    return this.request({ api: 'stats' });
  }

  /** Asks the kernel to exit (as the other hosts do), and kills it if it lingers. */
  public async close(): Promise<void> {
    if (this.exited) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin!.end('{"exit":0}\n');
    this.fail(new Error('jsii host closed'));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await closed;
    clearTimeout(timer);
  }

  /** Sends one request and waits for its response, answering callbacks meanwhile. */
  private request<T>(req: Record<string, unknown>): Promise<T> {
    const run = async (): Promise<T> => {
      this.write(req);
      for (;;) {
        const msg = await this.next();
        if ('ok' in msg) return msg.ok as T;
        if ('error' in msg) throw new JsiiError(msg.error, msg.name, msg.stack);
        if (!('callback' in msg)) throw new Error(`unexpected message from jsii runtime: ${JSON.stringify(msg)}`);
        this.write({ complete: this.answer(msg.callback) });
      }
    };
    // The kernel is strictly request/response (a pending callback expects `complete` next), so
    // requests are chained; a failed request must not poison the ones after it.
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private answer(cb: Callback): Record<string, unknown> {
    if (!this.options.onCallback) return { cbid: cb.cbid, err: 'jsii-host: callbacks are not supported without onCallback', name: FAULT };
    try {
      return { cbid: cb.cbid, result: this.options.onCallback(cb) };
    } catch (e) {
      return { cbid: cb.cbid, err: e instanceof Error ? e.message : String(e), name: RUNTIME_ERROR };
    }
  }

  private write(msg: unknown): void {
    if (this.exited) throw this.exited;
    this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
  }

  private next(): Promise<Message> {
    const msg = this.inbox.shift();
    if (msg) return Promise.resolve(msg);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private deliver(msg: Message): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(msg); else this.inbox.push(msg);
  }

  private fail(err: Error): void {
    this.exited ??= err;
    this.waiters.splice(0).forEach((w) => w.reject(this.exited!));
  }

  private emit(stream: 'stdout' | 'stderr', text: string): void {
    if (this.options.onOutput) this.options.onOutput(stream, text); else this.output += text;
  }
}

/** Packs an (installed) package directory with `npm pack` and returns the tarball's path. */
export function packTarball(packageDir: string, outDir: string): string {
  const out = execFileSync('npm', ['pack', packageDir, '--pack-destination', outDir, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out) as Array<{ filename: string }>;
  return path.join(outDir, info.filename);
}
