/**
 * Masks for personal data shown to partners: enough to recognise, not enough to reuse.
 * Phone: first 3 and last 4 digits (138****1234). Name: first character of each part kept.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((part) => {
      const chars = [...part];
      return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
    })
    .join(' ');
}
