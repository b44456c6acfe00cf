import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

/** The shopper's walk-through: run the operations top to bottom with the play button. */
export const shopperOperations = `# Signed in as the demo shopper (local mode). Run these top to bottom;
# the second tab ("Operator") ships orders, refunds and moves the business clock.

query AccountHome {
  me {
    id
    displayName
    creditLine {
      status
      limit { amount currency }
      available { amount currency minor }
      used { amount }
      held { amount }
      installmentFeesOwed { amount }
      interestOwed { amount }
      penaltiesOwed { amount }
      creditBalance { amount }
      statementDay
      riskAssessment { score tier topReasons { code points } }
      # What repaying would collect now, today's penalty and interest counted.
      amountsDue { asOfDate minimum { amount } statement { amount } payoff { amount } }
      currentBill {
        id status statementDate dueDate total { amount } minimumDue { amount } remainingMinimum { amount } owed { amount }
        components { kind billed { amount } paid { amount } credited { amount } owed { amount } }
        lines { kind description amount { amount } credited { amount } }
      }
      ledger(first: 10) { edges { node { sequence type amount { amount } at } } }
    }
    mallOrders(first: 5) { edges { node { id status plan total { amount } captured { amount } refunded { amount } } } }
    installmentOrders(first: 5) {
      edges { node { id status periods total { amount } refunded { amount }
        installmentPlan { annualizedRate totalFee { amount } feeWrittenOff { amount } schedule { index principal { amount } fee { amount } } } } }
    }
    bills(first: 5) { edges { node { id status statementDate dueDate total { amount } paid { amount } owed { amount } } } }
    channelBindings { partner { name kind } partnerUserId status consent { purpose fields expiresAt } }
  }
}

query Catalog {
  products(first: 10) { id title category price { amount currency } }
  installmentProducts(first: 10) { id title price { amount } periodsOffered }
}

# What would 12 installments of a 6,999.00 laptop cost, as an annual rate?
query Offers {
  installmentOffers(amount: "6999.00", channel: INSTALLMENT_STORE) {
    periods perPeriodPayment { amount } firstPeriodPayment { amount } totalFee { amount } feeRatePerPeriod annualizedRate
  }
}

# "Why can't I pay in full here?" Every plan, with the reason when it is not available.
query WhyNot {
  paymentOptions(channel: INSTALLMENT_STORE, category: "ELECTRONICS", amount: "6999.00") {
    plan periods available reasonCode message
  }
}

mutation BuyTeaSetInFull {
  checkout(input: { items: [{ productId: "mall-tea-set", quantity: 1 }], plan: FULL, idempotencyKey: "playground-tea-1" }) {
    order { id status total { amount } }
    userErrors { field code message }
  }
}

mutation BuyLaptopIn12 {
  installmentCheckout(input: { items: [{ productId: "inst-laptop", quantity: 1 }], plan: INSTALLMENTS, periods: 12, idempotencyKey: "playground-laptop-1" }) {
    order { id status periods total { amount } }
    userErrors { field code message }
  }
}

mutation RepayPart {
  repay(input: { kind: AMOUNT, amount: "100.00", source: BANK_CARD, idempotencyKey: "playground-repay-1" }) {
    repayment { id status amount { amount } }
    creditLine { used { amount } available { amount } }
    userErrors { field code message }
  }
}

# Pay the laptop off early: give its plan id. me { creditLine { amountsDue { planPayoffs { planId amount { amount } } } } }
# lists each plan it takes and what it would collect (installmentPlan.id is plan_<order id>).
# mutation PayOffPlan { repay(input: { kind: PLAN_PAYOFF, planId: "plan_...", source: BANK_CARD, idempotencyKey: "playground-payoff-1" }) { repayment { amount { amount } } userErrors { code message } } }

# A refund of something already paid becomes credit balance: it pays the next statement by itself,
# or comes back to your card here.
mutation PayBackCreditBalance {
  payOutCreditBalance(input: { idempotencyKey: "playground-payout-1" }) {
    paidOut { amount }
    status
    creditLine { creditBalance { amount } }
    userErrors { field code message }
  }
}

mutation RepayStatement {
  repay(input: { kind: STATEMENT, source: WALLET_BALANCE, idempotencyKey: "playground-repay-2" }) {
    repayment { id status amount { amount } }
    creditLine { used { amount } available { amount } }
    userErrors { field code message }
  }
}
`;

