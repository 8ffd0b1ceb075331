// Log in, then create, list, update and delete a post of the demo through a
// client generated from its OpenAPI document: openapi-typescript writes api.d.ts
// (beside this file, in a temporary folder), openapi-fetch sends the
// requests.  tests/functional/test_generated_clients.py type-checks it
// (tsc --noEmit), compiles it and runs it with node against the demo:
//   node dist/crud.js http://127.0.0.1:PORT
// Any failure throws: a non-zero exit with the reason on stderr.
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type Post = components['schemas']['PostOut'];
type Problem = components['schemas']['Problem'];
type Token = components['schemas']['TokenOut'];

// A demo user (demo/README.md): writing needs a login.
const PASSWORD_LOGIN = `Basic ${btoa('alice:wonderland')}`;

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

async function main(baseUrl: string): Promise<void> {
  // Anonymous: refused with a challenge; a password gets a bearer token.
  const anonymous = createClient<paths>({ baseUrl });
  const refused = await anonymous.POST('/posts', {
    body: { title: 'Anonymous', body: 'No login.' },
  });
  check(refused.response.status === 401, `anonymous: ${refused.response.status}`);
  check(refused.response.headers.get('WWW-Authenticate') !== null,
        'a challenge');
  const login = await anonymous.POST('/tokens', {
    headers: { Authorization: PASSWORD_LOGIN },
  });
  const token: Token | undefined = login.data;
  check(token !== undefined, `login: ${login.response.status}`);
  check(token.token_type === 'Bearer', `token type: ${token.token_type}`);
  const client = createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${token.access_token}` },
  });

  const created = await client.POST('/posts', {
    body: { title: 'From TypeScript', body: 'Generated client.' },
  });
  check(created.response.status === 201, `create: ${created.response.status}`);
  const post: Post | undefined = created.data;
  check(post !== undefined, 'create: no body');
  check(post.title === 'From TypeScript', `create: ${post.title}`);
  check(post.published === false && post.tags.length === 0, 'defaults');
  check(post.author === 'alice', `author: ${post.author}`);
  const location: string | null = created.response.headers.get('Location');
  check(location !== null && location.endsWith(`/posts/${post.id}`),
        `Location: ${location}`);

  const listed = await client.GET('/posts', {
    params: { query: { limit: 100 } },
  });
  check(listed.data !== undefined, `list: ${listed.response.status}`);
  check(listed.data.items.some((item) => item.id === post.id), 'list');

  const patched = await client.PATCH('/posts/{id}', {
    params: { path: { id: post.id } },
    body: { published: true, tags: ['ts'] },
  });
  check(patched.data !== undefined, `patch: ${patched.response.status}`);
  check(patched.data.published && patched.data.title === post.title,
        'patch');

  const invalid = await client.POST('/posts', {
    body: { title: '', body: 'x' },
  });
  const problem: Problem | undefined = invalid.error;
  check(invalid.response.status === 400 && problem !== undefined,
        `invalid: ${invalid.response.status}`);
  check(problem.errors?.[0]?.name === 'title', 'the error names the field');

  const deleted = await client.DELETE('/posts/{id}', {
    params: { path: { id: post.id } },
  });
  check(deleted.response.status === 204, `delete: ${deleted.response.status}`);
  const gone = await client.GET('/posts/{id}', {
    params: { path: { id: post.id } },
  });
  check(gone.response.status === 404 && gone.error?.status === 404,
        `gone: ${gone.response.status}`);
  const revoked = await client.DELETE('/tokens/current');
  check(revoked.response.status === 204, `revoke: ${revoked.response.status}`);
  const after = await client.GET('/me');
  check(after.response.status === 401, `revoked: ${after.response.status}`);
  console.log(`created, listed, patched and deleted post ${post.id}`);
}

const baseUrl = process.argv[2];
if (baseUrl === undefined) {
  throw new Error('usage: node dist/crud.js BASE_URL');
}
await main(baseUrl);
