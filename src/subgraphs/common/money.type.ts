import { SafeIntResolver } from 'graphql-scalars';
import { Directive, Field, ObjectType } from 'type-graphql';
import { currency, formatMinor, type MinorUnits } from '../../core/money';

@Directive('@shareable')
@ObjectType({ description: 'An exact amount of money. `minor` is the integer count of minor units (fen).' })
export class Money {
  @Field({ description: 'Exact decimal string, e.g. "1234.50"' })
  amount!: string;

  @Field({ description: 'ISO 4217 currency code' })
  currency!: string;

  @Field(() => SafeIntResolver, { description: 'Integer minor units (fen): 1234.50 CNY is 123450' })
  minor!: number;

  static of(amountMinor: MinorUnits): Money {
    return Object.assign(new Money(), { amount: formatMinor(amountMinor), currency, minor: amountMinor });
  }
}
