/**
 * A loopback Hugging Face hub for tests (127.0.0.1, random port), serving local folders with the
 * hub's URL layout and headers, so tests run the real download path (kernel-lib/hub/).
 *
 *   const hub = await startHubServer({ repos: { 'org/tiny': dirA, 'datasets/org/data': dirB }, token?: 'hf_x' });
 *   process.env.HF_ENDPOINT = hub.endpoint;      // or pass { settings: { endpoint: hub.endpoint } }
 *   ... hubDownload('org/tiny', 'config.json') / loadModel('org/tiny') ...
 *   hub.requests          // every request seen: { method, path, range, auth }
 *   hub.dropNext(1000)    // the next file body is cut after 1000 bytes (connection destroyed)
 *   hub.corruptNext()     // the next file body has one byte flipped (headers still announce the true sha256)
 *   hub.commitOf('org/tiny')   // the 40-hex commit the repo's `main` resolves to
 *   await hub.close()
 *
 * Served (files are read from the folders at each request, so tests may change them):
 *   HEAD/GET /{repo}/resolve/{rev}/{path}, /datasets/{repo}/resolve/{rev}/{path}; rev = main, the
 *     commit, or refs/convert/parquet (URL-encoded). Files ending in .safetensors/.parquet/.bin or over
 *     10 kB are "LFS": 302 to /cdn/{sha256} with X-Linked-Etag "sha256" and X-Linked-Size, like the
 *     real CDN redirect; others are served directly with ETag = git blob sha1. X-Repo-Commit always.
 *   GET /cdn/{sha256}                       the LFS blob (no auth, like a presigned URL); Range supported
 *   GET /api/{models|datasets}/{repo}/revision/{rev}   {id, sha, siblings: [{rfilename}]}
 *   GET /api/datasets/{repo}/parquet/{config}/{split}  URLs of {config}/{split}/*.parquet in the folder;
 *     each URL (.../{n}.parquet) redirects to the file on revision refs/convert/parquet
 * With `token`, requests other than /cdn/ without `Authorization: Bearer <token>` get 401.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface HubServerOptions {
  /** Repo id -> folder; prefix dataset ids with `datasets/`. */
  readonly repos: Readonly<Record<string, string>>;
  /** When set, the API and resolve URLs require this Bearer token. */
  readonly token?: string;
}

export interface HubRequest { readonly method: string; readonly path: string; readonly range: string | null; readonly auth: string | null }

export interface HubServer {
  readonly endpoint: string;
  readonly requests: HubRequest[];
  dropNext(afterBytes: number): void;
  corruptNext(): void;
  commitOf(repo: string): string;
  close(): Promise<void>;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p); else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const shaMemo = new Map<string, string>();
/** sha256 of a file, memoised by path, size and mtime (folders are re-read per request, files hashed once). */
function fileSha256(path: string): string {
  const st = statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  let h = shaMemo.get(key);
  if (!h) { h = sha256(readFileSync(path)); shaMemo.set(key, h); }
  return h;
}
const gitSha1 = (b: Uint8Array): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const isLfs = (path: string, size: number): boolean => /\.(safetensors|parquet|bin)$/.test(path) || size > 10_000;

