import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { entryCursor, partnerCursorSeal } from '../../src/app/credit/bill-update-cursor';
import { signPartnerToken } from '../../src/auth/token';
import { loadConfig } from '../../src/config';
import { type ConsentField, consentFields } from '../../src/core/partners/consent';
import { demoPartners } from '../../src/seed/demo-data';
import { demoPartnerToken, type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * The authorization matrix, generated from the committed supergraph: every root query and mutation,
 * every User field and every field of the partner views, tried by every kind of caller through the
 * gateway. Each field states who may use it (allow), who sees it masked, and everyone else must be
 * denied; a field of the supergraph with no entry here fails the test, so a new field cannot ship
 * without a rule. Denied calls run first and must change nothing; then each allowed call is made.
 */
const roles = [
  'anonymous',
  'userA',
  'userB',
  'operator',
  'partnerConsent',
  'partnerNoConsent',
  'partnerWithdrawn',
  'partnerExpired',
  'partnerUnbound',
  'partnerForgedToken',
  'partnerExpiredToken',
] as const;
type Role = (typeof roles)[number];
type Outcome = 'allow' | 'masked' | 'deny';

const users: Role[] = ['userA', 'userB'];
const validPartners: Role[] = [
  'partnerConsent',
  'partnerNoConsent',
  'partnerWithdrawn',
  'partnerExpired',
  'partnerUnbound',
];
const everyValidCaller: Role[] = ['anonymous', 'userA', 'userB', 'operator', ...validPartners];

/** Error codes (and user error codes) that mean "you may not": anything else is a failure. */
const denyCodes = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'INSUFFICIENT_SCOPE',
  'NOT_FOUND',
  'BINDING_NOT_ACTIVE',
  'CONSENT_MISSING',
  'CONSENT_EXPIRED',
  'NO_CREDIT_LINE',
]);

type PartnerName = 'lakeside' | 'skyline' | 'harbor';
const partnerIds: Record<PartnerName, string> = {
  lakeside: 'p_lakeside_wallet',
  skyline: 'p_skyline_telecom',
  harbor: 'p_harbor_merchants',
};
interface Caller {
  role: Role;
  token?: string;
  /** The partner whose token it is (a cursor is sealed for it). */
  partnerId?: string;
  partnerUserId?: string;
}
interface Probe {
  query: string;
  variables?: Record<string, unknown>;
  /** Where the probed value is in `data`. */
  path: string[];
  /** A subscription: its first event (over SSE) is the answer. */
  stream?: boolean;
}
interface FieldRule {
  allow: readonly Role[];
  masked?: readonly Role[];
  /** The partner whose roles are tried (default lakeside) and the consent the field needs. */
  partner?: PartnerName;
  consent?: ConsentField;
  /** The partner's own resource: "unbound" is then another partner's token. */
  partnerResource?: boolean;
  /** Its allowed call ends access others rely on: run it last. */
  last?: boolean;
  probe(caller: Caller, allowed?: boolean): Promise<Probe>;
}

