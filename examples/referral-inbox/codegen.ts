// GraphQL Code Generator: typed documents for every `graphql()` call in src/, from Hearth's SDL.
// `npm run codegen` writes src/gql/ (committed); `npm run check-types` regenerates into a temp dir
// (CODEGEN_OUT) and fails if the committed files differ, so they always match ../../schema.graphql.
import type { CodegenConfig } from '@graphql-codegen/cli';

const out = process.env.CODEGEN_OUT ?? './src/gql/';

const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    [out]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Hearth's scalars arrive as JSON strings (Date: yyyy-mm-dd, DateTime: RFC 3339).
        scalars: { Date: 'string', DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
      },
    },
  },
};

export default config;
