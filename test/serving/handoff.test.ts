// The serving handoff against the simulated lab (vllm-lora and command modes)
// and against a tiny stand-in server for the failures the lab does not produce.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HandoffError, handoffModel, listModels } from '../../activities/serving';
import { type Lab, startLab } from '../../lab/server';

let lab: Lab;
before(async () => {
  lab = await startLab({ port: 0, seed: 1 });
});
after(async () => {
  await lab?.close();
});

/** A trained Solver as the lab's simulated trainer leaves it: <dir>/model.json. */
async function trainedSolver(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'socratic-handoff-test-'));
  const model = { role: 'solver', parent: 'lab-solver', skills: { arithmetic: 3.5, algebra: 3 } };
  await writeFile(join(dir, 'model.json'), JSON.stringify(model));
  return dir;
}

async function served(name: string): Promise<boolean> {
  return (await listModels({ baseUrl: lab.url })).some((m) => m.id === name);
}

/** `node -e <script> -- args…`: the script sees the args as process.argv.slice(1). */
function nodeScript(script: string, ...args: string[]): string[] {
  return [process.execPath, '-e', script, '--', ...args];
}

/** Loads an adapter into the lab, as an operator's deploy script would. */
const DEPLOY_SCRIPT = `
  const [url, name, path] = process.argv.slice(1);
  fetch(url + '/load_lora_adapter', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lora_name: name, lora_path: path }),
  }).then(async (r) => { console.log(await r.text()); process.exit(r.ok ? 0 : 1); });
`;

/** A server whose /v1/models never lists anything new, or that answers `status` to everything. */
async function standInServer(
  opts: { status?: number; body?: string } = {},
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (opts.status) {
      res.writeHead(opts.status, { 'content-type': 'text/plain' });
      res.end(opts.body ?? 'no');
      return;
    }
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'base', object: 'model' }] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('Success');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, server };
}

