import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One factor of the risk score and how many points it moved it' })
export class ScoreFactor {
  @Field({ description: 'The factor, e.g. ON_TIME_HISTORY or LATE_HISTORY' })
  code!: string;

  @Field(() => Int, { description: 'Points it added to the score (negative: points it took away)' })
  points!: number;
}

@ObjectType({ description: 'Why the line got its limit and fee tier (automated decisions are explainable)' })
export class RiskAssessment {
  @Field(() => Int, { description: '300 to 850' })
  score!: number;

  @Field({ description: 'Fee tier A (lowest fees) to C' })
  tier!: string;

  @Field(() => [ScoreFactor], { description: 'The factors that moved the score most' })
  topReasons!: ScoreFactor[];
}
