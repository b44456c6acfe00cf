import type { Viewer } from '../../auth/token';
import { type BillSummary, billSummaryOf } from '../../core/billing/bill-status';
import { billUpdateOf, type BillUpdateKind } from '../../core/ledger/bill-updates';
import {
  partnerDisclosureOf,
  type PartnerStreamKind,
  type StreamEndCode,
  streamEndOf,
} from '../../core/partners/bill-update-consent';
import { lineFigures } from '../../core/ledger/line-state';
import { consentFields, type ConsentField } from '../../core/partners/consent';
import { AppError } from '../../errors';
import { creditLineIdOf, newSortableId } from '../../storage/ids';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import { keysetWalk } from '../../storage/repositories/page';
import type { Repositories } from '../../storage/repositories/repositories';
import { requirePartner, requireUser } from '../common/access';
import type { ClockService } from '../common/clock.service';
import type { LineWatch } from './line-watch';
import { decodeCursor, encodeCursor, type PartnerCursorSeal } from './bill-update-cursor';

/** One bill update, read from one ledger entry. */
export interface BillUpdateEvent {
  /** Resume point: give it as `after` to get every later update. */
  cursor: string;
  kind: BillUpdateKind | PartnerStreamKind;
  /** Business time of the ledger entry; BINDING_ENDED: when the binding ended. */
  occurredAt: Date;
  lineId: string;
  /** Partner streams: the partner's own id for the user (users' own streams: null). */
  partnerUserId: string | null;
  /** Null for a partner whose consent does not cover AVAILABLE_CREDIT. */
  availableAfterMinor: number | null;
  billId: string | null;
  /** The bill the update is about, as that ledger entry left it. */
  billAfter: BillSummary | null;
  /** BINDING_ENDED only: the code a read of that user now gets. */
  endedBecause: StreamEndCode | null;
}

export interface BillUpdateStreamOptions {
  /** Entries read per look before the stream hands out what it read. */
  batch: number;
  /** A partner's bindings (and their lines' heads) read per database message. */
  bindingsPerRead: number;
}

const defaultOptions: BillUpdateStreamOptions = { batch: 100, bindingsPerRead: 500 };

/** One followed line: where it stands, and how its updates are shown to this stream. */
interface Followed {
  key: string;
  lineId: string;
  sequence: number;
  partnerUserId: string | null;
  /** Partner lines: the binding read under (each read is logged; nothing from before its grant). */
  binding: ChannelBindingDoc | null;
  look: boolean;
  unlisten: () => void;
}

/** A line a stream starts (or begins) to follow: the watch state is added when it does. */
type LineToFollow = Omit<Followed, 'look' | 'unlisten'>;

/** A partner's user whose binding no longer lets the partner read their line, and since when. */
interface BindingEnd {
  partnerUserId: string;
  lineId: string;
  code: StreamEndCode;
  at: Date;
}

/** A followed partner line whose binding no longer lets the partner read it. */
interface Unfollowed extends BindingEnd {
  line: Followed;
}

const invalidCursor = () => new AppError('BAD_USER_INPUT', 'Not a cursor of your bill updates');

/**
 * Bill updates straight from the ledger. A user follows their own line; a partner follows every
 * bound user whose consent covers bills. With `after`, every later update first, in ledger order per
 * line, then live ones; without, live ones only. A notice of an append only says when to look, so a
 * lost notice cannot lose an update, and the switch from replay to live neither skips nor repeats one.
 * The stream ends with a code when the token expires (UNAUTHENTICATED). A partner's stream goes on
 * when one user's binding ends: it says BINDING_ENDED for that user and follows the others.
 */
export class BillUpdatesService {
  constructor(
    private readonly repos: Pick<
      Repositories,
      'creditLines' | 'channelBindings' | 'ledger' | 'partnerAccess'
    >,
    private readonly watch: LineWatch,
    private readonly clock: ClockService,
    private readonly partnerCursors: PartnerCursorSeal,
    private readonly options: BillUpdateStreamOptions = defaultOptions,
  ) {}

