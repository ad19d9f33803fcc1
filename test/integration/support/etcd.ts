// Helpers for running the etcd2 sections of our cloud-configs with a real etcd.
import * as http from 'node:http';
import * as net from 'node:net';
import { Started, tail } from './processes';
import type { RunResult } from './tools';

/**
 * `coreos.etcd2` → etcd flags, mechanically: coreos-cloudinit turns each key into
 * `ETCD_<KEY>` for the etcd2 unit, which etcd reads as `--<key-with-dashes>`. So
 * `listen_client_urls: http://a:2379` becomes `--listen-client-urls=http://a:2379`.
 * Values are passed as YAML read them (String()), so a `proxy: on` that YAML 1.1
 * turned into `true` would reach etcd as `--proxy=true`, which etcd rejects.
 */
export function etcd2Flags(section: Record<string, unknown>): string[] {
  return Object.entries(section).map(([key, value]) => `--${key.replace(/_/g, '-')}=${String(value)}`);
}

/** Every URL in a flag value (`a=http://x:1,http://y:2`). */
export function urlsIn(value: string): URL[] {
  return [...value.matchAll(/[a-z]+:\/\/[^,\s]+/g)].map(match => new URL(match[0]));
}

/** Throws unless the URL's host is a 127.x address: these tests never talk to anything else. */
export function assertLoopback(url: URL | string): URL {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(parsed.hostname)) {
    throw new Error(`refusing to use ${parsed.href}: the etcd tests only talk to 127.x addresses`);
  }
  return parsed;
}

/** A GET to a loopback URL: status, headers and body. */
export function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  const target = assertLoopback(url);
  return new Promise((resolve, reject) => {
    const request = http.get(target, { timeout: timeoutMs, agent: false }, response => {
      let body = '';
      response.setEncoding('utf-8');
      response.on('data', chunk => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

/** Whether `GET <clientUrl>/health` says `{"health":"true"}` (etcd 3.4 answers through a v2 proxy too). */
export async function isHealthy(clientUrl: string): Promise<boolean> {
  try {
    const { status, body } = await httpGet(`${clientUrl.replace(/\/$/, '')}/health`);
    return status === 200 && JSON.parse(body).health === 'true';
  } catch {
    return false;
  }
}

/** Polls until `check` returns a value other than undefined, or throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) { return value; }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/**
 * Waits until `health()` (`etcdctl endpoint health` over every member) exits 0. Fails at once
 * when a member exits, with its log. The limit leaves room for a loaded 2-core machine: the members
 * are usually healthy within 2 s. On a timeout the error holds etcdctl's last answer and the end of
 * every member's log, since the suite removes the logs with its work folder.
 */
export async function waitForHealthyMembers(endpoints: string, members: readonly Started[], health: () => Promise<RunResult>, timeoutMs = 60000): Promise<void> {
  let last: RunResult | undefined;
  let outcome: { readonly exited?: string };
  try {
    outcome = await waitFor(`${members.length} healthy members at ${endpoints}`, timeoutMs, async () => {
      for (const member of members) {
        const exit = await Promise.race([member.exited, Promise.resolve(undefined)]);
        // Returned, not thrown: waitFor would take a throw for "not yet" and keep polling.
        if (exit !== undefined) { return { exited: `${member.label} exited (${exit}):\n${tail(member.logFile)}` }; }
      }
      last = await health();
      return last.code === 0 ? {} : undefined;
    });
  } catch (error) {
    const answer = last ? `etcdctl endpoint health last exited ${last.code}:\n${(last.stdout + last.stderr).trimEnd()}` : 'etcdctl never answered';
    const logs = members.map(member => `--- ${member.label} (${member.logFile}):\n${tail(member.logFile, 25)}`).join('\n');
    throw new Error(`${(error as Error).message}\n${answer}\n${logs}`);
  }
  if (outcome.exited) { throw new Error(outcome.exited); }
}

/** Why `host:port` can't be listened on, or undefined when it is free. */
export function portBusy(host: string, port: number): Promise<string | undefined> {
  assertLoopback(`http://${host}:${port}`);
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(`${host}:${port} is not free (${error.code})`));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Splits a systemd command line into argv, the way systemd does for `Exec*=`:
 * whitespace separates words, '…' and "…" quote, backslash escapes (C escapes
 * in double quotes), `%%` is `%` and `$$` is `$`. `${VAR}` expansion and other
 * `%` specifiers are not needed by the lines we run, so they are refused.
 * @see https://www.freedesktop.org/software/systemd/man/systemd.service.html#Command%20lines
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const escapes: Record<string, string> = { 'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', '\'': '\'', ' ': ' ' };
  const specifier = (next: string) => {
    if (next === '%' || next === '$') { i += 2; return next; }
    throw new Error(`unsupported specifier in ${JSON.stringify(line)} at ${i}`);
  };
  while (i < line.length) {
    const char = line[i];
    if (/\s/.test(char)) {
      if (word !== undefined) { words.push(word); word = undefined; }
      i++;
    } else if (char === '\'' || char === '"') {
      const end = line.indexOf(char, i + 1);
      if (end < 0) { throw new Error(`unterminated ${char} in ${JSON.stringify(line)}`); }
      let inner = '';
      for (let j = i + 1; j < end; j++) {
        if (char === '"' && line[j] === '\\') { inner += escapes[line[++j]] ?? line[j]; } else { inner += line[j]; }
      }
      word = (word ?? '') + inner.replace(/%%/g, '%').replace(/\$\$/g, '$');
      i = end + 1;
    } else if (char === '\\') {
      word = (word ?? '') + (escapes[line[i + 1]] ?? line[i + 1]);
      i += 2;
    } else if (char === '%' || char === '$') {
      if (char === '$' && line[i + 1] !== '$') { throw new Error(`environment expansion in ${JSON.stringify(line)} is not supported here`); }
      word = (word ?? '') + specifier(line[i + 1]);
    } else {
      word = (word ?? '') + char;
      i++;
    }
  }
  if (word !== undefined) { words.push(word); }
  return words;
}
