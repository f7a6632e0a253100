export default 'm';
