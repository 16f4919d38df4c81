// The standard graphql-ws client, as an app would use it: connectionParams is a
// function that fetches a fresh token on every (re)connect. Prints one JSON line per
// event. Usage: node reconnect.mjs <ws url> <circle id> <token> [<token> ...]
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, circleId, ...tokens] = process.argv.slice(2);
let attempt = 0;
const say = (event) => console.log(JSON.stringify(event));

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: () => ({ authToken: tokens[Math.min(attempt++, tokens.length - 1)] }),
  retryAttempts: 5,
  retryWait: () => new Promise((resolve) => setTimeout(resolve, 200)),
  on: {
    connected: () => say({ event: "connected", attempt }),
    closed: (e) => say({ event: "closed", code: e.code }),
  },
});

client.subscribe(
  {
    query:
      "subscription($id: ID!) { circleActivity(circleId: $id) { __typename ... on PostCreated { post { body } } } }",
    variables: { id: circleId },
  },
  {
    next: (data) => say({ event: "next", data }),
    error: (error) => {
      say({ event: "error", code: error?.code ?? null, message: String(error?.reason ?? error) });
      process.exit(1);
    },
    complete: () => say({ event: "complete" }),
  },
);
