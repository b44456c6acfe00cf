/** A mutation's refusal: a stable code, a message for people, and the input field at fault if any. */
export interface UserError {
  field: string | null;
  code: string;
  message: string;
}

export function userError(code: string, message: string, field: string | null = null): UserError {
  return { field, code, message };
}
