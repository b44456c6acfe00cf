import { type GraphQLSchema, isObjectType } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { type ConsentField, consentRefusal, isConsentField } from '../../core/partners/consent';
import { maskName, maskPhone } from '../../core/partners/masking';
import type { PartnerReadAccess } from '../../core/partners/consent';
import { AppError } from '../../errors';

/**
 * The one mechanism that guards personal data shown to partners. A type marked
 * `@Extensions({ partnerView: true })` must give every field a rule, `@Extensions({ consent: ... })`:
 * a consent field (answered only while the binding's consent covers it, masked if `mask` says so) or
 * `'PARTNER_OWN'` (what the partner itself supplied or may always see). A field without a rule fails
 * the schema build, so a new field cannot leak by omission.
 */
export type ConsentRule = ConsentField | 'PARTNER_OWN';
export type Mask = 'phone' | 'name';

export interface FieldRule {
  consent: ConsentRule;
  mask?: Mask;
}

export const partnerAccessKey = Symbol('partnerAccess');
export type PartnerViewRoot = { [partnerAccessKey]?: PartnerReadAccess };

const maskers: Record<Mask, (value: string) => string> = { phone: maskPhone, name: maskName };

/** type name -> field name -> rule, read from the type-graphql schema (the printed SDL drops extensions). */
type Rules = Map<string, Map<string, FieldRule>>;

export function readConsentRules(schema: GraphQLSchema): Rules {
  const rules: Rules = new Map();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.extensions?.partnerView !== true) continue;
    const fields = new Map<string, FieldRule>();
    for (const field of Object.values(type.getFields())) {
      const rule = field.extensions as Partial<FieldRule> | undefined;
      if (!rule?.consent || !(rule.consent === 'PARTNER_OWN' || isConsentField(rule.consent))) {
        throw new Error(`${type.name}.${field.name} is shown to partners but has no consent rule`);
      }
      fields.set(field.name, { consent: rule.consent, ...(rule.mask ? { mask: rule.mask } : {}) });
    }
    rules.set(type.name, fields);
  }
  return rules;
}

/** The global middleware: on partner-view types, answers a field only under its rule. */
export function consentGuard(rulesOf: () => Rules): MiddlewareFn {
  return async ({ root, info }, next) => {
    const typeRules = rulesOf().get(info.parentType.name);
    if (!typeRules) return next();
    const rule = typeRules.get(info.fieldName);
    const access = (root as PartnerViewRoot | undefined)?.[partnerAccessKey];
    if (!rule || !access) throw new AppError('FORBIDDEN', 'Not readable here');
    if (rule.consent === 'PARTNER_OWN') return next();
    const refusal = consentRefusal(access.binding, rule.consent, access.now);
    if (refusal) {
      throw new AppError(refusal, `The user's consent does not cover ${rule.consent}`);
    }
    access.fieldsRead.add(rule.consent);
    const value: unknown = await next();
    return rule.mask && typeof value === 'string' ? maskers[rule.mask](value) : value;
  };
}
