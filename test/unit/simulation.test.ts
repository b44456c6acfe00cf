import { simulate, type SimulationResult } from '../simulation/driver';

/**
 * The whole system under random seeded steps, checked after every step by an independent auditor
 * (test/simulation). SIM_SEED replays one seed; SIM_FULL=1 (`npm run sim`) runs 1,000 x 1,000.
 */
const full = process.env.SIM_FULL === '1';
const seeds = process.env.SIM_SEED
  ? [Number(process.env.SIM_SEED)]
  : Array.from({ length: Number(process.env.SIM_SEEDS ?? (full ? 1_000 : 200)) }, (_, i) => i + 1);
const steps = Number(process.env.SIM_STEPS ?? (full ? 1_000 : 500));

test(`simulation: ${seeds.length} seeds x ${steps} steps, every step audited`, async () => {
  const started = Date.now();
  const results: SimulationResult[] = [];
  for (const seed of seeds) results.push(await simulate({ seed, steps }));
  const commands: Record<string, number> = {};
  for (const result of results) {
    for (const [kind, n] of Object.entries(result.commands)) commands[kind] = (commands[kind] ?? 0) + n;
  }
  const total = (key: keyof SimulationResult['counts']) => results.reduce((sum, r) => sum + r.counts[key], 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const byKind = Object.entries(commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  console.log(
    `simulation: ${seeds.length} seeds x ${steps} steps in ${seconds} s; ` +
      `bills issued ${total('billsIssued')}, gone overdue ${total('overdueBills')}, checked ${total('billsChecked')}; ` +
      `plans paid off ${total('plansPaidOff')}, cancelled by refunds ${total('plansCancelled')}; ` +
      `fees waived after a statement billed them while a payoff waited ${total('feesWaivedAfterBilling')}; ` +
      `bills with accruals waived as a quoted repayment landed ${total('accrualsWaivedOnLanding')}; ` +
      `quotes counting repayments still waiting on their source ${total('quotesCountingWaiting')}, auto-debits they made unneeded ${total('autoDebitsNotNeeded')}; auto-debits asked again after a decline ${total('autoDebitRetries')}; payouts the due jobs finished ${total('payoutsFinishedByJobs')}; bills past due held by repayments awaited from their source ${total('billsHeldBySource')}; ` +
      `AMOUNT repayments over all owed, refused ${total('amountsOverOwed')}; refunds to a credit balance ${total('refundsToBalance')}; orders shipped in part ${total('partialCaptures')}; limit and status changes ${total('limitChanges')}\n` +
      `commands: ${byKind}`,
  );
}, 3_600_000);
