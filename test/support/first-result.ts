import type { Client, SubscribePayload } from 'graphql-ws';

/** The first thing a graphql-ws subscription yields (a result, or 'complete'); it is then ended. */
export function firstResult(client: Client, payload: SubscribePayload): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stop = client.subscribe(payload, {
      next: (value) => {
        stop();
        resolve(value);
      },
      error: reject,
      complete: () => resolve('complete'),
    });
  });
}
