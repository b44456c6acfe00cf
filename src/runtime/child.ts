import { type ChildProcess, fork } from 'node:child_process';
import { type ReadyMessage, shutdownGraceMs } from './lifecycle';

export interface RunningChild {
  name: string;
  url: string;
  process: ChildProcess;
  /** How it ended: `code 1`, `signal SIGKILL`. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** Forks a Node entry point and waits for its IPC ready message (or its early death). */
export async function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  options: { execArgv?: string[]; timeoutMs?: number } = {},
): Promise<RunningChild> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not ready in time: it must not keep the port a restart will listen on.
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (message: ReadyMessage) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message.url);
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start (${how})`));
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), shutdownGraceMs);
      await exited;
      clearTimeout(timer);
    })());
  return { name, url, process: child, exited, stop };
}
