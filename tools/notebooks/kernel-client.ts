/**
 * A Jupyter client for one tslab kernel process: writes a connection file, starts
 * `node_modules/.bin/tslab kernel --config-path <file>`, talks to it over ZeroMQ (shell, iopub,
 * control, hb) with signed messages (wire.ts), and runs cells one at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { childEnv } from '../../kernel-lib/runtime/settings.ts';
import { decodeMessage, encodeMessage, newMessage, type JupyterMessage } from './wire.ts';

/** One nbformat v4 output, as stored in an executed notebook. */
export type NotebookOutput =
  | { output_type: 'stream'; name: string; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** What one cell produced: the execute_reply status, its count and the outputs in arrival order. */
export interface CellResult {
  readonly status: 'ok' | 'error' | 'abort';
  readonly executionCount: number | null;
  readonly outputs: NotebookOutput[];
}

export interface KernelOptions {
  readonly cwd: string;                          // kernel working directory (the notebook's folder)
  readonly env?: Readonly<Record<string, string>>; // extra environment variables for the kernel
  readonly startTimeoutMs?: number;              // how long to wait for kernel_info_reply (default 120000)
  readonly tslabBin?: string;                    // tslab executable (default <project>/node_modules/.bin/tslab)
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Process groups of running kernels, killed when this process exits (they run detached). */
const live = new Set<number>();
const liveDirs = new Set<string>();   // their connection-file folders
let exitHook = false;
function track(pid: number): void {
  live.add(pid);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const g of live) { try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ } }
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

/** Thrown when a cell does not finish in time or the kernel process dies; the kernel is unusable after it. */
export class KernelFailure extends Error {}

export class KernelClient {
  private readonly key = randomBytes(32).toString('hex');
  private readonly session = randomUUID();
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly inbox: JupyterMessage[] = [];   // shell + iopub messages not yet consumed
  private wake: () => void = () => {};
  private proc: ChildProcess | undefined;
  private exited: string | undefined;              // why the kernel process ended, once it has
  private stderrTail = '';
  private dir = '';

  private constructor() {}

  /** Starts a kernel and waits until both shell and iopub answer. */
  static async start(opts: KernelOptions): Promise<KernelClient> {
    const k = new KernelClient();
    try { await k.boot(opts); } catch (e) { await k.shutdown(); throw e; }
    return k;
  }

  private async boot(opts: KernelOptions): Promise<void> {
    const bin = opts.tslabBin ?? join(projectRoot, 'node_modules', '.bin', 'tslab');
    if (!existsSync(bin)) throw new Error(`tslab kernel: ${bin} not found (run npm ci)`);
    const ports = { shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(),
      control_port: await freePort(), hb_port: await freePort() };
    this.dir = mkdtempSync(join(tmpdir(), 'lab-kernel-'));
    liveDirs.add(this.dir);
    const connFile = join(this.dir, 'connection.json');
    writeFileSync(connFile, JSON.stringify({ ...ports, ip: '127.0.0.1', transport: 'tcp', key: this.key,
      signature_scheme: 'hmac-sha256', kernel_name: 'tslab' }));
    this.proc = spawn(bin, ['kernel', '--config-path', connFile], {
      cwd: opts.cwd, env: childEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    const keep = (b: Buffer) => { this.stderrTail = (this.stderrTail + b.toString()).slice(-4000); };
    this.proc.stdout!.on('data', keep);
    this.proc.stderr!.on('data', keep);
    const pid = this.proc.pid;
    if (pid) track(pid);
    this.proc.on('exit', (code, sig) => {
      if (pid) live.delete(pid);
      this.exited = `kernel process exited (code ${code}, signal ${sig})`;
      this.wake();
    });
    this.proc.on('error', (e) => { this.exited = `kernel process failed to start: ${e.message}`; this.wake(); });
    const addr = (p: number) => `tcp://127.0.0.1:${p}`;
    this.shell.connect(addr(ports.shell_port));
    this.control.connect(addr(ports.control_port));
    this.iopub.connect(addr(ports.iopub_port));
    this.iopub.subscribe();
    void this.pump(this.shell);
    void this.pump(this.iopub);
    // iopub is a PUB/SUB pair: repeat kernel_info until its busy/idle status also arrives on iopub.
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120000);
    for (;;) {
      const req = await this.send('kernel_info_request', {});
      const ok = await this.waitFor((m) => m.parent_header.msg_id === req && m.header.msg_type === 'status', Math.min(1000, Math.max(1, deadline - Date.now())));
      if (ok) break;
      if (Date.now() > deadline) throw new KernelFailure(`tslab kernel did not answer within ${opts.startTimeoutMs ?? 120000} ms\n${this.stderrTail}`);
    }
    await sleep(50);
    this.inbox.length = 0;
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber): Promise<void> {
    try {
      for await (const frames of sock) {
        try { this.inbox.push(decodeMessage(this.key, frames)); } catch (e) { this.stderrTail = `${this.stderrTail}\n${(e as Error).message}`.slice(-4000); }
        this.wake();
      }
    } catch { /* socket closed */ }
  }

  private async send(msgType: string, content: Record<string, unknown>, sock = this.shell): Promise<string> {
    const msg = newMessage(msgType, this.session, content);
    await sock.send(encodeMessage(this.key, msg));
    return msg.header.msg_id;
  }

  /** Waits until a message matching `pred` is in the inbox (removing it) or the timeout/kernel death; false on timeout. */
  private async waitFor(pred: (m: JupyterMessage) => boolean, timeoutMs: number): Promise<JupyterMessage | false> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      if (this.exited) throw new KernelFailure(`${this.exited}\n${this.stderrTail}`);
      const left = end - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.wake = () => { clearTimeout(t); r(); }; });
    }
  }

  /** Runs one cell; throws KernelFailure on timeout or a dead kernel. */
  async execute(code: string, timeoutMs: number): Promise<CellResult> {
    this.inbox.length = 0;   // late messages of earlier cells
    const id = await this.send('execute_request', { code, silent: false, store_history: true,
      user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const outputs: NotebookOutput[] = [];
    const displays = new Map<string, number>();   // display_id -> index in outputs
    let reply: JupyterMessage | undefined;
    let idle = false;
    const end = Date.now() + timeoutMs;
    while (!(reply && idle)) {
      const left = reply ? Math.min(2000, end - Date.now()) : end - Date.now();
      const m = await this.waitFor((x) => x.parent_header.msg_id === id, Math.max(0, left));
      if (!m) {
        if (reply) break;                                  // reply came but no idle status: accept
        throw new KernelFailure(`cell timed out after ${timeoutMs / 1000} s`);
      }
      const c = m.content;
      switch (m.header.msg_type) {
        case 'execute_reply': reply = m; break;
        case 'status': idle = c.execution_state === 'idle'; break;
        case 'stream': {
          const last = outputs[outputs.length - 1];
          if (last?.output_type === 'stream' && last.name === c.name) last.text += String(c.text);
          else outputs.push({ output_type: 'stream', name: String(c.name), text: String(c.text) });
          break;
        }
        case 'display_data': case 'update_display_data': {
          const did = (c.transient as { display_id?: string } | undefined)?.display_id;
          const out: NotebookOutput = { output_type: 'display_data', data: c.data as Record<string, unknown>,
            metadata: (c.metadata ?? {}) as Record<string, unknown> };
          if (did !== undefined && displays.has(did)) outputs[displays.get(did)!] = out;
          else { if (did !== undefined) displays.set(did, outputs.length); outputs.push(out); }
          break;
        }
        case 'execute_result':
          outputs.push({ output_type: 'execute_result', data: c.data as Record<string, unknown>,
            metadata: (c.metadata ?? {}) as Record<string, unknown>, execution_count: (c.execution_count as number) ?? null });
          break;
        case 'error':
          outputs.push({ output_type: 'error', ename: String(c.ename), evalue: String(c.evalue), traceback: (c.traceback as string[]) ?? [] });
          break;
        default: break;
      }
    }
    const rc = reply!.content;
    const status = rc.status === 'ok' || rc.status === 'abort' ? rc.status : 'error';
    return { status, executionCount: typeof rc.execution_count === 'number' ? rc.execution_count : null, outputs };
  }

  /** Asks the kernel to shut down (control channel), then kills its process group; idempotent. */
  async shutdown(): Promise<void> {
    const p = this.proc;
    if (p && !this.exited) {
      try {
        await this.send('shutdown_request', { restart: false }, this.control);
        const end = Date.now() + 1500;
        while (!this.exited && Date.now() < end) await sleep(50);
      } catch { /* fall through to kill */ }
      if (!this.exited && p.pid) { try { process.kill(-p.pid, 'SIGKILL'); } catch { /* already gone */ } }
    }
    for (const s of [this.shell, this.control, this.iopub]) if (!s.closed) s.close();
    if (this.dir) { rmSync(this.dir, { recursive: true, force: true }); liveDirs.delete(this.dir); }
  }
}
