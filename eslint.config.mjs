// Lint rules: the recommended sets, plus the habits this codebase keeps (no floating promises
// in services would need type information; the type-checked run is `tsc --noEmit`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
	{ ignores: ["dist/**", "node_modules/**", ".data/**", ".test-data/**"] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		rules: {
			"@typescript-eslint/no-require-imports": "off",
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
			"no-console": ["error", { allow: ["warn", "error"] }],
			eqeqeq: ["error", "always"],
			"prefer-const": "error"
		}
	},
	{
		files: ["test/**", "bench/**", "lib/repl/**", "scripts/**"],
		rules: { "no-console": "off" }
	}
);
