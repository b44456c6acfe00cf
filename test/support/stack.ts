import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { demoPartners } from '../../src/seed/demo-data';

export const distDir = path.join(__dirname, '..', '..', 'dist');

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export interface Stack extends AsyncDisposable {
  url: string;
  /** Every gateway's URL (GATEWAY_PROCESSES > 1 starts more than one). */
  urls: string[];
  /** The launcher's own GET /metrics (restarts). */
  metricsUrl: string | undefined;
  process: ChildProcess;
  output(): string;
  execute<T, V>(
    document: TypedDocumentNode<T, V>,
    variables?: V,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** Sends a signal and resolves with the exit code once the launcher has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** The same to the whole process group (needs `ownProcessGroup`): every child gets it at once. */
  stopGroup(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `npm start`'s entry point (dist/main.js) as a real process tree: database engine (unless
 * MONGODB_URI is given), four subgraph processes and the gateway, each on a free port.
 */
export async function startStack(
  env: NodeJS.ProcessEnv,
  options: { ownProcessGroup?: boolean } = {},
): Promise<Stack> {
  let output = '';
  const child = fork(path.join(distDir, 'main.js'), [], {
    // Its own process group: `stopGroup` then signals every process, as Ctrl-C in a terminal does.
    detached: options.ownProcessGroup ?? false,
    // A developer's FERRETDB_POSTGRESQL_URL would put every stack in one shared schema: SQLite here.
    env: { ...process.env, PORT: '0', SUBGRAPH_BASE_PORT: '0', FERRETDB_POSTGRESQL_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  let metricsUrl: string | undefined;
  const urls = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack did not start:\n${output}`)), 240_000);
    child.on('message', (message: { type?: string; url?: string; urls?: string[]; metricsUrl?: string }) => {
      if (message.type === 'ready' && message.url) {
        clearTimeout(timer);
        metricsUrl = message.metricsUrl;
        resolve(message.urls ?? [message.url]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`stack exited during start (code ${code}):\n${output}`));
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGINT') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const stopGroup = async (signal: NodeJS.Signals) => {
    if (!options.ownProcessGroup) throw new Error('start the stack with ownProcessGroup to signal its group');
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
    return exited;
  };
  const url = urls[0]!;
  return {
    url,
    urls,
    metricsUrl,
    process: child,
    output: () => output,
    async execute(document, variables, token) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    stop,
    stopGroup,
    async [Symbol.asyncDispose]() {
      await stop('SIGTERM');
    },
  };
}

/** All descendants of a process (children, grandchildren...), from `ps`. */
export function descendantPids(pid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function tokenFor(userId: string): string {
  return execFileSync(process.execPath, [path.join(distDir, 'cli', 'token.js'), userId], {
    encoding: 'utf8',
  }).trim();
}

/** A demo partner's access token, asked of the gateway's /oauth/token with its client credentials. */
export async function demoPartnerToken(gatewayUrl: string, partnerId: string): Promise<string> {
  const partner = demoPartners.find((candidate) => candidate._id === partnerId)!;
  const response = await fetch(gatewayUrl.replace('/graphql', '/oauth/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: partner._id,
      client_secret: partner.demoClientSecret,
    }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
