/** A database URL with its password (in the user part or a `password` parameter) replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    // Multi-host MongoDB URIs do not parse as URLs: drop the whole user part and any password.
    return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&]password=)[^&]*/i, '$1***');
  }
}
