import type { Repositories } from '../storage/repositories/repositories';
import {
  demoBindings,
  demoCreditLines,
  demoInstallmentOrders,
  demoMallOrders,
  demoPartners,
  demoProducts,
  demoUsers,
} from './demo-data';

/** Inserts the demo data; rows already there are left as they are. Returns how many were new. */
export async function seedDemoData(repos: Repositories): Promise<number> {
  const inserted = await Promise.all([
    ...demoUsers.map((doc) => repos.users.insertOnce(doc)),
    ...demoCreditLines.map((doc) => repos.creditLines.insertOnce(doc)),
    ...demoProducts.map((doc) => repos.products.insertOnce(doc)),
    ...demoMallOrders.map((doc) => repos.mallOrders.insertOnce(doc)),
    ...demoInstallmentOrders.map((doc) => repos.installmentOrders.insertOnce(doc)),
    ...demoPartners.map((doc) => repos.partners.insertOnce(doc)),
    ...demoBindings.map((doc) => repos.channelBindings.insertOnce(doc)),
  ]);
  return inserted.filter(Boolean).length;
}