describe('authorization matrix', () => {
  let stack: Stack;
  const tokens: Record<string, string> = {};
  let serial = 0;
  const next = (prefix: string) => `${prefix}-matrix-${(serial += 1).toString().padStart(5, '0')}`;

  const post = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    return { status: response.status, ...body };
  };
  /** A subscription over SSE: its first event (or the JSON refusal), then hang up. */
  const firstEvent = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const abort = new AbortController();
    try {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: abort.signal,
      });
      if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        return { status: response.status, ...((await response.json()) as object) } as Awaited<
          ReturnType<typeof post>
        >;
      }
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        const block = /event: next\ndata: (.*)\n\n/.exec(text);
        if (block)
          return { status: response.status, ...(JSON.parse(block[1]!) as object) } as Awaited<
            ReturnType<typeof post>
          >;
        if (text.includes('event: complete')) break;
      }
      return { status: response.status, data: null };
    } finally {
      abort.abort();
    }
  };

  /** A call that must succeed: fixtures and setup. */
  const must = async (query: string, variables: Record<string, unknown>, token: string) => {
    const result = await post(query, variables, token);
    if (result.errors) throw new Error(`${query}\n${JSON.stringify(result.errors)}`);
    const payload = Object.values(result.data!)[0] as { userErrors?: unknown[] } | null;
    if (payload?.userErrors?.length) throw new Error(`${query}\n${JSON.stringify(payload.userErrors)}`);
    return result.data!;
  };

  // Business clock: velocity windows (5-20 authorizations per 10 minutes) would otherwise refuse fixtures.
  let clock = 0;
  const advanceTo = async (at: number) => {
    clock = at;
    await must(
      'mutation($to: DateTimeISO!) { advanceClock(to: $to) { now } }',
      { to: new Date(at).toISOString() },
      tokens.operator!,
    );
  };
  const freshWindow = () => advanceTo(clock + 11 * 60_000);

  const payload = '{ userErrors { code } }';
  const checkout = async (store: 'MALL' | 'INSTALLMENT', token = tokens.userA!) => {
    await freshWindow();
    const [field, productId, plan] =
      store === 'MALL'
        ? ['checkout', 'mall-tea-set', 'plan: FULL']
        : ['installmentCheckout', 'inst-bike', 'plan: INSTALLMENTS, periods: 3'];
    const data = await must(
      `mutation($key: String!, $productId: ID!) { ${field}(input: { items: [{ productId: $productId, quantity: 1 }], ${plan}, idempotencyKey: $key }) { order { id } userErrors { code } } }`,
      { key: next('order'), productId },
      token,
    );
    return (data[field] as { order: { id: string } }).order.id;
  };
  const shipped = async (store: 'MALL' | 'INSTALLMENT') => {
    const orderId = await checkout(store);
    const field = store === 'MALL' ? 'shipOrder' : 'shipInstallmentOrder';
    await must(
      `mutation($id: ID!) { ${field}(input: { orderId: $id }) ${payload} }`,
      { id: orderId },
      tokens.operator!,
    );
    return orderId;
  };
  const partnerPayment = async (captured: boolean) => {
    await freshWindow();
    const data = await must(
      'mutation($key: String!) { partnerCheckout(input: { partnerUserId: "lw-88231", merchantOrderRef: "MX-1", amount: "12.00", category: "HOME", plan: FULL, idempotencyKey: $key }) { payment { id } userErrors { code } } }',
      { key: next('pay') },
      tokens.lakeside!,
    );
    const paymentId = (data.partnerCheckout as { payment: { id: string } }).payment.id;
    if (captured) {
      await must(
        `mutation($id: ID!) { capturePartnerPayment(input: { paymentId: $id }) ${payload} }`,
        { id: paymentId },
        tokens.lakeside!,
      );
    }
    return paymentId;
  };
  const paymentCode = async () => {
    await freshWindow();
    const data = await must('mutation { createPaymentCode { code userErrors { code } } }', {}, tokens.userA!);
    return (data.createPaymentCode as { code: string }).code;
  };
  const bindingCode = async (
    partner: 'lakeside' | 'skyline',
    partnerUserId: string,
    fields: string[],
    days = 30,
  ) => {
    const data = await must(
      'mutation($input: RequestBindingInput!) { requestBinding(input: $input) { code userErrors { code } } }',
      { input: { partnerUserId, purpose: 'Authorization matrix', fields, expiresInDays: days } },
      tokens[partner]!,
    );
    return (data.requestBinding as { code: string }).code;
  };
  const approve = async (code: string, token: string) => {
    const data = await must(
      'mutation($code: String!) { approveBinding(input: { code: $code }) { binding { id } userErrors { code } } }',
      { code },
      token,
    );
    return (data.approveBinding as { binding: { id: string } }).binding.id;
  };

  /** Fixtures the denied calls aim at (never changed by them), made once. */
  const target: Record<string, string> = {};

  // Who each partner role is, per partner: (token, partnerUserId). Set up in beforeAll.
  const partnerRoles: Record<
    PartnerName,
    {
      consent?: string;
      withdrawn?: string;
      expired?: string;
      withoutConsent: { partner: PartnerName; partnerUserId: string; fields: string[] }[];
    }
  > = {
    lakeside: {
      consent: 'lw-88231',
      withdrawn: 'lw-20933',
      expired: 'lw-expiring',
      withoutConsent: [
        { partner: 'lakeside', partnerUserId: 'lw-10417', fields: ['CREDIT_STATUS'] },
        { partner: 'skyline', partnerUserId: 'sk-5550123', fields: ['PHONE', 'PAYMENTS'] },
      ],
    },
    skyline: {
      consent: 'sk-5550123',
      withdrawn: 'sk-gone',
      expired: 'sk-5550456',
      withoutConsent: [{ partner: 'skyline', partnerUserId: 'sk-reads', fields: ['PHONE'] }],
    },
    harbor: { withoutConsent: [] },
  };

  const callerFor = (role: Role, rule: FieldRule): Caller => {
    const partner = rule.partner ?? 'lakeside';
    const own = partnerRoles[partner];
    const as = (name: PartnerName, partnerUserId?: string): Caller => ({
      role,
      token: tokens[name],
      partnerId: partnerIds[name],
      ...(partnerUserId ? { partnerUserId } : {}),
    });
    switch (role) {
      case 'anonymous':
        return { role };
      case 'userA':
      case 'userB':
      case 'operator':
        return { role, token: tokens[role] };
      case 'partnerConsent':
        return as(partner, own.consent);
      case 'partnerNoConsent': {
        const lacking = rule.consent
          ? own.withoutConsent.find((candidate) => !candidate.fields.includes(rule.consent!))
          : own.withoutConsent[0];
        return lacking ? as(lacking.partner, lacking.partnerUserId) : as(partner, own.consent);
      }
      case 'partnerWithdrawn':
        return as(partner, own.withdrawn);
      case 'partnerExpired':
        return as(partner, own.expired);
      case 'partnerUnbound':
        return rule.partnerResource
          ? as(partner === 'skyline' ? 'lakeside' : 'skyline', 'sk-5550123')
          : as(partner, `${partner}-never-bound`);
      case 'partnerForgedToken':
        return {
          role,
          token: tokens[`forged:${partner}`],
          partnerId: partnerIds[partner],
          partnerUserId: own.consent ?? 'none',
        };
      case 'partnerExpiredToken':
        return {
          role,
          token: tokens[`expired:${partner}`],
          partnerId: partnerIds[partner],
          partnerUserId: own.consent ?? 'none',
        };
    }
  };

  const query = (selection: string, path: string[]) => async (): Promise<Probe> => ({
    query: `{ ${selection} }`,
    path,
  });
  const me = (field: string, selection = field) => query(`me { ${selection} }`, ['me', field]);
  const view =
    (field: string, selection = field) =>
    async (caller: Caller): Promise<Probe> => ({
      query: `query($id: ID!) { partnerUser(partnerUserId: $id) { ${selection} } }`,
      variables: { id: caller.partnerUserId ?? 'none' },
      path: ['partnerUser', field],
    });
  const billSummary =
    (field: string, selection = field) =>
    async (caller: Caller): Promise<Probe> => ({
      query: `query($id: ID!) { partnerUser(partnerUserId: $id) { currentBill { ${selection} } } }`,
      variables: { id: caller.partnerUserId ?? 'none' },
      path: ['partnerUser', 'currentBill', field],
    });
  const mutation =
    (
      field: string,
      input: string,
      variables: (caller: Caller, allowed: boolean) => Promise<Record<string, unknown>>,
      returns = payload,
    ) =>
    async (caller: Caller, allowed = false): Promise<Probe> => ({
      // '$input: X!' passes (input: $input), '$to: X!' passes (to: $to), '' passes nothing.
      query: input
        ? `mutation(${input}) { ${field}(${input.split(':')[0]!.slice(1)}: ${input.split(':')[0]}) ${returns} }`
        : `mutation { ${field} ${returns} }`,
      variables: await variables(caller, allowed),
      path: [field],
    });
  /** Allowed calls get a fresh resource each; denied calls aim at the shared target. */
  const fresh = (name: string, make: () => Promise<string>) => async (allowed: boolean) =>
    allowed ? make() : (target[name] ??= await make());

  const rules: Record<string, FieldRule> = {
    // The catalog and the business clock are public; a bad token is refused before anything runs.
    'Query.businessClock': {
      allow: everyValidCaller,
      probe: query('businessClock { now }', ['businessClock']),
    },
    'Query.products': { allow: everyValidCaller, probe: query('products(first: 1) { id }', ['products']) },
    'Query.product': {
      allow: everyValidCaller,
      probe: query('product(id: "mall-tea-set") { id }', ['product']),
    },
    'Query.installmentProducts': {
      allow: everyValidCaller,
      probe: query('installmentProducts(first: 1) { id }', ['installmentProducts']),
    },
    'Query.installmentProduct': {
      allow: everyValidCaller,
      probe: query('installmentProduct(id: "inst-bike") { id }', ['installmentProduct']),
    },
    // The signed-in user's own line decides these: an operator or a partner has none.
    'Query.installmentOffers': {
      allow: users,
      probe: query('installmentOffers(amount: "600.00") { periods }', ['installmentOffers']),
    },
    'Query.paymentOptions': {
      allow: users,
      probe: query('paymentOptions(channel: MALL, category: "HOME", amount: "10.00") { plan }', [
        'paymentOptions',
      ]),
    },
    'Query.me': { allow: users, probe: me('id') },
    'Query.partnerPayments': {
      allow: validPartners,
      probe: query('partnerPayments(first: 1) { edges { cursor } }', ['partnerPayments']),
    },
    'Query.partnerUser': { allow: ['partnerConsent', 'partnerNoConsent'], probe: view('partnerUserId') },
    // From the start of the caller's own line (users) or bound user (partners): a replay answers at once.
    'Subscription.billUpdated': {
      allow: [...users, 'partnerConsent'],
      consent: 'BILL_SUMMARY',
      probe: async (caller) => ({
        query: 'subscription($after: String) { billUpdated(after: $after) { kind partnerUserId } }',
        variables: {
          after:
            caller.role === 'userA' || caller.role === 'userB'
              ? entryCursor(caller.role === 'userA' ? 'cl_alice' : 'cl_bob', 0)
              : partnerCursorSeal().seal(
                  caller.partnerId ?? 'none',
                  new Map([[caller.partnerUserId ?? 'none', 0]]),
                ),
        },
        path: ['billUpdated'],
        stream: true,
      }),
    },

    'User.id': { allow: users, probe: me('id') },
    'User.displayName': { allow: users, probe: me('displayName') },
    'User.phone': { allow: users, probe: me('phone') },
    'User.bills': { allow: users, probe: me('bills', 'bills(first: 1) { edges { cursor } }') },
    'User.creditLine': { allow: users, probe: me('creditLine', 'creditLine { available { minor } }') },
    'User.installmentOrders': {
      allow: users,
      probe: me('installmentOrders', 'installmentOrders(first: 1) { edges { cursor } }'),
    },
    'User.mallOrders': { allow: users, probe: me('mallOrders', 'mallOrders(first: 1) { edges { cursor } }') },
    'User.channelBindings': { allow: users, probe: me('channelBindings', 'channelBindings { id }') },
    'User.dataAccessLog': {
      allow: users,
      probe: me('dataAccessLog', 'dataAccessLog(first: 1) { edges { cursor } }'),
    },

    'PartnerUserView.partnerUserId': {
      allow: ['partnerConsent', 'partnerNoConsent'],
      probe: view('partnerUserId'),
    },
    'PartnerUserView.consent': {
      allow: ['partnerConsent', 'partnerNoConsent'],
      probe: view('consent', 'consent { fields }'),
    },
    'PartnerUserView.name': { allow: [], masked: ['partnerConsent'], consent: 'NAME', probe: view('name') },
    'PartnerUserView.phone': {
      allow: [],
      masked: ['partnerConsent'],
      consent: 'PHONE',
      probe: view('phone'),
    },
    'PartnerUserView.creditStatus': {
      allow: ['partnerConsent'],
      consent: 'CREDIT_STATUS',
      probe: view('creditStatus'),
    },
    'PartnerUserView.availableCredit': {
      allow: ['partnerConsent'],
      consent: 'AVAILABLE_CREDIT',
      probe: view('availableCredit', 'availableCredit { minor }'),
    },
    'PartnerUserView.currentBill': {
      allow: ['partnerConsent'],
      consent: 'BILL_SUMMARY',
      probe: view('currentBill', 'currentBill { dueDate }'),
    },
    'PartnerUserView.billUpdateCursor': {
      allow: ['partnerConsent'],
      consent: 'BILL_SUMMARY',
      probe: view('billUpdateCursor'),
    },
    'PartnerUserView.paymentOptions': {
      allow: ['partnerConsent'],
      consent: 'PAYMENTS',
      probe: view('paymentOptions', 'paymentOptions(amount: "10.00") { plan }'),
    },
    ...Object.fromEntries(
      ['dueDate', 'status', 'owed', 'remainingMinimum'].map((field) => [
        `PartnerBillSummary.${field}`,
        {
          allow: ['partnerConsent'],
          consent: 'BILL_SUMMARY',
          probe: billSummary(
            field,
            field === 'owed' || field === 'remainingMinimum' ? `${field} { minor }` : field,
          ),
        } satisfies FieldRule,
      ]),
    ),

    'Mutation.advanceClock': {
      allow: ['operator'],
      probe: mutation(
        'advanceClock',
        '$to: DateTimeISO!',
        async (_, allowed) => {
          if (allowed) clock += 60_000;
          return { to: new Date(clock + 60_000).toISOString() };
        },
        '{ now }',
      ),
    },
    'Mutation.runDueJobs': {
      allow: ['operator'],
      probe: mutation('runDueJobs', '', async () => ({}), '{ ranAt }'),
    },
    'Mutation.repay': {
      allow: users,
      probe: mutation('repay', '$input: RepayInput!', async () => ({
        input: { kind: 'MINIMUM', source: 'BANK_CARD', idempotencyKey: next('repay') },
      })),
    },
    'Mutation.payOutCreditBalance': {
      allow: users,
      probe: mutation('payOutCreditBalance', '$input: PayOutCreditBalanceInput!', async () => ({
        input: { idempotencyKey: next('payout') },
      })),
    },
    'Mutation.checkout': {
      allow: users,
      probe: mutation('checkout', '$input: CheckoutInput!', async () => {
        await freshWindow();
        return {
          input: {
            items: [{ productId: 'mall-tea-set', quantity: 1 }],
            plan: 'FULL',
            idempotencyKey: next('co'),
          },
        };
      }),
    },
    'Mutation.installmentCheckout': {
      allow: users,
      probe: mutation('installmentCheckout', '$input: CheckoutInput!', async () => {
        await freshWindow();
        return {
          input: {
            items: [{ productId: 'inst-bike', quantity: 1 }],
            plan: 'INSTALLMENTS',
            periods: 3,
            idempotencyKey: next('ico'),
          },
        };
      }),
    },
    ...Object.fromEntries(
      (['MALL', 'INSTALLMENT'] as const).flatMap((store) => {
        const [cancel, ship, refund] =
          store === 'MALL'
            ? ['cancelOrder', 'shipOrder', 'refundOrder']
            : ['cancelInstallmentOrder', 'shipInstallmentOrder', 'refundInstallmentOrder'];
        const open = fresh(`${store}:open`, () => checkout(store));
        const toShip = fresh(`${store}:toShip`, () => checkout(store));
        const done = fresh(`${store}:shipped`, () => shipped(store));
        return [
          [
            `Mutation.${cancel}`,
            {
              allow: ['userA', 'operator'],
              probe: mutation(cancel, '$input: OrderIdInput!', async (_, allowed) => ({
                input: { orderId: await open(allowed) },
              })),
            },
          ],
          [
            `Mutation.${ship}`,
            {
              allow: ['operator'],
              probe: mutation(ship, '$input: ShipOrderInput!', async (_, allowed) => ({
                input: { orderId: await toShip(allowed) },
              })),
            },
          ],
          [
            `Mutation.${refund}`,
            {
              allow: ['operator'],
              probe: mutation(refund, '$input: RefundOrderInput!', async (_, allowed) => ({
                input: { orderId: await done(allowed), amount: '1.00', idempotencyKey: next('refund') },
              })),
            },
          ],
        ] satisfies [string, FieldRule][];
      }),
    ),
    'Mutation.requestBinding': {
      allow: validPartners,
      probe: mutation('requestBinding', '$input: RequestBindingInput!', async () => ({
        input: { partnerUserId: next('lw-new'), purpose: 'Matrix', fields: ['NAME'], expiresInDays: 30 },
      })),
    },
    // Skyline asks: Bob's expired Skyline binding is replaced by his approval; Alice is already bound.
    'Mutation.approveBinding': {
      allow: users,
      probe: mutation('approveBinding', '$input: BindingCodeInput!', async () => ({
        input: {
          // A fresh code each time: codes live 10 minutes, and a denied call must not spend one.
          code: await bindingCode('skyline', next('sk-new'), ['PHONE']),
        },
      })),
    },
    'Mutation.rejectBinding': {
      allow: users,
      probe: mutation('rejectBinding', '$input: BindingCodeInput!', async () => ({
        input: {
          code: await bindingCode('lakeside', next('lw-no'), ['NAME']),
        },
      })),
    },
    'Mutation.withdrawConsent': {
      allow: ['userA'],
      last: true,
      probe: mutation('withdrawConsent', '$input: BindingIdInput!', async () => ({
        input: { bindingId: 'cb_alice_lakeside' },
      })),
    },
    'Mutation.partnerCheckout': {
      allow: ['partnerConsent'],
      consent: 'PAYMENTS',
      probe: mutation('partnerCheckout', '$input: PartnerCheckoutInput!', async (caller, allowed) => {
        if (allowed) await freshWindow();
        return {
          input: {
            partnerUserId: caller.partnerUserId ?? 'none',
            merchantOrderRef: 'MX-2',
            amount: '5.00',
            category: 'HOME',
            plan: 'FULL',
            idempotencyKey: next('pc'),
          },
        };
      }),
    },
    'Mutation.phoneTopUp': {
      allow: ['partnerConsent'],
      partner: 'skyline',
      consent: 'PAYMENTS',
      probe: mutation('phoneTopUp', '$input: PhoneTopUpInput!', async (caller) => ({
        input: {
          partnerUserId: caller.partnerUserId ?? 'none',
          phoneNumber: '13812341234',
          amount: '10.00',
          idempotencyKey: next('topup'),
        },
      })),
    },
    'Mutation.createPaymentCode': {
      allow: users,
      probe: mutation('createPaymentCode', '', async () => ({})),
    },
    'Mutation.redeemPaymentCode': {
      allow: validPartners,
      partner: 'harbor',
      probe: mutation('redeemPaymentCode', '$input: RedeemPaymentCodeInput!', async () => ({
        input: {
          code: await paymentCode(),
          amount: '3.00',
          merchantRef: 'till-7',
          idempotencyKey: next('redeem'),
        },
      })),
    },
    ...Object.fromEntries(
      (
        [
          ['capturePartnerPayment', '$input: CapturePartnerPaymentInput!', false],
          ['voidPartnerPayment', '$input: PartnerPaymentIdInput!', false],
          ['refundPartnerPayment', '$input: RefundPartnerPaymentInput!', true],
        ] as const
      ).map(([field, input, captured]) => {
        const payment = fresh(field, () => partnerPayment(captured));
        return [
          `Mutation.${field}`,
          {
            // The paying partner, whichever of its users the role names; never another partner.
            allow: ['partnerConsent', 'partnerNoConsent', 'partnerWithdrawn', 'partnerExpired'],
            partnerResource: true,
            probe: mutation(field, input, async (_, allowed) => ({
              input: {
                paymentId: await payment(allowed),
                ...(captured ? { amount: '1.00', idempotencyKey: next('prf') } : {}),
              },
            })),
          } satisfies FieldRule,
        ];
      }),
    ),
  };

  /** What a call answered, from the outside: denied, allowed, or allowed with a masked value. */
  const outcomeOf = async (probe: Probe, token?: string): Promise<string> => {
    const result = probe.stream
      ? await firstEvent(probe.query, probe.variables, token)
      : await post(probe.query, probe.variables, token);
    if (result.status === 401) return 'deny';
    const codes = (result.errors ?? []).map((error) => error.extensions?.code ?? 'NO_CODE');
    const unexpected = codes.filter((code) => !denyCodes.has(code));
    if (unexpected.length > 0) return `error ${unexpected.join(',')}: ${result.errors![0]!.message}`;
    if (codes.length > 0) return 'deny';
    let value: unknown = result.data;
    for (const key of probe.path) value = (value as Record<string, unknown> | null | undefined)?.[key];
    if (value === null || value === undefined) return 'deny';
    // A partner's stream says a user's binding ended, and nothing of that user: its way to deny.
    if ((value as { kind?: string }).kind === 'BINDING_ENDED') return 'deny';
    const userErrors = (value as { userErrors?: { code: string }[] }).userErrors ?? [];
    if (userErrors.some((error) => denyCodes.has(error.code))) return 'deny';
    // MATRIX_DEBUG=1 prints every call and its answer.
    if (process.env.MATRIX_DEBUG) console.log(probe.query, JSON.stringify(result).slice(0, 400));
    return typeof value === 'string' && value.includes('*') ? 'masked' : 'allow';
  };
  const expected = (rule: FieldRule, role: Role): Outcome =>
    rule.masked?.includes(role) ? 'masked' : rule.allow.includes(role) ? 'allow' : 'deny';

  /** Money, orders and bindings of the three users: what a denied call must leave as it was. */
  const fingerprint = async () => {
    const state = [];
    for (const user of ['userA', 'userB', 'userC']) {
      const result = await post(
        `{ me { creditLine { available { minor } held { minor } used { minor } creditBalance { minor } }
           channelBindings { id status } mallOrders(first: 50) { edges { node { id status } } }
           installmentOrders(first: 50) { edges { node { id status } } } } }`,
        {},
        tokens[user],
      );
      state.push(result.data);
    }
    const payments = await post(
      '{ partnerPayments(first: 50) { edges { node { id status captured { minor } refunded { minor } } } } }',
      {},
      tokens.lakeside,
    );
    return JSON.stringify([state, payments.data]);
  };

  beforeAll(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('matrix') });
    tokens.userA = tokenFor('u_alice');
    tokens.userB = tokenFor('u_bob');
    tokens.userC = tokenFor('u_carol');
    tokens.operator = tokenFor('operator');
    const { authSecret } = loadConfig();
    for (const [name, id] of Object.entries(partnerIds) as [PartnerName, string][]) {
      const partner = demoPartners.find((candidate) => candidate._id === id)!;
      tokens[name] = await demoPartnerToken(stack.url, id);
      tokens[`forged:${name}`] = signPartnerToken('not-the-secret-of-this-gateway', id, partner.scopes);
      tokens[`expired:${name}`] = signPartnerToken(authSecret, id, partner.scopes, -60);
    }
    const now = await post('{ businessClock { now } }');
    clock = Date.parse((now.data!.businessClock as { now: string }).now);

    // Carol: an expiring Lakeside consent; a withdrawn Skyline binding, then one for her phone only.
    await approve(await bindingCode('lakeside', 'lw-expiring', [...consentFields], 1), tokens.userC!);
    const gone = await approve(await bindingCode('skyline', 'sk-gone', ['PHONE', 'PAYMENTS']), tokens.userC!);
    await must(
      `mutation($id: ID!) { withdrawConsent(input: { bindingId: $id }) ${payload} }`,
      { id: gone },
      tokens.userC!,
    );
    await approve(await bindingCode('skyline', 'sk-reads', ['PHONE']), tokens.userC!);

    // Alice owes a bill: a purchase shipped before her statement day (the 5th, China time), then the
    // day after it, when the statement is cut (due 9 days later: nothing goes overdue here).
    await shipped('MALL');
    let at = clock;
    do at += 86_400_000;
    while (new Date(at + 8 * 3_600_000).getUTCDate() !== 6);
    await advanceTo(at);
    await must('mutation { runDueJobs { ranAt } }', {}, tokens.operator!);
  }, 300_000);

  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  test('every field of the supergraph that reaches personal or money data has a rule', () => {
    const sdl = readFileSync(path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
    const fields: string[] = [];
    const covered = new Set([
      'Query',
      'Mutation',
      'Subscription',
      'User',
      'PartnerUserView',
      'PartnerBillSummary',
    ]);
    for (const definition of parse(sdl).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || !covered.has(definition.name.value)) continue;
      for (const field of definition.fields ?? [])
        fields.push(`${definition.name.value}.${field.name.value}`);
    }
    expect(fields.length).toBeGreaterThan(50);
    expect(fields.filter((field) => !rules[field])).toEqual([]);
    expect(Object.keys(rules).filter((field) => !fields.includes(field))).toEqual([]);
  });

  test('every caller gets exactly what its rule says; denied calls change nothing', async () => {
    const mismatches: string[] = [];
    const cells: Record<Outcome, number> = { allow: 0, masked: 0, deny: 0 };
    const check = async (name: string, rule: FieldRule, role: Role) => {
      const caller = callerFor(role, rule);
      const want = expected(rule, role);
      const got = await outcomeOf(await rule.probe(caller, want !== 'deny'), caller.token);
      cells[want] += 1;
      if (got !== want) mismatches.push(`${name} as ${role}: expected ${want}, got ${got}`);
    };
    const entries = Object.entries(rules).sort(
      ([, a], [, b]) => Number(a.last ?? false) - Number(b.last ?? false),
    );

    // Denied calls first: the targets exist before the snapshot, and nothing may move.
    for (const [, rule] of entries) {
      for (const role of roles)
        if (expected(rule, role) === 'deny') await rule.probe(callerFor(role, rule), false);
    }
    const before = await fingerprint();
    for (const [name, rule] of entries) {
      for (const role of roles) if (expected(rule, role) === 'deny') await check(name, rule, role);
    }
    expect(await fingerprint()).toBe(before);
    for (const [name, rule] of entries) {
      for (const role of roles) if (expected(rule, role) !== 'deny') await check(name, rule, role);
    }
    expect(mismatches).toEqual([]);
    // 11 callers for each field: a cell per (field, caller).
    expect(cells.allow + cells.masked + cells.deny).toBe(Object.keys(rules).length * roles.length);
    expect(cells.masked).toBe(2);
  }, 600_000);
});
