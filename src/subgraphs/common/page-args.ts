import { defaultPageSize, maxPageSize } from '../../app/common/pagination';

/**
 * Descriptions of the `first` and `after` arguments, written once for every connection and catalog:
 * the bounds are the ones `pageSize` and `pageQuery` in src/app/common/pagination.ts check.
 */
const outOfBounds = 'other values are refused with BAD_USER_INPUT';

/** `first` of a connection (`pageQuery`). */
export const firstDescription = `How many items to return: 1 to ${maxPageSize}, ${defaultPageSize} when absent or null; ${outOfBounds}`;

/** `after` of a connection (`pageQuery`). */
export const afterDescription =
  'Start after this cursor (`pageInfo.endCursor`, or an edge `cursor` of this list); absent, null or empty: from the first item. A malformed cursor is refused with BAD_USER_INPUT';

/** `first` of a store catalog (`pageSize` with the largest page as fallback). */
export const catalogFirstDescription = `How many products to return, in id order: 1 to ${maxPageSize}, ${maxPageSize} when absent or null; ${outOfBounds}`;
