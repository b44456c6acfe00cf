import type { PartnerScope } from '../../core/partners/consent';
import { isOperator, type Viewer } from '../../auth/token';
import { AppError } from '../../errors';

/** A signed-in user or operator. Partner apps reach users only through bindings (requirePartner). */
export function requireViewer(viewer: Viewer | undefined): Viewer {
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in: send "Authorization: Bearer <token>"');
  if (viewer.partnerId !== undefined) {
    throw new AppError(
      'FORBIDDEN',
      'Partner apps do not act as users: use the partner operations (partnerUser, partnerCheckout...)',
    );
  }
  return viewer;
}

/** A customer acting for themselves: operators are staff, not customers, and bind nothing to a partner. */
export function requireUser(viewer: Viewer | undefined): Viewer {
  const signedIn = requireViewer(viewer);
  if (isOperator(signedIn)) throw new AppError('FORBIDDEN', 'Operators do not act as customers');
  return signedIn;
}

/** A partner app, with this scope if one is named (granted at registration, carried by its token). */
export function requirePartner(viewer: Viewer | undefined, scope?: PartnerScope): { partnerId: string } {
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in: send "Authorization: Bearer <token>"');
  if (viewer.partnerId === undefined) throw new AppError('FORBIDDEN', 'This is a partner operation');
  if (scope !== undefined && !viewer.scopes.includes(scope)) {
    throw new AppError('INSUFFICIENT_SCOPE', `This partner token lacks the "${scope}" scope`);
  }
  return { partnerId: viewer.partnerId };
}

/** Personal data is served to its owner only (partners get consented, masked views in a later issue). */
export function requireOwner(viewer: Viewer | undefined, userId: string): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.userId !== userId) throw new AppError('FORBIDDEN', 'This data belongs to another user');
  return signedIn;
}

/**
 * A document only its owner (and operators, with `operators`) may see. Sign-in is checked before the
 * read (requireViewer); after it, another user's document answers exactly as a missing one, so an id
 * tells nobody whether it exists.
 */
export function ownedOrNotFound<T extends { userId: string }>(
  viewer: Viewer,
  doc: T | null | undefined,
  notFound: string,
  { operators = false }: { operators?: boolean } = {},
): T {
  if (!doc || (doc.userId !== viewer.userId && !(operators && isOperator(viewer))))
    throw new AppError('NOT_FOUND', notFound);
  return doc;
}

/** Operator actions (shipping, refunds, the local clock): an operator token is required. */
export function requireOperator(viewer: Viewer | undefined): Viewer {
  // A partner app is told what it asked for, not that partners do not act as users.
  if (viewer?.partnerId !== undefined) throw new AppError('FORBIDDEN', 'This is an operator action');
  const signedIn = requireViewer(viewer);
  if (!isOperator(signedIn)) throw new AppError('FORBIDDEN', 'This is an operator action');
  return signedIn;
}

export function requireOwnerOrOperator(viewer: Viewer | undefined, userId: string): Viewer {
  return isOperator(viewer) ? viewer! : requireOwner(viewer, userId);
}
