/** How long a start failure's reason may be on the one line an operator reads. */
const maxReasonLength = 400;

/**
 * A start failure's reason for a person: the error's message without the engine's Go call frames
 * (`[file.go:12 pkg.Func]`), spaces for its line breaks, bounded. The whole error stays in the log.
 */
export function startFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message
    .replace(/\[[\w./-]+\.go:\d+ [^\]]*\]\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!reason) return error instanceof Error ? error.name : 'unknown error';
  return reason.length > maxReasonLength ? `${reason.slice(0, maxReasonLength - 3)}...` : reason;
}
