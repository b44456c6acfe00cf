import { ledgerRulesVersion } from '../core/ledger/rules-version';
import { ledgerNotices } from './ledger-notices';
import { applyCommand, type LedgerRejection } from '../core/ledger/apply';
import type { LedgerCommand } from '../core/ledger/commands';
import type { LineState } from '../core/ledger/line-state';
import { accrualBefore } from '../core/ledger/accrual-before';
import type { BusinessDate } from '../core/time/business-date';
import { isRefusal } from '../core/policy/refusal-reasons';
import { billProjection } from '../storage/models/bill.model';
import type { CreditLineDoc } from '../storage/models/credit-line.model';
import { planProjection } from '../storage/models/installment-plan.model';
import { ledgerEntryId, type LedgerEntryDoc } from '../storage/models/ledger-entry.model';
import type { Repositories } from '../storage/repositories/repositories';
import { AppError } from '../errors';
import { KeyedMutex } from './keyed-mutex';
import { ledgerAppendsTotal } from '../observability/metrics';
import { keyHash } from './request-hash';

/**
 * Named outcomes of an append; business refusals are outcomes, not exceptions.
 * APPLIED: written now. REPLAYED: this key was applied before with the same input (its stored entry).
 * REJECTED: a rule refused it (an authorization refusal is recorded as an entry, so a retry gets the
 * same answer; other refusals write nothing). KEY_REUSED: the key was used with other input.
 */
export type AppendOutcome = (
  | { status: 'APPLIED' | 'REPLAYED'; entry: LedgerEntryDoc }
  | { status: 'REJECTED'; rejection: LedgerRejection; entry?: LedgerEntryDoc }
  | { status: 'KEY_REUSED'; entry: LedgerEntryDoc }
) & {
  /** The day's `ACCRUE` this append wrote first (`accrualBefore`), if it wrote one. */
  accrual?: LedgerEntryDoc;
};

/** A day's accrual on a line has one key, whoever writes it: the due jobs or the entry before a command. */
export function accrualKey(day: BusinessDate): string {
  return `accrue:${day}`;
}

export interface AppendRequest {
  lineId: string;
  command: LedgerCommand;
  /** Unique per line: a client key (`authorize:<id>`) or an effect key (`resolve:<authorizationId>`). */
  key: string;
  requestHash: string;
  now: Date;
  /** The line summary the caller already read (saves a read); re-read if it is behind. */
  line?: CreditLineDoc;
}

/** The one retry policy for lost races on a line's next sequence. */
export const maxAppendAttempts = 64;

/** One per process: appends to the same line from this process queue instead of racing. */
const lineQueue = new KeyedMutex();

/**
 * The newest head this process has seen per line. A caller's line summary was read before it waited
 * in the queue, so behind the entries queued ahead of it; starting from here spares a lost race. The
 * unique insert still decides: a stale hint only costs a retry.
 */
type KnownHeads = Map<string, { sequence: number; state: LineState }>;
/** Per database (its ledger repository), as a process may serve several (tests do). */
const knownHeadsByLedger = new WeakMap<object, KnownHeads>();
const maxKnownHeads = 10_000;

function knownHeadsOf(ledger: object): KnownHeads {
  let known = knownHeadsByLedger.get(ledger);
  if (!known) knownHeadsByLedger.set(ledger, (known = new Map()));
  return known;
}

function rememberHead(knownHeads: KnownHeads, lineId: string, sequence: number, state: LineState): void {
  const known = knownHeads.get(lineId);
  if (known && known.sequence >= sequence) return;
  knownHeads.delete(lineId);
  knownHeads.set(lineId, { sequence, state });
  if (knownHeads.size > maxKnownHeads) knownHeads.delete(knownHeads.keys().next().value!);
}

/** Counts an append's outcome (or its failure) in the ledger metrics. */
function counted(append: Promise<AppendOutcome>): Promise<AppendOutcome> {
  return append.then(
    (outcome) => {
      ledgerAppendsTotal.inc({
        outcome: outcome.status,
        reason: outcome.status === 'REJECTED' ? outcome.rejection : '',
      });
      return outcome;
    },
    (error: unknown) => {
      ledgerAppendsTotal.inc({ outcome: 'FAILED', reason: '' });
      throw error;
    },
  );
}

