// The catalog's data. It stands in for a database: the functions only read
// it, so it can live in the code, and every instance of every function sees
// the same products. Prices are integer cents, which add up exactly.
export const PRODUCTS = Object.freeze([
  { id: 'mug-classic', name: 'Classic mug', category: 'mugs', priceCents: 1250, stock: 40 },
  { id: 'mug-travel', name: 'Travel mug', category: 'mugs', priceCents: 2400, stock: 12 },
  { id: 'mug-espresso', name: 'Espresso cup', category: 'mugs', priceCents: 800, stock: 0 },
  { id: 'plate-dinner', name: 'Dinner plate', category: 'plates', priceCents: 1600, stock: 30 },
  { id: 'plate-side', name: 'Side plate', category: 'plates', priceCents: 1100, stock: 25 },
  { id: 'bowl-soup', name: 'Soup bowl', category: 'bowls', priceCents: 1400, stock: 18 },
  { id: 'bowl-salad', name: 'Salad bowl', category: 'bowls', priceCents: 3900, stock: 5 },
].map((p) => Object.freeze(p)));
