import type { Models } from '../database';

const clockId = 'business-clock';

export class ClockRepository {
  constructor(private readonly models: Pick<Models, 'clock'>) {}

  async offsetMs(): Promise<number> {
    const doc = await this.models.clock.findById(clockId).lean<{ offsetMs: number }>().exec();
    return doc?.offsetMs ?? 0;
  }

  async setOffsetMs(offsetMs: number): Promise<void> {
    await this.models.clock.updateOne({ _id: clockId }, { $set: { offsetMs } }, { upsert: true }).exec();
  }
}