describe('handoffModel', () => {
  it('static: returns the configured name without contacting anything', async () => {
    const result = await handoffModel({
      mode: 'static',
      baseUrl: 'http://127.0.0.1:1/v1',
      modelName: 'my-solver',
      modelPath: '/nowhere',
      timeoutSeconds: 1,
    });
    assert.deepEqual(result, { model: 'my-solver' });
  });

  it('vllm-lora: loads the adapter, and a second call is a no-op', async () => {
    const modelPath = await trainedSolver();
    const opts = {
      mode: 'vllm-lora',
      baseUrl: lab.url,
      modelName: 'solver-r1',
      modelPath,
      timeoutSeconds: 5,
    } as const;
    assert.equal(await served('solver-r1'), false);
    assert.deepEqual(await handoffModel(opts), { model: 'solver-r1' });
    assert.equal(await served('solver-r1'), true);
    assert.deepEqual(await handoffModel(opts), { model: 'solver-r1' });
  });

  it('vllm-lora: a name already serving another model is an error, not a success', async () => {
    const first = await trainedSolver();
    const second = await trainedSolver();
    const opts = {
      mode: 'vllm-lora',
      baseUrl: lab.url,
      modelName: 'solver-taken',
      timeoutSeconds: 5,
    } as const;
    await handoffModel({ ...opts, modelPath: first });
    await assert.rejects(handoffModel({ ...opts, modelPath: second }), (err) => {
      assert.ok(err instanceof HandoffError);
      assert.match(err.message, /already serves "solver-taken" from/);
      return true;
    });
  });

  it('vllm-lora: a bad adapter path gives the status and the server message', async () => {
    await assert.rejects(
      handoffModel({
        mode: 'vllm-lora',
        baseUrl: lab.url,
        modelName: 'solver-missing',
        modelPath: '/nonexistent/model',
        timeoutSeconds: 5,
      }),
      (err) => {
        assert.ok(err instanceof HandoffError);
        assert.equal(err.status, 400);
        assert.match(err.message, /HTTP 400/);
        assert.match(err.message, /No adapter found for \/nonexistent\/model/);
        return true;
      },
    );
    assert.equal(await served('solver-missing'), false);
  });

  it('vllm-lora: treats vLLM\'s "already been loaded" 400 as success', async () => {
    // Another worker loaded it between our check and our POST.
    const alreadyLoaded = JSON.stringify({
      object: 'error',
      message: "The lora adapter 'x' has already been loaded.",
      code: 400,
    });
    let listed = false;
    const server = createServer((req, res) => {
      if (req.url === '/v1/models') {
        const data = listed ? [{ id: 'x', root: '/models/x' }] : [];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data }));
        return;
      }
      listed = true;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(alreadyLoaded);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await handoffModel({
        mode: 'vllm-lora',
        baseUrl: `http://127.0.0.1:${port}/v1`,
        modelName: 'x',
        modelPath: '/models/x/',
        timeoutSeconds: 5,
      });
      assert.deepEqual(result, { model: 'x' });
    } finally {
      server.close();
    }
  });

  it('vllm-lora: HTTP errors carry the status and body; 404 hints at runtime LoRA updating', async () => {
    const { url, server } = await standInServer({ status: 404, body: 'Not Found' });
    try {
      await assert.rejects(
        handoffModel({
          mode: 'vllm-lora',
          baseUrl: url,
          modelName: 'x',
          modelPath: '/m',
          timeoutSeconds: 5,
        }),
        (err) => {
          assert.ok(err instanceof HandoffError);
          assert.equal(err.status, 404);
          assert.match(err.message, /GET .*\/v1\/models returned HTTP 404: Not Found/);
          return true;
        },
      );
    } finally {
      server.close();
    }
  });

  it('vllm-lora: times out when the adapter never shows up', async () => {
    const { url, server } = await standInServer();
    try {
      const started = Date.now();
      await assert.rejects(
        handoffModel({
          mode: 'vllm-lora',
          baseUrl: url,
          modelName: 'ghost',
          modelPath: '/m',
          timeoutSeconds: 1,
        }),
        (err) => {
          assert.ok(err instanceof HandoffError);
          assert.match(err.message, /"ghost" \(vllm-lora\) timed out after 1 s/);
          assert.match(err.message, /last poll: listed \["base"\]/);
          return true;
        },
      );
      assert.ok(Date.now() - started < 5000);
    } finally {
      server.close();
    }
  });

  it('command: runs the deploy argv with {model} and {path} substituted, then waits for the listing', async () => {
    const modelPath = await trainedSolver();
    const result = await handoffModel({
      mode: 'command',
      baseUrl: lab.url,
      modelName: 'solver-cmd',
      modelPath,
      command: nodeScript(DEPLOY_SCRIPT, lab.url, '{model}', '{path}'),
      timeoutSeconds: 10,
    });
    assert.deepEqual(result, { model: 'solver-cmd' });
    const listed = (await listModels({ baseUrl: lab.url })).find((m) => m.id === 'solver-cmd');
    assert.equal(listed?.root, modelPath);
  });

  it('command: substitutes placeholders inside arguments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socratic-handoff-test-'));
    const out = join(dir, 'argv.json');
    const script =
      'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))';
    await assert.rejects(
      handoffModel({
        mode: 'command',
        baseUrl: lab.url,
        modelName: 'm1',
        modelPath: '/p/1',
        command: nodeScript(
          script,
          out,
          '--name={model}',
          '--adapter={path}:{model}',
          'no $HOME expansion',
        ),
        timeoutSeconds: 1,
      }),
      HandoffError, // nothing loads m1, so the wait times out
    );
    const argv = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(argv, ['--name=m1', '--adapter=/p/1:m1', 'no $HOME expansion']);
  });

  it('command: a failing deploy command is reported with its exit code and output', async () => {
    await assert.rejects(
      handoffModel({
        mode: 'command',
        baseUrl: lab.url,
        modelName: 'm2',
        modelPath: '/p/2',
        command: nodeScript('console.error("deploy: no GPUs free"); process.exit(3)'),
        timeoutSeconds: 5,
      }),
      (err) => {
        assert.ok(err instanceof HandoffError);
        assert.match(err.message, /exited with code 3/);
        assert.match(err.message, /deploy: no GPUs free/);
        return true;
      },
    );
  });

  it('command: a deploy command that hangs is killed at the timeout', async () => {
    const started = Date.now();
    await assert.rejects(
      handoffModel({
        mode: 'command',
        baseUrl: lab.url,
        modelName: 'm3',
        modelPath: '/p/3',
        command: nodeScript('setInterval(() => {}, 1000)'),
        timeoutSeconds: 1,
      }),
      (err) => {
        assert.ok(err instanceof HandoffError);
        assert.match(err.message, /timed out after 1 s while running/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 6000);
  });

  it('passes a caller abort through unchanged', async () => {
    const reason = new Error('workflow cancelled');
    await assert.rejects(
      handoffModel({
        mode: 'command',
        baseUrl: lab.url,
        modelName: 'm4',
        modelPath: '/p/4',
        command: nodeScript('setInterval(() => {}, 1000)'),
        timeoutSeconds: 30,
        signal: abortAfter(300, reason),
      }),
      (err) => err === reason,
    );
  });
});

function abortAfter(ms: number, reason: Error): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), ms);
  return controller.signal;
}
