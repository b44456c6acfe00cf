import { applyCommand, type LedgerRejection } from '../core/ledger/apply';
import { assertBalances } from '../core/ledger/balances';
import type { LedgerCommand } from '../core/ledger/commands';
import type { AuthorizationDecision } from '../core/policy/decide-authorization';
import { ledgerEntryId, type LedgerEntryDoc } from '../storage/models/ledger-entry.model';
import type { Repositories } from '../storage/repositories/repositories';
import { AppError } from './errors';

export type AppendOutcome =
  | { status: 'APPLIED' | 'REPLAYED'; entry: LedgerEntryDoc }
  | { status: 'REJECTED'; rejection: LedgerRejection; decision?: AuthorizationDecision };

export interface AppendRequest {
  lineId: string;
  command: LedgerCommand;
  /** Unique per line: a client key (`checkout:<key>`) or an effect key (`resolve:<authorizationId>`). */
  key: string;
  requestHash: string;
  now: Date;
}

const maxAttempts = 200;

/**
 * Appends to a line's ledger: read the head, let the pure core compute the next balances, insert at
 * sequence + 1. A duplicate sequence means another writer won: re-read and retry. A duplicate key means
 * the command already happened: return its stored entry (or refuse a reused key with other input).
 */
export class LedgerService {
  constructor(private readonly repos: Pick<Repositories, 'ledger' | 'creditLines'>) {}

  async append(request: AppendRequest): Promise<AppendOutcome> {
    const idempotencyKey = `${request.lineId}:${request.key}`;
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const existing = await this.repos.ledger.byIdempotencyKey(idempotencyKey);
      if (existing) return this.replay(existing, request.requestHash);

      const head = await this.repos.ledger.head(request.lineId);
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
        await this.projectHead(request.lineId, sequence);
        return { status: 'APPLIED', entry };
      }
      // Lost the race for this sequence (or the key): back off a little, then look again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, attempt + 1)));
    }
    throw new AppError(
      'CONFLICT',
      'The credit line is too busy right now; retry with the same idempotency key',
    );
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
  private async projectHead(lineId: string, written: number): Promise<void> {
    let sequence = written;
    for (;;) {
      const head = await this.repos.ledger.head(lineId);
      if (!head || head.sequence < sequence) return;
      await this.repos.creditLines.project(lineId, head.sequence, head.balancesAfter);
      const after = await this.repos.ledger.head(lineId);
      if (!after || after.sequence === head.sequence) return;
      sequence = after.sequence;
    }
  }
}
