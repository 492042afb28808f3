/** The table refused an item the API's schema let through (nesting too deep, a number out of range…). */
export class InvalidProductError extends Error {
  override readonly name = 'InvalidProductError';
}
