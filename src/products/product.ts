/** A catalog item as the `Products` table holds it; `version` is bumped by every conditional write. */
export interface Product {
  readonly productId: string;
  readonly name: string;
  readonly description: string;
  readonly price: number;
  readonly currency: string;
  readonly category: string;
  readonly stock: number;
  readonly updatedAt: string;
  readonly version: number;
}
