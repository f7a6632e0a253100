// bench/package/nft-trace.mjs DIR HANDLER_FILE [--ignore-aws-sdk]: @vercel/nft's
// trace of one handler, printed as JSON {files: [...]} (paths relative to DIR).
import { nodeFileTrace } from '@vercel/nft';
import path from 'node:path';

const [dir, handler, flag] = process.argv.slice(2);
const { fileList } = await nodeFileTrace([path.join(dir, handler)], {
  base: dir,
  ignore: flag === '--ignore-aws-sdk' ? ['node_modules/@aws-sdk/**'] : [],
});
console.log(JSON.stringify({ files: [...fileList].sort() }));
