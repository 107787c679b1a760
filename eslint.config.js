import js from "@eslint/js";
import tseslint from "typescript-eslint";

const forbid = (...dirs) => ({
  patterns: dirs.map((d) => ({
    group: [`@/${d}`, `@/${d}/**`, `**/${d}/**`, `../${d}`, `../../${d}`],
    message: `Dependency direction (STYLE.md §2): this folder must not import from ${d}/.`,
  })),
});

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "e2e/screenshots/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
  // lib/ is pure: no server, db, workers, app or components.
  { files: ["lib/**/*.ts"], rules: { "no-restricted-imports": ["error", forbid("server", "db", "workers", "app", "components")] } },
  // db/ depends on lib only (types).
  { files: ["db/**/*.ts"], rules: { "no-restricted-imports": ["error", forbid("server", "workers", "app", "components")] } },
  // workers never reach into routers or the UI.
  { files: ["workers/**/*.ts"], rules: { "no-restricted-imports": ["error", forbid("server/routers", "app", "components")] } },
  // UI reaches the server only through `import type { AppRouter }` and server/rsc.ts.
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/db", "@/db/**", "@/workers/**"], message: "UI must not import db/ or workers/ (STYLE.md §2)." }] },
      ],
    },
  },
  // Pages and components use the server only via server/rsc.ts (route handlers in app/api are the HTTP edge).
  {
    files: ["app/**/*.tsx", "components/**/*.{ts,tsx}"],
    ignores: ["app/api/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/db", "@/db/**", "@/workers/**"], message: "UI must not import db/ or workers/ (STYLE.md §2)." },
            { group: ["@/server/*", "!@/server/rsc", "!@/server/root"], message: "UI reaches the server through server/rsc.ts (RSC) or `import type { AppRouter }`." },
          ],
        },
      ],
    },
  },
  { files: ["**/*.mjs", "**/*.js"], languageOptions: { globals: { URL: "readonly", console: "readonly", process: "readonly" } } },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly", __dirname: "readonly", process: "readonly" } } },
);
