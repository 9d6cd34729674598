// Lint setup: typescript-eslint's strict rules, plus one architectural rule:
// the verifier is pure analysis and must never reach into the kernel binding,
// the VM harness or the agent (dependencies point one way).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "build/", "node_modules/", "bpf/"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/kernel/ffi/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "koffi", message: "only src/kernel/ffi/ may touch FFI" }] },
      ],
    },
  },
  {
    files: ["src/verifier/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/kernel/**", "**/vm/**", "**/agent/**", "**/cli/**", "koffi"],
              message:
                "the verifier is pure: it must not depend on the kernel binding, the VM, the agent or FFI",
            },
          ],
        },
      ],
    },
  },
);
