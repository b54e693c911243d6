/** A document the signer will not take, with the reason in both languages (upload-time refusal). */
export class DocumentRefusedError extends Error {
  constructor(
    readonly code: string,
    readonly messages: { ja: string; en: string },
  ) {
    super(messages.en);
    this.name = 'DocumentRefusedError';
  }
}
