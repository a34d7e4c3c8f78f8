// A do-nothing OTLP/HTTP receiver on loopback: answers every export with 200 and an empty protobuf body (a valid empty
// Export*ServiceResponse), and counts what it received. For measuring the exporter's cost on the Server, not the backend's.
//   node bench/worker/otlp-sink.mjs PORT
import http from "node:http";
const port = Number(process.argv[2]);
let requests = 0, bytes = 0;
http.createServer((req, res) => {
  req.on("data", c => { bytes += c.length; });
  req.on("end", () => { requests++; res.writeHead(200, { "Content-Type": "application/x-protobuf" }); res.end(); });
}).listen(port, "127.0.0.1");
process.on("SIGTERM", () => { console.log(JSON.stringify({ requests, bytes })); process.exit(0); });