/** The operator's side of the walk-through (local mode): paste order ids from the shopper tab. */
export const operatorOperations = `# Signed in as an operator (local mode only). Order ids come from the shopper tab.

query Operator { businessClock { now businessDate } }

mutation Ship($orderId: ID!) {
  shipOrder(input: { orderId: $orderId }) { order { id status captured { amount } } userErrors { code message } }
}

# Only part shipped: capture that much; the rest of the hold is released at once.
mutation ShipPart($orderId: ID!) {
  shipOrder(input: { orderId: $orderId, amount: "50.00" }) { order { id status total { amount } captured { amount } } userErrors { field code message } }
}

mutation ShipInstallments($orderId: ID!) {
  shipInstallmentOrder(input: { orderId: $orderId }) {
    order { id status installmentPlan { annualizedRate schedule { index principal { amount } fee { amount } } } }
    userErrors { code message }
  }
}

mutation RefundInstallments($orderId: ID!) {
  refundInstallmentOrder(input: { orderId: $orderId, amount: "3000.00", idempotencyKey: "playground-refund-1" }) {
    refund { number amount { amount } feeWrittenOff { amount } }
    order { refunded { amount } installmentPlan { schedule { index principal { amount } fee { amount } } } }
    userErrors { field code message }
  }
}

# Move to a statement day, a due day, or past it; then run what is due.
mutation AdvanceClock($to: DateTimeISO!) { advanceClock(to: $to) { now businessDate } }

mutation RunDueJobs {
  runDueJobs {
    expiredHolds billsIssued billsOverdue penaltiesAccrued interestAccrued limitChanges remindersSent autoDebits repaymentsConfirmed payoutsFinished waitingFailed linesFailed notificationsSent
  }
}
`;

/** A partner app's side (local mode): Lakeside Wallet, token prefilled (15 minutes from /oauth/token). */
export const partnerOperations = `# Signed in as the demo wallet partner Lakeside Wallet (local mode). Its users are known only
# by its own ids: lw-88231 is the demo shopper (full consent), lw-10417 consented to CREDIT_STATUS only.

query BoundUser {
  partnerUser(partnerUserId: "lw-88231") {
    partnerUserId name phone creditStatus availableCredit { amount }
    currentBill { dueDate status owed { amount } remainingMinimum { amount } }
    consent { purpose fields expiresAt }
  }
}

# Only CREDIT_STATUS was granted: the other fields answer null with CONSENT_MISSING.
query PartlyConsented { partnerUser(partnerUserId: "lw-10417") { creditStatus phone availableCredit { amount } } }

# Joint login: give the code to the user, who approves it in the app (approveBinding).
mutation AskToBind {
  requestBinding(input: { partnerUserId: "lw-new-1", purpose: "Pay with the credit line in Lakeside Wallet", fields: [CREDIT_STATUS, AVAILABLE_CREDIT, PAYMENTS], expiresInDays: 90 }) {
    code expiresAt userErrors { field code message }
  }
}

mutation PayInApp {
  partnerCheckout(input: { partnerUserId: "lw-88231", merchantOrderRef: "LW-ORDER-1", amount: "199.00", category: "ELECTRONICS", plan: FULL, idempotencyKey: "playground-partner-1" }) {
    payment { id status amount { amount } } userErrors { field code message }
  }
}

mutation Capture($paymentId: ID!) {
  capturePartnerPayment(input: { paymentId: $paymentId }) { payment { id status captured { amount } } userErrors { code message } }
}

query MyPayments { partnerPayments(first: 10) { edges { node { id kind status merchantRef amount { amount } captured { amount } refunded { amount } } } } }
`;

export interface PlaygroundOptions {
  /** Prefilled bearer tokens; only ever set in local mode. */
  demoToken?: string | undefined;
  operatorToken?: string | undefined;
  partnerToken?: string | undefined;
}

const headers = (token: string | undefined) =>
  token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : undefined;

/** GraphiQL served from the gateway's own bundle: no CDN, works with the network off. */
export function playgroundConfig(options: PlaygroundOptions) {
  return {
    graphiql: {
      title: 'Credit graph playground',
      defaultQuery: shopperOperations,
      headers: headers(options.demoToken),
      defaultTabs: [
        { query: shopperOperations, headers: headers(options.demoToken) ?? null },
        ...(options.operatorToken
          ? [
              {
                query: operatorOperations,
                headers: headers(options.operatorToken) ?? null,
                variables: JSON.stringify(
                  { orderId: 'paste an order id', to: '2030-01-05T04:00:00.000Z' },
                  null,
                  2,
                ),
              },
            ]
          : []),
        ...(options.partnerToken
          ? [
              {
                query: partnerOperations,
                headers: headers(options.partnerToken) ?? null,
                variables: JSON.stringify({ paymentId: 'paste a payment id' }, null, 2),
              },
            ]
          : []),
      ],
    },
    renderGraphiQL,
  };
}
