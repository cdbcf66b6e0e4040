// Test-server middleware for the browser tests: serves any file of the repository under
// /__image/<spec>/<path>, logging the requests and breaking chosen blobs, so tests can count
// what the engine fetched and check how it meets a bad server. <spec> is a comma-separated
// list of:
//   log=<token>         record each request; GET /__image-log/<token> returns the paths as JSON
//   corrupt=<sha256>    serve that blob with one byte of its content changed (re-gzipped)
//   truncate=<sha256>   serve the first half of that blob's file
//   status=<code>:<sha256|all>   answer that blob (or every blob) with HTTP <code>
//   cors                add Access-Control-Allow-Origin: * (for cross-origin tests)
//   <fault>:<target>    a hostile answer from test/support/fault-server.js (stall, bomb, html...)
import { readFileSync, existsSync, statSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FAULTS, faultFor, parseFaults, respond } from '../../support/fault-server.js';

const logs = new Map();

function parseSpec(text) {
  const spec = { faults: new Map(), hostile: [] };
  for (const part of text.split(',')) {
    const [key, value = ''] = part.split('=');
    if (FAULTS.includes(key.split(':')[0])) spec.hostile.push(...parseFaults(key));
    else if (key === 'log') spec.log = value;
    else if (key === 'cors') spec.cors = true;
    else if (key === 'corrupt' || key === 'truncate') spec.faults.set(value, key);
    else if (key === 'status') {
      const [code, target] = value.split(':');
      spec.faults.set(target, Number(code));
    }
  }
  return spec;
}

export function imageServer(root) {
  return async (context, next) => {
    const logMatch = /^\/__image-log\/([^/]+)$/.exec(context.path);
    if (logMatch) {
      context.body = JSON.stringify(logs.get(logMatch[1]) ?? []);
      context.type = 'application/json';
      return;
    }
    const m = /^\/__image\/([^/]+)(\/.*)$/.exec(context.path);
    if (!m) return next();
    const spec = parseSpec(m[1]);
    const path = m[2];
    if (spec.cors) context.set('Access-Control-Allow-Origin', '*');
    if (spec.log) {
      if (!logs.has(spec.log)) logs.set(spec.log, []);
      logs.get(spec.log).push(path);
    }
    const file = root + path.slice(1);
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
      context.status = 404;
      return;
    }
    const hostile = faultFor(spec.hostile, path);
    if (hostile) {
      context.respond = false; // written (or left hanging) by the fault server's code
      await respond(context.res, {
        fault: hostile,
        body: readFileSync(file),
        type: 'application/octet-stream',
      });
      return;
    }
    const blob = /([0-9a-f]{64})\.gz$/.exec(path)?.[1];
    const fault = blob && (spec.faults.get(blob) ?? spec.faults.get('all'));
    let body = readFileSync(file);
    if (typeof fault === 'number') {
      context.status = fault;
      context.body = `HTTP ${fault} from the test server`;
      return;
    }
    if (fault === 'corrupt') {
      const content = gunzipSync(body);
      content[content.length >> 1] ^= 0x40;
      body = gzipSync(content);
    } else if (fault === 'truncate') {
      body = body.subarray(0, body.length >> 1);
    }
    context.status = 200;
    context.set('Cache-Control', 'no-store');
    context.type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    context.body = body;
  };
}
