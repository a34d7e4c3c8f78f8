// A stand-in legacy identity provider for trying migrate locally: it issues opaque access tokens for an email
// and answers OIDC UserInfo requests for them, the way Auth0's /userinfo does. Dependency-free Node.
//
//   node scripts/dev-userinfo.mjs [port]          (default 7070)
//   POST /tokens   {"email": "alice@example.com"}  -> {"access_token": "...", "token_type": "Bearer"}
//   GET  /userinfo  Authorization: Bearer <token>   -> {"sub": "...", "email": "...", "email_verified": true}
import { createServer } from "node:http";
import { randomBytes, createHash } from "node:crypto";

const port = Number(process.argv[2] ?? 7070);
const tokens = new Map(); // access token -> email

createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  if (req.method === "POST" && req.url === "/tokens") {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      let email;
      try { email = JSON.parse(raw).email; } catch { return send(400, { error: "invalid_request" }); }
      if (typeof email !== "string" || !email.includes("@")) return send(400, { error: "invalid_request", error_description: "email is required" });
      const token = randomBytes(32).toString("base64url");
      tokens.set(token, email);
      send(200, { access_token: token, token_type: "Bearer", expires_in: 86400 });
    });
    return;
  }
  if (req.method === "GET" && req.url === "/userinfo") {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const email = match && tokens.get(match[1]);
    if (!email) {
      res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' });
      return res.end();
    }
    const sub = "dev|" + createHash("sha256").update(email).digest("hex").slice(0, 24);
    return send(200, { sub, email, email_verified: true });
  }
  send(404, { error: "not_found" });
}).listen(port, "127.0.0.1", () => console.log(`dev UserInfo endpoint: http://127.0.0.1:${port}/userinfo (tokens: POST http://127.0.0.1:${port}/tokens)`));
