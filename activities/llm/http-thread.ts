// Worker-thread entry of the gateway's HTTP (http.ts): one openai client per endpoint
// setting, kept for the thread's life so connections are reused.
import OpenAI from 'openai';
import { serveThread } from '../../system/threads';
import { crossable, type HttpThreadMethods, type PostRequest, postCompletion } from './http';

const clients = new Map<string, OpenAI>();

function client(endpoint: PostRequest['endpoint']): OpenAI {
  const key = JSON.stringify(endpoint);
  let found = clients.get(key);
  if (!found) {
    found = new OpenAI({
      baseURL: endpoint.baseURL,
      apiKey: endpoint.apiKey,
      timeout: endpoint.timeoutMs,
      maxRetries: endpoint.maxRetries,
    });
    clients.set(key, found);
  }
  return found;
}

serveThread(
  (): HttpThreadMethods => ({
    post: (request, signal) =>
      postCompletion(client(request.endpoint), request, signal).catch((error) => {
        throw crossable(error);
      }),
  }),
);
