// A do-nothing OTLP/HTTP receiver on loopback: answers every export with 200 and an empty protobuf body (a valid empty
// Export*ServiceResponse), and counts what it received. For measuring the exporter's cost on the Server, not the backend's.
// With FILE, it also appends every export body (protobuf as sent) to FILE, for tests that look for span names in it
// (scripts/test-host.sh).
//   node bench/worker/otlp-sink.mjs PORT [FILE]
import http from "node:http";
import { appendFileSync } from "node:fs";
const [portArg, file] = process.argv.slice(2);
const port = Number(portArg);
let requests = 0, bytes = 0;
http.createServer((req, res) => {
  const chunks = [];
  req.on("data", c => { bytes += c.length; if (file) chunks.push(c); });
  req.on("end", () => {
    requests++;
    if (file) appendFileSync(file, Buffer.concat(chunks));
    res.writeHead(200, { "Content-Type": "application/x-protobuf" }); res.end();
  });
}).listen(port, "127.0.0.1");
process.on("SIGTERM", () => { console.log(JSON.stringify({ requests, bytes })); process.exit(0); });
