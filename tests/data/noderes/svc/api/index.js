module.exports.handler = async () => ({ statusCode: 200 });
