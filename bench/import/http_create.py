"""Creates members through the HTTP API one request at a time (keep-alive, no concurrency): the baseline the import is
compared with. Usage: http_create.py API_URL PROJECT SECRET ORGANIZATION FIRST COUNT. Prints seconds elapsed."""
import base64, http.client, json, sys, time, urllib.parse

url, project, secret, organization, first, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
parsed = urllib.parse.urlparse(url)
connection = http.client.HTTPConnection(parsed.hostname, parsed.port)
headers = {"Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode(f"{project}:{secret}".encode()).decode()}
start = time.monotonic()
for i in range(first, first + count):
    body = json.dumps({"email_address": f"http{i}@corp.example", "external_id": f"http-{i}", "name": f"User {i}"})
    connection.request("POST", f"/v1/b2b/organizations/{organization}/members", body, headers)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"HTTP {response.status} for row {i}")
print(f"{time.monotonic() - start:.3f}")
