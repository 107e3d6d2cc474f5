/**
 * The lint rule that keeps requests in api.ts files: the project's own ESLint configuration (found from
 * the working directory, ui/, as `npm test` runs), on code placed in name only at the paths it must
 * reject or allow.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-globals', 'no-restricted-properties'])

const eslint = new ESLint({
  // Only the boundary rules, on code that is not on disk: they need no type information.
  ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
})

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message)
}

const REQUESTS = `
import { api, unwrap } from '../api/client'
import createClient from 'openapi-fetch'

export async function load(): Promise<unknown> {
  await fetch('/api/v1/experiments')
  await window.fetch('/api/v1/experiments')
  await globalThis.fetch('/api/v1/experiments')
  return [createClient, await unwrap(api.GET('/api/v1/auth/me'))]
}
`

describe('requests outside api.ts', () => {
  it.each(['src/runs/RunsPage.tsx', 'src/auth/useCan.ts', 'src/models/ModelPage.tsx'])('are refused in %s', async (path) => {
    expect(await violations(path, REQUESTS)).toEqual([
      'no-restricted-imports',
      'no-restricted-imports',
      'no-restricted-globals',
      'no-restricted-properties',
      'no-restricted-properties',
    ])
  })

  it('are refused whichever way the client module is named', async () => {
    for (const source of ['../api/client', '../../api/client.ts', './api/client']) {
      expect(await violations('src/runs/RunsTable.tsx', `import { api } from '${source}'\nexport const a = api\n`)).toEqual([
        'no-restricted-imports',
      ])
    }
  })

  it.each(['src/runs/api.ts', 'src/models/api.ts', 'src/api/session.ts'])('are allowed in %s', async (path) => {
    expect(await violations(path, REQUESTS)).toEqual([])
  })

  it('leave other imports from src/api alone', async () => {
    const code = `import { ApiError } from '../api/errors'\nimport type { Run } from '../api/types'\nexport const a: [typeof ApiError, Run | null] = [ApiError, null]\n`
    expect(await violations('src/runs/RunsTable.tsx', code)).toEqual([])
  })
})
