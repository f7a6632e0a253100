module.exports = 'outside the service';
