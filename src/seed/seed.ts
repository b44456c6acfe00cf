import { hashClientSecret } from '../auth/client-secret';
import type { Repositories } from '../storage/repositories/repositories';
import { demoBindings, demoApplicants, demoPartners, demoProducts, demoUsers, seededAt } from './demo-data';
import { CreditLineOpeningService } from '../app/credit/credit-line-opening.service';

/** Inserts the demo data; rows already there are left as they are. Returns how many were new. */
export async function seedDemoData(repos: Repositories): Promise<number> {
  // Hashing a secret is deliberately slow: only for partners not seeded yet (one read on restarts).
  const seededPartners = new Set(
    (await repos.partners.findByIds(demoPartners.map((partner) => partner._id))).map(
      (partner) => partner._id,
    ),
  );
  const inserted = await Promise.all([
    ...demoUsers.map((doc) => repos.users.insertOnce(doc)),
    ...demoProducts.map((doc) => repos.products.insertOnce(doc)),
    ...demoPartners
      .filter((partner) => !seededPartners.has(partner._id))
      .map(async ({ demoClientSecret, ...partner }) =>
        repos.partners.insertOnce({ ...partner, clientSecretHash: await hashClientSecret(demoClientSecret) }),
      ),
    ...demoBindings.map((doc) => repos.channelBindings.insertOnce(doc)),
  ]);
  const opening = new CreditLineOpeningService(repos);
  let opened = 0;
  for (const applicant of demoApplicants) {
    const result = await opening.open(applicant.userId, applicant.inputs, applicant.statementDay, seededAt);
    if (result.opened) opened += 1;
  }
  return inserted.filter(Boolean).length + opened;
}