export async function startHubServer(opts: HubServerOptions): Promise<HubServer> {
  const requests: HubRequest[] = [];
  let drop: number | null = null;
  let corrupt = false;
  const commitOf = (repo: string): string => {
    const dir = opts.repos[repo];
    if (!dir) throw new Error(`hub-server: unknown repo ${repo}`);
    const h = createHash('sha1');
    for (const f of listFiles(dir)) h.update(f + '\0' + fileSha256(join(dir, f)) + '\n');
    return h.digest('hex');
  };
  const blobs = (): Map<string, string> => {           // sha256 -> file, over all repos
    const m = new Map<string, string>();
    for (const dir of Object.values(opts.repos)) for (const f of listFiles(dir)) m.set(fileSha256(join(dir, f)), join(dir, f));
    return m;
  };

  /** Sends a body honouring Range, and the drop / corrupt switches. */
  const sendBody = (req: IncomingMessage, res: ServerResponse, data: Buffer, headers: Record<string, string>): void => {
    let body = data;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      if (start >= data.length) { res.writeHead(416, { 'content-range': `bytes */${data.length}` }); res.end(); return; }
      body = data.subarray(start);
      status = 206;
      headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    }
    res.writeHead(status, { ...headers, 'content-length': String(body.length), 'accept-ranges': 'bytes' });
    if (req.method === 'HEAD') { res.end(); return; }
    if (corrupt) { corrupt = false; body = Buffer.from(body); body[body.length >> 1] ^= 0xff; }
    if (drop !== null) {
      const n = drop; drop = null;
      res.write(body.subarray(0, n), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    requests.push({ method: req.method ?? '', path, range: req.headers.range ?? null, auth: req.headers.authorization ?? null });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const notFound = (code: string): void => { res.writeHead(404, { 'x-error-code': code, 'content-type': 'application/json' }); res.end(JSON.stringify({ error: code })); };
    try {
      if (path.startsWith('/cdn/')) {
        const file = blobs().get(path.slice(5));
        if (!file) return notFound('EntryNotFound');
        return sendBody(req, res, readFileSync(file), { 'content-type': 'application/octet-stream' });
      }
      if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
        res.writeHead(401, { 'x-error-code': 'GatedRepo' }); res.end(); return;
      }
      let m = /^\/api\/(models|datasets)\/(.+)\/revision\/([^/]+)$/.exec(path);
      if (m) {
        const repo = (m[1] === 'datasets' ? 'datasets/' : '') + m[2]!;
        if (!opts.repos[repo]) return notFound('RepoNotFound');
        const body = { id: m[2], sha: commitOf(repo), siblings: listFiles(opts.repos[repo]!).map((rfilename) => ({ rfilename })) };
        res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); return;
      }
      m = /^\/api\/datasets\/(.+)\/parquet\/([^/]+)\/([^/]+)\/(\d+)\.parquet$/.exec(path);
      if (m) {
        const dir = opts.repos['datasets/' + m[1]!];
        const sub = dir ? join(dir, decodeURIComponent(m[2]!), decodeURIComponent(m[3]!)) : '';
        const files = dir && existsSync(sub) ? readdirSync(sub).filter((f) => f.endsWith('.parquet')).sort() : [];
        const f = files[Number(m[4])];
        if (!f) return notFound('EntryNotFound');
        res.writeHead(302, { location: `${endpoint}/datasets/${m[1]}/resolve/${encodeURIComponent('refs/convert/parquet')}/${m[2]}/${m[3]}/${f}` });
        res.end(); return;
      }
      m = /^\/api\/datasets\/(.+)\/parquet\/([^/]+)\/([^/]+)$/.exec(path);
      if (m) {
        const dir = opts.repos['datasets/' + m[1]!];
        if (!dir) return notFound('RepoNotFound');
        const sub = join(dir, decodeURIComponent(m[2]!), decodeURIComponent(m[3]!));
        const files = existsSync(sub) ? readdirSync(sub).filter((f) => f.endsWith('.parquet')).sort() : [];
        const urls = files.map((_, i) => `${endpoint}/api/datasets/${m![1]}/parquet/${m![2]}/${m![3]}/${i}.parquet`);
        res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(urls)); return;
      }
      m = /^\/(datasets\/)?(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
      if (m) {
        const repo = (m[1] ?? '') + decodeURIComponent(m[2]!);
        const dir = opts.repos[repo];
        if (!dir) return notFound('RepoNotFound');
        const commit = commitOf(repo);
        const rev = decodeURIComponent(m[3]!);
        if (rev !== 'main' && rev !== commit && rev !== 'refs/convert/parquet') return notFound('RevisionNotFound');
        const file = join(dir, ...decodeURIComponent(m[4]!).split('/'));
        if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) return notFound('EntryNotFound');
        const data = readFileSync(file);
        const headers: Record<string, string> = { 'x-repo-commit': commit };
        if (isLfs(file, data.length)) {
          const sha = fileSha256(file);
          res.writeHead(302, { ...headers, 'x-linked-etag': `"${sha}"`, 'x-linked-size': String(data.length), etag: `"${gitSha1(data)}"`, location: `${endpoint}/cdn/${sha}`, 'content-length': '0' });
          res.end(); return;
        }
        return sendBody(req, res, data, { ...headers, etag: `"${gitSha1(data)}"`, 'content-type': 'application/octet-stream' });
      }
      notFound('NotFound');
    } catch (e) {
      res.writeHead(500); res.end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint, requests, commitOf,
    dropNext(afterBytes) { drop = afterBytes; },
    corruptNext() { corrupt = true; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
