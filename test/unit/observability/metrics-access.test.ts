import { metricsReply } from '../../../src/observability/metrics-access';
import { labelOperationsAlways, operationLabel } from '../../../src/observability/metrics';
import { TrustedDocuments } from '../../../src/gateway/trusted-documents';

describe('who may read /metrics', () => {
  const token = 'scraper-token-0123456789';

  test('local mode without METRICS_TOKEN: open', async () => {
    expect((await metricsReply({ mode: 'local', metricsToken: undefined }, undefined)).status).toBe(200);
  });

  test('production without METRICS_TOKEN: there is no /metrics (404), whatever is sent', async () => {
    for (const authorization of [undefined, `Bearer ${token}`, 'Bearer ']) {
      const reply = await metricsReply({ mode: 'production', metricsToken: undefined }, authorization);
      expect([reply.status, JSON.parse(reply.body).errors[0].extensions.code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  test('with METRICS_TOKEN, in either mode: only that bearer token', async () => {
    for (const mode of ['local', 'production'] as const) {
      for (const authorization of [
        undefined,
        token,
        `Bearer ${token}x`,
        `Bearer ${token.slice(1)}`,
        `bearer ${token}`,
      ]) {
        const reply = await metricsReply({ mode, metricsToken: token }, authorization);
        expect([reply.status, JSON.parse(reply.body).errors[0].extensions.code]).toEqual([
          401,
          'UNAUTHENTICATED',
        ]);
      }
      const reply = await metricsReply({ mode, metricsToken: token }, `Bearer ${token}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('# TYPE creditgraph_requests_total counter');
    }
  });
});

describe('operation names as metric labels', () => {
  test('none is anonymous; an odd one is other', () => {
    expect(operationLabel(undefined)).toBe('anonymous');
    expect(operationLabel('')).toBe('anonymous');
    expect(operationLabel('drop table"}')).toBe('other');
    expect(operationLabel('x'.repeat(65))).toBe('other');
  });

  test('a caller inventing names cannot grow the series past 200 names, nor crowd out the trusted documents', () => {
    // The gateway labels its trusted documents' names always (the client SDK's manifest).
    const trustedNames = TrustedDocuments.load().operationNames();
    expect(trustedNames).toEqual(expect.arrayContaining(['AccountHome', 'Repay', 'PartnerUser']));
    labelOperationsAlways(trustedNames);
    expect(operationLabel('Seen1')).toBe('Seen1');
    const labels = new Set(Array.from({ length: 1_000 }, (_, n) => operationLabel(`Invented${n}`)));
    // 199 new names fit next to Seen1; the other 801 share one label.
    expect(labels.size).toBe(200);
    expect(labels.has('other')).toBe(true);
    expect(operationLabel('Seen1')).toBe('Seen1');
    // Trusted names sent for the first time after them still get their own label.
    for (const name of trustedNames) expect(operationLabel(name)).toBe(name);
    expect(operationLabel('Invented999')).toBe('other');
  });
});
