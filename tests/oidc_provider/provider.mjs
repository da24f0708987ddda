// A real OpenID Connect provider (the certified `oidc-provider` package) for the review app's sign-in tests.
// Started by tests/builders/oidc.py: node provider.mjs CONFIG_JSON. It signs anyone in with any password
// (the package's development log-in form); the tests decide who is granted what in the review app.
// CONFIG_JSON: {"port": N, "issuer": URL, "clients": [{"client_id", "client_secret", "redirect_uris"}]}
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);

const provider = new Provider(config.issuer, {
  clients: config.clients.map((client) => ({
    ...client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [config.cookie_key || 'test-only-cookie-key'] },
  // The account is the login typed into the form; its e-mail is the login itself.
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: `Signed in as ${id}` };
      },
    };
  },
});

// The development form warns on every request; the tests read only the ready line.
provider.on('server_error', (ctx, error) => console.error('server_error', error));
provider.listen(config.port, '127.0.0.1', () => {
  console.log(`ready ${config.issuer}`);
});
