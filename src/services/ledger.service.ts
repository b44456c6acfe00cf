import { applyCommand, type LedgerRejection } from '../core/ledger/apply';
import { assertBalances } from '../core/ledger/balances';
import type { LedgerCommand } from '../core/ledger/commands';
import type { AuthorizationDecision } from '../core/policy/decide-authorization';
import { ledgerEntryId, type LedgerEntryDoc } from '../storage/models/ledger-entry.model';
import type { Repositories } from '../storage/repositories/repositories';
import { AppError } from './errors';
import { KeyedMutex } from './keyed-mutex';

export type AppendOutcome =
  | { status: 'APPLIED' | 'REPLAYED'; entry: LedgerEntryDoc }
  | { status: 'REJECTED'; rejection: LedgerRejection; decision?: AuthorizationDecision };

export interface AppendRequest {
  lineId: string;
  command: LedgerCommand;
  /** Unique per line: a client key (`authorize:<id>`) or an effect key (`resolve:<authorizationId>`). */
  key: string;
  requestHash: string;
  now: Date;
}

const maxAttempts = 300;

/** One per process: appends to the same line from this process queue instead of racing. */
const lineQueue = new KeyedMutex();

/**
 * Appends to a line's ledger: read the head, let the pure core compute the next balances, insert at
 * sequence + 1. A duplicate sequence means another writer won: re-read and retry. A duplicate key means
 * the command already happened: return its stored entry (or refuse a reused key with other input).
 */
export class LedgerService {
  constructor(private readonly repos: Pick<Repositories, 'ledger' | 'creditLines'>) {}

  append(request: AppendRequest): Promise<AppendOutcome> {
    return lineQueue.run(request.lineId, () => this.appendNow(request));
  }

  private async appendNow(request: AppendRequest): Promise<AppendOutcome> {
    const idempotencyKey = `${request.lineId}:${request.key}`;
    let lostRaces = 0;
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const existing = await this.findByKey(idempotencyKey, lostRaces >= 3);
      if (existing) return this.replay(existing, request.requestHash);

      const head = await this.head(request.lineId);
      if (head) assertBalances(head.balancesAfter);
      const result = applyCommand(head?.balancesAfter ?? null, request.command, request.now);
      if (!result.ok) {
        return {
          status: 'REJECTED',
          rejection: result.rejection,
          ...(result.decision ? { decision: result.decision } : {}),
        };
      }
      const sequence = (head?.sequence ?? 0) + 1;
      const entry: LedgerEntryDoc = {
        _id: ledgerEntryId(request.lineId, sequence),
        lineId: request.lineId,
        sequence,
        idempotencyKey,
        requestHash: request.requestHash,
        type: request.command.type,
        command: request.command,
        amountMinor: result.amountMinor,
        ...(request.command.type === 'AUTHORIZE' ? { channel: request.command.request.channel } : {}),
        balancesAfter: result.balances,
        at: request.now,
      };
      if (await this.repos.ledger.append(entry)) {
        await this.repos.ledger.recordKey(entry);
        await this.projectHead(request.lineId, entry);
        return { status: 'APPLIED', entry };
      }
      // Lost the race for this sequence (or the key): back off a little, then look again.
      lostRaces += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(25, 2 * lostRaces)));
    }
    throw new AppError(
      'CONFLICT',
      'The credit line is too busy right now; retry with the same idempotency key',
    );
  }

  /** The line's newest entry, from the summary's sequence forward. */
  async head(lineId: string): Promise<LedgerEntryDoc | undefined> {
    const line = await this.repos.creditLines.byId(lineId);
    return this.repos.ledger.headFrom(lineId, line?.headSequence ?? 0);
  }

  /** Fast `_id` lookup of the key record; after repeated lost races, also the slow unique-field query. */
  private async findByKey(idempotencyKey: string, thorough: boolean): Promise<LedgerEntryDoc | undefined> {
    const record = await this.repos.ledger.keyRecord(idempotencyKey);
    if (record) return this.repos.ledger.entryById(record.entryId);
    if (!thorough) return undefined;
    const entry = await this.repos.ledger.byIdempotencyKey(idempotencyKey);
    if (entry) await this.repos.ledger.recordKey(entry); // repair after a crash between the two writes
    return entry;
  }

  private replay(existing: LedgerEntryDoc, hash: string): AppendOutcome {
    if (existing.requestHash !== hash) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This idempotency key was already used for a different request',
      );
    }
    return { status: 'REPLAYED', entry: existing };
  }

  /** Brings the line summary up to the newest head; repeats if a newer head landed meanwhile. */
  private async projectHead(lineId: string, written: LedgerEntryDoc): Promise<void> {
    let head = written;
    for (;;) {
      await this.repos.creditLines.project(lineId, head.sequence, head.balancesAfter);
      // Another process may have appended meanwhile: follow it, so the newest head is projected last.
      const next = await this.repos.ledger.entry(lineId, head.sequence + 1);
      if (!next) return;
      head = (await this.repos.ledger.headFrom(lineId, next.sequence)) ?? next;
    }
  }
}
