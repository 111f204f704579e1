// The official MCP TypeScript SDK client (protocol 2025-11-25, elicitation
// declared) calls cancel_booking over streamable HTTP and answers the
// server's confirmation question with ANSWER (accept, decline or cancel):
// the client of the report that opened issue #12.
//
// MCP_URL is the server's MCP endpoint, ONCEHUB_KEY the key, BOOKING the
// booking. One JSON line is printed; the Go test (sessions_e2e_test.go)
// checks it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const answer = process.env.ANSWER;
const asked = [];
const client = new Client({ name: 'ts-sdk-confirm-test', version: '1' }, { capabilities: { elicitation: { form: {} } } });
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  asked.push(request.params.message);
  return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: answer };
});
const transport = new StreamableHTTPClientTransport(new URL(process.env.MCP_URL), {
  requestInit: { headers: { 'API-Key': process.env.ONCEHUB_KEY } },
});
await client.connect(transport);
const result = await client.callTool({ name: 'cancel_booking', arguments: { booking_id: process.env.BOOKING, reason: 'TypeScript SDK' } });
console.log(JSON.stringify({
  session: Boolean(transport.sessionId),
  protocol: transport.protocolVersion,
  asked,
  isError: Boolean(result.isError),
  text: result.content.map((c) => c.text ?? '').join(''),
}));
await transport.terminateSession();
await client.close();