/**
 * The only module that writes money. An append starts from the line summary's head state, lets the
 * pure core compute the next state, and inserts the entry at sequence + 1 with a unique idempotency
 * key. A collision means either another writer took the sequence (walk forward, retry) or this key
 * was seen before (replay it). Then it projects the line, bills and plans the entry changed.
 */
export class LedgerWriter {
  constructor(
    private readonly repos: Pick<Repositories, 'ledger' | 'creditLines' | 'bills' | 'installmentPlans'>,
  ) {}

  append(request: AppendRequest): Promise<AppendOutcome> {
    return counted(lineQueue.run(request.lineId, () => this.appendNow(request)));
  }

  private async appendNow(request: AppendRequest): Promise<AppendOutcome> {
    const idempotencyKey = `${request.lineId}:${request.key}`;
    const line = request.line ?? (await this.repos.creditLines.byId(request.lineId));
    if (!line) throw new AppError('NOT_FOUND', `No credit line ${request.lineId}`);
    const knownHeads = knownHeadsOf(this.repos.ledger);
    const known = knownHeads.get(request.lineId);
    let sequence = line.headSequence;
    let state: LineState | null = line.state;
    if (known && known.sequence > sequence) ({ sequence, state } = known);
    /** The day's `ACCRUE` written first, if any; whether the command's key was looked for yet. */
    let accrual: LedgerEntryDoc | undefined;
    let keyLookedFor = false;
    /** The day's accrual key is taken further back (never expected: a day accrues once). */
    let accrualTaken = false;
    const withAccrual = (outcome: AppendOutcome): AppendOutcome =>
      accrual ? { ...outcome, accrual } : outcome;
    for (let attempt = 0; attempt < maxAppendAttempts; attempt += 1) {
      // The ledger's time never goes back: a command computed a moment before another landed takes its time.
      const now = new Date(Math.max(request.now.getTime(), state?.lastAt ?? 0));
      // Decided on the head this insert chains from: a day that changes a bill goes first, as an
      // entry of its own (the core's `accrualBefore`), unless the command is a retry of one written.
      const accrue = accrualTaken ? null : accrualBefore(state, request.command, now);
      if (accrue && !keyLookedFor) {
        keyLookedFor = true;
        const earlier = await this.repos.ledger.byIdempotencyKey(idempotencyKey);
        if (earlier) return withAccrual(await this.replay(line, earlier, request.requestHash));
      }
      const command = accrue ?? request.command;
      const key = accrue ? `${request.lineId}:${accrualKey(accrue.day)}` : idempotencyKey;
      const result = applyCommand(state, command, now);
      if (!result.ok && !isRefusal(result.rejection)) {
        // A retry of a command that already changed the state can look invalid now: check the key.
        const earlier = await this.repos.ledger.byIdempotencyKey(idempotencyKey);
        return withAccrual(
          earlier
            ? await this.replay(line, earlier, request.requestHash)
            : { status: 'REJECTED', rejection: result.rejection },
        );
      }
      const entry: LedgerEntryDoc = {
        _id: ledgerEntryId(request.lineId, sequence + 1),
        lineId: request.lineId,
        sequence: sequence + 1,
        idempotencyKey: key,
        requestHash: accrue ? keyHash(accrualKey(accrue.day)) : request.requestHash,
        type: command.type,
        command,
        rejection: result.ok ? null : result.rejection,
        decision: result.decision ?? null,
        // A refused authorization shows the amount that was asked for.
        amountMinor: result.ok ? result.amountMinor : command.type === 'AUTHORIZE' ? command.amountMinor : 0,
        stateAfter: result.ok ? result.state : { ...state!, lastAt: now.getTime() },
        effects: result.ok ? result.effects : null,
        at: now,
        rulesVersion: ledgerRulesVersion,
      };
      if (await this.repos.ledger.append(entry)) {
        rememberHead(knownHeads, request.lineId, entry.sequence, entry.stateAfter);
        await this.project(line, entry);
        ledgerNotices.announce({ lineId: entry.lineId, sequence: entry.sequence });
        if (accrue) {
          // Now the command itself, on the line brought up to date.
          accrual = entry;
          ({ sequence, stateAfter: state } = entry);
          continue;
        }
        return withAccrual(
          entry.rejection
            ? { status: 'REJECTED', rejection: entry.rejection, entry }
            : { status: 'APPLIED', entry },
        );
      }
      const newer = await this.repos.ledger.after(request.lineId, sequence);
      const mine = newer.find((candidate) => candidate.idempotencyKey === idempotencyKey);
      if (mine) return withAccrual(await this.replay(line, mine, request.requestHash));
      if (newer.length === 0) {
        const earlier = await this.repos.ledger.byIdempotencyKey(idempotencyKey);
        if (earlier) return withAccrual(await this.replay(line, earlier, request.requestHash));
        if (accrue && (await this.repos.ledger.byIdempotencyKey(key))) accrualTaken = true;
        continue; // the winner's entry was not visible yet: look again
      }
      // Lost the race for this sequence (another writer may have written the day's accrual): continue
      // from the newest head, after a short jittered pause.
      const head = newer.at(-1)!;
      sequence = head.sequence;
      state = head.stateAfter;
      rememberHead(knownHeads, request.lineId, sequence, state);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, attempt + 1)));
    }
    throw new AppError(
      'CONFLICT',
      'The credit line is too busy right now; retry with the same idempotency key',
    );
  }

  /**
   * The line's newest state: its summary (or this process's newer head), walked forward by `_id` past
   * entries the summary has not caught up with (a projection may lag, or lose a race on FerretDB).
   */
  async currentState(line: CreditLineDoc): Promise<LineState | null> {
    return (await this.currentHead(line)).state;
  }

  /** The newest state and the sequence of the entry that left it (entries up to it are in it). */
  async currentHead(line: CreditLineDoc): Promise<{ sequence: number; state: LineState | null }> {
    const known = knownHeadsOf(this.repos.ledger).get(line._id);
    const [sequence, state] =
      known && known.sequence > line.headSequence
        ? [known.sequence, known.state]
        : [line.headSequence, line.state];
    const newest = (await this.repos.ledger.after(line._id, sequence)).at(-1);
    return newest ? { sequence: newest.sequence, state: newest.stateAfter } : { sequence, state };
  }

  /** The entry an idempotency key produced on a line, if any (a slow lookup: for retries only). */
  entryByKey(lineId: string, key: string): Promise<LedgerEntryDoc | undefined> {
    return this.repos.ledger.byIdempotencyKey(`${lineId}:${key}`);
  }

  private async replay(
    line: CreditLineDoc,
    existing: LedgerEntryDoc,
    requestHash: string,
  ): Promise<AppendOutcome> {
    if (existing.requestHash !== requestHash) return { status: 'KEY_REUSED', entry: existing };
    // A crash may have come between the entry and its projections: write them again (versioned).
    await this.project(line, existing);
    if (existing.rejection) return { status: 'REJECTED', rejection: existing.rejection, entry: existing };
    return { status: 'REPLAYED', entry: existing };
  }

  /** Line summary, then every bill and plan the entry changed, each as of this sequence. */
  private async project(line: CreditLineDoc, entry: LedgerEntryDoc): Promise<void> {
    await this.repos.creditLines.project(line._id, entry.sequence, entry.stateAfter);
    const owner = { lineId: line._id, userId: line.userId };
    for (const bill of entry.effects?.bills ?? []) {
      await this.repos.bills.project(billProjection(bill, owner, entry.sequence));
    }
    for (const plan of entry.effects?.plans ?? []) {
      await this.repos.installmentPlans.project(planProjection(plan, owner, entry.sequence));
    }
  }
}
