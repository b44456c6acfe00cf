import type { Viewer } from '../auth/token';
import { AppError } from './errors';

export function requireViewer(viewer: Viewer | undefined): Viewer {
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in: send "Authorization: Bearer <token>"');
  return viewer;
}

/** Personal data is served to its owner only (partners get consented, masked views in a later issue). */
export function requireOwner(viewer: Viewer | undefined, userId: string): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.userId !== userId) throw new AppError('FORBIDDEN', 'This data belongs to another user');
  return signedIn;
}

export function isOperator(viewer: Viewer | undefined): boolean {
  return viewer?.scopes.includes('operator') ?? false;
}

/** Operator actions (shipping, refunds, the local clock): an operator token is required. */
export function requireOperator(viewer: Viewer | undefined): Viewer {
  const signedIn = requireViewer(viewer);
  if (!isOperator(signedIn)) throw new AppError('FORBIDDEN', 'This is an operator action');
  return signedIn;
}

export function requireOwnerOrOperator(viewer: Viewer | undefined, userId: string): Viewer {
  return isOperator(viewer) ? viewer! : requireOwner(viewer, userId);
}
