exports.noop = async (event) => ({ ok: true });
