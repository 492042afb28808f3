import type { Product } from '../products/product.js';

export const SAMPLE_CATALOG_SIZE = 1000;

const ADJECTIVES = ['Compact', 'Classic', 'Rugged', 'Silent', 'Smart', 'Portable', 'Deluxe', 'Eco'];
const NOUNS = ['Lamp', 'Kettle', 'Backpack', 'Headphones', 'Chair', 'Blender', 'Monitor', 'Tent', 'Watch'];
const CATEGORIES = ['home', 'kitchen', 'outdoor', 'audio', 'office', 'wearables'];
const CATALOG_EPOCH_MS = Date.UTC(2026, 0, 1);

/** `prod-0001` … `prod-1000`: the ids of the sample catalog. */
export function sampleProductId(index: number): string {
  return `prod-${String(index).padStart(4, '0')}`;
}

/** The same products on every run, so curl examples, tests and benchmarks can name them. */
export function sampleCatalog(size = SAMPLE_CATALOG_SIZE): Product[] {
  return Array.from({ length: size }, (_, i) => sampleProduct(i + 1));
}

function sampleProduct(index: number): Product {
  const adjective = ADJECTIVES[index % ADJECTIVES.length];
  const noun = NOUNS[Math.floor(index / ADJECTIVES.length) % NOUNS.length];
  const category = CATEGORIES[index % CATEGORIES.length] ?? 'home';
  return {
    productId: sampleProductId(index),
    name: `${adjective} ${noun} ${index}`,
    description: `A ${adjective?.toLowerCase()} ${noun?.toLowerCase()} from the ${category} range, item ${index}.`,
    price: ((index * 7919) % 49_900) / 100 + 1,
    currency: 'USD',
    category,
    stock: (index * 37) % 250,
    updatedAt: new Date(CATALOG_EPOCH_MS + index * 60_000).toISOString(),
    version: 1,
  };
}
