import type { Viewer } from '../../auth/token';
import { type BillSummary, billSummaryOf } from '../../core/billing/bill-status';
import { billUpdateOf, type BillUpdateKind } from '../../core/ledger/bill-updates';
import {
  followsUnder,
  inConsentTime,
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
  /** Its binding ended: no longer followed (a read under way keeps nothing of it). */
  dropped: boolean;
  unlisten: () => void;
}

/** A line a stream starts (or begins) to follow: the watch state is added when it does. */
type LineToFollow = Omit<Followed, 'look' | 'dropped' | 'unlisten'>;

/** A partner's user whose binding no longer lets the partner read their line, and since when. */
interface BindingEnd {
  partnerUserId: string;
  lineId: string;
  code: StreamEndCode;
  at: Date;
}

/** A user a resumed cursor names whose binding ended since, and where the cursor had them. */
interface EndedSince extends BindingEnd {
  sequence: number;
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
    // Users of a resumed cursor whose binding ended since are told of first, then left out.
    const boundKeys = new Set(bindings.map((binding) => binding.partnerUserId));
    const gone = [...(resume?.keys() ?? [])].filter((key) => !boundKeys.has(key));
    const endedBefore = resume ? await this.endedSince(partnerId, resume, gone, now) : [];
    // A cursor naming users, none bound or told of (never followed by this partner), is refused:
    // there is nothing in it to resume, and nothing of them to say.
    if (gone.length > 0 && gone.length === resume?.size && endedBefore.length === 0)
      throw new AppError(
        'BINDING_NOT_ACTIVE',
        'No user of this cursor is bound to you with consent to bills',
      );
    const lines = await this.partnerLines(bindings, resume);
    return this.tail({
      lines,
      endedBefore,
      expiresAtMs: viewer.expiresAtMs,
      cursorOf: (positions) => this.partnerCursors.seal(partnerId, positions),
      // On a tick, all the partner's bindings: one that ended is unfollowed, a new one joins (a
      // rebind of the same user too: its own consent, from its grant).
      rejoin: async (followed) => {
        const now = await this.clock.current();
        const current = await this.readableBindings(partnerId, now);
        const currentIds = new Set(current.map((binding) => binding._id));
        const ended = await this.unfollowed(
          followed.filter((line) => !line.binding || !currentIds.has(line.binding._id)),
          now,
        );
        const endedLines = new Set(ended.map((end) => end.line));
        const staying = new Set(followed.filter((line) => !endedLines.has(line)).map((line) => line.key));
        const added = current.filter((binding) => !staying.has(binding.partnerUserId));
        return { join: await this.partnerLines(added, undefined, true), ended };
      },
      // After each read, only the bindings of the lines that gave updates, by id (a busy partner's
      // stream does not read every binding on every update).
      confirm: async (lines) => this.unfollowed(lines, await this.clock.current()),
    });
  }

  /**
   * Of the users a resumed cursor names, those no longer bound (`gone`): how the newest binding each
   * was followed under ended (a user never followed under one is left out, unsaid).
   */
  private async endedSince(
    partnerId: string,
    resume: ReadonlyMap<string, number>,
    gone: readonly string[],
    now: Date,
  ): Promise<EndedSince[]> {
    const newest = new Map<string, ChannelBindingDoc>();
    for (let start = 0; start < gone.length; start += this.options.bindingsPerRead) {
      const keys = gone.slice(start, start + this.options.bindingsPerRead);
      for (const binding of await this.repos.channelBindings.ofPartnerUsers(partnerId, keys)) {
        const seen = newest.get(binding.partnerUserId);
        if (followsUnder(binding) && (!seen || binding.createdAt > seen.createdAt))
          newest.set(binding.partnerUserId, binding);
      }
    }
    const ends = gone.flatMap((key) => {
      const binding = newest.get(key);
      const end = binding && streamEndOf(binding, now);
      // None: never followed, or bound again since the read above (it joins at the next tick).
      if (!end) return [];
      return [
        { partnerUserId: key, lineId: creditLineIdOf(binding.userId), sequence: resume.get(key)!, ...end },
      ];
    });
    return ends.sort(byTimeEnded);
  }

  /** Of these partner lines, those whose binding (read again, by id) no longer lets them be read. */
  private async unfollowed(lines: readonly Followed[], now: Date): Promise<Unfollowed[]> {
    if (lines.length === 0) return [];
    const ids = lines.flatMap((line) => (line.binding ? [line.binding._id] : []));
    const read = new Map(
      (await this.repos.channelBindings.findByIds(ids)).map((binding) => [binding._id, binding]),
    );
    const ends = lines.flatMap((line) => {
      const end = streamEndOf(line.binding ? read.get(line.binding._id) : undefined, now);
      return end ? [{ line, partnerUserId: line.key, lineId: line.lineId, ...end }] : [];
    });
    return ends.sort(byTimeEnded);
  }

  /** All of a partner's readable bindings, a bounded read at a time. */
  private async readableBindings(partnerId: string, now: Date): Promise<ChannelBindingDoc[]> {
    const readable: ChannelBindingDoc[] = [];
    const bindings = keysetWalk(
      (afterId, first) => this.repos.channelBindings.activePageOfPartner(partnerId, afterId, first),
      this.options.bindingsPerRead,
    );
    for await (const binding of bindings)
      if (followsUnder(binding) && !streamEndOf(binding, now)) readable.push(binding);
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
    endedBefore?: readonly EndedSince[];
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
      const entry: Followed = { ...line, look: true, dropped: false, unlisten: () => undefined };
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
    /** Where the stream stands after what it handed out so far (and users still to be told of). */
    const cursor = (toTell: readonly EndedSince[] = []) =>
      stream.cursorOf(
        new Map([
          ...followed.map((line): [string, number] => [line.key, line.sequence]),
          ...toTell.map((end): [string, number] => [end.partnerUserId, end.sequence]),
        ]),
      );
    // One at a time: each BINDING_ENDED's cursor leaves out its user and those told before, and
    // still holds the ones told after, so resuming from any of them misses none.
    const unfollow = (ended: readonly Unfollowed[]) => {
      for (const end of ended) {
        if (end.line.dropped) continue;
        end.line.dropped = true;
        end.line.unlisten();
        followed.splice(followed.indexOf(end.line), 1);
        buffered.push(bindingEndedEvent(end, cursor()));
      }
    };
    const endedBefore = stream.endedBefore ?? [];
    endedBefore.forEach((end, told) =>
      buffered.push(bindingEndedEvent(end, cursor(endedBefore.slice(told + 1)))),
    );
    // Reads move nothing: what a line shows is handed out (and its position moved) only once its
    // binding is confirmed, so no cursor holds a position past entries that were dropped.
    const read = async (line: Followed): Promise<LineRead> => {
      line.look = false;
      const shown: Shown[] = [];
      const disclosed = new Set<ConsentField>();
      let position = line.sequence;
      for (let n = 0; n < batch; n += 1) {
        const entry = await watch.entry(line.lineId, position + 1);
        if (!entry) break;
        position = entry.sequence;
        const one = eventOf(entry, line);
        if (one) {
          shown.push(one);
          for (const field of one.disclosed) disclosed.add(field);
        }
        if (n === batch - 1) line.look = true; // more to read
      }
      return { shown, disclosed, position };
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
              const reading = toRead.filter((line) => !line.dropped);
              const results: ({ line: Followed } & LineRead)[] = [];
              for (const line of reading) if (!closed) results.push({ line, ...(await read(line)) });
              const moved = results.filter(({ line, position }) => position > line.sequence);
              // A partner's bindings are confirmed after the read: an entry written after a withdrawal
              // is read before the withdrawal is looked for, so what was read of that user never goes out.
              const ended =
                stream.confirm && moved.length > 0 ? await stream.confirm(moved.map(({ line }) => line)) : [];
              const endedLines = new Set(ended.map((end) => end.line));
              for (const { line, shown, disclosed, position } of moved) {
                if (closed) break; // the client left: nothing more is handed out, or logged as read
                if (endedLines.has(line)) continue;
                for (const one of shown) {
                  line.sequence = one.sequence;
                  buffered.push({ ...one.update, cursor: cursor() });
                }
                line.sequence = position;
                if (line.binding && shown.length > 0) await recordRead(line.binding, disclosed);
              }
              unfollow(ended);
              if (reading.some((line) => line.look && !line.dropped)) woken = true;
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

/** Ends found together are told in the order they happened (across finds, in the order found). */
function byTimeEnded(one: BindingEnd, other: BindingEnd): number {
  return one.at.getTime() - other.at.getTime();
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

/** An entry as this stream may show it: its update (the cursor is set as it is handed out). */
interface Shown {
  update: Omit<BillUpdateEvent, 'cursor'>;
  sequence: number;
  disclosed: readonly ConsentField[];
}

/** What one read of a line found to show, what that discloses (partner streams), and how far it read. */
interface LineRead {
  shown: Shown[];
  disclosed: Set<ConsentField>;
  position: number;
}

/** The update an entry makes as this stream may see it, with what it discloses; or none. */
function eventOf(
  entry: LedgerEntryDoc,
  line: Pick<Followed, 'partnerUserId' | 'binding'>,
): Shown | undefined {
  // A partner sees nothing from outside its consent's time, whatever its cursor says.
  if (line.binding && !inConsentTime(line.binding.consent, entry.at)) return undefined;
  const update = billUpdateOf(entry);
  if (!update) return undefined;
  // A partner hears of a limit or status change only if its consent covers that (core decides).
  const disclosed = line.binding ? partnerDisclosureOf(update, line.binding.consent.fields) : [];
  if (!disclosed) return undefined;
  const bill =
    entry.stateAfter.bills.find((candidate) => candidate.billId === update.billId) ??
    entry.effects?.bills.find((candidate) => candidate.billId === update.billId);
  return {
    update: {
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
    },
    sequence: entry.sequence,
    disclosed,
  };
}
