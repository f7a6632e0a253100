// The catalog's business logic: finding products and pricing a quote. It
// knows nothing of Lambda or HTTP (src/handler.js is the adapter), so it can
// be tested, and reused, on its own.

export const LIMIT_DEFAULT = 20;
export const LIMIT_MAX = 100;
export const QUOTE_LINES_MAX = 50;
export const QUANTITY_MAX = 99;

export class ValidationError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.name = 'ValidationError';
    this.errors = errors; // one sentence per problem, for the client
  }
}

export class NotFoundError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NotFoundError';
  }
}

// A whole number written in decimal digits, or NaN: the query string is text,
// and Number('') is 0, Number('1e2') is 100.
const toInt = (text) => (/^\d{1,9}$/.test(text) ? Number(text) : NaN);

// products: the catalog's data (src/products.js); taxRate: the fraction of
// the subtotal a quote adds as tax.
export function createCatalog({ products, taxRate = 0 }) {
  const byId = new Map(products.map((p) => [p.id, p]));
  const categories = new Set(products.map((p) => p.category));

  // options are the query parameters, as text: category, maxPriceCents, inStock
  // ("true" or "false"), limit (1-100, default 20).
  function list(options = {}) {
    const errors = [];
    const limit = options.limit === undefined ? LIMIT_DEFAULT : toInt(options.limit);
    if (!(limit >= 1 && limit <= LIMIT_MAX)) errors.push(`'limit' must be a whole number from 1 to ${LIMIT_MAX}`);
    const maxPrice = options.maxPriceCents === undefined ? Infinity : toInt(options.maxPriceCents);
    if (Number.isNaN(maxPrice)) errors.push("'maxPriceCents' must be a whole number of cents");
    const { inStock } = options;
    if (inStock !== undefined && inStock !== 'true' && inStock !== 'false') {
      errors.push("'inStock' must be 'true' or 'false'");
    }
    if (errors.length > 0) throw new ValidationError('invalid query parameters', errors);

    const found = products.filter(
      (p) =>
        (options.category === undefined || p.category === options.category) &&
        p.priceCents <= maxPrice &&
        (inStock === undefined || (p.stock > 0) === (inStock === 'true')),
    );
    return { products: found.slice(0, limit), total: found.length };
  }

  function get(id) {
    const product = byId.get(id);
    if (!product) throw new NotFoundError(`product '${id}' not found`);
    return product;
  }

  function listCategory(category, options = {}) {
    if (!categories.has(category)) throw new NotFoundError(`category '${category}' not found`);
    return list({ ...options, category });
  }

  // cart: {"lines": [{"productId": "mug-classic", "quantity": 2}, ...]}.
  // The quote prices every line and adds the tax; it reserves nothing.
  function quote(cart) {
    if (cart === null || typeof cart !== 'object' || Array.isArray(cart)) {
      throw new ValidationError('invalid quote request', ['the request must be a JSON object']);
    }
    const { lines } = cart;
    if (!Array.isArray(lines) || lines.length === 0 || lines.length > QUOTE_LINES_MAX) {
      throw new ValidationError('invalid quote request', [
        `'lines' must be a list of 1 to ${QUOTE_LINES_MAX} lines`,
      ]);
    }
    const errors = [];
    const priced = [];
    lines.forEach((line, i) => {
      const at = `lines[${i}]`;
      if (line === null || typeof line !== 'object') {
        errors.push(`${at} must be an object`);
        return;
      }
      const product = typeof line.productId === 'string' ? byId.get(line.productId) : undefined;
      if (typeof line.productId !== 'string') errors.push(`${at}.productId must be a string`);
      else if (!product) errors.push(`${at}.productId: unknown product '${line.productId}'`);
      const { quantity } = line;
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > QUANTITY_MAX) {
        errors.push(`${at}.quantity must be a whole number from 1 to ${QUANTITY_MAX}`);
      } else if (product && quantity > product.stock) {
        errors.push(`${at}.quantity: only ${product.stock} of '${product.id}' in stock`);
      }
      if (product) {
        priced.push({
          productId: product.id,
          name: product.name,
          quantity,
          unitPriceCents: product.priceCents,
          amountCents: product.priceCents * quantity,
        });
      }
    });
    if (errors.length > 0) throw new ValidationError('invalid quote request', errors);

    const subtotalCents = priced.reduce((sum, l) => sum + l.amountCents, 0);
    const taxCents = Math.round(subtotalCents * taxRate);
    return { lines: priced, subtotalCents, taxCents, totalCents: subtotalCents + taxCents };
  }

  return { list, get, listCategory, quote };
}
