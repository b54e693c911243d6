import type { RecipientDocument, RecipientField } from '../../shared/api/recipient';

export type FieldValues = Record<string, string>;

export function isFilled(field: RecipientField, value: string | undefined): boolean {
  if (field.type === 'checkbox') return value === 'true';
  return (value ?? '').trim() !== '';
}

export function requiredFields(documents: RecipientDocument[]): RecipientField[] {
  return documents.flatMap((d) => d.fields.filter((f) => f.required));
}

export function missingRequired(documents: RecipientDocument[], values: FieldValues): RecipientField[] {
  return requiredFields(documents).filter((f) => !isFilled(f, values[f.id]));
}

/** Initial values: what the server already has, and "false" for unchecked boxes. */
export function initialValues(documents: RecipientDocument[]): FieldValues {
  const values: FieldValues = {};
  for (const f of documents.flatMap((d) => d.fields)) values[f.id] = f.value ?? (f.type === 'checkbox' ? 'false' : '');
  return values;
}

/** What `POST /complete` receives: every field, text trimmed. */
export function completionPayload(documents: RecipientDocument[], values: FieldValues): FieldValues {
  const out: FieldValues = {};
  for (const f of documents.flatMap((d) => d.fields)) {
    const v = values[f.id] ?? '';
    if (f.type === 'checkbox') out[f.id] = v === 'true' ? 'true' : 'false';
    else if (v.trim() !== '') out[f.id] = v.trim();
  }
  return out;
}
