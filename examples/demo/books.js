// A tiny read-only catalogue: GET /books and GET /books/{id}.
// The data is loaded once per worker, outside the handler, as on Lambda.
const BOOKS = new Map([
  ['1', { id: '1', title: 'The C Programming Language', year: 1978 }],
  ['2', { id: '2', title: 'Advanced Programming in the UNIX Environment', year: 1992 }],
]);

function json(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

exports.handler = async (event) => {
  const id = event.pathParameters && event.pathParameters.id;
  if (!id) return json(200, [...BOOKS.values()]);
  if (id === 'crash') throw new Error('the demo crashes on purpose for /books/crash');
  const book = BOOKS.get(id);
  return book ? json(200, book) : json(404, { message: `no book with id ${id}` });
};