  async follow(
    viewer: Viewer | undefined,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<BillUpdateEvent>> {
    if (viewer?.partnerId !== undefined) return this.followPartner(viewer, after);
    // Who asks comes first: a caller without the right to a stream learns nothing of its cursor.
    const { userId, expiresAtMs } = requireUser(viewer);
    const resume = after == null ? undefined : decodeCursor(after);
    if (after != null && !resume) throw invalidCursor();
    const lineId = creditLineIdOf(userId);
    const line = await this.repos.creditLines.byId(lineId);
    if (!line) throw new AppError('NOT_FOUND', 'You have no credit line yet');
    // Another line's cursor is refused like a malformed one: it says nothing about that line.
    if (resume && (resume.size !== 1 || !resume.has(lineId))) throw invalidCursor();
    const sequence = await this.startAt(lineId, line.headSequence, resume?.get(lineId));
    return this.tail({
      lines: [{ key: lineId, lineId, sequence, partnerUserId: null, binding: null }],
      expiresAtMs,
      cursorOf: encodeCursor,
    });
  }

  /** Where a line is followed from: the cursor's position, which must exist, else the head now. */
  private async startAt(lineId: string, head: number, resumeAt: number | undefined): Promise<number> {
    if (resumeAt === undefined) return head;
    // Past the summary's head only if the ledger already has it (the summary is written just after).
    if (resumeAt > head && !(await this.repos.ledger.entry(lineId, resumeAt))) throw invalidCursor();
    return resumeAt;
  }

  private async followPartner(
    viewer: Viewer,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<BillUpdateEvent>> {
    const { partnerId } = requirePartner(viewer, 'bindings');
    const resume = after == null ? undefined : this.partnerCursors.open(partnerId, after);
    if (after != null && !resume) throw invalidCursor();
    const now = await this.clock.current();
    const bindings = await this.readableBindings(partnerId, now);
    // A user whose binding ended is left out of a resumed cursor (the rest goes on); a cursor of
    // no bound user at all is refused, with no hint which of its users are (or were) bound.
    if (resume && ![...resume.keys()].some((key) => bindings.some((b) => b.partnerUserId === key))) {
      throw new AppError(
        'BINDING_NOT_ACTIVE',
        'No user of this cursor is bound to you with consent to bills',
      );
    }
    const lines = await this.partnerLines(bindings, resume);
    return this.tail({
      lines,
      endedBefore: resume ? await this.endedSince(partnerId, resume, bindings, now) : [],
      expiresAtMs: viewer.expiresAtMs,
      cursorOf: (positions) => this.partnerCursors.seal(partnerId, positions),
      // On a tick, all the partner's bindings: one that ended is unfollowed, a new one joins (a
      // rebind of the same user too: its own consent, from its grant).
      rejoin: async (followed) => {
        const now = await this.clock.current();
        const current = await this.readableBindings(partnerId, now);
        const gone = followed.filter((line) => !current.some((binding) => binding._id === line.binding?._id));
        const ended = await this.unfollowed(gone, now);
        const added = current.filter(
          (binding) =>
            !followed.some(
              (line) => line.key === binding.partnerUserId && !ended.some((end) => end.line === line),
            ),
        );
        return { join: await this.partnerLines(added, undefined, true), ended };
      },
      // After each read, only the bindings of the lines that gave updates, by id (a busy partner's
      // stream does not read every binding on every update).
      confirm: async (lines) => this.unfollowed(lines, await this.clock.current()),
    });
  }

  /**
   * The users a resumed cursor names who are no longer bound: how each one's newest binding ended
   * (a user the partner never had a binding with is left out, unsaid).
   */
  private async endedSince(
    partnerId: string,
    resume: ReadonlyMap<string, number>,
    bound: readonly ChannelBindingDoc[],
    now: Date,
  ): Promise<BindingEnd[]> {
    const gone = [...resume.keys()].filter((key) => !bound.some((binding) => binding.partnerUserId === key));
    const newest = new Map<string, ChannelBindingDoc>();
    for (let start = 0; start < gone.length; start += this.options.bindingsPerRead) {
      const keys = gone.slice(start, start + this.options.bindingsPerRead);
      for (const binding of await this.repos.channelBindings.ofPartnerUsers(partnerId, keys)) {
        const seen = newest.get(binding.partnerUserId);
        if (!seen || binding.createdAt > seen.createdAt) newest.set(binding.partnerUserId, binding);
      }
    }
    return [...newest.values()].flatMap((binding) => {
      const end = streamEndOf(binding, now);
      if (!end) return []; // bound again since the read above: it joins at the next tick
      return [{ partnerUserId: binding.partnerUserId, lineId: creditLineIdOf(binding.userId), ...end }];
    });
  }

  /** Of these partner lines, those whose binding (read again, by id) no longer lets them be read. */
  private async unfollowed(lines: readonly Followed[], now: Date): Promise<Unfollowed[]> {
    if (lines.length === 0) return [];
    const ids = lines.flatMap((line) => (line.binding ? [line.binding._id] : []));
    const read = await this.repos.channelBindings.findByIds(ids);
    return lines.flatMap((line) => {
      const end = streamEndOf(
        read.find((binding) => binding._id === line.binding?._id),
        now,
      );
      return end ? [{ line, partnerUserId: line.key, lineId: line.lineId, ...end }] : [];
    });
  }

  /** All of a partner's readable bindings, a bounded read at a time. */
  private async readableBindings(partnerId: string, now: Date): Promise<ChannelBindingDoc[]> {
    const readable: ChannelBindingDoc[] = [];
    const bindings = keysetWalk(
      (afterId, first) => this.repos.channelBindings.activePageOfPartner(partnerId, afterId, first),
      this.options.bindingsPerRead,
    );
    for await (const binding of bindings) if (!streamEndOf(binding, now)) readable.push(binding);
    return readable;
  }

  /** Bound users' lines, their heads read a page of bindings at a time (not one read per user). */
  private async partnerLines(
    bindings: readonly ChannelBindingDoc[],
    resume: Map<string, number> | undefined,
    joining = false,
  ): Promise<LineToFollow[]> {
    const lines: LineToFollow[] = [];
    const { bindingsPerRead } = this.options;
    for (let start = 0; start < bindings.length; start += bindingsPerRead) {
      const page = bindings.slice(start, start + bindingsPerRead);
      const heads = new Map(
        (await this.repos.creditLines.findByIds(page.map((binding) => creditLineIdOf(binding.userId)))).map(
          (line) => [line._id, line.headSequence ?? 0],
        ),
      );
      lines.push(
        ...(await Promise.all(
          page.map((binding) =>
            this.partnerLine(binding, heads.get(creditLineIdOf(binding.userId)) ?? 0, resume, joining),
          ),
        )),
      );
    }
    return lines;
  }

  /**
   * A bound user's line: from the cursor's position, else from now; a user who binds while the stream
   * runs (`joining`), from the grant, so what happened between the grant and the next tick goes out.
   */
  private async partnerLine(
    binding: ChannelBindingDoc,
    head: number,
    resume: Map<string, number> | undefined,
    joining: boolean,
  ): Promise<LineToFollow> {
    const lineId = creditLineIdOf(binding.userId);
    return {
      key: binding.partnerUserId,
      lineId,
      sequence: joining
        ? await this.lastBefore(lineId, head, binding.consent.grantedAt)
        : await this.startAt(lineId, head, resume?.get(binding.partnerUserId)),
      partnerUserId: binding.partnerUserId,
      binding,
    };
  }

  /**
   * The last sequence written before `at`, less a minute for writers whose clocks were read a moment
   * apart (`eventOf` still drops every entry from before the grant): a binary search of point reads.
   */
  private async lastBefore(lineId: string, head: number, at: Date): Promise<number> {
    const before = at.getTime() - 60_000;
    let [low, high] = [0, head]; // entry `low` is before (or none), the answer is in [low, high]
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const entry = await this.repos.ledger.entry(lineId, middle);
      if (entry && entry.at.getTime() < before) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** "Who saw my data": one record per user each time a partner stream hands out their updates. */
  private async recordRead(binding: ChannelBindingDoc, disclosed: ReadonlySet<ConsentField>): Promise<void> {
    const at = await this.clock.current();
    await this.repos.partnerAccess.recordAccess([
      {
        _id: newSortableId('da', at),
        userId: binding.userId,
        partnerId: binding.partnerId,
        bindingId: binding._id,
        fields: consentFields.filter((field) => disclosed.has(field)),
        purpose: binding.consent.purpose,
        operation: 'billUpdated',
        at,
      },
    ]);
  }

  private tail(stream: {
    lines: LineToFollow[];
    /** Users a resumed cursor names whose binding ended since: said first. */
    endedBefore?: readonly BindingEnd[];
    expiresAtMs: number | undefined;
    cursorOf: (positions: ReadonlyMap<string, number>) => string;
    /** On a tick, before reading: lines to add, and followed lines that may no longer be read. */
    rejoin?: (followed: readonly Followed[]) => Promise<{ join: LineToFollow[]; ended: Unfollowed[] }>;
    /** After reading, before anything read goes out: those of these lines that may no longer be read. */
    confirm?: (lines: readonly Followed[]) => Promise<Unfollowed[]>;
  }): AsyncIterableIterator<BillUpdateEvent> {
    const { watch } = this;
    const { batch } = this.options;
    const recordRead = (binding: ChannelBindingDoc, disclosed: ReadonlySet<ConsentField>) =>
      this.recordRead(binding, disclosed);
    const followed: Followed[] = [];
    let closed = false;
    let wake: (() => void) | undefined;
    let woken = true;
    let ticked = false;
    const buffered: BillUpdateEvent[] = [];
    const rouse = () => {
      woken = true;
      wake?.();
    };
    const add = (line: LineToFollow): Followed | undefined => {
      if (closed) return undefined;
      const entry: Followed = { ...line, look: true, unlisten: () => undefined };
      entry.unlisten = watch.follow(line.lineId, () => {
        entry.look = true;
        rouse();
      });
      followed.push(entry);
      return entry;
    };
    for (const line of stream.lines) add(line);
    // The timer wakes every stream, following lines or not: token expiry, new or ended bindings.
    const untick = watch.onTick(() => {
      ticked = true;
      rouse();
    });
    const close = () => {
      closed = true;
      untick();
      for (const line of followed) line.unlisten();
      wake?.();
    };
    const cursor = () => stream.cursorOf(new Map(followed.map((line) => [line.key, line.sequence])));
    // Unfollowed lines leave the cursor first, so resuming after their BINDING_ENDED skips them.
    const unfollow = (ended: readonly Unfollowed[]) => {
      for (const { line } of ended) {
        line.unlisten();
        followed.splice(followed.indexOf(line), 1);
      }
      for (const end of ended) buffered.push(bindingEndedEvent(end, cursor()));
    };
    for (const end of stream.endedBefore ?? []) buffered.push(bindingEndedEvent(end, cursor()));
    const read = async (line: Followed): Promise<LineRead> => {
      line.look = false;
      const events: BillUpdateEvent[] = [];
      const disclosed = new Set<ConsentField>();
      for (let n = 0; n < batch; n += 1) {
        const entry = await watch.entry(line.lineId, line.sequence + 1);
        if (!entry) break;
        line.sequence = entry.sequence;
        const shown = eventOf(entry, line, cursor);
        if (shown) {
          events.push(shown.event);
          for (const field of shown.disclosed) disclosed.add(field);
        }
        if (n === batch - 1) line.look = true; // more to read
      }
      return { events, disclosed };
    };
    const iterator: AsyncIterableIterator<BillUpdateEvent> = {
      async next() {
        try {
          while (!closed) {
            if (buffered.length > 0) return { value: buffered.shift()!, done: false };
            if (stream.expiresAtMs !== undefined && Date.now() >= stream.expiresAtMs) {
              throw new AppError(
                'UNAUTHENTICATED',
                'Your token expired: subscribe again with a new one and your last cursor',
              );
            }
            if (woken) {
              woken = false;
              const toRead = followed.filter((line) => line.look || watch.head(line.lineId) > line.sequence);
              if (ticked && stream.rejoin) {
                const { join, ended } = await stream.rejoin(followed);
                unfollow(ended);
                for (const line of join) {
                  const entry = add(line);
                  if (entry) toRead.push(entry);
                }
              }
              ticked = false;
              const reading = toRead.filter((line) => followed.includes(line));
              const results: ({ line: Followed } & LineRead)[] = [];
              for (const line of reading) if (!closed) results.push({ line, ...(await read(line)) });
              const news = results.filter(({ events }) => events.length > 0);
              // A partner's bindings are confirmed after the read: an entry written after a withdrawal
              // is read before the withdrawal is looked for, so what was read of that user never goes out.
              const ended =
                stream.confirm && news.length > 0 ? await stream.confirm(news.map(({ line }) => line)) : [];
              for (const { line, events, disclosed } of news) {
                if (ended.some((end) => end.line === line)) continue;
                buffered.push(...events);
                if (line.binding) await recordRead(line.binding, disclosed);
              }
              unfollow(ended);
              if (reading.some((line) => line.look && followed.includes(line))) woken = true;
              continue;
            }
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
          return { value: undefined, done: true };
        } catch (error) {
          close();
          throw error;
        }
      },
      async return() {
        close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

/** The partner hears that it no longer follows a user: nothing of the user's line is shown. */
function bindingEndedEvent({ partnerUserId, lineId, code, at }: BindingEnd, cursor: string): BillUpdateEvent {
  return {
    cursor,
    kind: 'BINDING_ENDED',
    occurredAt: at,
    lineId,
    partnerUserId,
    availableAfterMinor: null,
    billId: null,
    billAfter: null,
    endedBecause: code,
  };
}

/** What one read of a line hands out, and the consent fields it discloses (partner streams). */
interface LineRead {
  events: BillUpdateEvent[];
  disclosed: Set<ConsentField>;
}

/** The update an entry makes as this stream may see it, with what it discloses; or none. */
function eventOf(
  entry: LedgerEntryDoc,
  line: Pick<Followed, 'partnerUserId' | 'binding'>,
  cursor: () => string,
): { event: BillUpdateEvent; disclosed: readonly ConsentField[] } | undefined {
  // A partner sees nothing from before the user granted this binding, whatever its cursor says.
  if (line.binding && entry.at.getTime() < line.binding.consent.grantedAt.getTime()) return undefined;
  const update = billUpdateOf(entry);
  if (!update) return undefined;
  // A partner hears of a limit or status change only if its consent covers that (core decides).
  const disclosed = line.binding ? partnerDisclosureOf(update, line.binding.consent.fields) : [];
  if (!disclosed) return undefined;
  const bill =
    entry.stateAfter.bills.find((candidate) => candidate.billId === update.billId) ??
    entry.effects?.bills.find((candidate) => candidate.billId === update.billId);
  const event: BillUpdateEvent = {
    cursor: cursor(),
    kind: update.kind,
    occurredAt: entry.at,
    lineId: entry.lineId,
    partnerUserId: line.partnerUserId,
    availableAfterMinor:
      !line.binding || disclosed.includes('AVAILABLE_CREDIT')
        ? lineFigures(entry.stateAfter).availableMinor
        : null,
    billId: update.billId,
    billAfter: bill ? billSummaryOf(bill) : null,
    endedBecause: null,
  };
  return { event, disclosed };
}
